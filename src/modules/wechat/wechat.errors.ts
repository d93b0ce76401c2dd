import { defineErrors } from '../../platform/errors.js';

export const wechatError = defineErrors({
  wechat_app_not_connected: { status: 409, en: 'This shop has no WeChat app of that kind connected.', zh: '该店铺未接入对应的微信应用。' },
  wechat_app_invalid: { status: 400, en: 'The WeChat app settings are not valid.', zh: '微信应用配置不合法。' },
  wechat_code_invalid: { status: 401, en: 'The WeChat sign-in code is invalid, expired or already used; sign in again.', zh: '微信登录凭证无效、已过期或已被使用，请重新登录。' },
  wechat_state_invalid: { status: 401, en: 'The WeChat sign-in did not start here, expired or was already finished; start again.', zh: '微信授权状态无效、已过期或已使用，请重新发起登录。' },
  wechat_user_blocked: { status: 403, en: 'WeChat refused this account (risk control).', zh: '微信风控拦截了该用户。' },
  wechat_phone_mismatch: { status: 401, en: 'The phone number was issued for another WeChat app.', zh: '手机号凭证不属于本小程序。' },
  wechat_unavailable: { status: 503, en: 'WeChat is busy or unreachable; try again shortly.', zh: '微信服务繁忙或不可达，请稍后重试。' },
  wechat_rejected: { status: 502, en: 'WeChat refused the request.', zh: '微信拒绝了该请求。' },
  wechat_token_busy: { status: 503, en: 'Another process is fetching the WeChat access token and has not finished; try again shortly.', zh: '微信接口凭证正在刷新，请稍后重试。' },
});
