import { defineErrors } from '../../platform/errors.js';

export const broadcastError = defineErrors({
  broadcast_not_found: { status: 404, en: 'No such mass message.', zh: '没有这条群发。' },
  broadcast_sender_required: { status: 400, en: 'A member\'s own mass message names the member who sends it.', zh: '成员群发需要指定发送成员。' },
  broadcast_sender_unknown: { status: 400, en: 'The sending member is not an active WeCom member of this corp.', zh: '发送成员不是本企业在职的企业微信成员。' },
  broadcast_send_at_past: { status: 400, en: 'A mass message cannot be scheduled in the past.', zh: '群发时间不能早于现在。' },
  broadcast_not_planned: { status: 409, en: 'Only a planned mass message can be sent, scheduled or cancelled.', zh: '只有已规划的群发可以发送、定时或取消。' },
  broadcast_plan_expired: { status: 409, en: 'This plan was not confirmed within 24 hours and has given its recipients\' cap slots back: plan it again.', zh: '该群发规划超过24小时未确认，已释放名额，请重新规划。' },
  broadcast_nothing_uncertain: { status: 409, en: 'No recipient of this mass message is uncertain: nothing to resend.', zh: '这条群发没有待确认的接收人，无需重发。' },
  broadcast_node_forbidden: { status: 403, en: 'A store owner messages only their own store\'s customers and groups.', zh: '店主只能群发给本店的客户和客户群。' },
});
