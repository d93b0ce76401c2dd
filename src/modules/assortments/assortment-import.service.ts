import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { formatYuan } from '../../platform/money.js';
import { skuLabels } from '../catalog/catalog.fragments.js';
import { skusByCodes, type RowProblem } from '../catalog/catalog-import.service.js';

/**
 * Assortment files: each row sets one SKU's terms (supply price, retail band, B commission, per-node
 * cap) in a draft assortment. A published one is changed through its own screen, where the change
 * reaches every listing made from it; a file only prepares drafts.
 */

export interface AssortmentRow {
  line: number; assortment_id: string; sku_code: string; supply_price: number; retail_floor: number; retail_ceiling: number;
  commission_bp: number; node_cap: number | null;
}

export async function planAssortmentImport(db: Conn, tenantId: string, supplierScope: string | undefined, rows: AssortmentRow[]) {
  const problems: RowProblem[] = [];
  const ids = [...new Set(rows.map((r) => r.assortment_id))];
  const [assortments, skus] = await Promise.all([
    ids.length === 0 ? [] : db.selectFrom('assortments').select(['id', 'supplier_id', 'status']).where('tenant_id', '=', tenantId).where('id', '=', sql<string>`ANY(${ids}::text[])`).execute(),
    skusByCodes(db, tenantId, [...new Set(rows.map((r) => r.sku_code))]),
  ]);
  const assortmentById = new Map(assortments.filter((a) => supplierScope === undefined || a.supplier_id === supplierScope).map((a) => [a.id, a]));
  const skuByCode = new Map(skus.map((s) => [s.code, s]));
  const plan: { assortment_id: string; sku_id: string; supply_price: number; retail_floor: number; retail_ceiling: number; commission_bp: number; node_cap: number | null }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const before = problems.length;
    const problem = (column: string, code: string, value?: string | number) => problems.push({ line: row.line, column, code, ...(value === undefined ? {} : { value }) });
    const assortment = assortmentById.get(row.assortment_id);
    if (!assortment) problem('assortment_id', 'unknown_assortment', row.assortment_id);
    else if (assortment.status !== 'draft') problem('assortment_id', 'assortment_not_draft', row.assortment_id);
    const sku = skuByCode.get(row.sku_code);
    // Another supplier's SKU reads as unknown, as its id would.
    if (!sku || (assortment && sku.supplier_id !== assortment.supplier_id)) problem('sku_code', 'unknown_sku', row.sku_code);
    if (!(row.retail_floor > 0 && row.retail_floor <= row.retail_ceiling)) problem('retail_floor', 'band_invalid', formatYuan(row.retail_floor));
    if (problems.length > before || !sku) continue;
    const key = `${row.assortment_id}\u0000${sku.id}`;
    if (seen.has(key)) { problem('sku_code', 'duplicate_row', row.sku_code); continue; }
    seen.add(key);
    plan.push({ assortment_id: row.assortment_id, sku_id: sku.id, supply_price: row.supply_price, retail_floor: row.retail_floor, retail_ceiling: row.retail_ceiling, commission_bp: row.commission_bp, node_cap: row.node_cap });
  }
  return { problems, plan };
}

export type AssortmentImportPlan = Awaited<ReturnType<typeof planAssortmentImport>>['plan'];

/** One statement for every item; only drafts are touched (re-checked here, in the write). */
export async function applyAssortmentImport(tx: Conn, tenantId: string, plan: AssortmentImportPlan) {
  if (plan.length === 0) return;
  await sql`INSERT INTO assortment_items (tenant_id, assortment_id, sku_id, supply_price, retail_floor, retail_ceiling, commission_bp, node_cap)
    SELECT ${tenantId}, i.assortment_id, i.sku_id, i.supply_price, i.retail_floor, i.retail_ceiling, i.commission_bp, i.node_cap
      FROM json_to_recordset(${JSON.stringify(plan)}::json)
        AS i(assortment_id text, sku_id text, supply_price bigint, retail_floor bigint, retail_ceiling bigint, commission_bp int, node_cap int)
      JOIN assortments a ON a.tenant_id = ${tenantId} AND a.id = i.assortment_id AND a.status = 'draft'
    ON CONFLICT (tenant_id, assortment_id, sku_id) DO UPDATE SET supply_price = EXCLUDED.supply_price, retail_floor = EXCLUDED.retail_floor,
      retail_ceiling = EXCLUDED.retail_ceiling, commission_bp = EXCLUDED.commission_bp, node_cap = EXCLUDED.node_cap`.execute(tx);
}

/** Every item of the tenant's assortments (a supplier: its own), for a file. */
export async function assortmentExportRows(db: Conn, tenantId: string, supplierScope: string | undefined) {
  let q = db.selectFrom('assortment_items as i')
    .innerJoin('assortments as a', (j) => j.onRef('a.tenant_id', '=', 'i.tenant_id').onRef('a.id', '=', 'i.assortment_id'))
    .innerJoin(skuLabels(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'i.sku_id'))
    .select(['a.id as assortment_id', 'a.name as assortment', 'a.status', 's.code as sku_code', 's.name as sku_name', 'i.supply_price', 'i.retail_floor', 'i.retail_ceiling', 'i.commission_bp', 'i.node_cap'])
    .where('i.tenant_id', '=', tenantId);
  if (supplierScope !== undefined) q = q.where('a.supplier_id', '=', supplierScope);
  return q.orderBy('a.created_at').orderBy('a.id').orderBy('s.code').execute();
}
