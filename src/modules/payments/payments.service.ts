import type { Conn, Db, Tx } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { audit } from '../../platform/audit.js';
import { sql } from 'kysely';
import { inTransaction } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { orderError } from '../orders/orders.errors.js';
import { asVisible } from '../orders/orders.service.js';
import { paymentError } from './payments.errors.js';
import type { PaymentNotification, PaymentProvider } from './payments.provider.js';
import { paymentRepo } from './payments.repo.js';
import { orderOwners } from '../orders/orders.fragments.js';

export type Providers = Record<string, PaymentProvider>;

export function providerOf(providers: Providers, name: string): PaymentProvider {
  const p = providers[name];
  if (!p) throw paymentError('unknown_provider', { provider: name });
  return p;
}

/** Starts paying an order: a pending payment for the order's total, and what the client needs to pay it. */
export async function createPayment(tx: Tx, provider: PaymentProvider, actor: Actor, orderId: string, customerId?: string) {
  const id = newId('pay');
  // Locked, paid for and judged after, in one statement: an order the actor may not see is refused
  // and its payment, if one went in, rolls back with the caller's transaction.
  const locked = await paymentRepo.lockOrderAndStartPayment(tx, actor.tenantId, orderId, { id, provider: provider.name });
  const { payment_started: paymentStarted, ...order } = asVisible(locked, actor, customerId);
  if (order.status !== 'pending_payment' || !paymentStarted) throw orderError('order_not_payable', { order_status: order.status });
  const amount = order.total;
  const started = { payment_id: id, order_id: orderId, provider: provider.name, amount, status: 'pending' as const, expires_at: order.expires_at.toISOString() };
  // A network prepay waits until this transaction has committed (preparePayment).
  if (provider.callsOutsideTransaction) return { ...started, order_number: order.number };
  const { reference: _reference, ...prepay } = await provider.prepay({ tenantId: actor.tenantId, paymentId: id, orderId, amount, description: `Order ${order.number}` });
  return { ...started, ...prepay };
}

/**
 * A started payment's pay parameters from a provider whose prepay is a network call: runs after the
 * payment committed, outside any transaction, on the first answer and on replays (the provider is
 * idempotent per payment). The provider's reference is stored while the payment is still pending.
 */
export async function preparePayment(db: Db, clock: Clock, provider: PaymentProvider, started: { payment_id: string; order_id: string; order_number?: string; amount: number; expires_at: string }, tenantId: string, customerId: string | undefined) {
  const description = `订单 ${started.order_number ?? started.order_id}`;
  const payment = await findPayment(db, tenantId, started.payment_id);
  if (payment.status !== 'pending') throw paymentError('payment_not_pending');
  const { reference, ...prepay } = await provider.prepay({
    tenantId, paymentId: started.payment_id, orderId: started.order_id, amount: started.amount, description,
    customerId, expiresAt: new Date(started.expires_at),
  });
  if (reference) {
    await db.updateTable('payments').set({ wechatpay_appid: reference.appid, wechatpay_prepay_id: reference.prepay_id, prepaid_at: sql<Date>`coalesce(prepaid_at, ${clock.now()})` })
      .where('tenant_id', '=', tenantId).where('id', '=', started.payment_id).where('status', '=', 'pending').execute();
  }
  return { ...started, ...prepay };
}

export interface NotificationOutcome { outcome: string; duplicate: boolean; rejected?: 'amount_mismatch' | 'payment_not_found' | 'notification_mismatch' }

/** A refund the provider settled, as the order's side needs it: what it covered and whether stock came back for it. */
export interface SettledRefund { tenant_id: string; id: string; order_id: string; amount: number; lines: unknown; restocked: boolean; outcome: 'succeeded' | 'failed' | 'abnormal' }

/**
 * Applies a verified provider notification exactly once. The raw event is stored first under the
 * provider's event id; a duplicate stops there. Late and out-of-order events go through the
 * transition tables like everything else: an illegal step is refused and written to the audit log.
 */
export async function applyNotification(
  tx: Tx, clock: Clock, provider: PaymentProvider, n: PaymentNotification,
  settle: Settle, refundSettled: RefundSettled = async () => {},
): Promise<NotificationOutcome> {
  const payment = await paymentRepo.lockPayment(tx, n.tenantId, n.paymentId);
  if (n.replayGuard) {
    // The same message again (a resend of the very same request) goes on to the event-id check
    // below and changes nothing; a nonce reused for any other message is refused outright.
    const seen = await paymentRepo.recordNonce(tx, { tenant_id: n.tenantId, provider: provider.name, nonce: n.replayGuard.nonce, fingerprint: n.replayGuard.fingerprint, signed_at: n.replayGuard.signedAt });
    if (seen !== undefined && seen !== n.replayGuard.fingerprint) throw paymentError('replayed_nonce', { event_id: n.eventId });
  }
  const firstSeen = await paymentRepo.recordEvent(tx, { tenant_id: n.tenantId, provider: provider.name, event_id: n.eventId, payment_id: n.paymentId, event_type: n.type, raw: n.raw, outcome: 'received' });
  if (!firstSeen) return { outcome: 'duplicate', duplicate: true };
  const decided = await decideNotification(tx, clock, n, payment, settle, refundSettled);
  await paymentRepo.setEventOutcome(tx, n.tenantId, provider.name, n.eventId, decided.outcome);
  return { ...decided, duplicate: false };
}

export type Settle = (tx: Tx, payment: { tenant_id: string; id: string; order_id: string; amount: number }) => Promise<string>;
export type RefundSettled = (tx: Tx, refund: SettledRefund) => Promise<void>;
export type PaymentRow = NonNullable<Awaited<ReturnType<typeof paymentRepo.lockPayment>>>;

/**
 * What a first-seen notification does, with its payment locked (undefined: no such payment): the
 * outcome to record beside the event. Shared by the one-by-one and the batched paths.
 */
export async function decideNotification(
  tx: Tx, clock: Clock, n: PaymentNotification, payment: PaymentRow | undefined, settle: Settle, refundSettled: RefundSettled = async () => {},
): Promise<Omit<NotificationOutcome, 'duplicate'>> {
  const record = (outcome: string, extra: Pick<NotificationOutcome, 'rejected'> = {}) => ({ outcome, ...extra });
  if (!payment) return record('payment_not_found', { rejected: 'payment_not_found' });
  const amount = payment.amount;
  // Signed by the provider, yet about another merchant or app than this payment's: never applied.
  const mismatch = notificationMismatch(n, payment);
  if (mismatch) {
    await audit(tx, n.tenantId, 'payment.notification_mismatch', 'payment', payment.id, { ...mismatch, event_id: n.eventId, event_type: n.type });
    return record(`${mismatch.field}_mismatch`, { rejected: 'notification_mismatch' });
  }

  switch (n.type) {
    case 'payment.succeeded': {
      if (n.amount !== amount) {
        await audit(tx, n.tenantId, 'payment.amount_mismatch', 'payment', payment.id, { notified: n.amount, expected: amount, event_id: n.eventId });
        return record('amount_mismatch', { rejected: 'amount_mismatch' });
      }
      if (payment.status !== 'pending' && payment.status !== 'failed') return record('already_applied');
      if (payment.status === 'failed') await audit(tx, n.tenantId, 'payment.succeeded_after_failure', 'payment', payment.id, { event_id: n.eventId });
      await paymentRepo.transition(tx, n.tenantId, payment.id, 'succeeded', { succeeded_at: clock.now(), provider_trade_no: n.tradeNo });
      return record(await settle(tx, { tenant_id: n.tenantId, id: payment.id, order_id: payment.order_id, amount }));
    }
    case 'payment.failed': {
      if (payment.status !== 'pending') return record(await refused(tx, n, payment.status, 'failed'));
      await paymentRepo.transition(tx, n.tenantId, payment.id, 'failed');
      return record('payment_failed');
    }
    case 'refund.abnormal': {
      // Not final: the provider could not put the money back where it came from. Recorded, and
      // raised for staff; the refund stays pending until it succeeds or closes.
      const asked = await tx.updateTable('refunds').set({ provider_status: 'ABNORMAL' }).where('tenant_id', '=', n.tenantId).where('id', '=', n.refundId ?? '')
        .where('payment_id', '=', payment.id).where('status', '=', 'pending').returning(['id', 'order_id', 'amount', 'lines', 'restocked']).executeTakeFirst();
      if (!asked) return record(await refused(tx, n, 'not_pending', 'refund_abnormal'));
      await audit(tx, n.tenantId, 'refund.abnormal', 'refund', asked.id, { event_id: n.eventId });
      await refundSettled(tx, { tenant_id: n.tenantId, id: asked.id, order_id: asked.order_id, amount: asked.amount, lines: asked.lines, restocked: asked.restocked, outcome: 'abnormal' });
      return record('refund_abnormal');
    }
    case 'refund.succeeded':
    case 'refund.failed': {
      const to = n.type === 'refund.succeeded' ? 'succeeded' : 'failed';
      // Like a payment, a refund is only applied for the amount we asked for.
      const asked = await tx.selectFrom('refunds').select('amount').where('tenant_id', '=', n.tenantId).where('id', '=', n.refundId ?? '')
        .where('payment_id', '=', payment.id).executeTakeFirst();
      if (!asked) return record(await refused(tx, n, 'unknown_refund_of_payment', `refund_${to}`));
      if (asked.amount !== n.amount) {
        await audit(tx, n.tenantId, 'refund.amount_mismatch', 'refund', n.refundId ?? '', { notified: n.amount, expected: asked.amount, event_id: n.eventId });
        return record('amount_mismatch', { rejected: 'amount_mismatch' });
      }
      const refund = await paymentRepo.transitionRefund(tx, n.tenantId, n.refundId ?? '', to, clock.now());
      if (!refund) return record(await refused(tx, n, 'not_pending', `refund_${to}`));
      const settled: SettledRefund = { tenant_id: n.tenantId, id: refund.id, order_id: refund.order_id, amount: refund.amount, lines: refund.lines, restocked: refund.restocked, outcome: to };
      if (to === 'failed') {
        await audit(tx, n.tenantId, 'refund.failed', 'refund', refund.id, { event_id: n.eventId });
        // The money did not go back: the order's side is put back to what was really refunded.
        await refundSettled(tx, settled);
        return record('refund_failed');
      }
      await refundSettled(tx, settled);
      const refunded = payment.refunded_amount + refund.amount;
      await paymentRepo.transition(tx, n.tenantId, payment.id, refunded >= amount ? 'refunded' : 'partially_refunded', { refunded_amount: refunded });
      return record('refund_settled');
    }
  }
}

/** The merchant or app a verified notification names, when it is not this payment's. */
export function notificationMismatch(n: PaymentNotification, payment: { wechatpay_appid: string | null }) {
  return n.mismatch ?? (n.appid && payment.wechatpay_appid && n.appid !== payment.wechatpay_appid
    ? { field: 'appid' as const, notified: n.appid, expected: payment.wechatpay_appid } : undefined);
}

/** Nonces are kept this long: longer than any provider's acceptance window, so a pruned nonce is refused for its age. */
export const NONCE_RETENTION_MS = 10 * 60_000;

/** Forgets nonces whose notifications are too old to be accepted anyway. */
export async function pruneNotificationNonces(db: Conn, clock: Clock): Promise<number> {
  const result = await paymentRepo.pruneNonces(db, new Date(clock.now().getTime() - NONCE_RETENTION_MS));
  return Number(result.numDeletedRows);
}

async function refused(tx: Tx, n: PaymentNotification, from: string, to: string) {
  await audit(tx, n.tenantId, 'illegal_transition', 'payment', n.paymentId, { from, to, event_id: n.eventId, event_type: n.type });
  return 'illegal_transition_ignored';
}

/** A payment of the tenant, or 404. */
export async function findPayment(db: Conn, tenantId: string, paymentId: string) {
  const payment = await db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', paymentId).executeTakeFirst();
  if (!payment) throw paymentError('payment_not_found');
  return payment;
}

/**
 * A payment of the tenant with whose order it is (undefined owner when the order is gone), or 404:
 * what the sandbox cashier checks, in one read.
 */
export async function findPaymentWithOwner(db: Conn, tenantId: string, paymentId: string) {
  const row = await db.selectFrom('payments as p')
    .leftJoin(orderOwners(tenantId).as('o'), (j) => j.onRef('o.id', '=', 'p.order_id'))
    .selectAll('p').select(['o.customer_id as owner_customer_id', 'o.b_node_id as owner_b_node_id'])
    .where('p.tenant_id', '=', tenantId).where('p.id', '=', paymentId).executeTakeFirst();
  if (!row) throw paymentError('payment_not_found');
  const { owner_customer_id: customerId, owner_b_node_id: bNodeId, ...payment } = row;
  return { payment, owner: customerId === null || bNodeId === null ? undefined : { customer_id: customerId, b_node_id: bNodeId } };
}

/** An order's payments, oldest first, for its detail page. */
export async function paymentsOfOrder(db: Conn, tenantId: string, orderId: string) {
  return db.selectFrom('payments').select(['id', 'provider', 'amount', 'status', 'refunded_amount', 'created_at', 'succeeded_at'])
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('created_at').execute();
}

/** An order's refunds, oldest first, for its detail page. */
export async function refundsOfOrder(db: Conn, tenantId: string, orderId: string) {
  return db.selectFrom('refunds').select(['id', 'amount', 'status', 'reason', 'restocked', 'lines', 'created_at', 'settled_at'])
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('created_at').execute();
}

/** The payment a refund of the order comes out of (locked), or undefined when none has money left. */
export const refundablePaymentOf = paymentRepo.succeededPaymentOf;

/** Creates a refund record and hands it to the provider through the outbox (never inside the request). */
export async function startRefund(tx: Tx, r: { tenantId: string; orderId: string; paymentId: string; amount: number; reason: string; restocked: boolean; lines: unknown; createdBy: string | null }) {
  if ((await paymentRepo.refundCount(tx, r.tenantId, r.paymentId)) >= 50) throw paymentError('too_many_refunds');
  const id = newId('rfd');
  await tx.insertInto('refunds').values({ tenant_id: r.tenantId, id, order_id: r.orderId, payment_id: r.paymentId, amount: r.amount, status: 'pending', reason: r.reason, restocked: r.restocked, lines: JSON.stringify(r.lines), created_by: r.createdBy, settled_at: null }).execute();
  await enqueue(tx, r.tenantId, 'payments.refund.submit', { refund_id: id });
  return { id, amount: r.amount, status: 'pending' as const, restocked: r.restocked };
}

/** What remains of a payment for a refund: its amount less every other refund that has not failed. */
async function remainingFor(db: Conn, tenantId: string, paymentId: string, refundId: string) {
  const row = await db.selectFrom('payments as p').select((eb) => [
    'p.amount',
    eb.selectFrom('refunds as r').select(sql<number>`coalesce(sum(r.amount), 0)::bigint`.as('s'))
      .whereRef('r.tenant_id', '=', 'p.tenant_id').whereRef('r.payment_id', '=', 'p.id').where('r.status', '<>', 'failed').where('r.id', '<>', refundId).as('others'),
  ]).where('p.tenant_id', '=', tenantId).where('p.id', '=', paymentId).executeTakeFirstOrThrow();
  return row.amount - Number(row.others ?? 0);
}

/**
 * Job, for providers whose refund is a network call: reads the refund, checks it against what
 * remains of the payment (more is refused before the provider is called), calls the provider with
 * no transaction open, and only then fails the refund in a transaction if the provider refused it.
 */
export async function submitRefundOutside(db: Db, clock: Clock, providers: Providers, tenantId: string, refundId: string, refundSettled: (tx: Tx, refund: SettledRefund) => Promise<void> = async () => {}) {
  const refund = await db.selectFrom('refunds as r')
    .innerJoin('payments as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.payment_id'))
    .select(['r.id', 'r.amount', 'r.status', 'p.id as payment_id', 'p.amount as payment_amount', 'p.provider'])
    .where('r.tenant_id', '=', tenantId).where('r.id', '=', refundId).executeTakeFirst();
  if (!refund || refund.status !== 'pending') return;
  const provider = providerOf(providers, refund.provider);
  // A provider whose refund is a local step (the sandbox) submits inside one transaction, as before.
  if (!provider.callsOutsideTransaction) return inTransaction(db, (tx) => submitRefund(tx, clock, providers, tenantId, refundId, refundSettled));
  let refusal: AppError | undefined;
  const remaining = await remainingFor(db, tenantId, refund.payment_id, refundId);
  if (refund.amount > remaining) refusal = paymentError('refund_exceeds_remaining', { amount: refund.amount, remaining });
  else {
    try {
      await provider.requestRefund(
        { tenantId, paymentId: refund.payment_id, refundId, amount: refund.amount, paymentAmount: refund.payment_amount },
        { enqueue: (kind, payload) => enqueue(db, tenantId, kind, payload) },
      );
      return;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'refund_rejected')) throw err;
      refusal = err;
    }
  }
  await inTransaction(db, async (tx) => {
    const failed = await paymentRepo.transitionRefund(tx, tenantId, refundId, 'failed', clock.now());
    if (!failed) return;
    await audit(tx, tenantId, 'refund.failed', 'refund', refundId, { rejected_by_provider: refund.provider, code: refusal.code, detail: refusal.details ?? null });
    await refundSettled(tx, { tenant_id: tenantId, id: failed.id, order_id: failed.order_id, amount: failed.amount, lines: failed.lines, restocked: failed.restocked, outcome: 'failed' });
  });
}

/** Payments of a provider still pending, prepaid before the given time and not closed: the query job's work list. */
export async function pendingPaymentsOf(db: Conn, provider: string, prepaidBefore: Date, limit = 100) {
  return db.selectFrom('payments').select(['tenant_id', 'id', 'order_id', 'prepaid_at'])
    .where('provider', '=', provider).where('status', '=', 'pending').where('closed_at', 'is', null).where('prepaid_at', '<', prepaidBefore)
    .orderBy('prepaid_at').limit(limit).execute();
}

/** Marks a payment's provider side closed, so the query job stops asking about it. */
export async function markPaymentClosed(db: Conn, tenantId: string, paymentId: string, at: Date) {
  await db.updateTable('payments').set({ closed_at: at }).where('tenant_id', '=', tenantId).where('id', '=', paymentId).where('closed_at', 'is', null).execute();
}

/**
 * Job: submits a pending refund to its provider. A provider's outright refusal fails the refund now
 * and hands it to `refundSettled`, as a failure notification would; other errors are retried.
 */
export async function submitRefund(tx: Tx, clock: Clock, providers: Providers, tenantId: string, refundId: string, refundSettled: (tx: Tx, refund: SettledRefund) => Promise<void> = async () => {}) {
  const refund = await tx.selectFrom('refunds as r')
    .innerJoin('payments as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.payment_id'))
    .select(['r.id', 'r.amount', 'r.status', 'p.id as payment_id', 'p.amount as payment_amount', 'p.provider'])
    .where('r.tenant_id', '=', tenantId).where('r.id', '=', refundId).executeTakeFirst();
  if (!refund || refund.status !== 'pending') return;
  try {
    await providerOf(providers, refund.provider).requestRefund(
      { tenantId, paymentId: refund.payment_id, refundId, amount: refund.amount, paymentAmount: refund.payment_amount },
      { enqueue: (kind, payload) => enqueue(tx, tenantId, kind, payload) },
    );
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'refund_rejected')) throw err;
    const failed = await paymentRepo.transitionRefund(tx, tenantId, refundId, 'failed', clock.now());
    if (!failed) return;
    await audit(tx, tenantId, 'refund.failed', 'refund', refundId, { rejected_by_provider: refund.provider, detail: err.details ?? null });
    await refundSettled(tx, { tenant_id: tenantId, id: failed.id, order_id: failed.order_id, amount: failed.amount, lines: failed.lines, restocked: failed.restocked, outcome: 'failed' });
  }
}

