import type { Conn, Tx } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { platformError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { afterSalesError } from './after-sales.errors.js';
import { afterSalesRepo } from './after-sales.repo.js';
import type { ListRequestsQuery } from './after-sales.schema.js';
import type { AfterSalesStatus } from './after-sales.states.js';
import type { OrderStatus } from '../orders/orders.schema.js';

export interface AfterSalesSettings { auto_approve_before_ready: boolean; return_window_days: number }
export const DEFAULT_SETTINGS: AfterSalesSettings = { auto_approve_before_ready: true, return_window_days: 7 };

export async function settingsOf(db: Conn, tenantId: string): Promise<AfterSalesSettings> {
  return (await afterSalesRepo.settings(db, tenantId)) ?? DEFAULT_SETTINGS;
}

export async function updateSettings(db: Conn, actor: Actor, patch: { auto_approve_before_ready?: boolean | undefined; return_window_days?: number | undefined }) {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length) {
    await afterSalesRepo.upsertSettings(db, actor.tenantId, set);
    await audit(db, actor.tenantId, 'after_sales.settings_changed', 'tenant', actor.tenantId, set, actor.userId);
  }
  return settingsOf(db, actor.tenantId);
}

/**
 * Whose requests an actor sees: a buyer their own, staff and B node owners their node's (none
 * without a node), admins the tenant's. Anything outside answers 404, as for orders.
 */
function scopeOf(actor: Actor): { bNodeId?: string; customerId?: string } | null {
  switch (actor.role) {
    case 'consumer':
      if (!actor.customerId) throw platformError('forbidden');
      return { customerId: actor.customerId };
    case 'b_owner':
    case 'staff':
      return actor.bNodeId ? { bNodeId: actor.bNodeId } : null;
    case 'tenant_admin':
    case 'platform_operator':
      return {};
    default:
      throw platformError('forbidden', { role: actor.role });
  }
}

/** A request line as stored and shown: what was asked and what it refunds as priced when asked. */
export interface RequestLine { line_no: number; sku_id: string; title: string; quantity: number; amount: number }

export async function createRequest(tx: Tx, actor: Actor, r: { orderId: string; bNodeId: string; customerId: string; lines: RequestLine[]; reason: string }) {
  const id = newId('asr');
  await afterSalesRepo.insertRequest(tx, {
    tenant_id: actor.tenantId, id, order_id: r.orderId, b_node_id: r.bNodeId, customer_id: r.customerId, status: 'requested',
    lines: JSON.stringify(r.lines), amount: r.lines.reduce((a, l) => a + l.amount, 0), reason: r.reason, requested_by: actor.userId,
  });
  await audit(tx, actor.tenantId, 'after_sales.requested', 'after_sales_request', id, { order_id: r.orderId, lines: r.lines.map((l) => [l.line_no, l.quantity]) }, actor.userId);
  return id;
}

export const openQuantities = afterSalesRepo.openQuantities;

/** A request the actor may see, locked for their transaction, or 404. */
export async function lockVisibleRequest(tx: Tx, actor: Actor, id: string) {
  const scope = scopeOf(actor);
  const row = scope ? await afterSalesRepo.lockRequest(tx, actor.tenantId, id) : undefined;
  if (!row || (scope?.bNodeId && row.b_node_id !== scope.bNodeId) || (scope?.customerId && row.customer_id !== scope.customerId)) throw afterSalesError('request_not_found');
  return { ...row, lines: row.lines as RequestLine[] };
}

/** Moves a request along its transition table, or 409 request_not_open when it is past that point. */
export async function transitionRequest(tx: Tx, tenantId: string, id: string, to: AfterSalesStatus, set: Parameters<typeof afterSalesRepo.transition>[4] = {}) {
  if (!(await afterSalesRepo.transition(tx, tenantId, id, to, set))) throw afterSalesError('request_not_open', { to });
}

/** The refund an approval started, so its outcome finds the request. */
export const linkRefund = afterSalesRepo.linkRefund;

export async function listRequests(db: Conn, actor: Actor, f: ListRequestsQuery) {
  const scope = scopeOf(actor);
  if (!scope) return { items: [], next_cursor: null };
  const before = f.cursor ? decodeCursor(f.cursor) : undefined;
  const rows = await afterSalesRepo.list(db, actor.tenantId, {
    status: f.status, orderId: f.order_id, limit: f.limit, before,
    bNodeId: scope.bNodeId ?? f.b_node_id, customerId: scope.customerId,
  });
  const last = rows.length === f.limit ? rows[rows.length - 1] : undefined;
  return { items: rows.map(present), next_cursor: last ? Buffer.from(`${last.created_at.toISOString()}|${last.id}`).toString('base64url') : null };
}

export async function getRequest(db: Conn, actor: Actor, id: string) {
  const scope = scopeOf(actor);
  const row = scope ? (await afterSalesRepo.list(db, actor.tenantId, { id, limit: 1, bNodeId: scope.bNodeId, customerId: scope.customerId }))[0] : undefined;
  if (!row) throw afterSalesError('request_not_found');
  return present(row);
}

function present<T extends { lines: unknown; order_status: string }>(row: T) {
  return { ...row, lines: row.lines as RequestLine[], order_status: row.order_status as OrderStatus };
}

function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || Number.isNaN(date.getTime())) throw platformError('validation_failed', { errors: [{ path: 'query.cursor', message: 'invalid cursor' }] });
  return { created_at: date, id };
}

/** The refund's outcome reaches the request that started it, if one did; its id, or undefined. */
export async function settleRequestOfRefund(tx: Tx, tenantId: string, refundId: string, outcome: 'refunded' | 'failed', at: Date) {
  const request = await afterSalesRepo.requestOfRefund(tx, tenantId, refundId);
  if (!request) return undefined;
  await afterSalesRepo.transition(tx, tenantId, request.id, outcome, { closed_at: outcome === 'refunded' ? at : null });
  return request.id;
}

/** Puts a failed refund on the staff's list of things to act on, with an audit row saying what was put back. */
export async function raiseRefundFailure(tx: Tx, a: { tenantId: string; orderId: string; bNodeId: string; refundId: string; requestId: string | null; amount: number; details: Record<string, unknown>; kind?: 'refund_failed' | 'refund_abnormal' }) {
  const id = newId('asa');
  await afterSalesRepo.insertAction(tx, {
    tenant_id: a.tenantId, id, kind: a.kind ?? 'refund_failed', order_id: a.orderId, b_node_id: a.bNodeId, refund_id: a.refundId,
    request_id: a.requestId, amount: a.amount, details: JSON.stringify(a.details),
  });
  await audit(tx, a.tenantId, `after_sales.${a.kind ?? 'refund_failed'}`, 'order', a.orderId, { refund_id: a.refundId, request_id: a.requestId, amount: a.amount, ...a.details });
  return id;
}

/** Open (or all) items to act on that the actor may see. */
export async function listActions(db: Conn, actor: Actor, open: boolean) {
  const scope = scopeOf(actor);
  if (!scope || scope.customerId) return { items: [] };
  const rows = await afterSalesRepo.actions(db, actor.tenantId, { bNodeId: scope.bNodeId, open });
  return { items: rows.map((r) => ({ ...r, details: r.details as Record<string, unknown> })) };
}

/** Marks an item handled, with what was done about it. */
export async function resolveAction(tx: Tx, actor: Actor, id: string, note: string, at: Date) {
  const scope = scopeOf(actor);
  const row = scope && !scope.customerId ? (await afterSalesRepo.actions(tx, actor.tenantId, { id, open: false, bNodeId: scope.bNodeId }))[0] : undefined;
  if (!row) throw afterSalesError('action_not_found');
  if ((await afterSalesRepo.resolveAction(tx, actor.tenantId, { id }, actor.userId, note, at)).length === 0) throw afterSalesError('action_resolved');
  await audit(tx, actor.tenantId, 'after_sales.action_resolved', 'after_sales_action', id, { note }, actor.userId);
  return { ...row, details: row.details as Record<string, unknown>, resolved_at: at, resolution: note };
}

/** A retried request's failure is no longer open. */
export const resolveActionsOfRequest = (tx: Tx, tenantId: string, requestId: string, by: string | null, at: Date) =>
  afterSalesRepo.resolveAction(tx, tenantId, { requestId }, by, 'refund retried', at);

/** A merged customer's after-sales requests become the surviving customer's. */
export async function reassignCustomerRequests(tx: Conn, tenantId: string, from: string, to: string): Promise<number> {
  const res = await tx.updateTable('after_sales_requests').set({ customer_id: to }).where('tenant_id', '=', tenantId).where('customer_id', '=', from).executeTakeFirst();
  return Number(res.numUpdatedRows);
}
