import { defineErrors } from '../../platform/errors.js';

export const couponError = defineErrors({
  coupon_template_not_found: { status: 404, en: 'No such coupon.', zh: '优惠券不存在。' },
  coupon_not_found: { status: 404, en: 'That coupon is not in your wallet.', zh: '券包中没有这张优惠券。' },
  coupon_not_claimable: { status: 409, en: 'This coupon cannot be claimed now.', zh: '该优惠券当前不可领取。' },
  coupon_claim_limit: { status: 409, en: 'You have already claimed as many of this coupon as allowed.', zh: '该优惠券已达到每人领取上限。' },
  coupon_used: { status: 409, en: 'This coupon has already been used.', zh: '该优惠券已使用。' },
  coupon_expired: { status: 409, en: 'This coupon has expired or its campaign has ended.', zh: '该优惠券已过期或活动已结束。' },
  coupon_out_of_scope: { status: 422, en: 'This coupon does not apply to anything in this order.', zh: '该优惠券不适用于本订单中的商品。' },
  coupon_threshold_not_met: { status: 422, en: 'The goods this coupon applies to do not reach its minimum.', zh: '适用商品金额未达到该优惠券的使用门槛。' },
  coupon_not_stackable: { status: 422, en: 'These coupons cannot be used together in one order.', zh: '这些优惠券不能在同一订单中叠加使用。' },
  coupon_budget_exhausted: { status: 409, en: 'This coupon’s budget has run out.', zh: '该优惠券的预算已用完。' },
  coupon_template_ended: { status: 409, en: 'This coupon campaign has ended.', zh: '该优惠券活动已结束。' },
  coupon_budget_below_spent: { status: 409, en: 'The budget cannot be set below what has been used.', zh: '预算不能低于已使用的金额。' },
});
