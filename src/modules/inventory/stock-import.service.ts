import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { skuLabels } from '../catalog/catalog.fragments.js';
import { LARGE_IMPORT, refreshSkuStatistics, skusByCodes, type RowProblem } from '../catalog/catalog-import.service.js';

/**
 * Inventory's side of stock files: on-hand counts per warehouse and SKU code, checked against the
 * tenant's warehouses, SKUs and what open orders hold, then applied in one statement.
 */

export interface StockRow { line: number; warehouse_id: string | null; warehouse: string | null; sku_code: string; on_hand: number }

/**
 * A supplier operator (`supplierScope`) sets stock only in its own supplier's warehouses and of its
 * own SKUs; anything else reads as unknown, like an id of another tenant.
 */
export async function planStockImport(db: Conn, tenantId: string, supplierScope: string | undefined, rows: StockRow[]) {
  const problems: RowProblem[] = [];
  const [warehouses, skus] = await Promise.all([
    db.selectFrom('warehouses').select(['id', 'name', 'supplier_id']).where('tenant_id', '=', tenantId).execute(),
    skusByCodes(db, tenantId, [...new Set(rows.map((r) => r.sku_code))]),
  ]);
  const visible = warehouses.filter((w) => supplierScope === undefined || w.supplier_id === supplierScope);
  const warehouseById = new Map(visible.map((w) => [w.id, w.id]));
  const warehousesByName = new Map<string, string[]>();
  for (const w of visible) warehousesByName.set(w.name, [...(warehousesByName.get(w.name) ?? []), w.id]);
  const skuByCode = new Map(skus.filter((s) => supplierScope === undefined || s.supplier_id === supplierScope).map((s) => [s.code, s.id]));

  const good: { line: number; warehouse_id: string; sku_id: string; on_hand: number }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const before = problems.length;
    const problem = (column: string, code: string, value: string | number) => problems.push({ line: row.line, column, code, value });
    let warehouseId: string | undefined;
    if (row.warehouse_id) warehouseId = warehouseById.get(row.warehouse_id);
    else if (row.warehouse) {
      const named = warehousesByName.get(row.warehouse) ?? [];
      if (named.length > 1) problem('warehouse', 'ambiguous_warehouse', row.warehouse);
      else warehouseId = named[0];
    }
    if (warehouseId === undefined && problems.length === before) problem(row.warehouse_id ? 'warehouse_id' : 'warehouse', 'unknown_warehouse', row.warehouse_id ?? row.warehouse ?? '');
    const skuId = skuByCode.get(row.sku_code);
    if (skuId === undefined) problem('sku_code', 'unknown_sku', row.sku_code);
    if (warehouseId === undefined || skuId === undefined) continue;
    const key = `${warehouseId}\u0000${skuId}`;
    if (seen.has(key)) { problem('sku_code', 'duplicate_row', row.sku_code); continue; }
    seen.add(key);
    good.push({ line: row.line, warehouse_id: warehouseId, sku_id: skuId, on_hand: row.on_hand });
  }

  // What open orders hold cannot be counted away: such rows are refused, not clipped.
  if (good.length > 0) {
    const { rows: held } = await sql<{ line: number; reserved: number }>`
      SELECT g.line, st.reserved FROM json_to_recordset(${JSON.stringify(good)}::json) AS g(line int, warehouse_id text, sku_id text, on_hand int)
        JOIN stock st ON st.tenant_id = ${tenantId} AND st.warehouse_id = g.warehouse_id AND st.sku_id = g.sku_id
       WHERE st.reserved > g.on_hand`.execute(db);
    const below = new Map(held.map((h) => [h.line, h.reserved]));
    for (const g of good) if (below.has(g.line)) problems.push({ line: g.line, column: 'on_hand', code: 'below_reserved', value: g.on_hand, detail: { reserved: below.get(g.line) } });
    return { problems, plan: good.filter((g) => !below.has(g.line)) };
  }
  return { problems, plan: good };
}

export type StockImportPlan = Awaited<ReturnType<typeof planStockImport>>['plan'];

/** Sets on-hand counts in one statement; a count below what is reserved (a race since planning) is left alone. */
export async function applyStockImport(tx: Conn, tenantId: string, plan: StockImportPlan) {
  if (plan.length === 0) return 0;
  if (plan.length >= LARGE_IMPORT) await refreshSkuStatistics(tx);
  const { rows } = await sql<{ n: number }>`
    WITH up AS (
      INSERT INTO stock (tenant_id, warehouse_id, sku_id, on_hand)
      SELECT ${tenantId}, g.warehouse_id, g.sku_id, g.on_hand FROM json_to_recordset(${JSON.stringify(plan)}::json) AS g(warehouse_id text, sku_id text, on_hand int)
      ON CONFLICT (tenant_id, warehouse_id, sku_id) DO UPDATE SET on_hand = EXCLUDED.on_hand
        WHERE stock.reserved <= EXCLUDED.on_hand AND stock.on_hand <> EXCLUDED.on_hand
      RETURNING 1)
    SELECT count(*)::int AS n FROM up`.execute(tx);
  return rows[0]!.n;
}

/** Stock rows for a file: each warehouse's on-hand and reserved per SKU code (a supplier: its own). */
export async function stockExportRows(db: Conn, tenantId: string, supplierScope: string | undefined) {
  let q = db.selectFrom('stock as st')
    .innerJoin('warehouses as w', (j) => j.onRef('w.tenant_id', '=', 'st.tenant_id').onRef('w.id', '=', 'st.warehouse_id'))
    .innerJoin(skuLabels(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'st.sku_id'))
    .select(['w.id as warehouse_id', 'w.name as warehouse', 's.code as sku_code', 's.name as sku_name', 'st.on_hand', 'st.reserved'])
    .where('st.tenant_id', '=', tenantId);
  if (supplierScope !== undefined) q = q.where('w.supplier_id', '=', supplierScope);
  return q.orderBy('w.name').orderBy('w.id').orderBy('s.code').execute();
}
