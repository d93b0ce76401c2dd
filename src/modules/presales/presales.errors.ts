import { defineErrors } from '../../platform/errors.js';

export const presaleError = defineErrors({
  presale_not_found: { status: 404, en: 'No such pre-sale.', zh: '团购活动不存在。' },
  presale_closed: { status: 409, en: 'This pre-sale is past its cutoff: orders are no longer taken.', zh: '本期团购已截单，无法下单。' },
  sku_not_in_presale: { status: 422, en: 'A SKU in the cart is not part of this pre-sale.', zh: '购物车中有不属于本期团购的商品。' },
  window_not_open: { status: 409, en: 'A pre-sale needs a sales window that is still open.', zh: '团购活动需要绑定尚未截单的销售场次。' },
  presale_sku_not_listed: { status: 422, en: 'No shop lists a SKU of the pre-sale: it has no price to sell or judge at. List it first.', zh: '团购商品尚未在任何门店上架，无定价可售可审，请先上架。' },
  unknown_sku: { status: 422, en: 'A SKU of the pre-sale does not exist.', zh: '团购商品不存在。' },
  no_pickup_order: { status: 422, en: 'No order waiting for pickup here has this code.', zh: '本自提点没有使用该提货码的待提订单。' },
  pickup_code_ambiguous: { status: 409, en: 'Several orders waiting here share this code: pick the order, or scan the buyer’s QR.', zh: '多个待提订单使用该提货码，请选择订单或扫描顾客二维码。' },
  pickup_already_completed: { status: 409, en: 'This order was already picked up in full.', zh: '该订单已全部提货，提货码已使用。' },
  order_not_ready_for_pickup: { status: 409, en: 'This order cannot be picked up (unpaid, refunded or closed).', zh: '该订单当前不可提货（未支付、已退款或已关闭）。' },
  pick_exceeds_order: { status: 422, en: 'More is asked than is left to pick up on a line.', zh: '提货数量超过该商品剩余可提数量。' },
  unreadable_pickup_qr: { status: 422, en: 'The scanned code is not a pickup code of this shop.', zh: '扫描的二维码不是本店提货码。' },
});
