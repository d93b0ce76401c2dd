import { defineErrors } from '../../platform/errors.js';

export const catalogError = defineErrors({
  supplier_not_found: { status: 404, en: 'No such supplier.', zh: '供应商不存在。' },
  product_not_found: { status: 404, en: 'No such product.', zh: '商品不存在。' },
  sku_not_found: { status: 404, en: 'No such SKU.', zh: 'SKU 不存在。' },
  sku_code_taken: { status: 409, en: 'This SKU code is already used.', zh: '该 SKU 编码已被使用。' },
  barcode_taken: { status: 409, en: 'This barcode is already used by another SKU.', zh: '该条码已被其他 SKU 使用。' },
  price_band_invalid: { status: 422, en: 'Prices must satisfy 0 < floor ≤ suggested ≤ ceiling.', zh: '价格须满足 0 < 最低价 ≤ 建议零售价 ≤ 最高价。' },
  category_not_found: { status: 404, en: 'No such category.', zh: '类目不存在。' },
  category_name_taken: { status: 409, en: 'A category of this name already exists under the same parent.', zh: '同一上级类目下已有同名类目。' },
  category_cycle: { status: 422, en: 'A category cannot move under itself or one of its own subcategories.', zh: '类目不能移动到自身或其下级类目之下。' },
  category_too_deep: { status: 422, en: 'Categories nest at most 5 levels deep.', zh: '类目最多 5 级。' },
  category_not_empty: { status: 409, en: 'This category still has subcategories or products; move them first.', zh: '该类目下仍有子类目或商品，请先移走。' },
  image_not_found: { status: 404, en: 'No such image.', zh: '图片不存在。' },
  image_required: { status: 400, en: 'Send the image as a multipart form field named "file".', zh: '请以 multipart 表单字段 "file" 上传图片。' },
  image_unsupported: { status: 415, en: 'The file is not an image in a supported format (JPEG, PNG, WebP, GIF, AVIF).', zh: '文件不是受支持格式的图片（JPEG、PNG、WebP、GIF、AVIF）。' },
  image_too_large: { status: 413, en: 'The image is larger than the upload limit.', zh: '图片超过上传大小限制。' },
  image_limit_reached: { status: 422, en: 'A product holds at most 12 images.', zh: '每个商品最多 12 张图片。' },
  image_order_invalid: { status: 422, en: 'The new order must name each of the product\'s images exactly once.', zh: '新顺序须恰好包含该商品的每张图片各一次。' },
});
