import { defineErrors } from '../../platform/errors.js';

export const paymentError = defineErrors({
  payment_not_found: { status: 404, en: 'No such payment.', zh: '支付单不存在。' },
  unknown_provider: { status: 404, en: 'No such payment provider.', zh: '支付渠道不存在。' },
  invalid_signature: { status: 401, en: 'The notification signature is not valid.', zh: '通知签名无效。' },
  stale_notification: { status: 401, en: 'The notification timestamp is outside the accepted window of five minutes.', zh: '通知时间戳超出五分钟的有效窗口。' },
  replayed_nonce: { status: 401, en: 'The notification nonce was already used for another message.', zh: '通知随机串已被另一条消息使用。' },
  malformed_notification: { status: 400, en: 'The notification body is not understood.', zh: '无法解析通知内容。' },
  amount_mismatch: { status: 422, en: 'The notified amount differs from the payment amount; the payment was not applied.', zh: '通知金额与支付金额不一致，未入账。' },
  too_many_refunds: { status: 409, en: 'A payment accepts at most 50 refunds.', zh: '每笔支付最多退款 50 次。' },
  refund_rejected: { status: 422, en: 'The payment provider refused the refund.', zh: '支付渠道拒绝了该退款。' },
  wechatpay_not_configured: { status: 409, en: 'WeChat Pay is not set up for this shop.', zh: '本店尚未开通微信支付。' },
  invalid_wechatpay_settings: { status: 422, en: 'The WeChat Pay merchant settings are not valid.', zh: '微信支付商户配置无效。' },
  wechat_identity_required: { status: 409, en: 'Paying with WeChat Pay needs a WeChat sign-in: open the shop in WeChat and sign in there.', zh: '使用微信支付需要微信登录：请在微信中打开本店并登录。' },
  wechatpay_unavailable: { status: 502, en: 'WeChat Pay did not answer as expected; try again shortly.', zh: '微信支付暂时无法完成请求，请稍后重试。' },
  refund_exceeds_remaining: { status: 409, en: 'The refund is more than what remains of the payment.', zh: '退款金额超过该支付剩余可退金额。' },
  notification_mismatch: { status: 422, en: 'The notification does not match our payment (amount, appid or merchant); it was not applied.', zh: '通知与支付单不一致（金额、appid 或商户号），未入账。' },
  payment_not_pending: { status: 409, en: 'This payment is no longer waiting to be paid.', zh: '该支付单已不在待支付状态。' },
});
