import { defineErrors } from '../../platform/errors.js';

export const subscribeMessageError = defineErrors({
  template_not_found: { status: 404, en: 'No template is set for this event.', zh: '该事件尚未配置订阅消息模板。' },
});
