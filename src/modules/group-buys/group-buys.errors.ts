import { defineErrors } from '../../platform/errors.js';

export const groupBuyError = defineErrors({
  group_buy_not_found: { status: 404, en: 'No such group buy in this shop.', zh: '本店没有这个拼团活动。' },
  group_buy_not_started: { status: 409, en: 'This group buy has not started yet.', zh: '拼团尚未开始。' },
  group_buy_ended: { status: 409, en: 'This group buy has ended.', zh: '拼团活动已结束。' },
  group_buy_sold_out: { status: 409, en: 'This group buy has no units left.', zh: '拼团商品已售罄。' },
  group_buy_limit_reached: { status: 409, en: 'You have reached this group buy’s limit per customer.', zh: '已达到本次拼团的每人限购次数。' },
  group_buy_sku_not_in_cart: { status: 422, en: 'A group-buy order holds exactly one unit of the campaign’s product.', zh: '拼团订单须且只能包含一件活动商品。' },
  group_buy_sku_not_listed: { status: 422, en: 'The shop does not list this SKU.', zh: '该店铺未上架此商品规格。' },
  group_buy_prices: { status: 422, en: 'Group prices must be below the shop’s own price for the SKU.', zh: '团购价须低于店铺售价。' },
  group_not_found: { status: 404, en: 'No such group.', zh: '拼团不存在。' },
  group_full: { status: 409, en: 'This group is full.', zh: '该团已满员。' },
  group_expired: { status: 409, en: 'This group’s time is up.', zh: '该团已过期。' },
  group_failed: { status: 409, en: 'This group did not form.', zh: '该团未成团。' },
  group_not_open: { status: 409, en: 'This group is not open to join.', zh: '该团暂不可加入。' },
  group_already_joined: { status: 409, en: 'You are already in this group.', zh: '您已在该团中。' },
});
