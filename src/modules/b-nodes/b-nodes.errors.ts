import { defineErrors } from '../../platform/errors.js';

export const bNodeError = defineErrors({
  b_node_not_found: { status: 404, en: 'No such B node.', zh: '门店/团长不存在。' },
  shop_not_found: { status: 404, en: 'No such shop.', zh: '店铺不存在。' },
  slug_taken: { status: 409, en: 'This shop address is already used.', zh: '该店铺地址已被使用。' },
  price_outside_band: { status: 422, en: 'The retail price must lie within the SKU’s floor and ceiling.', zh: '零售价须在该 SKU 的最低价与最高价之间。' },
});
