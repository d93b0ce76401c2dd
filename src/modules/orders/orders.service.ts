import { randomInt } from 'node:crypto';
import type { Conn, Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import type { LimitsConfig } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import { FORGET_FAILURES_AFTER_MS, lockSeconds, secondsUntil } from '../../platform/lockout.js';
import { can, nodeScopeOf, seesNode, type Actor, type Role } from '../../platform/http/auth.js';
import { platformError } from '../../platform/errors.js';
import type { Fen } from '../../platform/money.js';
import { shipOrders } from '../inventory/inventory.service.js';
import { orderError } from './orders.errors.js';
import { orderRepo } from './orders.repo.js';
import type { PhoneVault } from '../customers/customer-phones.service.js';
import type { Fulfillment } from './orders.schema.js';
import type { OrderStatus } from './orders.states.js';

export interface Buyer { tenantId: string; customerId: string }

/** A new order's number: its date and ten random digits, unique enough for people to read out. */
export function orderNumber(now: Date): string {
  const d = now.toISOString().slice(2, 10).replaceAll('-', '');
  return `${d}${String(randomInt(0, 1e9)).padStart(9, '0')}${randomInt(0, 10)}`;
}

/** A six-digit code the buyer shows at pickup (核销). */
export const newPickupCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** An order as stored, or as just placed (defaults not yet applied). */
interface OrderShape {
  id: string; number: string; status: OrderStatus; b_node_id: string; customer_id: string; fulfillment: Fulfillment; pickup_code: string;
  subtotal: Fen; discount: Fen; total: Fen; supply_cost: Fen; refunded_total: Fen; shipped: boolean; note: string;
  campaign_id: string | null; expires_at: Date; created_at: Date; paid_at: Date | null; closed_at: Date | null; picked_up_at?: Date | null;
}
interface LineShape {
  line_no: number; sku_id: string; sku_code: string; title: string; quantity: number; unit_price: Fen; unit_supply_cost: Fen;
  line_total: Fen; discount: Fen; refunded_quantity: number; refunded_amount: Fen;
}

/**
 * What of an order a role reads. The pickup code is the buyer's alone: staff verify the code the
 * buyer shows, so no staff answer carries it. Staff see no supply cost.
 */
function orderView(viewer: Role) {
  // The buyer's own order keeps the price snapshot it has always carried.
  // What the shop paid its supplier is the business's own figure: never shown to the buyer.
  return { pickupCode: viewer === 'consumer', supplyCost: viewer !== 'consumer' && can(viewer, 'supply_cost.read') };
}

export function presentOrder(viewer: Role, o: OrderShape, lines: LineShape[], extra: Record<string, unknown> = {}) {
  const view = orderView(viewer);
  return {
    id: o.id, number: o.number, status: o.status, b_node_id: o.b_node_id, customer_id: o.customer_id,
    fulfillment: o.fulfillment, ...(view.pickupCode ? { pickup_code: o.pickup_code } : {}),
    subtotal: o.subtotal, discount: o.discount, total: o.total, ...(view.supplyCost ? { supply_cost: o.supply_cost } : {}), refunded_total: o.refunded_total,
    shipped: o.shipped, note: o.note,
    expires_at: o.expires_at.toISOString(), created_at: o.created_at.toISOString(), paid_at: o.paid_at?.toISOString() ?? null, closed_at: o.closed_at?.toISOString() ?? null,
    picked_up_at: o.picked_up_at?.toISOString() ?? null,
    lines: lines.map((l) => ({
      line_no: l.line_no, sku_id: l.sku_id, sku_code: l.sku_code, title: l.title, quantity: l.quantity,
      unit_price: l.unit_price, ...(view.supplyCost ? { unit_supply_cost: l.unit_supply_cost } : {}), line_total: l.line_total,
      discount: l.discount, refunded_quantity: l.refunded_quantity, refunded_amount: l.refunded_amount,
    })),
    campaign_id: o.campaign_id,
    ...extra,
  };
}

/** Who may see an order: its buyer, staff and owners of its B node, tenant admins. Anyone else gets 404. */
export async function visibleOrder(db: Conn, actor: Actor, orderId: string, customerId?: string) {
  return asVisible(await orderRepo.order(db, actor.tenantId, orderId), actor, customerId);
}

/** The order if this actor may see it; else not found (so ids cannot be probed), or forbidden for roles that see no orders. */
export function asVisible<T extends { customer_id: string; b_node_id: string }>(order: T | undefined, actor: Actor, customerId?: string): T {
  if (actor.role === 'supplier_operator') throw platformError('forbidden');
  if (!order) throw orderError('order_not_found');
  if (actor.role === 'consumer' && order.customer_id !== customerId) throw orderError('order_not_found');
  if (!seesNode(actor, order.b_node_id)) throw orderError('order_not_found');
  return order;
}

/**
 * A visible order, locked for the caller's transaction: locked first and judged after, in one
 * statement; an order the actor may not see is refused and its lock ends with the rollback.
 */
export async function lockVisibleOrder(tx: Tx, actor: Actor, orderId: string, customerId?: string) {
  return asVisible(await orderRepo.lockOrder(tx, actor.tenantId, orderId), actor, customerId);
}

export const lockOrder = (tx: Tx, tenantId: string, orderId: string) => orderRepo.lockOrder(tx, tenantId, orderId);
export const orderLines = (db: Conn, tenantId: string, orderId: string) => orderRepo.lines(db, tenantId, orderId);

/** Moves an order along its transition table; false when it was not in a state that allows it (a race lost, or illegal). */
export const transitionOrder = orderRepo.transition;
export const transitionOrders = orderRepo.transitionMany;

/** Records refunded quantities and amounts on an order's lines. */
export const addLineRefunds = orderRepo.addLineRefunds;

/** Takes a failed refund's quantities and amounts off an order's lines again. */
export const removeLineRefunds = orderRepo.removeLineRefunds;

/** Moves an order out of (partially) refunded after a refund failed; false when it is in neither. */
export const reverseRefundStatus = orderRepo.reverseRefund;

/** Claims due unpaid orders (skipping ones another worker holds) and expires them in one statement. */
export const expireDue = orderRepo.expireDue;

export async function listOrders(db: Conn, phones: PhoneVault, actor: Actor, f: { status?: OrderStatus | undefined; b_node_id?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined }, customerId?: string) {
  const scope = nodeScopeOf(actor);
  // A node role asking for another node's orders gets none, as if that node had none.
  if (scope !== undefined && f.b_node_id !== undefined && f.b_node_id !== scope) return { items: [], total: 0, next_cursor: null };
  const bNodeId = scope ?? f.b_node_id;
  const before = f.cursor ? decodeCursor(f.cursor) : undefined;
  const filter = { status: f.status, bNodeId, customerId, q: f.q, phones };
  const [items, total] = await Promise.all([orderRepo.list(db, actor.tenantId, { ...filter, limit: f.limit, before }), orderRepo.count(db, actor.tenantId, filter)]);
  const last = items.length === f.limit ? items[items.length - 1] : undefined;
  return { items, total, next_cursor: last ? Buffer.from(`${last.created_at.toISOString()}|${last.id}`).toString('base64url') : null };
}

function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime())) throw platformError('validation_failed', { errors: [{ path: 'query.cursor', message: 'invalid cursor' }] });
  return { created_at: date, id };
}

/** Cancels an unpaid order (its stock and subsidy are given back by the caller). */
export async function cancelUnpaid(tx: Tx, at: Date, actor: Actor, orderId: string, customerId?: string) {
  const locked = await lockVisibleOrder(tx, actor, orderId, customerId);
  if (locked.status !== 'pending_payment') throw orderError('order_not_cancellable', { order_status: locked.status });
  await orderRepo.transition(tx, actor.tenantId, orderId, 'cancelled', { closed_at: at });
  return locked;
}

/** Goods leave the warehouse for the pickup point: reserved stock becomes shipped stock. */
export async function markReadyForPickup(tx: Tx, actor: Actor, orderId: string) {
  await visibleOrder(tx, actor, orderId);
  const order = await orderRepo.lockOrder(tx, actor.tenantId, orderId);
  if (!(await orderRepo.transition(tx, actor.tenantId, orderId, 'ready_for_pickup', { shipped: true }))) {
    throw platformError('illegal_transition', { from: order!.status, to: 'ready_for_pickup' });
  }
  await shipOrders(tx, actor.tenantId, [orderId]);
}

/** Verifies the pickup code (核销) and completes the order; ships it first if that had not happened. */
export async function completePickup(tx: Tx, at: Date, actor: Actor, orderId: string, code: string) {
  await visibleOrder(tx, actor, orderId);
  const order = (await orderRepo.lockOrder(tx, actor.tenantId, orderId))!;
  if (order.pickup_code !== code) throw orderError('wrong_pickup_code');
  if (!(await orderRepo.transition(tx, actor.tenantId, orderId, 'completed', { shipped: true, closed_at: at, picked_up_at: at }))) {
    throw platformError('illegal_transition', { from: order.status, to: 'completed' });
  }
  await shipOrders(tx, actor.tenantId, [orderId]);
}

/**
 * Runs a pickup-code verification under the order's attempt count, kept in the database so every
 * server process sees it: after `pickupMaxFailures` wrong codes in a row the order's verification
 * is locked for `pickupLockSeconds` (429 pickup_code_locked with Retry-After, even for the right
 * code), so a six-digit code cannot be found by trying. The right code clears the count.
 * `verify` runs the verification in its own transaction and throws wrong_pickup_code on a mismatch.
 */
export async function withPickupAttempts(db: Db, clock: Clock, limits: LimitsConfig, actor: Actor, orderId: string, verify: () => Promise<void>): Promise<void> {
  await visibleOrder(db, actor, orderId);
  const now = clock.now();
  const until = await orderRepo.pickupLockedUntil(db, actor.tenantId, orderId, now);
  if (until) throw orderError('pickup_code_locked', { retry_after_seconds: secondsUntil(until, now) });
  try {
    await verify();
  } catch (err) {
    if (err instanceof AppError && err.code === 'wrong_pickup_code') {
      const failures = await orderRepo.countWrongPickupCode(db, actor.tenantId, orderId, now, new Date(now.getTime() - FORGET_FAILURES_AFTER_MS));
      const seconds = lockSeconds(failures, { threshold: limits.pickupMaxFailures, baseSeconds: limits.pickupLockSeconds, maxSeconds: limits.pickupLockSeconds });
      if (seconds > 0) await orderRepo.lockPickup(db, actor.tenantId, orderId, new Date(now.getTime() + seconds * 1000));
    }
    throw err;
  }
  await orderRepo.clearPickupAttempts(db, actor.tenantId, orderId);
}

/** A merged customer's orders become the surviving customer's (one person, one order history). */
export async function reassignCustomerOrders(tx: Conn, tenantId: string, from: string, to: string): Promise<number> {
  const res = await tx.updateTable('orders').set({ customer_id: to }).where('tenant_id', '=', tenantId).where('customer_id', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows);
}
