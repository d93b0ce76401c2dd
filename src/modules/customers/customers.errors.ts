import { defineErrors } from '../../platform/errors.js';

export const customerError = defineErrors({
  otp_throttled: { status: 429, en: 'Too many codes requested; wait before asking for another.', zh: '验证码请求过于频繁，请稍后再试。' },
  otp_invalid: { status: 401, en: 'The code is wrong.', zh: '验证码错误。' },
  otp_expired: { status: 401, en: 'No valid code for this phone: it expired, was used, or was tried too often. Request a new one.', zh: '验证码已失效（过期、已使用或错误次数过多），请重新获取。' },
  otp_required: { status: 403, en: 'Sign in with the code sent to your phone.', zh: '请使用发送到手机的验证码登录。' },
});
