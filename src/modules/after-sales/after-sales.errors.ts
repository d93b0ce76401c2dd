import { defineErrors } from '../../platform/errors.js';

export const afterSalesError = defineErrors({
  request_not_found: { status: 404, en: 'No such after-sales request.', zh: '售后申请不存在。' },
  action_not_found: { status: 404, en: 'No such item to act on.', zh: '待处理事项不存在。' },
  return_window_closed: { status: 409, en: 'The goods were picked up longer ago than this shop accepts refund requests.', zh: '已超过本店提货后可申请退款的期限。' },
  refund_request_required: { status: 409, en: 'Once the goods are on their way, a refund is asked for with an after-sales request that the shop approves.', zh: '商品已备货或已提货，请提交售后申请，由门店审核退款。' },
  request_not_open: { status: 409, en: 'This request has already been decided.', zh: '该申请已处理。' },
  action_resolved: { status: 409, en: 'This item was already resolved.', zh: '该事项已处理。' },
});
