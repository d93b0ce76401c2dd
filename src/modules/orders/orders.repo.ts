import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import type { Fen } from '../../platform/money.js';
import type { OrderStatus } from './orders.states.js';
import { orderMachine, refundReversal, type ReversedStatus } from './orders.states.js';
import { customerCards } from '../customers/customers.fragments.js';
import type { PhoneVault } from '../customers/customer-phones.service.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';

/** The channel an order's status changes are announced on; the payload is `tenant_id:order_id`. */
export const ORDER_STATUS_CHANNEL = 'siyu_order_status';
const notifyStatusChange = sql<void>`pg_notify(${ORDER_STATUS_CHANNEL}, moved.tenant_id || ':' || moved.id)`;

export const orderRepo = {
  /** Adds refunded quantities and amounts to an order's lines, in one statement whatever the number of lines. */
  async addLineRefunds(db: Conn, tenantId: string, orderId: string, parts: { line_no: number; quantity: number; amount: number }[]): Promise<void> {
    await sql`
      UPDATE order_lines l SET refunded_quantity = l.refunded_quantity + p.qty, refunded_amount = l.refunded_amount + p.amount
        FROM unnest(${parts.map((p) => p.line_no)}::int[], ${parts.map((p) => p.quantity)}::int[], ${parts.map((p) => p.amount)}::bigint[]) AS p(line_no, qty, amount)
       WHERE l.tenant_id = ${tenantId} AND l.order_id = ${orderId} AND l.line_no = p.line_no`.execute(db);
  },

  /** Takes a failed refund's quantities and amounts off an order's lines again. */
  async removeLineRefunds(db: Conn, tenantId: string, orderId: string, parts: { line_no: number; quantity: number; amount: number }[]): Promise<void> {
    await sql`
      UPDATE order_lines l SET refunded_quantity = l.refunded_quantity - p.qty, refunded_amount = l.refunded_amount - p.amount
        FROM unnest(${parts.map((p) => p.line_no)}::int[], ${parts.map((p) => p.quantity)}::int[], ${parts.map((p) => p.amount)}::bigint[]) AS p(line_no, qty, amount)
       WHERE l.tenant_id = ${tenantId} AND l.order_id = ${orderId} AND l.line_no = p.line_no`.execute(db);
  },

  /**
   * Puts an order back after a failed refund: from the states a refund leaves it in, or keeping the
   * state it moved on to since (ready, completed) while its refunded total comes down.
   */
  async reverseRefund(db: Conn, tenantId: string, orderId: string, to: ReversedStatus, set: { refunded_total: number; closed_at: Date | null }) {
    // Announced like any status change, so a buyer waiting on the order sees it put back.
    const row = await db
      .with('moved', (q) => q.updateTable('orders').set({ status: to, ...set })
        .where('tenant_id', '=', tenantId).where('id', '=', orderId).where('status', 'in', [...refundReversal.from, to])
        .returning(['tenant_id', 'id']))
      .selectFrom('moved').select(['moved.id', notifyStatusChange.as('notified')])
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * The only way an order's status changes: a conditional update from the states the transition
   * table allows. No row back means the order was not in such a state (a race lost, or illegal).
   */
  async transition(db: Conn, tenantId: string, orderId: string, to: OrderStatus, extra: Partial<{ paid_at: Date; closed_at: Date | null; shipped: boolean; refunded_total: number; picked_up_at: Date }> = {}, onlyFrom?: OrderStatus) {
    // `onlyFrom` narrows the allowed sources to one, for a caller that acts only on that state.
    const from = orderMachine.sourcesOf(to).filter((s) => onlyFrom === undefined || s === onlyFrom);
    if (from.length === 0) return false;
    // The notification goes out when the transaction commits, waking whoever waits on the order's status.
    const row = await db
      .with('moved', (q) => q.updateTable('orders').set({ status: to, ...extra })
        .where('tenant_id', '=', tenantId).where('id', '=', orderId).where('status', 'in', from)
        .returning(['tenant_id', 'id']))
      .selectFrom('moved').select(['moved.id', notifyStatusChange.as('notified')])
      .executeTakeFirst();
    return row !== undefined;
  },

  /**
   * `transition` for many orders of a tenant in one statement (a batch of payment notifications):
   * the ids of the orders that moved, each announced like a single change.
   */
  async transitionMany(db: Conn, tenantId: string, orderIds: string[], to: OrderStatus, extra: Partial<{ paid_at: Date }>, onlyFrom: OrderStatus): Promise<Set<string>> {
    const from = orderMachine.sourcesOf(to).filter((s) => s === onlyFrom);
    if (from.length === 0 || orderIds.length === 0) return new Set();
    const rows = await db
      .with('moved', (q) => q.updateTable('orders').set({ status: to, ...extra })
        .where('tenant_id', '=', tenantId).where('id', 'in', orderIds).where('status', 'in', from)
        .returning(['tenant_id', 'id']))
      .selectFrom('moved').select(['moved.id', notifyStatusChange.as('notified')])
      .execute();
    return new Set(rows.map((r) => r.id));
  },

  lockOrder: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orderId).forUpdate().executeTakeFirst(),

  status: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('orders').select(['id', 'status', 'customer_id', 'b_node_id', 'paid_at', 'expires_at', 'closed_at'])
      .where('tenant_id', '=', tenantId).where('id', '=', orderId).executeTakeFirst(),

  order: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', orderId).executeTakeFirst(),

  lines: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('order_lines').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('line_no').execute(),

  /** Claims due unpaid orders (skipping ones another worker holds) and expires them in one statement. */
  async expireDue(db: Conn, now: Date, limit: number): Promise<{ tenant_id: string; id: string; campaign_id: string | null; discount: Fen; subsidy_discount: Fen }[]> {
    const { rows } = await sql<{ tenant_id: string; id: string; campaign_id: string | null; discount: Fen; subsidy_discount: Fen }>`
      WITH due AS (
        SELECT tenant_id, id FROM orders
         WHERE status = 'pending_payment' AND expires_at <= ${now}
         ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      UPDATE orders o SET status = 'expired', closed_at = ${now}
        FROM due WHERE o.tenant_id = due.tenant_id AND o.id = due.id AND o.status = 'pending_payment'
      RETURNING o.tenant_id, o.id, o.campaign_id, o.discount, o.subsidy_discount,
                pg_notify(${ORDER_STATUS_CHANNEL}, o.tenant_id || ':' || o.id) AS notified`.execute(db);
    return rows;
  },

  async list(db: Conn, tenantId: string, f: OrderFilter & { limit: number; before?: { created_at: Date; id: string } | undefined }) {
    let q = filteredOrders(db, tenantId, f)
      .innerJoin(nodeFacts(tenantId).as('b'), (j) => j.onRef('b.id', '=', 'o.b_node_id'))
      .select(['o.id', 'o.number', 'o.status', 'o.b_node_id', 'b.name as b_node_name', 'o.customer_id', 'c.name as customer_name', 'c.phone_masked as customer_phone',
        'o.total', 'o.refunded_total', 'o.created_at', 'o.paid_at', 'o.fulfillment']);
    if (f.before) {
      const b = f.before;
      q = q.where((eb) => eb.or([eb('o.created_at', '<', b.created_at), eb.and([eb('o.created_at', '=', b.created_at), eb('o.id', '<', b.id)])]));
    }
    return q.orderBy('o.created_at', 'desc').orderBy('o.id', 'desc').limit(f.limit).execute();
  },

  /** How many orders the filter matches over all pages. */
  async count(db: Conn, tenantId: string, f: OrderFilter): Promise<number> {
    const row = await filteredOrders(db, tenantId, f).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  },

  pickupLockedUntil: async (db: Conn, tenantId: string, orderId: string, now: Date): Promise<Date | undefined> => {
    const row = await db.selectFrom('pickup_code_attempts').select('locked_until')
      .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('locked_until', '>', now).executeTakeFirst();
    return row?.locked_until ?? undefined;
  },

  /** One more wrong code for the order (starting over after a quiet spell); returns the count. */
  countWrongPickupCode: async (db: Conn, tenantId: string, orderId: string, now: Date, forgetBefore: Date): Promise<number> => {
    const row = await db.insertInto('pickup_code_attempts')
      .values({ tenant_id: tenantId, order_id: orderId, failures: 1, locked_until: null, last_failed_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'order_id']).doUpdateSet((eb) => ({
        failures: eb.case().when('pickup_code_attempts.last_failed_at', '<', forgetBefore).then(1).else(eb('pickup_code_attempts.failures', '+', 1)).end(),
        last_failed_at: now,
      })))
      .returning('failures').executeTakeFirstOrThrow();
    return row.failures;
  },

  lockPickup: (db: Conn, tenantId: string, orderId: string, until: Date) =>
    db.updateTable('pickup_code_attempts').set({ locked_until: until }).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).execute(),

  clearPickupAttempts: (db: Conn, tenantId: string, orderId: string) =>
    db.deleteFrom('pickup_code_attempts').where('tenant_id', '=', tenantId).where('order_id', '=', orderId).execute(),
};

interface OrderFilter { status?: OrderStatus | undefined; bNodeId?: string | null | undefined; customerId?: string | undefined; q?: string | undefined; phones: PhoneVault }

/** `text` matched literally inside a LIKE pattern: its own %, _ and \ are escaped (\ is PostgreSQL's default LIKE escape). */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The orders a list shows, with their customer: by status, node, customer, and a search text that
 * is an order number, a phone number's tail (its last 4 digits or more; phones are stored sealed, the
 * tails as blind indexes), its masked head (138) or part of a customer's name.
 */
function filteredOrders(db: Conn, tenantId: string, f: OrderFilter) {
  let q = db.selectFrom('orders as o')
    .innerJoin(customerCards(tenantId).as('c'), (j) => j.onRef('c.id', '=', 'o.customer_id'))
    .where('o.tenant_id', '=', tenantId);
  if (f.status) q = q.where('o.status', '=', f.status);
  if (f.bNodeId) q = q.where('o.b_node_id', '=', f.bNodeId);
  if (f.customerId) q = q.where('o.customer_id', '=', f.customerId);
  const text = f.q?.trim();
  if (text) {
    const phone = text.replace(/[\s-]/g, '');
    q = q.where((eb) => eb.or([
      eb('o.number', '=', text),
      eb('c.name', 'ilike', likeContaining(text)),
      ...(/^[0-9]{3}$/.test(phone) ? [eb('c.phone_masked', 'like', `${phone}*%`)] : []),
      ...(/^\+?[0-9]{4,}$/.test(phone) ? [sql<boolean>`${sql.ref('c.phone_tails')} @> ARRAY[${f.phones.tailIndex(phone)}]::text[]`] : []),
    ]));
  }
  return q;
}
