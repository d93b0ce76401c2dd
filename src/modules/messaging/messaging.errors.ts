import { defineErrors } from '../../platform/errors.js';

export const messagingError = defineErrors({
  sms_not_configured: { status: 503, en: 'Text messages are not set up for this shop yet.', zh: '本店尚未配置短信服务。' },
  sms_provider_unavailable: { status: 400, en: 'This SMS provider is not available in this mode.', zh: '当前模式下不可使用该短信服务商。' },
  sms_settings_incomplete: { status: 400, en: 'The SMS provider needs its key, secret, signature and template.', zh: '短信服务商需要填写密钥、签名和模板。' },
});
