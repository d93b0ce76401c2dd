import { sql, type RawBuilder } from 'kysely';
import type { Conn, Tx } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { allocate, type Fen } from '../platform/money.js';
import { paymentTimeouts } from '../modules/identity/identity.fragments.js';
import { listedPrices, shopBySlug } from '../modules/b-nodes/b-nodes.fragments.js';
import { takeListingCaps } from '../modules/b-nodes/listings.fragments.js';
import { bNodeError } from '../modules/b-nodes/b-nodes.errors.js';
import { productCategoryPath, productRows, skuRows } from '../modules/catalog/catalog.fragments.js';
import { runningCampaign, takeSubsidy } from '../modules/campaigns/campaigns.fragments.js';
import { lastAttributableVisit } from '../modules/sharing/sharing.fragments.js';
import { campaignError } from '../modules/campaigns/campaigns.errors.js';
import { insertReservations, reservationCtes, type StockWant } from '../modules/inventory/inventory.fragments.js';
import { insertLines, insertOrder, type NewLine, type NewOrder } from '../modules/orders/orders.fragments.js';
import { orderError } from '../modules/orders/orders.errors.js';
import { newPickupCode, orderNumber, presentOrder, type Buyer } from '../modules/orders/orders.service.js';
import type { CheckoutInput } from '../modules/orders/orders.schema.js';
import { flashSaleForCheckout, flashSaleSoldOut, recordFlashOrder, takeFlashUnits, type FlashTake } from '../modules/flash-sales/flash-sales.fragments.js';
import { flashSaleError } from '../modules/flash-sales/flash-sales.errors.js';
import type { EarlyRefusal } from '../platform/http/idempotency.js';
import { flashShortfall, flashTermsFor, type FlashSaleRead } from '../modules/flash-sales/flash-sales.service.js';
import { groupBuyForCheckout, recordGroupMember, takeGroupSlot, type GroupTake } from '../modules/group-buys/group-buys.fragments.js';
import { groupShortfall, groupTermsFor, type GroupBuyRead } from '../modules/group-buys/group-buys.service.js';
import { chosenCoupons, takeCoupons, type ChosenCoupon, type CouponUse } from '../modules/coupons/coupons.fragments.js';
import { couponDiscount, stacking } from '../modules/coupons/coupons.service.js';
import { couponError } from '../modules/coupons/coupons.errors.js';
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
 *          coupons   the buyer's chosen wallet coupons with their templates (only when coupons are chosen),
 *                    and catalog each SKU's category path (coupons aimed at a category reach its subtree)
 *   write  inventory reserve stock: lock rows in SKU order, conditional `on_hand - reserved >= qty`
 *          campaigns take the subsidy from the budget: conditional `spent + discount <= budget`
 *          coupons   take each template's count and money budget and flip each wallet coupon to used
 *                    (conditional), and record the redemptions against the new order
 *          orders    insert the order and its lines, only if every SKU and the subsidy were taken
 *          inventory record the reservations of the order
 *
 * Either the whole cart is reserved and the order exists, or nothing is written: a short answer
 * throws, and the caller's transaction rolls the partial updates back. `quote` prices a cart with
 * the same read and the same arithmetic (priceCart) and writes nothing, so the total the shop
 * shows before payment is the total checkout charges.
 */
export async function checkout(tx: Tx, clock: Clock, buyer: Buyer, input: CheckoutInput) {
  const now = clock.now();
  const { node, listed, lines, subtotal, discount, subsidy, coupons, discounts, flash, group, bargainId } = await priceCart(tx, now, buyer, input);
  const order: NewOrder = {
    tenant_id: buyer.tenantId, id: newId('ord'), number: orderNumber(now), b_node_id: node.b_node_id, customer_id: buyer.customerId,
    warehouse_id: node.warehouse_id, fulfillment: input.fulfillment, pickup_code: newPickupCode(),
    subtotal, discount, total: subtotal - discount, supply_cost: lines.reduce((a, l) => a + l.unit_supply_cost * l.quantity, 0), note: input.note,
    campaign_id: subsidy?.id ?? null, subsidy_discount: subsidy?.amount ?? 0, expires_at: new Date(now.getTime() + node.timeout_minutes * 60_000), created_at: now,
    campaign_record: input.campaign ? { kind: input.campaign.kind, ref: input.campaign.ref } : null,
    attribution: node.share_code ? { share_code: node.share_code, sharer_user_id: node.sharer_user_id!, sharer_b_node_id: node.sharer_b_node_id! } : null,
  };
  const wants = mergeBySku(input.lines);
  // An assortment's per-node cap: refused here when the cart asks for more than is left, and taken
  // in the one write (conditional, so a concurrent checkout cannot pass it either).
  const capped = wants.filter((w) => listed.get(w.sku_id)!.cap_left !== null);
  const overCap = capped.filter((w) => w.quantity > listed.get(w.sku_id)!.cap_left!);
  if (overCap.length) throw bNodeError('listing_cap_reached', { sku_ids: overCap.map((w) => w.sku_id) });
  const uses: CouponUse[] = coupons.map((c) => ({ coupon_id: c.coupon_id, template_id: c.template_id, amount: c.amount, redemption_id: newId('cpr') }));
  const { placed, reserved, subsidized, capsTaken, couponTemplatesTaken, couponsTaken, flashTaken, groupTaken, bargainTaken } = await placeOrder(tx, order, lines, wants, capped, uses, now, flash, group, bargainId);
  const allReserved = !placed && reserved.length === wants.length;
  if (allReserved && group && !(groupTaken.units && groupTaken.slot && groupTaken.limit)) throw groupShortfall(group, groupTaken);
  if (allReserved && flash && !(flashTaken.units && flashTaken.limit)) throw flashShortfall(flash.saleId, flashTaken);
  if (allReserved && bargainId && !bargainTaken) throw bargainError('bargain_used');
  if (allReserved && capsTaken < capped.length) {
    throw bNodeError('listing_cap_reached', { sku_ids: capped.map((w) => w.sku_id) });
  }
  if (allReserved && subsidy && !subsidized) {
    // Another checkout took the last of the budget between our read and our write.
    throw campaignError('campaign_budget_exhausted', { campaign_id: subsidy.id });
  }
  // --- coupons: a concurrent checkout took the last of a template's budget, or used the same coupon.
  if (allReserved && couponsTaken < uses.length) throw couponError('coupon_used', { coupon_ids: uses.map((u) => u.coupon_id) });
  if (allReserved && couponTemplatesTaken < new Set(uses.map((u) => u.template_id)).size) {
    throw couponError('coupon_budget_exhausted', { template_ids: [...new Set(uses.map((u) => u.template_id))] });
  }
  // --- end coupons
  if (!placed) {
    // The caller's transaction rolls back, taking the partial reservations with it.
    const got = new Set(reserved);
    throw orderError('out_of_stock', { sku_ids: wants.filter((w) => !got.has(w.sku_id)).map((w) => w.sku_id) });
  }
  return {
    ...presentOrder('consumer', { ...order, status: 'pending_payment', refunded_total: 0, shipped: false, paid_at: null, closed_at: null }, lines.map((l) => ({ ...l, refunded_quantity: 0, refunded_amount: 0 })),
      { shop: { id: node.b_node_id, name: node.name, slug: node.slug, pickup_address: node.pickup_address } }),
    discounts,
  };
}

/**
 * The refusal a cart meets before checkout's transaction, when one read can decide it: a flash
 * sale with no unit left (the burst after it sells out is nearly every attempt). Anything else,
 * including a sale with units left, goes through checkout, whose write decides the race.
 */
export function checkoutEarlyRefusal(tenantId: string, input: CheckoutInput): EarlyRefusal | undefined {
  if (input.campaign?.kind !== 'flash_sale') return undefined;
  const saleId = input.campaign.ref;
  return {
    refused: flashSaleSoldOut(tenantId, shopBySlug(tenantId, input.shop), saleId),
    error: () => flashSaleError('flash_sale_sold_out', { flash_sale_id: saleId, left: 0 }),
  };
}

/**
 * What checkout would charge for this cart now, by the very code checkout prices with, and
 * writing nothing: the shop shows it on the cart, checkout and cashier pages, so the amount shown
 * is the amount charged. A signed-out quote (no buyer) has no coupons and no attribution.
 */
export async function quote(db: Conn, clock: Clock, buyer: { tenantId: string; customerId: string | null }, input: CheckoutInput) {
  const { node, lines, subtotal, discount, discounts, subsidyReplaced } = await priceCart(db, clock.now(), buyer, input);
  return {
    shop: { id: node.b_node_id, name: node.name, slug: node.slug },
    subtotal, discount, total: subtotal - discount,
    lines: lines.map((l) => ({ sku_id: l.sku_id, title: l.title, quantity: l.quantity, unit_price: l.unit_price, line_total: l.line_total, discount: l.discount })),
    discounts, subsidy_replaced_by_coupon: subsidyReplaced,
  };
}

export type DiscountLine = { kind: 'subsidy' | 'coupon' | 'bargain'; ref: string; name: string; amount: Fen };

/**
 * Prices a cart: the shop's listed prices, the running subsidy (when the cart reaches its
 * minimum and the chosen coupons stack with it), then each chosen coupon on what the lines still
 * cost; every discount split over the lines by largest remainder so a refund by line returns
 * exactly what that line cost the buyer.
 */
async function priceCart(db: Conn, now: Date, buyer: { tenantId: string; customerId: string | null }, input: CheckoutInput) {
  const skuIds = [...new Set(input.lines.map((l) => l.sku_id))];
  const couponIds = [...new Set(input.coupon_ids ?? [])];
  const priceCampaign = input.campaign && input.campaign.kind !== 'presale' ? input.campaign : null;
  // A campaign price (flash sale, group buy, bargain) is the whole offer: no coupon on top of it.
  if (priceCampaign && couponIds.length) throw couponError('coupon_not_stackable', { campaign_kind: priceCampaign.kind });
  const source = await readCheckoutSource(db, buyer, input.shop, skuIds, couponIds, now, input.campaign);
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
      unit_price: unitPrice, unit_supply_cost: sku.supply_price!, line_total: unitPrice * l.quantity, category_path: sku.category_path ?? [],
    };
  });
  // --- flash sale (秒杀): its SKU's lines at the sale price; its units and the buyer's limit taken in the write.
  const flashTerms = input.campaign?.kind === 'flash_sale' ? flashTermsFor(node, mergeBySku(input.lines), now) : null;
  for (const l of priced.filter((x) => x.sku_id === flashTerms?.skuId)) {
    l.unit_price = flashTerms!.price;
    l.line_total = l.unit_price * l.quantity;
  }
  const flash: FlashTake | null = flashTerms && buyer.customerId ? { tenantId: buyer.tenantId, customerId: buyer.customerId, now, saleId: flashTerms.saleId, quantity: flashTerms.quantity, limit: flashTerms.limit } : null;
  // --- end flash sale
  // --- group buy (拼团): one unit at the opener's or member's price; the campaign's unit, the group's slot and the buyer's limit taken in the write.
  const groupTerms = input.campaign?.kind === 'group_buy' ? groupTermsFor(node, mergeBySku(input.lines), input.campaign.group_id, now) : null;
  for (const l of priced.filter((x) => x.sku_id === groupTerms?.skuId)) {
    l.unit_price = groupTerms!.price;
    l.line_total = l.unit_price * l.quantity;
  }
  const group: GroupTake | null = groupTerms && buyer.customerId ? { ...groupTerms, tenantId: buyer.tenantId, customerId: buyer.customerId, now } : null;
  // --- end group buy
  const subtotal = priced.reduce((a, l) => a + l.line_total, 0);
  const chosen = couponTerms(node.coupons ?? [], couponIds, node.b_node_id, now);
  const { subsidyAllowed } = stacking(chosen);
  const running = !priceCampaign && node.campaign_id && subtotal >= node.campaign_min_total! ? { id: node.campaign_id, name: node.campaign_name!, amount: node.campaign_discount! } : null;
  const subsidy = subsidyAllowed ? running : null;
  // A bargain's price is the listed price less what the helpers cut: a discount of its own.
  const bargainCut = bargain ? Math.max(0, subtotal - Number(bargain.bargain_price)) : 0;
  const perLine = allocate((subsidy?.amount ?? 0) + bargainCut, priced.map((l) => l.line_total));
  const discounts: DiscountLine[] = subsidy ? [{ kind: 'subsidy', ref: subsidy.id, name: subsidy.name, amount: subsidy.amount }] : [];
  if (bargain) discounts.push({ kind: 'bargain', ref: bargain.bargain_id!, name: bargain.bargain_name ?? '', amount: bargainCut });
  const coupons: { coupon_id: string; template_id: string; amount: Fen }[] = [];
  for (const c of chosen) {
    const { amount, perLine: split } = couponDiscount(c, priced, node.b_node_id, perLine);
    if (c.used_count + 1 > c.total_count || c.spent + amount > c.budget) throw couponError('coupon_budget_exhausted', { coupon_id: c.coupon_id });
    split.forEach((d, i) => { perLine[i]! += d; });
    coupons.push({ coupon_id: c.coupon_id, template_id: c.template_id, amount });
    discounts.push({ kind: 'coupon', ref: c.coupon_id, name: c.name, amount });
  }
  const lines: NewLine[] = priced.map(({ category_path: _, ...l }, i) => ({ ...l, discount: perLine[i]! }));
  const discount = perLine.reduce((a, b) => a + b, 0);
  return { node, listed, lines, subtotal, discount, subsidy, coupons, discounts, flash, group, bargainId: bargain?.bargain_id ?? null, subsidyReplaced: running !== null && subsidy === null };
}

/** The chosen coupons as the buyer may use them here and now; the first that may not is refused with its reason. */
function couponTerms(found: ChosenCoupon[], couponIds: string[], bNodeId: string, now: Date) {
  const byId = new Map(found.map((c) => [c.coupon_id, c]));
  return couponIds.map((id) => {
    const c = byId.get(id);
    if (!c) throw couponError('coupon_not_found', { coupon_id: id });
    if (c.status === 'used') throw couponError('coupon_used', { coupon_id: id });
    if (c.template_status !== 'active' || new Date(c.valid_until) <= now) throw couponError('coupon_expired', { coupon_id: id });
    if (c.template_b_node_id !== null && c.template_b_node_id !== bNodeId) throw couponError('coupon_out_of_scope', { coupon_id: id });
    return c;
  });
}

interface CheckoutSource extends FlashSaleRead, GroupBuyRead {
  b_node_id: string; name: string; slug: string; pickup_address: string; warehouse_id: string; timeout_minutes: number;
  campaign_id: string | null; campaign_name: string | null; campaign_discount: Fen | null; campaign_min_total: Fen | null;
  coupons: ChosenCoupon[] | null; category_path: string[] | null;
  sku_id: string | null; code: string | null; sku_name: string | null; supply_price: Fen | null; title: string | null; retail_price: Fen | null; cap_left: number | null;
  share_code: string | null; sharer_user_id: string | null; sharer_b_node_id: string | null;
  presale_id: string | null; presale_open: boolean | null; presale_skus: string[] | null;
  bargain_id: string | null; bargain_name: string | null; bargain_sku: string | null; bargain_node: string | null; bargain_price: Fen | null;
  bargain_reached: boolean | null; bargain_mine: boolean | null; bargain_free: boolean | null; bargain_live: boolean | null;
}

/** The one read: a row per requested SKU the shop lists (one row without a SKU when it lists none of them). */
async function readCheckoutSource(db: Conn, buyer: { tenantId: string; customerId: string | null }, shop: string, skuIds: string[], couponIds: string[], now: Date,
  campaign: CheckoutInput['campaign']): Promise<CheckoutSource[]> {
  const tenantId = buyer.tenantId;
  // Most carts use no coupon: the statement then reads no wallet and no category tree.
  const withCoupons = couponIds.length > 0;
  const flashSaleId = campaign?.kind === 'flash_sale' ? campaign.ref : null;
  const group = campaign?.kind === 'group_buy' ? { ref: campaign.ref, group_id: campaign.group_id ?? null } : null;
  const presaleId = campaign?.kind === 'presale' ? campaign.ref : null;
  const bargainId = campaign?.kind === 'bargain' ? campaign.ref : null;
  const { rows } = await sql<CheckoutSource>`
    SELECT b.b_node_id, b.name, b.slug, b.pickup_address, b.warehouse_id, t.order_payment_timeout_minutes AS timeout_minutes,
           c.id AS campaign_id, c.name AS campaign_name, c.discount_per_order AS campaign_discount, c.min_order_total AS campaign_min_total,
           l.sku_id, s.code, s.name AS sku_name, coalesce(l.supply_price, s.supply_price) AS supply_price, p.title, l.retail_price, l.cap_left,
           a.share_code, a.sharer_user_id, a.sharer_b_node_id, f.*, gb.*,
           pr.presale_id, pr.presale_open, pr.presale_skus,
           bg.bargain_id, bg.bargain_name, bg.bargain_sku, bg.bargain_node, bg.bargain_price, bg.bargain_reached, bg.bargain_mine, bg.bargain_free, bg.bargain_live,
           ${withCoupons ? sql`${chosenCoupons(tenantId, buyer.customerId, couponIds)}` : sql`NULL`} AS coupons,
           ${withCoupons ? sql`cat.category_path` : sql`NULL::text[]`} AS category_path
      FROM ${shopBySlug(tenantId, shop)} b
      JOIN ${paymentTimeouts()} t ON t.id = b.tenant_id
      LEFT JOIN LATERAL ${runningCampaign(tenantId, sql.ref('b.b_node_id'), now)} c ON true
      LEFT JOIN LATERAL ${buyer.customerId ? lastAttributableVisit(tenantId, buyer.customerId, now) : sql`(SELECT NULL::text AS share_code, NULL::text AS sharer_user_id, NULL::text AS sharer_b_node_id)`} a ON true
      LEFT JOIN LATERAL ${onlyIf(flashSaleId, flashSaleForCheckout(tenantId, sql.ref('b.b_node_id'), flashSaleId, buyer.customerId))} f ON true
      LEFT JOIN LATERAL ${onlyIf(group, groupBuyForCheckout(tenantId, sql.ref('b.b_node_id'), group?.ref ?? null, group?.group_id ?? null, buyer.customerId))} gb ON true
      LEFT JOIN LATERAL ${onlyIf(presaleId, presaleTerms(tenantId, presaleId, now))} pr ON true
      LEFT JOIN LATERAL ${onlyIf(bargainId, bargainTerms(tenantId, bargainId, buyer.customerId, now))} bg ON true
      LEFT JOIN ${listedPrices(tenantId, skuIds)} l ON l.b_node_id = b.b_node_id
      LEFT JOIN ${skuRows(tenantId)} s ON s.id = l.sku_id
      LEFT JOIN ${productRows(tenantId)} p ON p.id = s.product_id
      ${withCoupons ? sql`LEFT JOIN LATERAL ${productCategoryPath(tenantId, sql.ref('s.product_id'))} cat ON true` : sql``}`.execute(db);
  return rows;
}

/**
 * A campaign's part of the one read, or, when the cart names no campaign of that kind, the same
 * columns with no row: `WHERE false` is a constant, so the plan (generic, made once per statement
 * text) reads none of that campaign's tables. Each kind present or absent is its own statement
 * text; an ordinary cart's names none and pays for no campaign lookup but the running subsidy.
 */
function onlyIf(input: unknown, part: RawBuilder<unknown>): RawBuilder<unknown> {
  return input === null || input === undefined ? sql`(SELECT * FROM ${part} AS absent WHERE false)` : part;
}

/**
 * The one write. Returns what could be taken; anything short means the caller must roll back
 * (the partial updates are in its transaction).
 */
async function placeOrder(tx: Tx, order: NewOrder, lines: NewLine[], wants: StockWant[], capped: StockWant[], uses: CouponUse[], now: Date, flash: FlashTake | null, group: GroupTake | null, bargainId: string | null) {
  // Most carts hold no capped listing: the statement then carries no cap step at all.
  const caps = capped.length ? sql`caps AS ${takeListingCaps(order.tenant_id, order.b_node_id, capped)},` : sql``;
  const capsTaken = capped.length ? sql`(SELECT count(*) FROM caps)::int` : sql`0`;
  // A flash sale's steps come after the stock in `complete`, so every statement locks stock rows before the sale's row.
  const flashSteps = flash ? sql`${takeFlashUnits(flash)},` : sql``;
  const flashOk = flash ? sql`AND EXISTS (SELECT 1 FROM flash_units) AND EXISTS (SELECT 1 FROM flash_limit)` : sql``;
  const flashRecord = flash ? sql`, flash_record AS ${recordFlashOrder(flash, sql`new_order`)}` : sql``;
  const flashTaken = flash ? sql`EXISTS (SELECT 1 FROM flash_units) AS flash_units, EXISTS (SELECT 1 FROM flash_limit) AS flash_limit` : sql`false AS flash_units, false AS flash_limit`;
  const groupSteps = group ? sql`${takeGroupSlot(group)},` : sql``;
  const groupOk = group ? sql`AND EXISTS (SELECT 1 FROM gb_units) AND EXISTS (SELECT 1 FROM gb_slot) AND EXISTS (SELECT 1 FROM gb_limit)` : sql``;
  const groupRecord = group ? sql`, ${recordGroupMember(group, sql`new_order`)}` : sql``;
  const groupTaken = group ? sql`EXISTS (SELECT 1 FROM gb_units) AS gb_units, EXISTS (SELECT 1 FROM gb_slot) AS gb_slot, EXISTS (SELECT 1 FROM gb_limit) AS gb_limit`
    : sql`false AS gb_units, false AS gb_slot, false AS gb_limit`;
  // A bargain is taken by the order in this statement (once: a second checkout finds it taken).
  const bargain = bargainId ? sql`bargain AS ${takeBargain(order.tenant_id, bargainId, order.id)},` : sql``;
  const bargainTaken = bargainId ? sql`EXISTS (SELECT 1 FROM bargain)` : sql`true`;
  // --- coupons: each template's count and money budget and each wallet coupon, taken conditionally.
  const cp = uses.length ? takeCoupons(order.tenant_id, order.customer_id, order.id, uses, now) : null;
  const couponCtes = cp ? sql`coupon_budgets AS ${cp.templatesTaken}, coupon_wallet AS ${cp.couponsTaken},` : sql``;
  const templatesTaken = cp ? sql`(SELECT count(*) FROM coupon_budgets)::int` : sql`0`;
  const couponsTaken = cp ? sql`(SELECT count(*) FROM coupon_wallet)::int` : sql`0`;
  const redemptions = cp ? sql`, new_redemptions AS ${cp.redemptions(sql`new_order`)}` : sql``;
  // --- end coupons
  const { rows } = await sql<{ placed: boolean; reserved: string[]; subsidized: boolean; caps_taken: number; coupon_templates_taken: number; coupons_taken: number;
    flash_units: boolean; flash_limit: boolean; gb_units: boolean; gb_slot: boolean; gb_limit: boolean; bargain_taken: boolean }>`
    WITH ${reservationCtes(order.tenant_id, order.warehouse_id, wants)},
    subsidy AS ${takeSubsidy(order.tenant_id, order.campaign_id, order.subsidy_discount)},
    ${caps}
    ${flashSteps}
    ${groupSteps}
    ${couponCtes}
    ${bargain}
    complete AS (
      SELECT (SELECT count(*) FROM reserved) = ${wants.length}
             AND ${capsTaken} = ${capped.length}
             AND ${templatesTaken} = ${cp?.templateCount ?? 0} AND ${couponsTaken} = ${uses.length}
             AND ${bargainTaken}
             AND (${order.campaign_id}::text IS NULL OR EXISTS (SELECT 1 FROM subsidy)) ${flashOk} ${groupOk} AS ok),
    new_order AS ${insertOrder(order, sql`(SELECT ok FROM complete)`)},
    new_lines AS ${insertLines(order.tenant_id, sql`new_order`, lines)},
    new_reservations AS ${insertReservations(order.tenant_id, order.warehouse_id, sql`new_order`)}${flashRecord}${groupRecord}
    ${redemptions}
    SELECT (SELECT ok FROM complete) AS placed, ARRAY(SELECT sku_id FROM reserved) AS reserved,
           EXISTS (SELECT 1 FROM subsidy) AS subsidized, ${capsTaken} AS caps_taken,
           ${templatesTaken} AS coupon_templates_taken, ${couponsTaken} AS coupons_taken, ${flashTaken}, ${groupTaken}, ${bargainTaken} AS bargain_taken,
           (SELECT count(*) FROM new_lines) + (SELECT count(*) FROM new_reservations) AS written`.execute(tx);
  const r = rows[0]!;
  return { placed: r.placed, reserved: r.reserved, subsidized: r.subsidized, capsTaken: r.caps_taken, couponTemplatesTaken: r.coupon_templates_taken, couponsTaken: r.coupons_taken,
    flashTaken: { units: r.flash_units, limit: r.flash_limit }, groupTaken: { units: r.gb_units, slot: r.gb_slot, limit: r.gb_limit }, bargainTaken: r.bargain_taken };
}

/** One want per SKU, in SKU order (the order stock rows are locked in). */
function mergeBySku(lines: { sku_id: string; quantity: number }[]): StockWant[] {
  const total = new Map<string, number>();
  for (const l of lines) total.set(l.sku_id, (total.get(l.sku_id) ?? 0) + l.quantity);
  return [...total].map(([sku_id, quantity]) => ({ sku_id, quantity })).sort((a, b) => (a.sku_id < b.sku_id ? -1 : 1));
}
