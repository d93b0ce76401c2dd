import type { Conn, Db, Tx } from '../../database.js';
import { nodeScopeOf, supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { inTransaction } from '../../platform/db/database.js';
import { visibleOrder } from '../orders/orders.service.js';
import { fulfilmentError } from './fulfilment.errors.js';
import type { ConfirmPurchaseOrderInput, CreateWindowInput, CutoffResult, PickListDetail, PurchaseOrderDetail, SubOrder, WindowStatus } from './fulfilment.schema.js';
import * as repo from './fulfilment.repo.js';

export type { ShortfallLine } from './fulfilment.repo.js';

const presentWindow = ({ tenant_id: _t, ...w }: repo.WindowRow) => w;

// ---------------------------------------------------------------- supplier sub-orders

/** Splits paid orders into supplier sub-orders (idempotent: an order already split is left alone). */
export const splitOrders = (db: Conn, tenantId: string, orderIds: string[]) => repo.insertSubOrders(db, tenantId, orderIds);

/** An order's supplier sub-orders, for whoever may see the order and its supply costs. */
export async function subOrders(db: Conn, actor: Actor, orderId: string): Promise<SubOrder[]> {
  await visibleOrder(db, actor, orderId);
  return repo.subOrdersOf(db, actor.tenantId, orderId);
}

// ---------------------------------------------------------------- sales windows

export async function createWindow(tx: Tx, clock: Clock, actor: Actor, input: CreateWindowInput) {
  const id = newId('win');
  const row = await repo.insertWindow(tx, actor.tenantId, { id, name: input.name, recurrence: input.recurrence, cutoff_time: input.cutoff_time, cutoff_date: input.cutoff_date ?? null, now: clock.now() });
  if (!row) throw fulfilmentError('cutoff_in_past');
  await audit(tx, actor.tenantId, 'sales_window.created', 'sales_window', id, { by: actor.userId, recurrence: input.recurrence });
  return presentWindow((await repo.windowById(tx, actor.tenantId, id))!);
}

export async function listWindows(db: Conn, actor: Actor, status?: WindowStatus) {
  return (await repo.listWindows(db, actor.tenantId, status)).map(presentWindow);
}

export async function getWindow(db: Conn, actor: Actor, id: string) {
  const w = await repo.windowById(db, actor.tenantId, id);
  if (!w) throw fulfilmentError('window_not_found');
  return presentWindow(w);
}

export async function cancelWindow(tx: Tx, actor: Actor, id: string) {
  const w = await repo.lockWindow(tx, actor.tenantId, id);
  if (!w) throw fulfilmentError('window_not_found');
  if (!(await repo.cancelWindow(tx, actor.tenantId, id))) throw fulfilmentError('window_not_open', { status: w.status });
  await audit(tx, actor.tenantId, 'sales_window.cancelled', 'sales_window', id, { by: actor.userId });
  return getWindow(tx, actor, id);
}

/**
 * A window's cutoff, under its row lock: its paid demand aggregated into purchase orders and pick
 * lists (one statement), the window closed, and a daily window's successor opened. A window already
 * closed answers what it holds and writes nothing, so a second run — a retry, another process, the
 * button pressed twice — changes nothing. Run early (before its cutoff time), the window closes now.
 */
export async function cutOff(tx: Tx, clock: Clock, tenantId: string, windowId: string): Promise<CutoffResult> {
  await repo.holdCutoffsExclusive(tx, tenantId);
  const locked = await repo.lockWindow(tx, tenantId, windowId);
  if (!locked) throw fulfilmentError('window_not_found');
  if (locked.status === 'cancelled') throw fulfilmentError('window_not_open', { status: locked.status });
  if (locked.status === 'closed') {
    const w = (await repo.windowById(tx, tenantId, windowId))!;
    return { window: presentWindow(w), ran: false, orders: 0, purchase_orders: 0, pick_lists: 0, next_window_id: null };
  }
  const now = clock.now();
  const cutoffAt = locked.cutoff_at < now ? locked.cutoff_at : now;
  const before = (await repo.windowById(tx, tenantId, windowId))!;
  const numberPrefix = `PO${before.cutoff_local.slice(0, 10).replaceAll('-', '')}-${windowId.slice(-4).toUpperCase()}-`;
  const done = await repo.aggregateWindow(tx, { tenant_id: tenantId, id: windowId, opens_at: locked.opens_at, cutoff_at: cutoffAt, numberPrefix });
  await repo.closeWindow(tx, tenantId, windowId, now);
  const next = locked.recurrence === 'daily' ? await repo.insertNextDailyWindow(tx, tenantId, windowId, newId('win')) : null;
  await audit(tx, tenantId, 'sales_window.cut_off', 'sales_window', windowId, { orders: done.orders, purchase_orders: done.purchase_orders, pick_lists: done.pick_lists, next_window_id: next });
  const w = (await repo.windowById(tx, tenantId, windowId))!;
  return { window: presentWindow(w), ran: true, orders: done.orders, purchase_orders: done.purchase_orders, pick_lists: done.pick_lists, next_window_id: next };
}

/**
 * Periodic work: every open window whose cutoff has passed, each in a transaction of its own; `cut`
 * is the cutoff itself (a flow may add to it, in its transaction). Processes running this at once
 * may pick the same window: the cutoff's locks let one aggregate it and the other find it closed.
 * Returns how many windows this run cut off.
 */
export async function cutOffDueWindows(db: Db, clock: Clock, limit = 20, cut: (tx: Tx, tenantId: string, windowId: string) => Promise<CutoffResult> = (tx, t, w) => cutOff(tx, clock, t, w)): Promise<number> {
  let done = 0;
  for (let tries = 0; tries < limit; tries++) {
    const [due] = await repo.dueWindows(db, clock.now(), 1);
    if (!due) break;
    if ((await inTransaction(db, (tx) => cut(tx, due.tenant_id, due.id))).ran) done++;
  }
  return done;
}

/**
 * Held by a payment's settlement before it reads the time it records as the payment time: a
 * cutoff running meanwhile waits for it, or it waits for the cutoff (see repo.holdCutoffsShared),
 * so no order paid around a cutoff falls between two windows.
 */
export const holdCutoffs = repo.holdCutoffsShared;

// ---------------------------------------------------------------- purchase orders

/** A purchase order the actor may see: tenant staff see all, a supplier its own; anything else is not found. */
async function visiblePurchaseOrder(db: Conn, actor: Actor, id: string) {
  const po = await repo.purchaseOrderById(db, actor.tenantId, id);
  const supplier = supplierScopeOf(actor);
  if (!po || (supplier !== undefined && po.supplier_id !== supplier)) throw fulfilmentError('purchase_order_not_found');
  return po;
}

export async function listPurchaseOrders(db: Conn, actor: Actor, f: { window_id?: string | undefined; status?: string | undefined }) {
  return repo.listPurchaseOrders(db, actor.tenantId, { supplierId: supplierScopeOf(actor), windowId: f.window_id, status: f.status });
}

export async function purchaseOrderDetail(db: Conn, actor: Actor, id: string): Promise<PurchaseOrderDetail> {
  const po = await visiblePurchaseOrder(db, actor, id);
  const [lines, refunds] = await Promise.all([repo.purchaseOrderLines(db, actor.tenantId, id), repo.shortShipmentRefunds(db, actor.tenantId, id)]);
  const detail = {
    ...po, lines,
    short_units: refunds.reduce((a, r) => a + r.quantity, 0),
    short_amount: refunds.reduce((a, r) => a + r.amount, 0),
  };
  // Which buyers were refunded is the tenant's business, not the supplier's.
  return supplierScopeOf(actor) === undefined ? { ...detail, refunds } : detail;
}

/**
 * The supplier's confirmation, first half: the quantities checked and stored, the order marked
 * confirmed (once), and who must be refunded for what ships short. The refunds themselves are the
 * short-shipment flow's, through the refund flow.
 */
export async function confirmQuantities(tx: Tx, clock: Clock, actor: Actor, id: string, input: ConfirmPurchaseOrderInput) {
  const supplier = supplierScopeOf(actor);
  const po = await repo.lockPurchaseOrder(tx, actor.tenantId, id);
  if (!po || (supplier !== undefined && po.supplier_id !== supplier)) throw fulfilmentError('purchase_order_not_found');
  if (po.status !== 'open') throw fulfilmentError('purchase_order_confirmed');
  const lines = new Map((await repo.purchaseOrderLines(tx, actor.tenantId, id)).map((l) => [l.sku_id, l]));
  const seen = new Set<string>();
  for (const l of input.lines) {
    const line = lines.get(l.sku_id);
    if (!line || seen.has(l.sku_id)) throw fulfilmentError('unknown_purchase_order_line', { sku_id: l.sku_id });
    seen.add(l.sku_id);
    if (l.confirmed_qty > line.ordered_qty) throw fulfilmentError('confirmed_over_ordered', { sku_id: l.sku_id, ordered_qty: line.ordered_qty, confirmed_qty: l.confirmed_qty });
  }
  await repo.confirmLines(tx, actor.tenantId, id, input.lines);
  if (!(await repo.markConfirmed(tx, actor.tenantId, id, clock.now(), actor.userId))) throw fulfilmentError('purchase_order_confirmed');
  return { shortfall: await repo.shortfallAllocation(tx, actor.tenantId, id) };
}

/** The second half: what was refunded, recorded per line (pick lists read the refunded lines as they stand). */
export async function recordShortShipment(tx: Tx, actor: Actor, id: string, refunded: { order_id: string; line_no: number; sku_id: string; quantity: number; amount: number; refund_id: string }[]) {
  await repo.recordShortShipmentRefunds(tx, actor.tenantId, id, refunded);
  await audit(tx, actor.tenantId, 'purchase_order.confirmed', 'purchase_order', id, {
    by: actor.userId, short_units: refunded.reduce((a, r) => a + r.quantity, 0), short_amount: refunded.reduce((a, r) => a + r.amount, 0),
  });
}

// ---------------------------------------------------------------- pick lists

async function visiblePickList(db: Conn, actor: Actor, id: string) {
  const list = await repo.pickListById(db, actor.tenantId, id);
  const node = nodeScopeOf(actor);
  if (!list || (node !== undefined && list.b_node_id !== node)) throw fulfilmentError('pick_list_not_found');
  return list;
}

export async function listPickLists(db: Conn, actor: Actor, f: { window_id?: string | undefined }) {
  return repo.listPickLists(db, actor.tenantId, { bNodeId: nodeScopeOf(actor), windowId: f.window_id });
}

export async function pickListDetail(db: Conn, actor: Actor, id: string): Promise<PickListDetail> {
  const list = await visiblePickList(db, actor, id);
  const [items, orders] = await Promise.all([repo.pickListItems(db, actor.tenantId, list.window_id, list.b_node_id), repo.pickListOrders(db, actor.tenantId, list.window_id, list.b_node_id)]);
  return {
    ...list, items,
    orders: orders.map(({ phone, ...o }) => ({ ...o, phone_tail: phone ? phone.slice(-4) : null })),
  };
}

export const timeZoneOf = (db: Conn, actor: Actor) => repo.timeZoneOf(db, actor.tenantId);

/** The pick list's printable page and workbook, for any list of the same shape (the leader's day reads as one). */
export { pickListHtml, A4_CSS, RECEIPT_CSS, type Layout, type PrintLang } from './fulfilment.print.js';
export { pickListXlsx } from './fulfilment.export.js';
