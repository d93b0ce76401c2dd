import { defineErrors } from '../../platform/errors.js';

export const profitSharingError = defineErrors({
  receiver_not_found: { status: 404, en: 'No such profit-sharing receiver.', zh: '分账接收方不存在。' },
  receiver_exists: { status: 409, en: 'This B node already has a profit-sharing receiver; remove it first.', zh: '该门店/团长已有分账接收方，请先删除。' },
  receiver_name_required: { status: 422, en: 'A merchant receiver needs its full registered name.', zh: '商户类型的接收方须填写全称。' },
  no_active_receiver: { status: 409, en: 'The order\'s B node has no active profit-sharing receiver.', zh: '该订单的门店/团长没有已生效的分账接收方。' },
  no_wechatpay_payment: { status: 409, en: 'The order has no settled WeChat Pay payment to split.', zh: '该订单没有可分账的微信支付交易。' },
  nothing_to_split: { status: 409, en: 'The order carries no commission to pay out.', zh: '该订单没有可分配的佣金。' },
  split_not_found: { status: 404, en: 'No profit-sharing split for this order.', zh: '该订单没有分账记录。' },
  nothing_to_return: { status: 409, en: 'Nothing of this split is owed back.', zh: '该分账没有需要回退的金额。' },
  return_needs_merchant_receiver: { status: 409, en: 'WeChat Pay returns a split only from a merchant receiver; a person\'s share cannot be taken back.', zh: '微信支付仅支持从商户类型接收方回退分账，个人接收方无法回退。' },
  split_not_finished: { status: 409, en: 'The split has not finished yet; return it once it has.', zh: '分账尚未完成，完成后再回退。' },
});
