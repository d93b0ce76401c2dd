import { defineErrors } from '../../platform/errors.js';

export const bNodeError = defineErrors({
  b_node_not_found: { status: 404, en: 'No such B node.', zh: '门店/团长不存在。' },
  shop_not_found: { status: 404, en: 'No such shop.', zh: '店铺不存在。' },
  slug_taken: { status: 409, en: 'This shop address is already used.', zh: '该店铺地址已被使用。' },
  listing_not_found: { status: 404, en: 'This shop does not list that SKU.', zh: '本店未上架该 SKU。' },
  listing_cap_reached: { status: 409, en: 'This shop has sold all it may of this SKU from its assortment.', zh: '本店该 SKU 已达货盘限购数量。' },
  listing_from_assortment: { status: 409, en: 'This listing comes from an assortment: price it through the assortment’s offer.', zh: '该商品来自货盘，请按货盘报价调整价格。' },
  price_outside_band: { status: 422, en: 'The retail price must lie within the band’s floor and ceiling (retail_floor–retail_ceiling).', zh: '零售价须在价格区间（retail_floor–retail_ceiling）之内。' },
});
