import { defineErrors } from '../../platform/errors.js';

export const bargainError = defineErrors({
  bargain_campaign_not_found: { status: 404, en: 'No such bargain campaign.', zh: '砍价活动不存在。' },
  bargain_not_found: { status: 404, en: 'No such bargain.', zh: '砍价不存在。' },
  bargain_floor_not_below_start: { status: 422, en: 'The floor price must be below the start price.', zh: '底价必须低于起始价。' },
  bargain_cut_too_small: { status: 422, en: 'Every helper must cut at least one fen: start − floor must be at least the number of helpers.', zh: '每位好友至少砍 1 分：起始价减底价不能少于所需好友人数。' },
  bargain_floor_below_cost: { status: 422, en: 'The floor price is below the SKU’s supply cost: every sale at the floor would lose money.', zh: '底价低于供货成本，按底价成交每单都会亏损。' },
  sku_not_listed: { status: 422, en: 'The shop does not list this SKU.', zh: '该店铺未上架此商品。' },
  bargain_campaign_not_running: { status: 409, en: 'This bargain campaign is not running.', zh: '该砍价活动未在进行中。' },
  cannot_help_own_bargain: { status: 422, en: 'The buyer cannot help their own bargain: ask friends.', zh: '不能给自己砍价，请邀请好友帮忙。' },
  already_helped: { status: 409, en: 'You already helped this bargain: each friend helps once.', zh: '你已经帮过这次砍价了，每人只能砍一次。' },
  bargain_complete: { status: 409, en: 'This bargain already reached its floor price.', zh: '该砍价已砍到底价。' },
  bargain_expired: { status: 409, en: 'This bargain has expired.', zh: '该砍价已过期。' },
  bargain_not_reached: { status: 409, en: 'The bargain has not reached its floor yet: more friends must help.', zh: '还没砍到底价，还需要好友帮忙。' },
  bargain_used: { status: 409, en: 'This bargain was already bought.', zh: '该砍价已下单购买。' },
  bargain_one_unit: { status: 422, en: 'A bargain buys exactly one unit of its SKU, alone in the cart.', zh: '砍价商品只能单独购买 1 件。' },
});
