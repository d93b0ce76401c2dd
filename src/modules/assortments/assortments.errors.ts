import { defineErrors } from '../../platform/errors.js';

export const assortmentError = defineErrors({
  assortment_not_found: { status: 404, en: 'No such assortment.', zh: '货盘不存在。' },
  offer_not_found: { status: 404, en: 'This SKU is not offered to this B node by that assortment now.', zh: '该货盘当前未向此门店/团长供应该 SKU。' },
  sku_not_of_supplier: { status: 422, en: 'An assortment may hold only its supplier’s own SKUs.', zh: '货盘只能包含本供应商的 SKU。' },
  band_invalid: { status: 422, en: 'A retail band needs 0 < floor ≤ ceiling.', zh: '零售价区间须满足 0 < 最低价 ≤ 最高价。' },
  validity_invalid: { status: 422, en: 'The validity must end after it starts.', zh: '有效期的结束时间须晚于开始时间。' },
  target_unknown: { status: 422, en: 'The targeting names a region or B node the tenant does not have.', zh: '定向中的区域或门店/团长不存在。' },
  assortment_closed: { status: 409, en: 'A withdrawn or expired assortment cannot change.', zh: '已撤回或已过期的货盘不能修改。' },
  supplier_required: { status: 422, en: 'Name the supplier whose assortment this is.', zh: '请指定货盘所属的供应商。' },
});
