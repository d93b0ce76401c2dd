import type { CatalogRow, RowProblem } from '../catalog/catalog-import.service.js';
import type { StockRow } from '../inventory/stock-import.service.js';
import type { AssortmentRow } from '../assortments/assortment-import.service.js';
import type { ImportKind } from './catalog-io.schema.js';

/**
 * The columns of each file kind: the header names (English keys, or the Chinese labels the template
 * and exports also accept), what each holds, and how a cell becomes a value. Prices are yuan with
 * at most two decimals, read digit by digit into integer fen (never through a float).
 */
type Cell = 'text' | 'yuan' | 'int';
interface Column { key: string; zh: string; type: Cell; required?: boolean; max?: number; min?: number; exportOnly?: boolean }

const MAX_FEN = 100_000_000;

export const COLUMNS: Record<ImportKind, Column[]> = {
  catalog: [
    { key: 'supplier_id', zh: '供应商ID', type: 'text', max: 64 },
    { key: 'supplier', zh: '供应商', type: 'text', max: 128 },
    { key: 'product_id', zh: '商品ID', type: 'text', max: 64 },
    { key: 'product_title', zh: '商品名称', type: 'text', required: true, max: 200 },
    { key: 'category_path', zh: '分类', type: 'text', max: 500 },
    { key: 'description', zh: '描述', type: 'text', max: 5000 },
    { key: 'sku_code', zh: 'SKU编码', type: 'text', required: true, max: 64 },
    { key: 'sku_name', zh: '规格', type: 'text', required: true, max: 200 },
    { key: 'barcode', zh: '条码', type: 'text', max: 32 },
    { key: 'case_pack', zh: '箱规', type: 'int', min: 1, max: 10_000 },
    { key: 'min_order_qty', zh: '起订量', type: 'int', min: 1, max: 1_000_000 },
    { key: 'supply_price', zh: '供货价', type: 'yuan', required: true },
    { key: 'suggested_price', zh: '建议零售价', type: 'yuan', required: true },
    { key: 'retail_floor', zh: '最低零售价', type: 'yuan', required: true },
    { key: 'retail_ceiling', zh: '最高零售价', type: 'yuan', required: true },
  ],
  stock: [
    { key: 'warehouse_id', zh: '仓库ID', type: 'text', max: 64 },
    { key: 'warehouse', zh: '仓库', type: 'text', max: 128 },
    { key: 'sku_code', zh: 'SKU编码', type: 'text', required: true, max: 64 },
    { key: 'sku_name', zh: '规格', type: 'text', exportOnly: true },
    { key: 'on_hand', zh: '库存', type: 'int', required: true, min: 0, max: 2_000_000_000 },
    { key: 'reserved', zh: '已占用', type: 'int', exportOnly: true },
  ],
  assortment: [
    { key: 'assortment_id', zh: '货盘ID', type: 'text', required: true, max: 64 },
    { key: 'assortment', zh: '货盘', type: 'text', exportOnly: true },
    { key: 'status', zh: '状态', type: 'text', exportOnly: true },
    { key: 'sku_code', zh: 'SKU编码', type: 'text', required: true, max: 64 },
    { key: 'sku_name', zh: '规格', type: 'text', exportOnly: true },
    { key: 'supply_price', zh: '供货价', type: 'yuan', required: true },
    { key: 'retail_floor', zh: '最低零售价', type: 'yuan', required: true },
    { key: 'retail_ceiling', zh: '最高零售价', type: 'yuan', required: true },
    { key: 'commission_bp', zh: '佣金（基点）', type: 'int', required: true, min: 0, max: 10_000 },
    { key: 'node_cap', zh: '单店限量', type: 'int', min: 1, max: 1_000_000 },
  ],
};

/** Maps header cells to column keys; unknown headers are ignored. Returns the index of each key and the required keys missing. */
export function readHeader(kind: ImportKind, header: string[]) {
  const byName = new Map<string, string>();
  for (const c of COLUMNS[kind]) { byName.set(c.key, c.key); byName.set(c.zh.toLowerCase(), c.key); }
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = byName.get(h.trim().replace(/^\uFEFF/, '').toLowerCase());
    if (key && !index.has(key)) index.set(key, i);
  });
  const missing = COLUMNS[kind].filter((c) => c.required && !index.has(c.key)).map((c) => c.key);
  if (kind === 'catalog' && !index.has('supplier_id') && !index.has('supplier')) missing.push('supplier');
  if (kind === 'stock' && !index.has('warehouse_id') && !index.has('warehouse')) missing.push('warehouse');
  return { index, missing };
}

/** '12', '12.5', '12.50' yuan → fen; anything else (signs, three decimals, exponents) is refused. */
export function yuanToFen(text: string): number | undefined {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_FEN ? fen : undefined;
}

export function fenToYuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** One record's cells as typed values, or the problems found; `line` is the file's line. */
export function readRecord(kind: ImportKind, index: Map<string, number>, cells: string[], line: number): { row?: CatalogRow | StockRow | AssortmentRow; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const values: Record<string, string | number | null> = {};
  for (const c of COLUMNS[kind]) {
    if (c.exportOnly) continue;
    const i = index.get(c.key);
    const text = (i === undefined ? '' : (cells[i] ?? '')).trim();
    if (text === '') {
      if (c.required) problems.push({ line, column: c.key, code: 'required' });
      // An empty optional number takes its least value, except a cap, where empty means none.
      values[c.key] = c.type === 'int' && c.key !== 'node_cap' ? (c.min ?? 0) : null;
      continue;
    }
    if (c.type === 'text') {
      if (c.max !== undefined && text.length > c.max) problems.push({ line, column: c.key, code: 'too_long', value: text.slice(0, 40) });
      values[c.key] = text;
    } else if (c.type === 'int') {
      const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || n < (c.min ?? 0) || n > (c.max ?? Number.MAX_SAFE_INTEGER)) problems.push({ line, column: c.key, code: 'bad_number', value: text.slice(0, 40) });
      values[c.key] = n;
    } else {
      const fen = yuanToFen(text);
      if (fen === undefined) problems.push({ line, column: c.key, code: 'bad_price', value: text.slice(0, 40) });
      values[c.key] = fen ?? 0;
    }
  }
  if (kind === 'catalog') {
    if (!values.supplier_id && !values.supplier) problems.push({ line, column: 'supplier', code: 'required' });
    const barcode = values.barcode as string | null;
    if (barcode && !/^[0-9A-Za-z-]{4,32}$/.test(barcode)) problems.push({ line, column: 'barcode', code: 'bad_barcode', value: barcode.slice(0, 40) });
    const path = values.category_path as string | null;
    // The console's category tree goes five levels deep; a file may not go deeper.
    if (path && (path.split('/').length > 5 || path.split('/').some((s) => s.trim().length === 0 || s.trim().length > 60))) problems.push({ line, column: 'category_path', code: 'bad_category', value: path.slice(0, 40) });
    if (problems.length > 0) return { problems };
    return {
      problems,
      row: {
        line, supplier_id: values.supplier_id as string | null, supplier: values.supplier as string | null, product_id: values.product_id as string | null,
        product_title: values.product_title as string, category_path: path, description: (values.description as string | null) ?? '',
        sku_code: values.sku_code as string, sku_name: values.sku_name as string, barcode,
        case_pack: values.case_pack as number, min_order_qty: values.min_order_qty as number,
        supply_price: values.supply_price as number, suggested_price: values.suggested_price as number,
        retail_floor: values.retail_floor as number, retail_ceiling: values.retail_ceiling as number,
      },
    };
  }
  if (kind === 'assortment') {
    if (problems.length > 0) return { problems };
    return {
      problems,
      row: {
        line, assortment_id: values.assortment_id as string, sku_code: values.sku_code as string, supply_price: values.supply_price as number,
        retail_floor: values.retail_floor as number, retail_ceiling: values.retail_ceiling as number, commission_bp: values.commission_bp as number,
        node_cap: values.node_cap as number | null,
      },
    };
  }
  if (!values.warehouse_id && !values.warehouse) problems.push({ line, column: 'warehouse', code: 'required' });
  if (problems.length > 0) return { problems };
  return { problems, row: { line, warehouse_id: values.warehouse_id as string | null, warehouse: values.warehouse as string | null, sku_code: values.sku_code as string, on_hand: values.on_hand as number } };
}
