import { defineErrors } from '../../platform/errors.js';

export const flashSaleError = defineErrors({
  flash_sale_not_found: { status: 404, en: 'No such flash sale in this shop.', zh: '本店没有这个秒杀活动。' },
  flash_sale_not_started: { status: 409, en: 'This flash sale has not started yet.', zh: '秒杀尚未开始。' },
  flash_sale_ended: { status: 409, en: 'This flash sale has ended.', zh: '秒杀已结束。' },
  flash_sale_sold_out: { status: 409, en: 'This flash sale is sold out.', zh: '秒杀商品已抢光。' },
  flash_sale_limit_reached: { status: 409, en: 'You have reached this flash sale’s limit per customer.', zh: '已达到本次秒杀的每人限购数量。' },
  flash_sale_sku_not_in_cart: { status: 422, en: 'The cart does not hold the flash sale’s product.', zh: '购物车中没有该秒杀商品。' },
  flash_sale_sku_not_listed: { status: 422, en: 'The shop does not list this SKU.', zh: '该店铺未上架此商品规格。' },
});
