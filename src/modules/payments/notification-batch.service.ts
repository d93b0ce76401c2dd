import { sql } from 'kysely';
import type { Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction } from '../../platform/db/database.js';
import { groupCommit, type GroupCommit, type ItemResult } from '../../platform/db/group-commit.js';
import { paymentError } from './payments.errors.js';
import type { PaymentNotification, PaymentProvider } from './payments.provider.js';
import { paymentMachine } from './payments.states.js';
import {
  applyNotification, decideNotification, notificationMismatch,
  type NotificationOutcome, type PaymentRow, type RefundSettled, type Settle,
} from './payments.service.js';

/** Paid orders of one tenant settled together; one outcome per payment, in order. */
export type SettleMany = (tx: Tx, tenantId: string, payments: { tenant_id: string; id: string; order_id: string; amount: number }[]) => Promise<string[]>;

export interface Settlement { settle: Settle; settleMany: SettleMany; refundSettled?: RefundSettled }

/**
 * `applyNotification` for a batch of one tenant's notifications, in the caller's transaction, with
 * the same guarantees: each event applied once, each nonce good for one message, every payment
 * locked before anything is decided about it. What it saves is round trips: the payments are
 * locked in one statement (in id order, so two batches never wait on each other in a circle), the
 * nonces and events recorded in one each, and the common case — a payment awaiting its success —
 * applied for the whole batch at once. Anything else, and any second event about a payment already
 * decided in the batch, goes through `decideNotification` one by one after it.
 */
export async function applyNotifications(tx: Tx, clock: Clock, provider: PaymentProvider, notes: PaymentNotification[], s: Settlement): Promise<ItemResult<NotificationOutcome>[]> {
  const tenantId = notes[0]!.tenantId;
  if (notes.some((n) => n.tenantId !== tenantId)) throw new Error('applyNotifications: one tenant per batch');
  const results: (ItemResult<NotificationOutcome> | undefined)[] = notes.map(() => undefined);

  const locked = await tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId)
    .where('id', 'in', [...new Set(notes.map((n) => n.paymentId))]).orderBy('id').forUpdate().execute();
  const payments = new Map<string, PaymentRow>(locked.map((p) => [p.id, p]));

  // Nonces: the first message with a nonce takes it; the same message again passes on to the event
  // check; another message with a taken nonce is refused, and records nothing.
  const guarded = notes.flatMap((n, i) => (n.replayGuard ? [{ i, ...n.replayGuard }] : []));
  if (guarded.length > 0) {
    const { rows: taken } = await sql<{ nonce: string }>`
      INSERT INTO payment_notification_nonces (tenant_id, provider, nonce, fingerprint, signed_at)
      SELECT ${tenantId}, ${provider.name}, g.nonce, g.fingerprint, g.signed_at
        FROM unnest(${guarded.map((g) => g.nonce)}::text[], ${guarded.map((g) => g.fingerprint)}::text[], ${guarded.map((g) => g.signedAt)}::timestamptz[]) AS g(nonce, fingerprint, signed_at)
      ON CONFLICT (tenant_id, provider, nonce) DO NOTHING
      RETURNING nonce`.execute(tx);
    const fresh = new Set(taken.map((r) => r.nonce));
    const firstOfNonce = new Map<string, number>();
    const others = guarded.filter((g) => {
      if (fresh.has(g.nonce) && !firstOfNonce.has(g.nonce)) { firstOfNonce.set(g.nonce, g.i); return false; }
      return true;
    });
    if (others.length > 0) {
      const seen = new Map((await tx.selectFrom('payment_notification_nonces').select(['nonce', 'fingerprint'])
        .where('tenant_id', '=', tenantId).where('provider', '=', provider.name).where('nonce', 'in', others.map((g) => g.nonce)).execute())
        .map((r) => [r.nonce, r.fingerprint]));
      for (const g of others) {
        if (seen.get(g.nonce) !== g.fingerprint) results[g.i] = { error: paymentError('replayed_nonce', { event_id: notes[g.i]!.eventId }) };
      }
    }
  }

  // Events: the first of each event id is applied; any other, here or from before, is a duplicate.
  const candidates = notes.flatMap((n, i) => (results[i] === undefined ? [{ i, n }] : []));
  const firstSeen = new Set<number>();
  if (candidates.length > 0) {
    const { rows: recorded } = await sql<{ event_id: string }>`
      INSERT INTO payment_events (tenant_id, provider, event_id, payment_id, event_type, raw, outcome)
      SELECT ${tenantId}, ${provider.name}, e.event_id, e.payment_id, e.event_type, e.raw::jsonb, 'received'
        FROM unnest(${candidates.map((c) => c.n.eventId)}::text[], ${candidates.map((c) => c.n.paymentId)}::text[],
                    ${candidates.map((c) => c.n.type)}::text[], ${candidates.map((c) => JSON.stringify(c.n.raw))}::text[]) AS e(event_id, payment_id, event_type, raw)
      ON CONFLICT DO NOTHING
      RETURNING event_id`.execute(tx);
    const recordedIds = new Set(recorded.map((r) => r.event_id));
    for (const c of candidates) {
      if (recordedIds.delete(c.n.eventId)) firstSeen.add(c.i);
      else results[c.i] = { ok: { outcome: 'duplicate', duplicate: true } };
    }
  }

  // The common case, for the whole batch: a payment awaiting its success, named once.
  const decided = new Map<number, Omit<NotificationOutcome, 'duplicate'>>();
  const claimed = new Set<string>();
  const common: number[] = [];
  const oneByOne: number[] = [];
  for (const i of firstSeen) {
    const n = notes[i]!;
    const p = payments.get(n.paymentId);
    const isCommon = p !== undefined && !claimed.has(p.id) && n.type === 'payment.succeeded' && p.status === 'pending'
      && n.amount === p.amount && notificationMismatch(n, p) === undefined;
    if (p) claimed.add(p.id);
    (isCommon ? common : oneByOne).push(i);
  }
  if (common.length > 0) {
    const moved = new Set((await sql<{ id: string }>`
      UPDATE payments p SET status = 'succeeded', succeeded_at = ${clock.now()}, provider_trade_no = u.trade_no
        FROM unnest(${common.map((i) => notes[i]!.paymentId)}::text[], ${common.map((i) => notes[i]!.tradeNo)}::text[]) AS u(id, trade_no)
       WHERE p.tenant_id = ${tenantId} AND p.id = u.id AND p.status = ANY(${paymentMachine.sourcesOf('succeeded')}::text[])
      RETURNING p.id`.execute(tx)).rows.map((r) => r.id));
    const paid = common.filter((i) => moved.has(notes[i]!.paymentId));
    const outcomes = await s.settleMany(tx, tenantId, paid.map((i) => {
      const p = payments.get(notes[i]!.paymentId)!;
      return { tenant_id: tenantId, id: p.id, order_id: p.order_id, amount: p.amount };
    }));
    paid.forEach((i, k) => decided.set(i, { outcome: outcomes[k]! }));
    // Not moved (which the lock makes impossible): decided again with a fresh read.
    oneByOne.push(...common.filter((i) => !moved.has(notes[i]!.paymentId)));
  }
  for (const i of oneByOne.sort((a, b) => a - b)) {
    const n = notes[i]!;
    const fresh = await tx.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', n.paymentId).forUpdate().executeTakeFirst();
    decided.set(i, await decideNotification(tx, clock, n, fresh, s.settle, s.refundSettled));
  }

  if (decided.size > 0) {
    const entries = [...decided.entries()];
    await sql`
      UPDATE payment_events e SET outcome = u.outcome
        FROM unnest(${entries.map(([i]) => notes[i]!.eventId)}::text[], ${entries.map(([, d]) => d.outcome)}::text[]) AS u(event_id, outcome)
       WHERE e.tenant_id = ${tenantId} AND e.provider = ${provider.name} AND e.event_id = u.event_id`.execute(tx);
    for (const [i, d] of entries) results[i] = { ok: { ...d, duplicate: false } };
  }
  return results.map((r) => r ?? { error: new Error('notification left undecided') });
}

/**
 * Where a provider's verified notifications are applied: one at a time when they come one at a
 * time, in batches (one transaction each, see applyNotifications) when they come faster than one
 * transaction can take them.
 */
export function notificationApplier(db: Db, clock: Clock, provider: PaymentProvider, s: Settlement): GroupCommit<PaymentNotification, NotificationOutcome> {
  return groupCommit<PaymentNotification, NotificationOutcome>({
    keyOf: (n) => n.tenantId,
    runOne: (n) => inTransaction(db, (tx) => applyNotification(tx, clock, provider, n, s.settle, s.refundSettled)),
    runBatch: (notes) => inTransaction(db, (tx) => applyNotifications(tx, clock, provider, notes, s)),
  });
}
