import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { allocate, type Fen } from '../../platform/money.js';
import { settingsOrDefaults } from './engine/settings.js';
import { WATERFALL_PARTS, storedOrderWaterfall, type WaterfallPart, type WaterfallRow } from './engine/waterfall.js';
import { linesOfOrders, paidOrdersAmong } from '../orders/orders.fragments.js';
import { skuFacts } from '../catalog/catalog.fragments.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';
import { tenantTimeZones } from '../identity/identity.fragments.js';
import type { PnlDimension } from './economics.schema.js';

/** Orders that may still be refunded: their waterfall keeps a provision for it. */
const OPEN_STATUSES = new Set(['paid', 'ready_for_pickup', 'partially_refunded']);

interface OrderSource {
  id: string; status: string; day: string; b_node_id: string; total: Fen; discount: Fen; refunded_total: Fen; campaign_id: string | null; campaign_subsidy: Fen;
  policy_id: string | null; leader_bps: number | null; levels_bps: number[] | null;
  payment_fee_bps: number | null; platform_take_bps: number | null; fulfillment_per_order: Fen | null;
  delivery_per_order: Fen | null; spoilage_bps: number | null; expected_refund_bps: number | null;
}

interface LineSource {
  order_id: string; line_no: number; sku_id: string; supplier_id: string; quantity: number; unit_price: Fen; unit_supply_cost: Fen;
  line_total: Fen; line_discount: Fen; refunded_quantity: number; refunded_amount: Fen;
}

/**
 * Books campaign costs the operator funds on orders beyond their discount (a group formed under the
 * disclosed fill rule books its missing members' price concession on its paid orders), once per
 * order and campaign kind; the caller recomputes the orders' waterfalls, which count them from then on.
 * The P&L by campaign files such an order under the campaign that booked the cost.
 */
export async function bookCampaignCosts(db: Conn, tenantId: string, costs: { order_id: string; campaign_kind: 'group_buy'; campaign_ref: string; amount: Fen }[]): Promise<void> {
  const booked = costs.filter((c) => c.amount > 0);
  if (booked.length === 0) return;
  await db.insertInto('order_campaign_costs').values(booked.map((c) => ({ tenant_id: tenantId, ...c })))
    .onConflict((oc) => oc.columns(['tenant_id', 'order_id', 'campaign_kind']).doNothing()).execute();
}

/**
 * Recomputes and stores the money waterfall of paid orders, one row per line. The order-level
 * figures come from M1 (`waterfallForOrder`); each part is then split over the lines — supply
 * cost and spoilage by each line's own supply cost, everything else by its share of the price —
 * with largest-remainder allocation, so every column sums exactly to the order's figure.
 * Called when an order is paid and after each refund; a fixed number of statements per batch.
 */
export async function recordOrderEconomics(db: Conn, tenantId: string, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  // One read: each line with its order's facts (time zone, node's policy, the tenant's settings).
  const { rows: read } = await sql<OrderSource & LineSource>`
    SELECT o.id, o.status, to_char((o.paid_at AT TIME ZONE t.time_zone)::date, 'YYYY-MM-DD') AS day, o.b_node_id,
           o.total, o.discount, o.refunded_total, coalesce(o.campaign_id, cc.campaign_ref) AS campaign_id, coalesce(cc.amount, 0)::bigint AS campaign_subsidy,
           p.id AS policy_id, p.leader_bps, p.levels_bps,
           s.payment_fee_bps, s.platform_take_bps, s.fulfillment_per_order, s.delivery_per_order, s.spoilage_bps, s.expected_refund_bps,
           l.order_id, l.line_no, l.sku_id, k.supplier_id, l.quantity, l.unit_price, l.unit_supply_cost, l.line_total,
           l.discount AS line_discount, l.refunded_quantity, l.refunded_amount
      FROM ${paidOrdersAmong(tenantId, orderIds)} o
      JOIN ${tenantTimeZones()} t ON t.id = o.tenant_id
      JOIN ${nodeFacts(tenantId)} b ON b.id = o.b_node_id
      LEFT JOIN commission_policies p ON p.tenant_id = o.tenant_id AND p.id = b.commission_policy_id
      LEFT JOIN economics_settings s ON s.tenant_id = o.tenant_id
      -- Per order through its key: a grouped subquery over the id list made the generic plan slow.
      LEFT JOIN LATERAL (SELECT min(c.campaign_ref) AS campaign_ref, sum(c.amount) AS amount FROM order_campaign_costs c
                          WHERE c.tenant_id = o.tenant_id AND c.order_id = o.id) cc ON true
      JOIN ${linesOfOrders(tenantId, orderIds)} l ON l.order_id = o.id
      JOIN ${skuFacts(tenantId)} k ON k.id = l.sku_id
     ORDER BY l.order_id, l.line_no`.execute(db);
  if (read.length === 0) return 0;
  const orders = [...new Map(read.map((r) => [r.id, r])).values()];
  const lines = read.map((r) => ({ ...r, discount: r.line_discount }));

  const rows = orders.flatMap((o) => {
    const own = lines.filter((l) => l.order_id === o.id);
    const waterfall = storedOrderWaterfall({
      paid: o.total, coupon: o.discount, refunded: o.refunded_total, open: OPEN_STATUSES.has(o.status),
      leader_bps: o.leader_bps ?? 0, levels_bps: o.levels_bps ?? [], campaign_subsidy: Number(o.campaign_subsidy),
    }, own.map((l) => ({
      quantity: l.quantity, unit_price: l.unit_price, unit_supply_cost: l.unit_supply_cost,
      refunded_quantity: l.refunded_quantity,
    })), settingsOrDefaults(o));
    const byPrice = own.map((l) => l.line_total);
    const byPaid = own.map((l) => l.line_total - l.discount);
    const bySupply = own.map((l) => l.unit_supply_cost * l.quantity);
    const weightsOf: Partial<Record<WaterfallPart, number[]>> = {
      list_price: byPrice, coupon: own.map((l) => l.discount), supply_cost: bySupply, spoilage: bySupply,
      refunds: own.map((l) => l.refunded_amount),
    };
    const split = (part: WaterfallPart, weights: number[]) => allocate(waterfall[part], weights.some((w) => w > 0) ? weights : own.map(() => 1));
    const parts = Object.fromEntries(WATERFALL_PARTS.filter((p) => p !== 'contribution_margin').map((p) =>
      [p, split(p, weightsOf[p] ?? byPaid)])) as Record<WaterfallPart, number[]>;
    return own.map((l, i) => {
      const v = (p: WaterfallPart) => parts[p]![i]!;
      const cm = v('paid') - v('refunds') - v('supply_cost') - v('payment_fee') - v('platform_take') - v('fulfillment') - v('delivery')
        - v('spoilage') - v('commission_l1') - v('commission_l2') - v('leader') - v('expected_refunds') - v('campaign_subsidy');
      return {
        tenant_id: tenantId, order_id: o.id, line_no: l.line_no, day: o.day, b_node_id: o.b_node_id, sku_id: l.sku_id,
        supplier_id: l.supplier_id, policy_id: o.policy_id, campaign_id: o.campaign_id,
        ...Object.fromEntries(WATERFALL_PARTS.filter((p) => p !== 'contribution_margin').map((p) => [p, v(p)])),
        contribution_margin: cm,
      };
    });
  });
  await db.insertInto('order_line_economics').values(rows as never)
    .onConflict((oc) => oc.columns(['tenant_id', 'order_id', 'line_no']).doUpdateSet((eb) => Object.fromEntries(
      [...WATERFALL_PARTS, 'day', 'policy_id', 'campaign_id'].map((c) => [c, eb.ref(`excluded.${c}` as never)])) as never))
    .execute();
  return rows.length;
}

export const ROLLUP_KEYS = { sku: 'sku_id', b_node: 'b_node_id', supplier: 'supplier_id', policy: 'policy_id', campaign: 'campaign_id', day: 'day' } as const satisfies Record<PnlDimension, string>;
export type RollupKey = PnlDimension;

/** P&L: every waterfall column summed by one dimension over a date range, in one query. */
export async function pnl(db: Conn, tenantId: string, by: RollupKey, range: { from?: string | undefined; to?: string | undefined; bNodeId?: string | null | undefined }) {
  const key = sql.ref(ROLLUP_KEYS[by]);
  const sums = WATERFALL_PARTS.map((p) => sql`sum(${sql.ref(p)})::bigint AS ${sql.ref(p)}`);
  const { rows } = await sql<{ key: string | null; orders: number } & Partial<Record<WaterfallPart, Fen | null>>>`
    SELECT ${by === 'day' ? sql`to_char(day, 'YYYY-MM-DD')` : key} AS key, count(DISTINCT order_id) AS orders, ${sql.join(sums)}
      FROM order_line_economics
     WHERE tenant_id = ${tenantId}
       ${range.from ? sql`AND day >= ${range.from}::date` : sql``}
       ${range.to ? sql`AND day <= ${range.to}::date` : sql``}
       ${range.bNodeId ? sql`AND b_node_id = ${range.bNodeId}` : sql``}
     GROUP BY 1 ORDER BY ${by === 'day' ? sql`1` : sql`sum(contribution_margin) DESC`}`.execute(db);
  return rows.map((r) => ({
    key: r.key ?? null, orders: r.orders,
    ...(Object.fromEntries(WATERFALL_PARTS.map((p) => [p, r[p] ?? 0])) as WaterfallRow),
  }));
}

/** The stored waterfall of one order: its lines' figures summed. */
export async function orderWaterfallOf(db: Conn, tenantId: string, orderId: string) {
  const lines = await db.selectFrom('order_line_economics').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();
  if (lines.length === 0) return null;
  const total = Object.fromEntries(WATERFALL_PARTS.map((p) => [p, lines.reduce((a, l) => a + l[p], 0)])) as WaterfallRow;
  return { ...total, lines: lines.map((l) => ({ line_no: l.line_no, sku_id: l.sku_id, ...(Object.fromEntries(WATERFALL_PARTS.map((p) => [p, l[p]])) as WaterfallRow) })) };
}
