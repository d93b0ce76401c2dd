import { defineErrors } from '../../platform/errors.js';

export const identityError = defineErrors({
  invalid_credentials: { status: 401, en: 'Wrong tenant, login or password.', zh: '租户、账号或密码错误。' },
  tenant_not_found: { status: 404, en: 'No such tenant.', zh: '租户不存在。' },
  login_taken: { status: 409, en: 'This login is already used in the tenant.', zh: '该账号在本租户中已被使用。' },
  login_locked: { status: 429, en: 'Too many failed sign-ins: try again later.', zh: '登录失败次数过多，请稍后再试。' },
  wrong_current_password: { status: 422, en: 'The current password is wrong.', zh: '当前密码不正确。' },
  token_not_found: { status: 404, en: 'No such token.', zh: '令牌不存在。' },
  b_node_required: { status: 422, en: 'Staff and B node owners must belong to a B node: give b_node_id.', zh: '店员和门店/团长账号必须绑定门店（b_node_id）。' },
  supplier_required: { status: 422, en: 'Supplier operators must belong to a supplier: give supplier_id.', zh: '供应商账号必须绑定供应商（supplier_id）。' },
  b_node_not_found: { status: 422, en: 'No such B node in this tenant.', zh: '本租户中不存在该门店/团长。' },
  supplier_not_found: { status: 422, en: 'No such supplier in this tenant.', zh: '本租户中不存在该供应商。' },
  no_b_node: { status: 403, en: 'This account belongs to no B node; a tenant admin must assign one before it can sign in.', zh: '该账号未绑定门店/团长，请联系总部管理员绑定后再登录。' },
  no_supplier: { status: 403, en: 'This account belongs to no supplier; a tenant admin must assign one before it can sign in.', zh: '该账号未绑定供应商，请联系总部管理员绑定后再登录。' },
});
