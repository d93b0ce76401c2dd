import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { fen, type Fen } from '../../platform/money.js';
import { skuFacts } from '../catalog/catalog.fragments.js';
import { listedPrices } from '../b-nodes/b-nodes.fragments.js';
import { customerCards } from '../customers/customers.fragments.js';
import { orderCards } from '../orders/orders.fragments.js';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';

export async function listedAt(db: Conn, tenantId: string, bNodeId: string, skuId: string) {
  const { rows } = await sql<{ retail_price: Fen; supply_price: Fen }>`
    SELECT l.retail_price, coalesce(l.supply_price, s.supply_price) AS supply_price
      FROM ${listedPrices(tenantId, [skuId])} l JOIN ${skuFacts(tenantId)} s ON s.id = l.sku_id
     WHERE l.b_node_id = ${bNodeId}`.execute(db);
  return rows[0] ? { retail_price: fen(rows[0].retail_price), supply_price: fen(rows[0].supply_price) } : undefined;
}

export async function insertCampaign(tx: Tx, row: { tenant_id: string; id: string; b_node_id: string; sku_id: string; title: string; start_price: Fen; floor_price: Fen; helpers_needed: number; valid_hours: number; starts_at: Date; ends_at: Date; created_by: string; verdict: StoredVerdict; guard: GuardSummary; override_reason: string | null }) {
  await tx.insertInto('bargain_campaigns').values({ ...row, guard: JSON.stringify(row.guard) }).execute();
}

export interface CampaignRow {
  id: string; b_node_id: string; sku_id: string; title: string; product_title: string; sku_name: string; start_price: Fen; floor_price: Fen;
  helpers_needed: number; valid_hours: number; starts_at: Date; ends_at: Date; status: 'active' | 'ended'; started: number; reached: number; bought: number;
  verdict: StoredVerdict | null; guard: GuardSummary | null; override_reason: string | null;
}

export async function campaigns(db: Conn, tenantId: string, f: { id?: string; bNodeId?: string; runningAt?: Date } = {}): Promise<CampaignRow[]> {
  const { rows } = await sql<CampaignRow>`
    SELECT c.id, c.b_node_id, c.sku_id, c.title, s.title AS product_title, s.name AS sku_name, c.start_price, c.floor_price, c.helpers_needed,
           c.valid_hours, c.starts_at, c.ends_at, c.status, c.verdict, c.guard, c.override_reason,
           (SELECT count(*) FROM bargains b WHERE b.tenant_id = c.tenant_id AND b.campaign_id = c.id)::int AS started,
           (SELECT count(*) FROM bargains b WHERE b.tenant_id = c.tenant_id AND b.campaign_id = c.id AND b.helped = cardinality(b.cuts))::int AS reached,
           (SELECT count(*) FROM bargains b JOIN ${orderCards(tenantId)} o ON o.id = b.order_id
             WHERE b.tenant_id = c.tenant_id AND b.campaign_id = c.id AND o.status NOT IN ('pending_payment', 'expired', 'cancelled'))::int AS bought
      FROM bargain_campaigns c JOIN ${skuFacts(tenantId)} s ON s.id = c.sku_id
     WHERE c.tenant_id = ${tenantId}
       ${f.id ? sql`AND c.id = ${f.id}` : sql``}
       ${f.bNodeId ? sql`AND c.b_node_id = ${f.bNodeId}` : sql``}
       ${f.runningAt ? sql`AND c.status = 'active' AND c.starts_at <= ${f.runningAt} AND ${f.runningAt} < c.ends_at` : sql``}
     ORDER BY c.created_at DESC, c.id DESC LIMIT 200`.execute(db);
  return rows.map((r) => ({ ...r, start_price: fen(r.start_price), floor_price: fen(r.floor_price) }));
}

export async function bargainOf(db: Conn, tenantId: string, f: { id?: string; campaignId?: string; customerId?: string }) {
  let q = db.selectFrom('bargains').selectAll().where('tenant_id', '=', tenantId);
  if (f.id) q = q.where('id', '=', f.id);
  if (f.campaignId) q = q.where('campaign_id', '=', f.campaignId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  const row = await q.executeTakeFirst();
  return row ? { ...row, price: fen(row.price), seed: Number(row.seed), cuts: row.cuts.map((c) => fen(c)) } : undefined;
}

export async function lockBargain(tx: Tx, tenantId: string, id: string) {
  const row = await tx.selectFrom('bargains').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  return row ? { ...row, price: fen(row.price), cuts: row.cuts.map((c) => fen(c)) } : undefined;
}

/** A new bargain; none when the buyer already has one for the campaign (the unique key decides). */
export async function insertBargain(tx: Tx, row: { tenant_id: string; id: string; campaign_id: string; customer_id: string; seed: number; cuts: Fen[]; price: Fen; expires_at: Date; created_at: Date }): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO bargains (tenant_id, id, campaign_id, customer_id, seed, cuts, price, expires_at, created_at)
    VALUES (${row.tenant_id}, ${row.id}, ${row.campaign_id}, ${row.customer_id}, ${row.seed}, ${row.cuts}::bigint[], ${row.price}, ${row.expires_at}, ${row.created_at})
    ON CONFLICT (tenant_id, campaign_id, customer_id) DO NOTHING RETURNING id`.execute(tx);
  return rows.length === 1;
}

/**
 * One friend's help, in one statement under the bargain's row lock: the help row (its key makes a
 * second help by the same friend impossible) and the bargain's next cut, only while cuts are left.
 */
export async function addHelp(tx: Tx, tenantId: string, bargainId: string, helperId: string, now: Date): Promise<{ seq: number; cut: Fen } | undefined> {
  const { rows } = await sql<{ seq: number; cut: Fen }>`
    WITH next AS (
      UPDATE bargains SET helped = helped + 1, price = price - cuts[helped + 1]
       WHERE tenant_id = ${tenantId} AND id = ${bargainId} AND helped < cardinality(cuts)
       RETURNING helped AS seq, cuts[helped] AS cut)
    INSERT INTO bargain_helps (tenant_id, bargain_id, helper_id, seq, cut, created_at)
    SELECT ${tenantId}, ${bargainId}, ${helperId}, n.seq, n.cut, ${now} FROM next n
    RETURNING seq, cut`.execute(tx);
  return rows[0] ? { seq: rows[0].seq, cut: fen(rows[0].cut) } : undefined;
}

export async function helps(db: Conn, tenantId: string, bargainId: string) {
  const { rows } = await sql<{ helper_id: string; name: string; cut: Fen; created_at: Date }>`
    SELECT h.helper_id, c.name, h.cut, h.created_at FROM bargain_helps h JOIN ${customerCards(tenantId)} c ON c.id = h.helper_id
     WHERE h.tenant_id = ${tenantId} AND h.bargain_id = ${bargainId} ORDER BY h.seq`.execute(db);
  return rows.map((r) => ({ ...r, cut: fen(r.cut) }));
}

export async function customerName(db: Conn, tenantId: string, customerId: string) {
  const { rows } = await sql<{ name: string }>`SELECT c.name FROM ${customerCards(tenantId)} c WHERE c.id = ${customerId}`.execute(db);
  return rows[0]?.name ?? '';
}

export async function orderStatusOf(db: Conn, tenantId: string, orderId: string) {
  const { rows } = await sql<{ status: string }>`SELECT o.status FROM ${orderCards(tenantId)} o WHERE o.id = ${orderId}`.execute(db);
  return rows[0]?.status;
}
