import { sql } from 'kysely';
import { lockedOrder } from '../orders/orders.fragments.js';
import type { Conn } from '../../database.js';
import { paymentMachine, refundMachine, type PaymentStatus, type RefundStatus } from './payments.states.js';

export const paymentRepo = {
  /**
   * Records a notification's nonce; when the nonce is already there, returns the fingerprint of
   * the message it came with. A concurrent insert of the same nonce waits for the first to end.
   */
  async recordNonce(db: Conn, row: { tenant_id: string; provider: string; nonce: string; fingerprint: string; signed_at: Date }): Promise<string | undefined> {
    const inserted = await db.insertInto('payment_notification_nonces').values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'provider', 'nonce']).doNothing()).returning('nonce').executeTakeFirst();
    if (inserted) return undefined;
    const seen = await db.selectFrom('payment_notification_nonces').select('fingerprint')
      .where('tenant_id', '=', row.tenant_id).where('provider', '=', row.provider).where('nonce', '=', row.nonce).executeTakeFirst();
    return seen?.fingerprint;
  },

  pruneNonces: (db: Conn, signedBefore: Date) =>
    db.deleteFrom('payment_notification_nonces').where('signed_at', '<', signedBefore).executeTakeFirst(),

  /**
   * The order locked and, when it awaits payment, a pending payment of its total inserted, in one
   * statement; returns the order as it was locked (undefined when there is none) and whether the
   * payment went in. The caller judges the order after and throws to roll the payment back.
   */
  async lockOrderAndStartPayment(db: Conn, tenantId: string, orderId: string, payment: { id: string; provider: string }) {
    const { rows } = await sql<{ id: string; customer_id: string; b_node_id: string; number: string; status: string; total: number; expires_at: Date; payment_started: boolean }>`
      WITH o AS ${lockedOrder(tenantId, orderId)},
      started AS (
        INSERT INTO payments (tenant_id, id, order_id, provider, amount, status)
        SELECT o.tenant_id, ${payment.id}, o.id, ${payment.provider}, o.total, 'pending' FROM o WHERE o.status = 'pending_payment'
        RETURNING id)
      SELECT o.id, o.customer_id, o.b_node_id, o.number, o.status, o.total, o.expires_at, EXISTS (SELECT 1 FROM started) AS payment_started FROM o`.execute(db);
    return rows[0];
  },

  lockPayment: (db: Conn, tenantId: string, id: string) =>
    db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst(),

  /**
   * The payment a refund of the order comes out of: a succeeded one with money left after its refunds
   * (pending ones included), so a duplicate payment already being returned in full is never picked.
   */
  succeededPaymentOf: (db: Conn, tenantId: string, orderId: string) =>
    db.selectFrom('payments as p').selectAll('p').where('p.tenant_id', '=', tenantId).where('p.order_id', '=', orderId)
      .where('p.status', 'in', ['succeeded', 'partially_refunded'])
      .where((eb) => eb('p.amount', '>', eb.selectFrom('refunds as r').select(sql<number>`coalesce(sum(r.amount), 0)`.as('s'))
        .whereRef('r.tenant_id', '=', 'p.tenant_id').whereRef('r.payment_id', '=', 'p.id').where('r.status', '<>', 'failed')))
      .orderBy('p.succeeded_at').forUpdate().executeTakeFirst(),

  /** Conditional on the transition table, like every status change. */
  async transition(db: Conn, tenantId: string, id: string, to: PaymentStatus, extra: Partial<{ succeeded_at: Date; provider_trade_no: string; refunded_amount: number }> = {}) {
    const row = await db.updateTable('payments').set({ status: to, ...extra })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', paymentMachine.sourcesOf(to))
      .returning('id').executeTakeFirst();
    return row !== undefined;
  },

  async transitionRefund(db: Conn, tenantId: string, id: string, to: RefundStatus, settledAt: Date) {
    const row = await db.updateTable('refunds').set({ status: to, settled_at: settledAt })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', refundMachine.sourcesOf(to))
      .returning(['id', 'payment_id', 'order_id', 'amount', 'lines', 'restocked']).executeTakeFirst();
    return row;
  },

  /** First sight of a provider event id wins; a repeat returns false and changes nothing. */
  async recordEvent(db: Conn, e: { tenant_id: string; provider: string; event_id: string; payment_id: string; event_type: string; raw: unknown; outcome: string }) {
    const { rows } = await sql<{ event_id: string }>`
      INSERT INTO payment_events (tenant_id, provider, event_id, payment_id, event_type, raw, outcome)
      VALUES (${e.tenant_id}, ${e.provider}, ${e.event_id}, ${e.payment_id}, ${e.event_type}, ${JSON.stringify(e.raw)}::jsonb, ${e.outcome})
      ON CONFLICT DO NOTHING RETURNING event_id`.execute(db);
    return rows.length === 1;
  },

  setEventOutcome: (db: Conn, tenantId: string, provider: string, eventId: string, outcome: string) =>
    db.updateTable('payment_events').set({ outcome }).where('tenant_id', '=', tenantId).where('provider', '=', provider).where('event_id', '=', eventId).execute(),

  refundCount: async (db: Conn, tenantId: string, paymentId: string) =>
    (await db.selectFrom('refunds').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('payment_id', '=', paymentId).executeTakeFirstOrThrow()).n,
};
