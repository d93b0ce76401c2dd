import { sql, type RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { newId } from '../../platform/ids.js';
import type { ListingPauseReason } from './b-nodes.tables.js';

export const listingsRepo = {
  one: (db: Conn, tenantId: string, bNodeId: string, skuId: string) =>
    db.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('b_node_id', '=', bNodeId).where('sku_id', '=', skuId).executeTakeFirst(),

  /**
   * Lists (or re-prices, or resumes) a SKU from an assortment. The per-node cap starts afresh when
   * the listing comes from another assortment than before; re-pricing keeps what is left of it.
   */
  upsertCurated: (db: Conn, row: { tenant_id: string; b_node_id: string; sku_id: string; retail_price: number; assortment_id: string; supply_price: number; cap_left: number | null }) =>
    sql`INSERT INTO listings (tenant_id, b_node_id, sku_id, retail_price, active, assortment_id, supply_price, pause_reason, cap_left)
        VALUES (${row.tenant_id}, ${row.b_node_id}, ${row.sku_id}, ${row.retail_price}, true, ${row.assortment_id}, ${row.supply_price}, NULL, ${row.cap_left})
        ON CONFLICT (tenant_id, b_node_id, sku_id) DO UPDATE SET
          retail_price = EXCLUDED.retail_price, active = true, pause_reason = NULL, supply_price = EXCLUDED.supply_price, updated_at = now(),
          cap_left = CASE WHEN listings.assortment_id IS DISTINCT FROM EXCLUDED.assortment_id THEN EXCLUDED.cap_left ELSE listings.cap_left END,
          assortment_id = EXCLUDED.assortment_id`.execute(db),

  pause: (db: Conn, tenantId: string, bNodeId: string, skuId: string) =>
    db.updateTable('listings').set({ active: false, pause_reason: sql<ListingPauseReason>`coalesce(pause_reason, 'owner')`, updated_at: new Date() })
      .where('tenant_id', '=', tenantId).where('b_node_id', '=', bNodeId).where('sku_id', '=', skuId)
      .returning(['sku_id', 'active', 'pause_reason']).executeTakeFirst(),

  remove: (db: Conn, tenantId: string, bNodeId: string, skuId: string) =>
    db.deleteFrom('listings').where('tenant_id', '=', tenantId).where('b_node_id', '=', bNodeId).where('sku_id', '=', skuId).returning('sku_id').executeTakeFirst(),

  /**
   * A supplier's new terms for one SKU of an assortment, carried to every listing made from it, in
   * one statement: the new supply price everywhere; a listing whose price is now outside the band
   * pauses (`outside_band`) and its node gets a notice saying why, once.
   */
  async applyTerms(db: Conn, tenantId: string, assortmentId: string, skuId: string, terms: { supply_price: number; retail_floor: number; retail_ceiling: number }) {
    const { rows } = await sql<{ b_node_id: string }>`
      WITH before AS (
        SELECT b_node_id, sku_id, pause_reason FROM listings
         WHERE tenant_id = ${tenantId} AND assortment_id = ${assortmentId} AND sku_id = ${skuId} FOR UPDATE),
      changed AS (
        UPDATE listings l SET supply_price = ${terms.supply_price}, updated_at = now(),
               active = l.active AND l.retail_price BETWEEN ${terms.retail_floor} AND ${terms.retail_ceiling},
               pause_reason = CASE WHEN l.retail_price BETWEEN ${terms.retail_floor} AND ${terms.retail_ceiling} THEN l.pause_reason ELSE 'outside_band' END
          FROM before b
         WHERE l.tenant_id = ${tenantId} AND l.b_node_id = b.b_node_id AND l.sku_id = b.sku_id
        RETURNING l.b_node_id, l.retail_price, l.pause_reason, b.pause_reason AS was)
      INSERT INTO listing_notices (tenant_id, id, b_node_id, sku_id, assortment_id, reason, details)
      SELECT ${tenantId}, ${newId('ntc')} || '-' || row_number() OVER (), c.b_node_id, ${skuId}, ${assortmentId}, 'outside_band',
             jsonb_build_object('retail_price', c.retail_price, 'retail_floor', ${terms.retail_floor}::bigint, 'retail_ceiling', ${terms.retail_ceiling}::bigint)
        FROM changed c WHERE c.pause_reason = 'outside_band' AND c.was IS DISTINCT FROM 'outside_band'
      RETURNING b_node_id`.execute(db);
    return rows.map((r) => r.b_node_id);
  },

  /** Every listing made from these assortments pauses for `reason`; each node gets a notice per listing, once. */
  async pauseFromAssortments(db: Conn, tenantId: string, assortmentIds: string[], reason: 'withdrawn' | 'expired') {
    const { rows } = await sql<{ b_node_id: string }>`
      WITH before AS (
        SELECT b_node_id, sku_id, pause_reason FROM listings
         WHERE tenant_id = ${tenantId} AND assortment_id = ANY(${assortmentIds}::text[]) FOR UPDATE),
      changed AS (
        UPDATE listings l SET active = false, pause_reason = ${reason}, updated_at = now()
          FROM before b
         WHERE l.tenant_id = ${tenantId} AND l.b_node_id = b.b_node_id AND l.sku_id = b.sku_id
        RETURNING l.b_node_id, l.sku_id, l.assortment_id, b.pause_reason AS was)
      INSERT INTO listing_notices (tenant_id, id, b_node_id, sku_id, assortment_id, reason)
      SELECT ${tenantId}, ${newId('ntc')} || '-' || row_number() OVER (), c.b_node_id, c.sku_id, c.assortment_id, ${reason}
        FROM changed c WHERE c.was IS DISTINCT FROM ${reason}
      RETURNING b_node_id`.execute(db);
    return rows.map((r) => r.b_node_id);
  },

  /** These active listings pause for `reason`, each node told once per listing. */
  async pauseSome(db: Conn, tenantId: string, refs: { b_node_id: string; sku_id: string; assortment_id: string }[], reason: 'untargeted') {
    if (refs.length === 0) return [];
    const { rows } = await sql<{ b_node_id: string }>`
      WITH changed AS (
        UPDATE listings l SET active = false, pause_reason = ${reason}, updated_at = now()
          FROM unnest(${refs.map((r) => r.b_node_id)}::text[], ${refs.map((r) => r.sku_id)}::text[], ${refs.map((r) => r.assortment_id)}::text[]) AS r(b_node_id, sku_id, assortment_id)
         WHERE l.tenant_id = ${tenantId} AND l.b_node_id = r.b_node_id AND l.sku_id = r.sku_id AND l.assortment_id = r.assortment_id AND l.active
        RETURNING l.b_node_id, l.sku_id, l.assortment_id)
      INSERT INTO listing_notices (tenant_id, id, b_node_id, sku_id, assortment_id, reason)
      SELECT ${tenantId}, ${newId('ntc')} || '-' || row_number() OVER (), c.b_node_id, c.sku_id, c.assortment_id, ${reason} FROM changed c
      RETURNING b_node_id`.execute(db);
    return rows.map((r) => r.b_node_id);
  },

  returnCaps: (db: Conn, tenantId: string, taken: RawBuilder<unknown>) =>
    sql`UPDATE listings l SET cap_left = l.cap_left + q.qty
          FROM (SELECT t.b_node_id, t.sku_id, sum(t.quantity)::int AS qty FROM ${taken} t GROUP BY 1, 2) q
         WHERE l.tenant_id = ${tenantId} AND l.b_node_id = q.b_node_id AND l.sku_id = q.sku_id AND l.cap_left IS NOT NULL`.execute(db),

  notices: (db: Conn, tenantId: string, bNodeId: string, limit: number) =>
    db.selectFrom('listing_notices').select(['id', 'sku_id', 'assortment_id', 'reason', 'details', 'created_at'])
      .where('tenant_id', '=', tenantId).where('b_node_id', '=', bNodeId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
};
