import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { fen, type Fen } from '../../platform/money.js';
import { salesWindowRows, aggregatedOrders } from '../fulfilment/fulfilment.fragments.js';
import { skuFacts, skuRows } from '../catalog/catalog.fragments.js';
import { campaignOrdersAmong, campaignSales, openPickupOrders, unpaidCampaignOrders, orderLinesLeft, pickupCodeOrders } from '../orders/orders.fragments.js';
import { customerCards } from '../customers/customers.fragments.js';
import { listedPrices, nodeFacts } from '../b-nodes/b-nodes.fragments.js';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { NoShowRule } from './presales.schema.js';

export interface PresaleRow {
  id: string; title: string; window_id: string; window_name: string; window_status: 'open' | 'closed' | 'cancelled'; opens_at: Date; cutoff_at: Date; created_at: Date;
  verdict: StoredVerdict | null; guard: GuardSummary | null; override_reason: string | null;
}

export async function insertPresale(tx: Tx, p: { tenant_id: string; id: string; window_id: string; title: string; created_by: string; sku_ids: string[]; verdict: StoredVerdict; guard: GuardSummary; override_reason: string | null }) {
  await tx.insertInto('presales').values({
    tenant_id: p.tenant_id, id: p.id, window_id: p.window_id, title: p.title, created_by: p.created_by,
    verdict: p.verdict, guard: JSON.stringify(p.guard), override_reason: p.override_reason,
  }).execute();
  await tx.insertInto('presale_items').values(p.sku_ids.map((sku_id, position) => ({ tenant_id: p.tenant_id, presale_id: p.id, sku_id, position }))).execute();
}

/** Which of the given SKUs exist in the tenant. */
export async function knownSkus(db: Conn, tenantId: string, skuIds: string[]): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`SELECT s.id FROM ${skuFacts(tenantId)} s WHERE s.id = ANY(${skuIds}::text[])`.execute(db);
  return new Set(rows.map((r) => r.id));
}

export async function windowOf(db: Conn, tenantId: string, windowId: string) {
  const { rows } = await sql<{ id: string; status: string; cutoff_at: Date }>`SELECT w.id, w.status, w.cutoff_at FROM ${salesWindowRows(tenantId)} w WHERE w.id = ${windowId}`.execute(db);
  return rows[0];
}

export async function presales(db: Conn, tenantId: string, f: { id?: string; openAt?: Date } = {}): Promise<PresaleRow[]> {
  const { rows } = await sql<PresaleRow>`
    SELECT p.id, p.title, p.window_id, w.name AS window_name, w.status AS window_status, w.opens_at, w.cutoff_at, p.created_at,
           p.verdict, p.guard, p.override_reason
      FROM presales p JOIN ${salesWindowRows(tenantId)} w ON w.id = p.window_id
     WHERE p.tenant_id = ${tenantId}
       ${f.id ? sql`AND p.id = ${f.id}` : sql``}
       ${f.openAt ? sql`AND w.status = 'open' AND w.opens_at <= ${f.openAt} AND ${f.openAt} < w.cutoff_at` : sql``}
     ORDER BY w.cutoff_at DESC, p.id DESC LIMIT 200`.execute(db);
  return rows;
}

export interface PresaleItemRow { presale_id: string; sku_id: string; sku_code: string; sku_name: string; title: string; product_id: string; image_url: string | null; sold: number; buyers: string[]; orders: number }

/**
 * Each pre-sale's items with their progress: units paid less refunded under the pre-sale (every
 * pickup point), the last three buyers' names, and the pre-sale's paid orders.
 */
export async function presaleItems(db: Conn, tenantId: string, presaleIds: string[]): Promise<PresaleItemRow[]> {
  if (presaleIds.length === 0) return [];
  const { rows } = await sql<PresaleItemRow>`
    WITH sales AS (SELECT * FROM ${campaignSales(tenantId, 'presale', presaleIds)} s)
    SELECT i.presale_id, i.sku_id, k.code AS sku_code, k.name AS sku_name, k.title, k.product_id, k.image_url,
           coalesce((SELECT sum(s.units) FROM sales s WHERE s.campaign_ref = i.presale_id AND s.sku_id = i.sku_id), 0)::int AS sold,
           ARRAY(SELECT c.name FROM (SELECT s.customer_id, max(s.paid_at) AS at FROM sales s WHERE s.campaign_ref = i.presale_id AND s.sku_id = i.sku_id GROUP BY s.customer_id) b
                   JOIN ${customerCards(tenantId)} c ON c.id = b.customer_id ORDER BY b.at DESC, b.customer_id LIMIT 3) AS buyers,
           (SELECT count(DISTINCT s.order_id) FROM sales s WHERE s.campaign_ref = i.presale_id)::int AS orders
      FROM presale_items i JOIN ${skuFacts(tenantId)} k ON k.id = i.sku_id
     WHERE i.tenant_id = ${tenantId} AND i.presale_id = ANY(${presaleIds}::text[])
     ORDER BY i.presale_id, i.position`.execute(db);
  return rows;
}

/** What the shop asks for the given SKUs (its active listings), by SKU. */
export async function shopPrices(db: Conn, tenantId: string, bNodeId: string, skuIds: string[]): Promise<Map<string, Fen>> {
  const { rows } = await sql<{ sku_id: string; retail_price: Fen }>`
    SELECT l.sku_id, l.retail_price FROM ${listedPrices(tenantId, skuIds)} l WHERE l.b_node_id = ${bNodeId}`.execute(db);
  return new Map(rows.map((r) => [r.sku_id, fen(r.retail_price)]));
}

export async function settingsOf(db: Conn, tenantId: string): Promise<{ no_show_rule: NoShowRule; no_show_days: number }> {
  const row = await db.selectFrom('presale_settings').select(['no_show_rule', 'no_show_days']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row ?? { no_show_rule: 'hold', no_show_days: 3 };
}

export async function putSettings(db: Conn, tenantId: string, s: { no_show_rule: NoShowRule; no_show_days: number }, now: Date) {
  await db.insertInto('presale_settings').values({ tenant_id: tenantId, ...s, updated_at: now })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...s, updated_at: now })).execute();
}

export interface OpenPickupLine {
  order_id: string; number: string; status: string; customer_id: string; customer_name: string; phone: string | null; pickup_code: string; shipped: boolean;
  paid_at: Date; arrived_at: Date | null; aggregated: boolean; line_no: number; sku_id: string; sku_code: string; title: string; qty_left: number; picked: number;
}

/** A pickup point's waiting orders, line by line, with what was picked and when the goods arrived. */
export async function openPickupLines(db: Conn, tenantId: string, bNodeId: string): Promise<OpenPickupLine[]> {
  const { rows } = await sql<OpenPickupLine>`
    SELECT o.order_id, o.number, o.status, o.customer_id, c.name AS customer_name, c.phone_masked AS phone, o.pickup_code, o.shipped, o.paid_at,
           a.arrived_at, (w.order_id IS NOT NULL) AS aggregated,
           l.line_no, l.sku_id, l.sku_code, l.title, l.qty_left, coalesce(p.picked, 0) AS picked
      FROM ${openPickupOrders(tenantId, bNodeId)} o
      JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = o.order_id
      JOIN ${customerCards(tenantId)} c ON c.id = o.customer_id
      LEFT JOIN ${aggregatedOrders(tenantId)} w ON w.order_id = o.order_id
      LEFT JOIN pickup_arrivals a ON a.tenant_id = ${tenantId} AND a.order_id = o.order_id
      LEFT JOIN pickup_line_picks p ON p.tenant_id = ${tenantId} AND p.order_id = o.order_id AND p.line_no = l.line_no
     ORDER BY c.name, o.number, l.line_no`.execute(db);
  return rows;
}

/** Orders of a pickup point with this code, whatever their status. */
export async function ordersWithCode(db: Conn, tenantId: string, bNodeId: string, code: string) {
  const { rows } = await sql<{ order_id: string; status: string }>`SELECT * FROM ${pickupCodeOrders(tenantId, bNodeId, code)} o`.execute(db);
  return rows;
}

/**
 * Adds picked units to an order's lines in one statement: each line's total may never pass what
 * it holds (refunds taken off). The upsert's condition is checked under the row's lock, so
 * concurrent picks of one line cannot pass it together. Returns the lines that were taken.
 */
export async function addPicks(tx: Tx, tenantId: string, orderId: string, picks: { line_no: number; quantity: number }[], now: Date) {
  const { rows } = await sql<{ line_no: number; picked: number }>`
    INSERT INTO pickup_line_picks AS p (tenant_id, order_id, line_no, picked, updated_at)
    SELECT ${tenantId}, ${orderId}, w.line_no, w.quantity, ${now}
      FROM unnest(${picks.map((p) => p.line_no)}::int[], ${picks.map((p) => p.quantity)}::int[]) AS w(line_no, quantity)
      JOIN ${orderLinesLeft(tenantId)} l ON l.order_id = ${orderId} AND l.line_no = w.line_no
     WHERE w.quantity <= l.qty_left
    ON CONFLICT (tenant_id, order_id, line_no) DO UPDATE SET picked = p.picked + excluded.picked, updated_at = excluded.updated_at
     WHERE p.picked + excluded.picked <= (SELECT l2.qty_left FROM ${orderLinesLeft(tenantId)} l2 WHERE l2.order_id = p.order_id AND l2.line_no = p.line_no)
    RETURNING line_no, picked`.execute(tx);
  return rows;
}

/** Every line of an order with what it holds and what was picked. */
export async function orderPicks(db: Conn, tenantId: string, orderId: string) {
  const { rows } = await sql<{ line_no: number; title: string; qty_left: number; picked: number }>`
    SELECT l.line_no, l.title, l.qty_left, coalesce(p.picked, 0) AS picked
      FROM ${orderLinesLeft(tenantId)} l
      LEFT JOIN pickup_line_picks p ON p.tenant_id = ${tenantId} AND p.order_id = l.order_id AND p.line_no = l.line_no
     WHERE l.order_id = ${orderId} ORDER BY l.line_no`.execute(db);
  return rows;
}

/** Records arrivals (once per order); returns the orders newly arrived. */
export async function insertArrivals(tx: Tx, tenantId: string, bNodeId: string, orders: { order_id: string; customer_id: string }[], now: Date): Promise<string[]> {
  if (orders.length === 0) return [];
  const { rows } = await sql<{ order_id: string }>`
    INSERT INTO pickup_arrivals (tenant_id, order_id, b_node_id, customer_id, arrived_at)
    SELECT ${tenantId}, o.order_id, ${bNodeId}, o.customer_id, ${now}
      FROM unnest(${orders.map((o) => o.order_id)}::text[], ${orders.map((o) => o.customer_id)}::text[]) AS o(order_id, customer_id)
    ON CONFLICT (tenant_id, order_id) DO NOTHING RETURNING order_id`.execute(tx);
  return rows.map((r) => r.order_id);
}

/** One notice per buyer, node and day; returns how many buyers were newly told. */
export async function insertNotices(tx: Tx, tenantId: string, bNodeId: string, day: string, notices: { id: string; customer_id: string; order_count: number; messages_queued: number }[], now: Date): Promise<number> {
  if (notices.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    INSERT INTO arrival_notices (tenant_id, id, b_node_id, customer_id, notice_day, order_count, messages_queued, created_at)
    SELECT ${tenantId}, n.id, ${bNodeId}, n.customer_id, ${day}::date, n.order_count, n.messages_queued, ${now}
      FROM unnest(${notices.map((n) => n.id)}::text[], ${notices.map((n) => n.customer_id)}::text[], ${notices.map((n) => n.order_count)}::int[], ${notices.map((n) => n.messages_queued)}::int[])
           AS n(id, customer_id, order_count, messages_queued)
    ON CONFLICT (tenant_id, b_node_id, customer_id, notice_day) DO NOTHING RETURNING id`.execute(tx);
  return rows.length;
}

/**
 * Arrivals past their tenant's no-show days under the refund rule, not yet settled: claimed
 * under row locks that concurrent runs skip, so each is settled by one run.
 */
export async function claimDueNoShows(tx: Tx, now: Date, limit: number) {
  const { rows } = await sql<{ tenant_id: string; order_id: string; b_node_id: string }>`
    SELECT a.tenant_id, a.order_id, a.b_node_id FROM pickup_arrivals a JOIN presale_settings s ON s.tenant_id = a.tenant_id
     WHERE a.no_show_at IS NULL AND s.no_show_rule = 'refund' AND a.arrived_at <= ${now}::timestamptz - make_interval(days => s.no_show_days)
     ORDER BY a.tenant_id, a.order_id LIMIT ${limit}
       FOR UPDATE OF a SKIP LOCKED`.execute(tx);
  return rows;
}

/** Settles a claimed no-show; false when another run already did. */
export async function settleNoShow(tx: Tx, tenantId: string, orderId: string, outcome: 'refunded' | 'nothing_left', now: Date): Promise<boolean> {
  const res = await tx.updateTable('pickup_arrivals').set({ no_show_at: now, no_show_outcome: outcome })
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('no_show_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Among the given orders, the pre-sale orders whose pre-sale no longer takes orders (its window
 * past its cutoff, closed or cancelled). The windows are read under a share lock: a cutoff (which
 * locks its window for update) either ran before — the order reads as closed — or waits until the
 * payment has committed and then aggregates it. Either way a paid pre-sale order is in its window.
 */
export async function closedPresaleOrders(tx: Tx, tenantId: string, orderIds: string[], now: Date): Promise<Set<string>> {
  if (orderIds.length === 0) return new Set();
  const { rows } = await sql<{ id: string; open: boolean }>`
    SELECT o.id, (w.status = 'open' AND ${now} < w.cutoff_at) AS open
      FROM ${campaignOrdersAmong(tenantId, 'presale', orderIds)} o
      JOIN presales p ON p.tenant_id = ${tenantId} AND p.id = o.campaign_ref
      JOIN ${salesWindowRows(tenantId)} w ON w.id = p.window_id
     ORDER BY w.id FOR SHARE OF w`.execute(tx);
  return new Set(rows.filter((r) => !r.open).map((r) => r.id));
}

/** The unpaid orders of the pre-sales sold in a window: what its cutoff closes. */
export async function unpaidWindowOrders(tx: Tx, tenantId: string, windowId: string): Promise<string[]> {
  const presaleIds = (await tx.selectFrom('presales').select('id').where('tenant_id', '=', tenantId).where('window_id', '=', windowId).execute()).map((p) => p.id);
  if (presaleIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`SELECT o.id FROM ${unpaidCampaignOrders(tenantId, 'presale', presaleIds)} o ORDER BY o.id`.execute(tx);
  return rows.map((r) => r.id);
}

/**
 * What a pre-sale's SKUs sell at: each shop's active listing of them, its supply cost (the
 * listing's, for a curated one) and the shop's commission policy — one row per distinct price,
 * cost and policy, with one shop that has it (the guard's answer is the same for all of them).
 */
export async function pricePoints(db: Conn, tenantId: string, skuIds: string[]) {
  const { rows } = await sql<{ sku_id: string; b_node_id: string; price: Fen; cogs: Fen; shops: number }>`
    SELECT DISTINCT ON (l.sku_id, l.retail_price, coalesce(l.supply_price, s.supply_price), b.commission_policy_id)
           l.sku_id, l.b_node_id, l.retail_price AS price, coalesce(l.supply_price, s.supply_price) AS cogs,
           count(*) OVER (PARTITION BY l.sku_id, l.retail_price, coalesce(l.supply_price, s.supply_price), b.commission_policy_id)::int AS shops
      FROM ${listedPrices(tenantId, skuIds)} l
      JOIN ${skuRows(tenantId)} s ON s.id = l.sku_id
      JOIN ${nodeFacts(tenantId)} b ON b.id = l.b_node_id
     ORDER BY l.sku_id, l.retail_price, coalesce(l.supply_price, s.supply_price), b.commission_policy_id, l.b_node_id
     LIMIT 1000`.execute(db);
  return rows.map((r) => ({ ...r, price: fen(r.price), cogs: fen(r.cogs) }));
}
