import { defineErrors } from '../../platform/errors.js';

export const crmError = defineErrors({
  customer_not_found: { status: 404, en: 'No such customer.', zh: '客户不存在。' },
  group_not_found: { status: 404, en: 'No such customer group.', zh: '客户群不存在。' },
  alert_not_found: { status: 404, en: 'No such open churn alert.', zh: '流失提醒不存在或已处理。' },
  tag_not_found: { status: 404, en: 'No such tag.', zh: '标签不存在。' },
  tag_group_not_found: { status: 404, en: 'No such tag group.', zh: '标签组不存在。' },
  wecom_not_connected: { status: 409, en: 'This tenant has not connected WeCom yet.', zh: '尚未连接企业微信。' },
});
