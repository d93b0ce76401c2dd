import { defineErrors } from '../../platform/errors.js';

export const wecomError = defineErrors({
  wecom_not_connected: { status: 409, en: 'This tenant has no WeCom corp connected.', zh: '该租户未接入企业微信。' },
  wecom_settings_invalid: { status: 400, en: 'The WeCom settings are not valid.', zh: '企业微信配置不合法。' },
  wecom_callback_unknown_tenant: { status: 404, en: 'No WeCom corp is connected at this callback URL.', zh: '该回调地址未接入企业微信。' },
  wecom_callback_signature: { status: 401, en: 'The callback signature does not match.', zh: '回调签名校验失败。' },
  wecom_callback_receive_id: { status: 403, en: 'The callback was encrypted for another corp.', zh: '回调的 ReceiveId 与本企业不符。' },
  wecom_callback_malformed: { status: 400, en: 'The callback is not valid XML, base64 or a WeCom event.', zh: '回调内容不是合法的 XML、base64 或企业微信事件。' },
  wecom_token_busy: { status: 503, en: 'Another process is fetching the WeCom access token and has not finished; try again shortly.', zh: '企业微信接口凭证正在刷新，请稍后重试。' },
});
