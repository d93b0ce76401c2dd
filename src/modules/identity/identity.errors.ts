import { defineErrors } from '../../platform/errors.js';

export const identityError = defineErrors({
  invalid_credentials: { status: 401, en: 'Wrong tenant, login or password.', zh: '租户、账号或密码错误。' },
  tenant_not_found: { status: 404, en: 'No such tenant.', zh: '租户不存在。' },
  login_taken: { status: 409, en: 'This login is already used in the tenant.', zh: '该账号在本租户中已被使用。' },
  login_locked: { status: 429, en: 'Too many failed sign-ins: try again later.', zh: '登录失败次数过多，请稍后再试。' },
  wrong_current_password: { status: 422, en: 'The current password is wrong.', zh: '当前密码不正确。' },
  token_not_found: { status: 404, en: 'No such token.', zh: '令牌不存在。' },
});
