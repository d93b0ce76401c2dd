import type { Conn, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { nodeScopeOf, type Actor } from '../../platform/http/auth.js';
import { audit } from '../../platform/audit.js';
import { newId } from '../../platform/ids.js';
import { AppError, platformError } from '../../platform/errors.js';
import { guardChange, listingPlans, summary } from '../economics/economics-guard.service.js';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import { presaleError } from './presales.errors.js';
import { parsePickupQr, type CreatePresaleInput, type PickupDay, type Presale, type PresaleSettings } from './presales.schema.js';
import * as repo from './presales.repo.js';

/** A buyer's name as the shop shows it to other buyers: the first character, then 王**. */
export const maskName = (name: string) => `${[...name.trim()][0] ?? '*'}**`;

function present(p: repo.PresaleRow, items: repo.PresaleItemRow[], now: Date): Presale {
  return {
    id: p.id, title: p.title, window_id: p.window_id, window_name: p.window_name, window_status: p.window_status, cutoff_at: p.cutoff_at,
    open: p.window_status === 'open' && p.opens_at <= now && now < p.cutoff_at, orders: items[0]?.orders ?? 0, created_at: p.created_at,
    verdict: p.verdict, guard: (typeof p.guard === 'string' ? JSON.parse(p.guard) : p.guard) as GuardSummary | null, override_reason: p.override_reason,
    items: items.map((i) => ({ sku_id: i.sku_id, sku_code: i.sku_code, title: i.title, sku_name: i.sku_name, sold: i.sold, buyers: i.buyers.map(maskName) })),
  };
}

export async function createPresale(tx: Tx, clock: Clock, actor: Actor, input: CreatePresaleInput): Promise<Presale> {
  const window = await repo.windowOf(tx, actor.tenantId, input.window_id);
  if (!window) throw platformError('validation_failed', { errors: [{ path: 'body.window_id', message: 'no such sales window' }] });
  if (window.status !== 'open' || window.cutoff_at <= clock.now()) throw presaleError('window_not_open', { window_status: window.status });
  const skuIds = [...new Set(input.sku_ids)];
  const known = await repo.knownSkus(tx, actor.tenantId, skuIds);
  const unknown = skuIds.filter((s) => !known.has(s));
  if (unknown.length) throw presaleError('unknown_sku', { sku_ids: unknown });
  const id = newId('pre');
  const guard = await guardPresale(tx, actor, id, input.title, skuIds, input.override);
  await repo.insertPresale(tx, {
    tenant_id: actor.tenantId, id, window_id: input.window_id, title: input.title, created_by: actor.userId, sku_ids: skuIds,
    verdict: guard.verdict as StoredVerdict, guard, override_reason: input.override?.reason ?? null,
  });
  await audit(tx, actor.tenantId, 'presale.created', 'presale', id, { by: actor.userId, window_id: input.window_id, sku_ids: skuIds });
  return getPresale(tx, clock, actor, id);
}

/**
 * The guard's judgement of a pre-sale: each SKU as every shop sells it — its listed price against
 * its landed supply cost, with the shop's commission policy (the leader's cut), the tenant's fees,
 * spoilage and refunds — as a listing price is judged. The first rejection refuses the pre-sale
 * (422 economics_rejected, naming the SKU, a shop and its price) unless a tenant admin overrides
 * it with a reason; otherwise the worst verdict is kept (a warning over an accept).
 */
async function guardPresale(tx: Tx, actor: Actor, id: string, title: string, skuIds: string[], override?: { reason: string }): Promise<GuardSummary> {
  const points = await repo.pricePoints(tx, actor.tenantId, skuIds);
  // A SKU no shop lists has no price to sell or judge at: list it first (the listing is guarded too).
  const unlisted = skuIds.filter((s) => !points.some((p) => p.sku_id === s));
  if (unlisted.length) throw presaleError('presale_sku_not_listed', { sku_ids: unlisted });
  let kept: GuardSummary | null = null;
  for (const point of points) {
    const [plan] = await listingPlans(tx, actor.tenantId, point.cogs, [{ b_node_id: point.b_node_id, price: point.price }]);
    let result;
    try {
      result = await guardChange(tx, actor, { kind: 'presale', id }, { ...plan!, name: `pre-sale ${title}` }, override);
    } catch (err) {
      if (err instanceof AppError && err.code === 'economics_rejected') {
        throw new AppError(err.code, err.status, err.message, err.messageZh, { ...err.details, sku_id: point.sku_id, b_node_id: point.b_node_id, retail_price: point.price, shops: point.shops });
      }
      throw err;
    }
    const s = summary(result);
    if (!kept || (kept.verdict === 'accept' && s.verdict !== 'accept')) kept = s;
  }
  return kept!;
}

export async function listPresales(db: Conn, clock: Clock, actor: Actor): Promise<Presale[]> {
  const rows = await repo.presales(db, actor.tenantId);
  const items = await repo.presaleItems(db, actor.tenantId, rows.map((r) => r.id));
  return rows.map((r) => present(r, items.filter((i) => i.presale_id === r.id), clock.now()));
}

export async function getPresale(db: Conn, clock: Clock, actor: Actor, id: string): Promise<Presale> {
  const [row] = await repo.presales(db, actor.tenantId, { id });
  if (!row) throw presaleError('presale_not_found');
  return present(row, await repo.presaleItems(db, actor.tenantId, [id]), clock.now());
}

/** The pre-sales a shop shows now: taking orders, with the items the shop lists, at its prices. */
export async function shopPresales(db: Conn, clock: Clock, shop: { tenant_id: string; b_node_id: string }) {
  const now = clock.now();
  const rows = await repo.presales(db, shop.tenant_id, { openAt: now });
  const items = await repo.presaleItems(db, shop.tenant_id, rows.map((r) => r.id));
  const prices = await repo.shopPrices(db, shop.tenant_id, shop.b_node_id, [...new Set(items.map((i) => i.sku_id))]);
  return rows.map((r) => ({
    id: r.id, title: r.title, cutoff_at: r.cutoff_at,
    items: items.filter((i) => i.presale_id === r.id && prices.has(i.sku_id)).map((i) => ({
      sku_id: i.sku_id, sku_code: i.sku_code, title: i.title, sku_name: i.sku_name, product_id: i.product_id, image_url: i.image_url,
      price: prices.get(i.sku_id)!, sold: i.sold, buyers: i.buyers.map(maskName),
    })),
  })).filter((p) => p.items.length > 0);
}

export const presaleSettings = (db: Conn, tenantId: string) => repo.settingsOf(db, tenantId);

export async function putPresaleSettings(db: Conn, clock: Clock, actor: Actor, input: PresaleSettings) {
  await repo.putSettings(db, actor.tenantId, input, clock.now());
  await audit(db, actor.tenantId, 'presale.settings', 'tenant', actor.tenantId, { by: actor.userId, ...input });
  return repo.settingsOf(db, actor.tenantId);
}

/** The pickup point an actor works at: the one they name (checked against their scope by the caller), else their own; admins must name one. */
export function pickupPointOf(actor: Actor, bNodeId: string | undefined): string {
  const own = nodeScopeOf(actor);
  if (own) return bNodeId ?? own;
  if (!bNodeId) throw platformError('validation_failed', { errors: [{ path: 'b_node_id', message: 'required: which pickup point' }] });
  return bNodeId;
}

/** The calendar date (YYYY-MM-DD) an instant falls on in a time zone (en-CA writes dates that way). */
export const localDate = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * The leader's day `date` (the tenant's calendar; default today): the orders whose goods arrived
 * that day — and, today, those still on their way — by buyer (name and phone tail, as pick lists
 * show them), with units per product still to hand out; orders that arrived earlier and still wait
 * in a section of their own (`earlier`). No pickup code is ever in it.
 */
export async function pickupDay(db: Conn, clock: Clock, tenantId: string, bNodeId: string, node: { b_node_name: string; pickup_address: string; pickup_hours: string }, day: { timeZone: string; date?: string | undefined }): Promise<PickupDay> {
  const lines = await repo.openPickupLines(db, tenantId, bNodeId);
  const settings = await repo.settingsOf(db, tenantId);
  const now = clock.now();
  const today = localDate(now, day.timeZone);
  const date = day.date ?? today;
  const overdueBefore = now.getTime() - settings.no_show_days * 86_400_000;
  const orders = new Map<string, PickupDay['orders'][number]>();
  const earlier = new Set<string>();
  const products = new Map<string, PickupDay['by_product'][number] & { who: Set<string> }>();
  for (const l of lines) {
    const arrivedOn = l.arrived_at ? localDate(l.arrived_at, day.timeZone) : null;
    const section = arrivedOn === null ? (date === today ? 'day' : null) : arrivedOn === date ? 'day' : arrivedOn < date ? 'earlier' : null;
    if (section === null) continue;
    let o = orders.get(l.order_id);
    if (!o) {
      o = { order_id: l.order_id, number: l.number, status: l.status, customer_name: l.customer_name, phone_tail: l.phone ? l.phone.slice(-4) : null,
        arrived_at: l.arrived_at, overdue: l.arrived_at !== null && l.arrived_at.getTime() <= overdueBefore, lines: [] };
      orders.set(l.order_id, o);
      if (section === 'earlier') earlier.add(l.order_id);
    }
    if (l.qty_left === 0) continue;
    o.lines.push({ line_no: l.line_no, sku_id: l.sku_id, sku_code: l.sku_code, title: l.title, quantity: l.qty_left, picked: l.picked });
    if (section === 'earlier') continue;
    const p = products.get(l.sku_id) ?? { sku_id: l.sku_id, sku_code: l.sku_code, title: l.title, quantity: 0, picked: 0, buyers: 0, who: new Set<string>() };
    p.quantity += l.qty_left - l.picked;
    p.picked += l.picked;
    p.who.add(l.customer_id);
    products.set(l.sku_id, p);
  }
  const waiting = [...orders.values()].filter((o) => o.lines.length > 0);
  return {
    b_node_id: bNodeId, ...node, no_show: settings, date, today: date === today,
    by_product: [...products.values()].map(({ who, ...p }) => ({ ...p, buyers: who.size })).sort((a, b) => a.title.localeCompare(b.title, 'zh-CN')),
    orders: waiting.filter((o) => !earlier.has(o.order_id)),
    earlier: waiting.filter((o) => earlier.has(o.order_id)).sort((a, b) => new Date(a.arrived_at!).getTime() - new Date(b.arrived_at!).getTime()),
  };
}

/** Waiting orders at the pickup point, line by line (for the flows that hand goods out or tell buyers). */
export const openPickupLines = (db: Conn, tenantId: string, bNodeId: string) => repo.openPickupLines(db, tenantId, bNodeId);

/** A scanned pickup QR: its order and code, or unreadable. */
export function readPickupQr(text: string): { orderId: string; code: string } {
  const read = parsePickupQr(text);
  if (!read) throw presaleError('unreadable_pickup_qr');
  return read;
}

/**
 * The order a typed code names at this pickup point: the one waiting order with it (or the one
 * named). A code only used orders carry answers that it was used; none at all, that it is wrong.
 */
export async function orderForCode(db: Conn, tenantId: string, bNodeId: string, code: string, orderId?: string): Promise<string> {
  const all = (await repo.ordersWithCode(db, tenantId, bNodeId, code)).filter((o) => !orderId || o.order_id === orderId);
  const waiting = all.filter((o) => ['paid', 'ready_for_pickup', 'partially_refunded'].includes(o.status));
  if (waiting.length === 1) return waiting[0]!.order_id;
  if (waiting.length > 1) throw presaleError('pickup_code_ambiguous', { order_ids: waiting.map((o) => o.order_id) });
  if (all.some((o) => o.status === 'completed')) throw presaleError('pickup_already_completed');
  throw presaleError('no_pickup_order');
}

/**
 * Hands out units of an order: `lines` (absent: everything left) added to what was picked, in one
 * conditional statement — asking more than a line holds writes nothing. Returns every line after.
 */
export async function pickLines(tx: Tx, clock: Clock, tenantId: string, orderId: string, lines?: { line_no: number; quantity: number }[]) {
  const before = await repo.orderPicks(tx, tenantId, orderId);
  const want = new Map<number, number>();
  for (const l of lines ?? before.map((b) => ({ line_no: b.line_no, quantity: b.qty_left - b.picked }))) {
    if (l.quantity > 0) want.set(l.line_no, (want.get(l.line_no) ?? 0) + l.quantity);
  }
  for (const lineNo of want.keys()) {
    if (!before.some((b) => b.line_no === lineNo)) throw presaleError('pick_exceeds_order', { line_no: lineNo, left: 0 });
  }
  if (want.size === 0) throw presaleError('pickup_already_completed');
  const asked = [...want].map(([line_no, quantity]) => ({ line_no, quantity }));
  const taken = await repo.addPicks(tx, tenantId, orderId, asked, clock.now());
  if (taken.length < asked.length) {
    const ok = new Set(taken.map((t) => t.line_no));
    const over = asked.find((a) => !ok.has(a.line_no))!;
    const line = before.find((b) => b.line_no === over.line_no)!;
    // The caller's transaction rolls the lines that were taken back.
    throw presaleError('pick_exceeds_order', { line_no: over.line_no, asked: over.quantity, left: line.qty_left - line.picked });
  }
  return repo.orderPicks(tx, tenantId, orderId);
}

export const orderPicks = (db: Conn, tenantId: string, orderId: string) => repo.orderPicks(db, tenantId, orderId);
export const recordArrivals = repo.insertArrivals;
export const recordArrivalNotices = repo.insertNotices;
export const claimDueNoShows = repo.claimDueNoShows;
export const settleNoShow = repo.settleNoShow;

/** Among the given orders, the pre-sale orders whose pre-sale no longer takes orders or payments (see the repo: read under the windows' share lock). */
export const closedPresaleOrders = repo.closedPresaleOrders;
/** A window's unpaid pre-sale orders, which its cutoff cancels. */
export const unpaidWindowOrders = repo.unpaidWindowOrders;
