import { defineErrors } from '../../platform/errors.js';

export const catalogError = defineErrors({
  supplier_not_found: { status: 404, en: 'No such supplier.', zh: '供应商不存在。' },
  product_not_found: { status: 404, en: 'No such product.', zh: '商品不存在。' },
  sku_not_found: { status: 404, en: 'No such SKU.', zh: 'SKU 不存在。' },
  sku_code_taken: { status: 409, en: 'This SKU code is already used.', zh: '该 SKU 编码已被使用。' },
  price_band_invalid: { status: 422, en: 'Prices must satisfy 0 < floor ≤ suggested ≤ ceiling.', zh: '价格须满足 0 < 最低价 ≤ 建议零售价 ≤ 最高价。' },
});
