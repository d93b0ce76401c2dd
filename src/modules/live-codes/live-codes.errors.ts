import { defineErrors } from '../../platform/errors.js';

export const liveCodeError = defineErrors({
  live_code_not_found: { status: 404, en: 'No such live code.', zh: '没有这个活码。' },
  live_code_state_taken: { status: 409, en: 'Another live code already uses this state.', zh: '该渠道参数已被其他活码使用。' },
  live_code_member_unknown: { status: 400, en: 'A member of this code is not an active WeCom member.', zh: '活码中的成员不是在职的企业微信成员。' },
  live_code_group_unknown: { status: 400, en: 'A group of this code is not an active customer group.', zh: '活码中的群不是有效的客户群。' },
  live_code_node_forbidden: { status: 403, en: 'A store owner makes live codes for their own store only.', zh: '店主只能为本店创建活码。' },
  live_code_wecom_refused: { status: 502, en: 'WeCom refused to create the contact way.', zh: '企业微信拒绝创建联系我二维码。' },
});
