import { defineErrors } from '../../platform/errors.js';

export const fulfilmentError = defineErrors({
  window_not_found: { status: 404, en: 'No such sales window.', zh: '销售场次不存在。' },
  window_not_open: { status: 409, en: 'This sales window is no longer open.', zh: '该销售场次已结束或已取消。' },
  cutoff_in_past: { status: 422, en: 'The cutoff must be in the future.', zh: '截单时间必须晚于现在。' },
  invalid_time_zone: { status: 422, en: 'The tenant’s time zone is not a known IANA zone.', zh: '租户时区不是有效的 IANA 时区。' },
  purchase_order_not_found: { status: 404, en: 'No such purchase order.', zh: '采购单不存在。' },
  purchase_order_confirmed: { status: 409, en: 'This purchase order is already confirmed.', zh: '该采购单已确认。' },
  unknown_purchase_order_line: { status: 422, en: 'A confirmed line names a SKU that is not on this purchase order.', zh: '确认的行中含有不在该采购单上的 SKU。' },
  confirmed_over_ordered: { status: 422, en: 'A confirmed quantity exceeds what was ordered.', zh: '确认数量超过了采购数量。' },
  pick_list_not_found: { status: 404, en: 'No such pick list.', zh: '拣货单不存在。' },
});
