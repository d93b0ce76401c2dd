import { sql } from 'kysely';
import type { Tx } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { allocate, type Fen } from '../platform/money.js';
import { paymentTimeouts } from '../modules/identity/identity.fragments.js';
import { listedPrices, shopBySlug } from '../modules/b-nodes/b-nodes.fragments.js';
import { takeListingCaps } from '../modules/b-nodes/listings.fragments.js';
import { bNodeError } from '../modules/b-nodes/b-nodes.errors.js';
import { productRows, skuRows } from '../modules/catalog/catalog.fragments.js';
import { runningCampaign, takeSubsidy } from '../modules/campaigns/campaigns.fragments.js';
import { lastAttributableVisit } from '../modules/sharing/sharing.fragments.js';
import { campaignError } from '../modules/campaigns/campaigns.errors.js';
import { insertReservations, reservationCtes, type StockWant } from '../modules/inventory/inventory.fragments.js';
import { insertLines, insertOrder, type NewLine, type NewOrder } from '../modules/orders/orders.fragments.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { newPickupCode, orderNumber, presentOrder, type Buyer } from '../modules/orders/orders.service.js';
import type { CheckoutInput } from '../modules/orders/orders.schema.js';
import { presaleTerms } from '../modules/presales/presales.fragments.js';
import { presaleError } from '../modules/presales/presales.errors.js';
import { bargainTerms, takeBargain } from '../modules/bargains/bargains.fragments.js';
import { bargainError } from '../modules/bargains/bargains.errors.js';

/**
 * Checkout: the model cross-module flow, and one read and one write statement whatever the cart
 * size. Each module contributes its part as SQL it owns:
 *
 *   read   b-nodes   the shop by slug (only within the buyer's tenant) and its listed prices
 *          identity  the tenant's payment timeout
 *          campaigns the richest running subsidy with budget left
 *          catalog   each SKU's snapshot: code, name, title, supply cost
 *          sharing   the share code the buyer last came through within the attribution window
 *   write  inventory reserve stock: lock rows in SKU order, conditional `on_hand - reserved >= qty`
 *          campaigns take the subsidy from the budget: conditional `spent + discount <= budget`
 *          orders    insert the order and its lines, only if every SKU and the subsidy were taken
 *          inventory record the reservations of the order
 *
 * Either the whole cart is reserved and the order exists, or nothing is written: a short answer
 * throws, and the caller's transaction rolls the partial updates back.
 */
export async function checkout(tx: Tx, clock: Clock, buyer: Buyer, input: CheckoutInput) {
  const skuIds = [...new Set(input.lines.map((l) => l.sku_id))];
  const now = clock.now();
  const source = await readCheckoutSource(tx, buyer, input.shop, skuIds, now, input.campaign);
  const node = source[0];
  // Another tenant's shop is indistinguishable from no shop at all.
  if (!node) throw bNodeError('shop_not_found');
  const listed = new Map(source.filter((r) => r.sku_id !== null && r.retail_price !== null).map((r) => [r.sku_id!, r]));
  const missing = skuIds.filter((id) => !listed.has(id));
  if (missing.length) throw orderError('sku_not_available', { sku_ids: missing });
  // ── pre-sale (社区团购): taken until its window's cutoff, its SKUs only; otherwise an ordinary pickup order.
  if (input.campaign?.kind === 'presale') {
    if (!node.presale_id) throw presaleError('presale_not_found');
    if (!node.presale_open) throw presaleError('presale_closed');
    const outside = skuIds.filter((id) => !node.presale_skus!.includes(id));
    if (outside.length) throw presaleError('sku_not_in_presale', { sku_ids: outside });
  }
  // ── end pre-sale
  // ── bargain (砍价): the buyer's own bargain, floor reached, one unit of its SKU at its shop, at the price reached.
  const bargain = input.campaign?.kind === 'bargain' ? node : null;
  if (bargain) {
    if (!bargain.bargain_id || !bargain.bargain_mine || bargain.bargain_node !== node.b_node_id) throw bargainError('bargain_not_found');
    if (input.lines.length !== 1 || input.lines[0]!.sku_id !== bargain.bargain_sku || input.lines[0]!.quantity !== 1) throw bargainError('bargain_one_unit');
    if (!bargain.bargain_reached) throw bargainError('bargain_not_reached');
    if (!bargain.bargain_free) throw bargainError('bargain_used');
    if (!bargain.bargain_live) throw bargainError('bargain_expired');
  }
  // ── end bargain

  const priced = input.lines.map((l, i) => {
    const sku = listed.get(l.sku_id)!;
    const unitPrice = sku.retail_price!;
    return {
      line_no: i + 1, sku_id: l.sku_id, sku_code: sku.code!, title: `${sku.title} ${sku.sku_name}`.trim(), quantity: l.quantity,
      unit_price: unitPrice, unit_supply_cost: sku.supply_price!, line_total: unitPrice * l.quantity,
    };
  });
  const subtotal = priced.reduce((a, l) => a + l.line_total, 0);
  // A running subsidy applies when the cart reaches its minimum; its discount is split over the
  // lines by price so a refund by line returns exactly what that line cost the buyer.
  const campaign = !bargain && node.campaign_id && subtotal >= node.campaign_min_total! ? { id: node.campaign_id, discount: node.campaign_discount! } : null;
  const discount = bargain ? Math.max(0, subtotal - Number(bargain.bargain_price)) : campaign?.discount ?? 0;
  const split = allocate(discount, priced.map((l) => l.line_total));
  const lines: NewLine[] = priced.map((l, i) => ({ ...l, discount: split[i]! }));
  const order: NewOrder = {
    tenant_id: buyer.tenantId, id: newId('ord'), number: orderNumber(now), b_node_id: node.b_node_id, customer_id: buyer.customerId,
    warehouse_id: node.warehouse_id, fulfillment: input.fulfillment, pickup_code: newPickupCode(),
    subtotal, discount, total: subtotal - discount, supply_cost: lines.reduce((a, l) => a + l.unit_supply_cost * l.quantity, 0), note: input.note,
    campaign_id: campaign?.id ?? null, expires_at: new Date(now.getTime() + node.timeout_minutes * 60_000), created_at: now,
    campaign_record: input.campaign?.kind === 'presale' ? { kind: 'presale', ref: node.presale_id! } : bargain ? { kind: 'bargain', ref: bargain.bargain_id! } : null,
    attribution: node.share_code ? { share_code: node.share_code, sharer_user_id: node.sharer_user_id!, sharer_b_node_id: node.sharer_b_node_id! } : null,
  };
  const wants = mergeBySku(input.lines);
  // An assortment's per-node cap: refused here when the cart asks for more than is left, and taken
  // in the one write (conditional, so a concurrent checkout cannot pass it either).
  const capped = wants.filter((w) => listed.get(w.sku_id)!.cap_left !== null);
  const overCap = capped.filter((w) => w.quantity > listed.get(w.sku_id)!.cap_left!);
  if (overCap.length) throw bNodeError('listing_cap_reached', { sku_ids: overCap.map((w) => w.sku_id) });
  const { placed, reserved, subsidized, capsTaken, bargainTaken } = await placeOrder(tx, order, lines, wants, capped, bargain?.bargain_id ?? null);
  if (!placed && reserved.length === wants.length && bargain && !bargainTaken) throw bargainError('bargain_used');
  if (!placed && reserved.length === wants.length && capsTaken < capped.length) {
    throw bNodeError('listing_cap_reached', { sku_ids: capped.map((w) => w.sku_id) });
  }
  if (!placed && reserved.length === wants.length && campaign && !subsidized) {
    // Another checkout took the last of the budget between our read and our write.
    throw campaignError('campaign_budget_exhausted', { campaign_id: campaign.id });
  }
  if (!placed) {
    // The caller's transaction rolls back, taking the partial reservations with it.
    const got = new Set(reserved);
    throw orderError('out_of_stock', { sku_ids: wants.filter((w) => !got.has(w.sku_id)).map((w) => w.sku_id) });
  }
  return presentOrder('consumer', { ...order, status: 'pending_payment', refunded_total: 0, shipped: false, paid_at: null, closed_at: null }, lines.map((l) => ({ ...l, refunded_quantity: 0, refunded_amount: 0 })),
    { shop: { id: node.b_node_id, name: node.name, slug: node.slug, pickup_address: node.pickup_address } });
}

interface CheckoutSource {
  b_node_id: string; name: string; slug: string; pickup_address: string; warehouse_id: string; timeout_minutes: number;
  campaign_id: string | null; campaign_discount: Fen | null; campaign_min_total: Fen | null;
  sku_id: string | null; code: string | null; sku_name: string | null; supply_price: Fen | null; title: string | null; retail_price: Fen | null; cap_left: number | null;
  share_code: string | null; sharer_user_id: string | null; sharer_b_node_id: string | null;
  presale_id: string | null; presale_open: boolean | null; presale_skus: string[] | null;
  bargain_id: string | null; bargain_sku: string | null; bargain_node: string | null; bargain_price: Fen | null;
  bargain_reached: boolean | null; bargain_mine: boolean | null; bargain_free: boolean | null; bargain_live: boolean | null;
}

/** The one read: a row per requested SKU the shop lists (one row without a SKU when it lists none of them). */
async function readCheckoutSource(tx: Tx, buyer: Buyer, shop: string, skuIds: string[], now: Date, campaign: CheckoutInput['campaign']): Promise<CheckoutSource[]> {
  const tenantId = buyer.tenantId;
  const presaleId = campaign?.kind === 'presale' ? campaign.ref : null;
  const bargainId = campaign?.kind === 'bargain' ? campaign.ref : null;
  const { rows } = await sql<CheckoutSource>`
    SELECT b.b_node_id, b.name, b.slug, b.pickup_address, b.warehouse_id, t.order_payment_timeout_minutes AS timeout_minutes,
           c.id AS campaign_id, c.discount_per_order AS campaign_discount, c.min_order_total AS campaign_min_total,
           l.sku_id, s.code, s.name AS sku_name, coalesce(l.supply_price, s.supply_price) AS supply_price, p.title, l.retail_price, l.cap_left,
           a.share_code, a.sharer_user_id, a.sharer_b_node_id,
           pr.presale_id, pr.presale_open, pr.presale_skus,
           bg.bargain_id, bg.bargain_sku, bg.bargain_node, bg.bargain_price, bg.bargain_reached, bg.bargain_mine, bg.bargain_free, bg.bargain_live
      FROM ${shopBySlug(tenantId, shop)} b
      JOIN ${paymentTimeouts()} t ON t.id = b.tenant_id
      LEFT JOIN LATERAL ${runningCampaign(tenantId, sql.ref('b.b_node_id'), now)} c ON true
      LEFT JOIN LATERAL ${lastAttributableVisit(tenantId, buyer.customerId, now)} a ON true
      LEFT JOIN LATERAL ${presaleTerms(tenantId, presaleId, now)} pr ON true
      LEFT JOIN LATERAL ${bargainTerms(tenantId, bargainId, buyer.customerId, now)} bg ON true
      LEFT JOIN ${listedPrices(tenantId, skuIds)} l ON l.b_node_id = b.b_node_id
      LEFT JOIN ${skuRows(tenantId)} s ON s.id = l.sku_id
      LEFT JOIN ${productRows(tenantId)} p ON p.id = s.product_id`.execute(tx);
  return rows;
}

/**
 * The one write. Returns what could be taken; anything short means the caller must roll back
 * (the partial updates are in its transaction).
 */
async function placeOrder(tx: Tx, order: NewOrder, lines: NewLine[], wants: StockWant[], capped: StockWant[], bargainId: string | null): Promise<{ placed: boolean; reserved: string[]; subsidized: boolean; capsTaken: number; bargainTaken: boolean }> {
  // Most carts hold no capped listing: the statement then carries no cap step at all.
  const caps = capped.length ? sql`caps AS ${takeListingCaps(order.tenant_id, order.b_node_id, capped)},` : sql``;
  const capsTaken = capped.length ? sql`(SELECT count(*) FROM caps)::int` : sql`0`;
  // A bargain is taken by the order in this statement (once: a second checkout finds it taken).
  const bargain = bargainId ? sql`bargain AS ${takeBargain(order.tenant_id, bargainId, order.id)},` : sql``;
  const bargainTaken = bargainId ? sql`EXISTS (SELECT 1 FROM bargain)` : sql`true`;
  const { rows } = await sql<{ placed: boolean; reserved: string[]; subsidized: boolean; caps_taken: number; bargain_taken: boolean }>`
    WITH ${reservationCtes(order.tenant_id, order.warehouse_id, wants)},
    subsidy AS ${takeSubsidy(order.tenant_id, order.campaign_id, order.discount)},
    ${caps}
    ${bargain}
    complete AS (
      SELECT (SELECT count(*) FROM reserved) = ${wants.length}
             AND ${capsTaken} = ${capped.length}
             AND ${bargainTaken}
             AND (${order.campaign_id}::text IS NULL OR EXISTS (SELECT 1 FROM subsidy)) AS ok),
    new_order AS ${insertOrder(order, sql`(SELECT ok FROM complete)`)},
    new_lines AS ${insertLines(order.tenant_id, sql`new_order`, lines)},
    new_reservations AS ${insertReservations(order.tenant_id, order.warehouse_id, sql`new_order`)}
    SELECT (SELECT ok FROM complete) AS placed, ARRAY(SELECT sku_id FROM reserved) AS reserved,
           EXISTS (SELECT 1 FROM subsidy) AS subsidized, ${capsTaken} AS caps_taken, ${bargainTaken} AS bargain_taken,
           (SELECT count(*) FROM new_lines) + (SELECT count(*) FROM new_reservations) AS written`.execute(tx);
  return { placed: rows[0]!.placed, reserved: rows[0]!.reserved, subsidized: rows[0]!.subsidized, capsTaken: rows[0]!.caps_taken, bargainTaken: rows[0]!.bargain_taken };
}

/** One want per SKU, in SKU order (the order stock rows are locked in). */
function mergeBySku(lines: { sku_id: string; quantity: number }[]): StockWant[] {
  const total = new Map<string, number>();
  for (const l of lines) total.set(l.sku_id, (total.get(l.sku_id) ?? 0) + l.quantity);
  return [...total].map(([sku_id, quantity]) => ({ sku_id, quantity })).sort((a, b) => (a.sku_id < b.sku_id ? -1 : 1));
}
