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
  payment_not_pending: { status: 409, en: 'This payment is no longer waiting to be paid.', zh: '该支付单已不在待支付状态。' },
});
