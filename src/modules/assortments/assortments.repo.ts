import { sql, type RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { skuFacts } from '../catalog/catalog.fragments.js';
import { supplierNames } from '../catalog/suppliers.fragments.js';
import { regionRows, segmentNodes } from '../b-nodes/segments.fragments.js';
import { curatedListings } from '../b-nodes/listings.fragments.js';
import type { AssortmentStatus } from './assortments.schema.js';
import type { AssortmentItemsTable } from './assortments.tables.js';

/**
 * Whether assortment `a` aims at node `n` (a row of segmentNodes): named in the explicit list, or
 * meeting every criterion set when at least one is set. An assortment with no criterion and no
 * list aims at nobody.
 */
function aimsAt(a: string, n: string): RawBuilder<boolean> {
  const A = sql.raw(a);
  const N = sql.raw(n);
  return sql<boolean>`(${N}.id = ANY(${A}.target_node_ids) OR (
      (${A}.target_region_id IS NOT NULL OR ${A}.target_kinds IS NOT NULL OR ${A}.target_tiers IS NOT NULL)
      AND (${A}.target_region_id IS NULL OR ${A}.target_region_id = ANY(${N}.region_path))
      AND (${A}.target_kinds IS NULL OR ${N}.kind = ANY(${A}.target_kinds))
      AND (${A}.target_tiers IS NULL OR ${N}.tier = ANY(${A}.target_tiers))))`;
}

export interface AssortmentRow {
  id: string; supplier_id: string; supplier_name: string; name: string; status: AssortmentStatus;
  valid_from: Date; valid_until: Date; target_region_id: string | null; target_kinds: ('store' | 'leader' | 'koc')[] | null;
  target_tiers: number[] | null; target_node_ids: string[]; published_at: Date | null; created_at: Date; reach: number;
}

export const assortmentRepo = {
  /** Assortments with their supplier's name and how many nodes they reach now, in one statement. */
  async list(db: Conn, tenantId: string, filter: { id?: string; supplierId?: string | undefined; status?: AssortmentStatus | undefined }) {
    const { rows } = await sql<AssortmentRow>`
      SELECT a.id, a.supplier_id, s.name AS supplier_name, a.name, a.status, a.valid_from, a.valid_until,
             a.target_region_id, a.target_kinds, a.target_tiers::int[] AS target_tiers, a.target_node_ids, a.published_at, a.created_at,
             (SELECT count(*)::int FROM ${segmentNodes(tenantId)} n WHERE ${aimsAt('a', 'n')}) AS reach
        FROM assortments a
        JOIN ${supplierNames(tenantId)} s ON s.id = a.supplier_id
       WHERE a.tenant_id = ${tenantId}
         ${filter.id !== undefined ? sql`AND a.id = ${filter.id}` : sql``}
         ${filter.supplierId !== undefined ? sql`AND a.supplier_id = ${filter.supplierId}` : sql``}
         ${filter.status !== undefined ? sql`AND a.status = ${filter.status}` : sql``}
       ORDER BY a.created_at DESC, a.id`.execute(db);
    return rows;
  },

  items: (db: Conn, tenantId: string, assortmentIds: string[]) =>
    db.selectFrom('assortment_items as i')
      .innerJoin(skuFacts(tenantId).as('s'), (j) => j.onRef('s.id', '=', 'i.sku_id'))
      .select(['i.assortment_id', 'i.sku_id', 's.code', 's.name as sku_name', 's.title', 'i.supply_price', 'i.retail_floor', 'i.retail_ceiling', 'i.commission_bp', 'i.node_cap'])
      .where('i.tenant_id', '=', tenantId).where('i.assortment_id', 'in', assortmentIds.length ? assortmentIds : [''])
      .orderBy('s.code').execute(),

  item: (db: Conn, tenantId: string, assortmentId: string, skuId: string) =>
    db.selectFrom('assortment_items').selectAll().where('tenant_id', '=', tenantId).where('assortment_id', '=', assortmentId).where('sku_id', '=', skuId).executeTakeFirst(),

  upsertItem: (db: Conn, row: AssortmentItemsTable) =>
    db.insertInto('assortment_items').values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'assortment_id', 'sku_id']).doUpdateSet({
        supply_price: row.supply_price, retail_floor: row.retail_floor, retail_ceiling: row.retail_ceiling, commission_bp: row.commission_bp, node_cap: row.node_cap,
      })).execute(),

  /** The nodes an assortment reaches now. */
  async reach(db: Conn, tenantId: string, assortmentId: string) {
    const { rows } = await sql<{ id: string; name: string; kind: 'store' | 'leader' | 'koc'; tier: number; region_id: string | null }>`
      SELECT n.id, n.name, n.kind, n.tier, n.region_id
        FROM assortments a JOIN ${segmentNodes(tenantId)} n ON ${aimsAt('a', 'n')}
       WHERE a.tenant_id = ${tenantId} AND a.id = ${assortmentId}
       ORDER BY n.name, n.id`.execute(db);
    return rows;
  },

  /**
   * What a node may list now: items of published assortments in their validity that aim at it,
   * judged against the node as it is at this moment (one statement). `only` narrows to one offer.
   */
  async offers(db: Conn, tenantId: string, bNodeId: string, now: Date, only?: { assortmentId: string; skuId: string }) {
    const { rows } = await sql<{
      assortment_id: string; assortment_name: string; supplier_name: string; valid_until: Date; sku_id: string; code: string; sku_name: string;
      title: string; image_url: string | null; supply_price: number; retail_floor: number; retail_ceiling: number; commission_bp: number; node_cap: number | null;
    }>`
      SELECT a.id AS assortment_id, a.name AS assortment_name, sp.name AS supplier_name, a.valid_until,
             i.sku_id, s.code, s.name AS sku_name, s.title, s.image_url,
             i.supply_price, i.retail_floor, i.retail_ceiling, i.commission_bp, i.node_cap
        FROM ${segmentNodes(tenantId, bNodeId)} n
        JOIN assortments a ON a.tenant_id = ${tenantId} AND a.status = 'published'
                          AND a.valid_from <= ${now} AND a.valid_until > ${now} AND ${aimsAt('a', 'n')}
        JOIN ${supplierNames(tenantId)} sp ON sp.id = a.supplier_id
        JOIN assortment_items i ON i.tenant_id = a.tenant_id AND i.assortment_id = a.id
        JOIN ${skuFacts(tenantId)} s ON s.id = i.sku_id
       ${only ? sql`WHERE a.id = ${only.assortmentId} AND i.sku_id = ${only.skuId}` : sql``}
       ORDER BY a.valid_until, a.id, s.title, s.code`.execute(db);
    return rows.map((r) => ({ ...r, supply_price: Number(r.supply_price), retail_floor: Number(r.retail_floor), retail_ceiling: Number(r.retail_ceiling) }));
  },

  /** What a targeting may name: the tenant's regions and B nodes (name, kind, tier, region). */
  async targets(db: Conn, tenantId: string) {
    const regions = await db.selectFrom(regionRows(tenantId).as('r')).select(['r.id', 'r.name', 'r.parent_id']).orderBy('r.name').execute();
    const nodes = await db.selectFrom(segmentNodes(tenantId).as('n')).select(['n.id', 'n.name', 'n.kind', 'n.tier', 'n.region_id']).orderBy('n.name').execute();
    return { regions, nodes };
  },

  /** Moves assortments along the transition table: only from the states that lead to `to`. */
  transition: (db: Conn, tenantId: string, id: string, from: AssortmentStatus[], to: AssortmentStatus, at: Date) =>
    db.updateTable('assortments')
      .set(to === 'published' ? { status: to, published_at: at } : { status: to, closed_at: at })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', from)
      .returning(['id', 'status']).executeTakeFirst(),

  /**
   * Active listings curated from a published assortment that no longer aims at their node: the
   * assortment was retargeted, or the node moved region, changed kind or tier.
   */
  async untargetedListings(db: Conn, tenantId: string) {
    const { rows } = await sql<{ b_node_id: string; sku_id: string; assortment_id: string }>`
      SELECT l.b_node_id, l.sku_id, l.assortment_id
        FROM ${curatedListings(tenantId)} l
        JOIN assortments a ON a.tenant_id = ${tenantId} AND a.id = l.assortment_id AND a.status = 'published'
        JOIN ${segmentNodes(tenantId)} n ON n.id = l.b_node_id
       WHERE NOT ${aimsAt('a', 'n')}`.execute(db);
    return rows;
  },

  /** Tenants with a published assortment: whose listings the periodic sweep looks at. */
  liveTenants: (db: Conn) => db.selectFrom('assortments').select('tenant_id').distinct().where('status', '=', 'published').execute(),

  /** Published assortments past their validity, of every tenant, marked expired; returns them. */
  expireDue: (db: Conn, now: Date) =>
    db.updateTable('assortments').set({ status: 'expired', closed_at: now })
      .where('status', '=', 'published').where('valid_until', '<=', now)
      .returning(['tenant_id', 'id']).execute(),
};
