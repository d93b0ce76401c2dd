import { defineErrors } from '../../platform/errors.js';

export const orderError = defineErrors({
  order_not_found: { status: 404, en: 'No such order.', zh: '订单不存在。' },
  out_of_stock: { status: 409, en: 'Not enough stock for this order.', zh: '库存不足，无法下单。' },
  sku_not_available: { status: 422, en: 'A SKU in the cart is not sold in this shop.', zh: '购物车中有本店未上架的商品。' },
  empty_cart: { status: 422, en: 'The cart is empty.', zh: '购物车为空。' },
  order_not_payable: { status: 409, en: 'This order can no longer be paid.', zh: '该订单已无法支付。' },
  order_not_cancellable: { status: 409, en: 'Only unpaid orders can be cancelled; paid orders are refunded.', zh: '只有未支付订单可以取消，已支付订单请申请退款。' },
  wrong_pickup_code: { status: 422, en: 'The pickup code does not match.', zh: '提货码不正确。' },
  pickup_code_locked: { status: 429, en: 'Too many wrong pickup codes for this order: try again later.', zh: '该订单提货码错误次数过多，请稍后再试。' },
  refund_exceeds_order: { status: 422, en: 'The refund asks for more than is left to refund on a line.', zh: '退款数量超过该商品可退数量。' },
  nothing_to_refund: { status: 409, en: 'Nothing is left to refund on this order.', zh: '该订单已无可退款项。' },
  order_not_refundable: { status: 409, en: 'This order has not been paid, so there is nothing to refund.', zh: '该订单未支付，无法退款。' },
  unknown_order_line: { status: 422, en: 'No such line on this order.', zh: '订单中没有该商品行。' },
});
