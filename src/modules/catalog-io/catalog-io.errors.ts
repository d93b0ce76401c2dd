import { defineErrors } from '../../platform/errors.js';

export const catalogIoError = defineErrors({
  import_not_found: { status: 404, en: 'No such import.', zh: '导入任务不存在。' },
  file_empty: { status: 422, en: 'The file is empty.', zh: '文件为空。' },
  file_unreadable: { status: 422, en: 'The file could not be read as CSV or Excel (.xlsx).', zh: '无法按 CSV 或 Excel（.xlsx）读取该文件。' },
  unsupported_file_type: { status: 415, en: 'Send a CSV (text/csv) or Excel (.xlsx) file.', zh: '请上传 CSV（text/csv）或 Excel（.xlsx）文件。' },
});

/** Why a row was refused: one code per reason, in both languages (the console has the same in its locales). */
export const ROW_PROBLEM_TEXT: Record<string, { en: string; zh: string }> = {
  missing_column: { en: 'required column missing from the header', zh: '表头缺少必填列' },
  required: { en: 'value required', zh: '必填' },
  too_long: { en: 'value too long', zh: '内容过长' },
  bad_number: { en: 'not a whole number in range', zh: '不是范围内的整数' },
  bad_price: { en: 'not an amount in yuan (e.g. 12.50)', zh: '不是以元为单位的金额（如 12.50）' },
  bad_barcode: { en: 'barcode must be 4–32 letters, digits or dashes', zh: '条码须为 4–32 位字母、数字或连字符' },
  bad_category: { en: 'a category path has at most 5 levels of 1–60 characters', zh: '分类路径最多 5 级，每级 1–60 个字符' },
  unknown_supplier: { en: 'unknown supplier', zh: '供应商不存在' },
  ambiguous_supplier: { en: 'several suppliers have this name; use supplier_id', zh: '多个供应商同名，请填写供应商 ID' },
  unknown_product: { en: 'unknown product', zh: '商品不存在' },
  unknown_sku: { en: 'unknown SKU code', zh: 'SKU 编码不存在' },
  unknown_warehouse: { en: 'unknown warehouse', zh: '仓库不存在' },
  ambiguous_warehouse: { en: 'several warehouses have this name; use warehouse_id', zh: '多个仓库同名，请填写仓库 ID' },
  duplicate_code: { en: 'SKU code repeated in the file', zh: '文件中 SKU 编码重复' },
  duplicate_barcode: { en: 'barcode repeated in the file', zh: '文件中条码重复' },
  duplicate_row: { en: 'this warehouse and SKU appear twice in the file', zh: '文件中同一仓库与 SKU 出现两次' },
  sku_code_taken: { en: 'SKU code belongs to another product or supplier', zh: 'SKU 编码已属于其他商品或供应商' },
  barcode_taken: { en: 'barcode belongs to another SKU', zh: '条码已被其他 SKU 使用' },
  band_invalid: { en: 'retail floor must be above 0 and not above the ceiling', zh: '最低零售价须大于 0 且不高于最高零售价' },
  price_outside_band: { en: 'suggested price outside the retail band', zh: '建议零售价超出零售价区间' },
  unknown_assortment: { en: 'unknown assortment', zh: '货盘不存在' },
  assortment_not_draft: { en: 'only a draft assortment takes a file; change a published one on its screen', zh: '只能导入到草稿货盘；已发布的货盘请在货盘页面修改' },
  below_reserved: { en: 'below what open orders hold', zh: '低于未完成订单已占用的库存' },
};
