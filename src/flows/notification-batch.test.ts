import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, type World } from '../../test/fixtures.js';
import type { Db } from '../database.js';
import { inTransaction } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { applyNotification } from '../modules/payments/payments.service.js';
import { applyNotifications } from '../modules/payments/notification-batch.service.js';
import type { PaymentNotification, PaymentProvider } from '../modules/payments/payments.provider.js';
import { settlePaidOrder, settlePaidOrders } from './payment-settlement.flow.js';
import { refundOutcome } from './refund-outcome.flow.js';

/**
 * The batched path must decide exactly what the one-by-one path decides. The same mix of
 * notifications — fresh, duplicate, resent, replayed, mismatched, failed, unknown, late — is
 * applied to two identical sets of payments: one notification per transaction, and all in one
 * batch. Outcomes and the resulting rows must agree.
 */
const provider = { name: 'wechatpay' } as PaymentProvider;
const APPID = 'wx1234567812345678';

async function paymentsFor(db: Db, world: World, set: string) {
  const customer = `cus_${set}`;
  await db.insertInto('customers').values({ tenant_id: world.tenantId, id: customer, name: 'Buyer' }).execute();
  await sql`INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, pickup_code, subtotal, total, supply_cost, expires_at)
            SELECT ${world.tenantId}, ${`ord_${set}_`} || g, ${`N${set}`} || g, ${world.bNodeId}, ${customer}, ${world.warehouseId},
                   CASE WHEN g = 6 THEN 'cancelled' ELSE 'pending_payment' END, '000000', 1000, 1000, 600, now() + interval '1 day'
              FROM generate_series(1, 8) g`.execute(db);
  await sql`INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total)
            SELECT ${world.tenantId}, ${`ord_${set}_`} || g, 1, ${world.skus[0]!.id}, 'SKU-0', 'Apples 1 kg', 1, 1000, 600, 1000 FROM generate_series(1, 8) g`.execute(db);
  await sql`INSERT INTO payments (tenant_id, id, order_id, provider, amount, status, wechatpay_appid)
            SELECT ${world.tenantId}, ${`pay_${set}_`} || g, ${`ord_${set}_`} || g, 'wechatpay', 1000, 'pending', ${APPID} FROM generate_series(1, 8) g`.execute(db);
}

function notes(world: World, set: string, signedAt: Date): PaymentNotification[] {
  const n = (event: string, payment: number | string, over: Partial<PaymentNotification> = {}, nonce = `${set}-nonce-${event}`, fingerprint = `fp-${event}`): PaymentNotification => ({
    eventId: `${set}-${event}`, type: 'payment.succeeded', tenantId: world.tenantId, paymentId: typeof payment === 'number' ? `pay_${set}_${payment}` : payment,
    amount: 1000, tradeNo: `42000${event}`, occurredAt: signedAt.toISOString(), raw: { event }, appid: APPID,
    replayGuard: { nonce, fingerprint, signedAt }, ...over,
  });
  return [
    n('e1', 1),
    n('e2', 2),
    n('e1', 1, {}, `${set}-nonce-again`), // the same event again, signed afresh
    n('e2', 2), // the very same request resent: same nonce, same message
    n('e5', 3, {}, `${set}-nonce-e1`, 'fp-other'), // a taken nonce on another message
    n('e6', 4, { amount: 999 }),
    n('e7', 5, { type: 'payment.failed' }),
    n('e8', `pay_${set}_missing`),
    n('e9', 6), // its order was cancelled: paid, then refunded in full
    n('e10', 1), // a second success for a payment already applied above
    n('e11', 7),
    n('e12', 8, { appid: 'wx0000000000000000' }),
    n('e13', 7), // and one for a payment decided earlier in the same batch
  ];
}

function shapeOf(result: { ok: unknown } | { error: unknown }) {
  if ('ok' in result) return result.ok;
  return { error: result.error instanceof AppError ? result.error.code : String(result.error) };
}

async function stateOf(db: Db, world: World, set: string) {
  const strip = (id: string) => id.replace(`_${set}_`, '_').replace(`${set}-`, '');
  const payments = await db.selectFrom('payments').select(['id', 'status', 'provider_trade_no']).where('tenant_id', '=', world.tenantId).where('id', 'like', `pay_${set}_%`).orderBy('id').execute();
  const orders = await db.selectFrom('orders').select(['id', 'status']).where('tenant_id', '=', world.tenantId).where('id', 'like', `ord_${set}_%`).orderBy('id').execute();
  const events = await db.selectFrom('payment_events').select(['event_id', 'outcome']).where('tenant_id', '=', world.tenantId).where('event_id', 'like', `${set}-%`).orderBy('event_id').execute();
  const refunds = await db.selectFrom('refunds').select(['payment_id', 'amount', 'reason']).where('tenant_id', '=', world.tenantId).where('payment_id', 'like', `pay_${set}_%`).orderBy('payment_id').execute();
  const economics = await sql<{ n: number }>`SELECT count(DISTINCT order_id)::int AS n FROM order_line_economics WHERE tenant_id = ${world.tenantId} AND order_id LIKE ${`ord_${set}_%`}`.execute(db);
  return {
    payments: payments.map((p) => ({ ...p, id: strip(p.id) })),
    orders: orders.map((o) => ({ ...o, id: strip(o.id) })),
    events: events.map((e) => ({ ...e, event_id: strip(e.event_id) })),
    refunds: refunds.map((r) => ({ ...r, payment_id: strip(r.payment_id) })),
    economics: economics.rows[0]!.n,
  };
}

describe('payment notifications applied in a batch', () => {
  let db: Db;
  let world: World;
  const clock = manualClock();
  beforeAll(async () => {
    ({ db } = await createTestDatabase());
    world = await seedWorld(db, clock);
    await paymentsFor(db, world, 'a');
    await paymentsFor(db, world, 'b');
  });

  it('decide, one transaction for all, exactly what one transaction each decides', async () => {
    const settle = settlePaidOrder(clock);
    const refundSettled = refundOutcome(clock);
    const oneByOne = [];
    for (const n of notes(world, 'a', clock.now())) {
      try {
        oneByOne.push({ ok: await inTransaction(db, (tx) => applyNotification(tx, clock, provider, n, settle, refundSettled)) });
      } catch (error) {
        oneByOne.push({ error });
      }
    }
    const batched = await inTransaction(db, (tx) => applyNotifications(tx, clock, provider, notes(world, 'b', clock.now()), { settle, settleMany: settlePaidOrders(clock), refundSettled }));

    expect(batched.map(shapeOf)).toEqual(oneByOne.map(shapeOf));
    // What the mix is meant to exercise, so that agreeing is not agreeing on nothing.
    expect(batched.map(shapeOf).map((r) => ('error' in (r as object) ? (r as { error: string }).error : (r as { outcome: string }).outcome))).toEqual([
      'order_paid', 'order_paid', 'duplicate', 'duplicate', 'replayed_nonce', 'amount_mismatch', 'payment_failed', 'payment_not_found',
      'auto_refund:payment_after_cancel', 'already_applied', 'order_paid', 'appid_mismatch', 'already_applied',
    ]);
    const a = await stateOf(db, world, 'a');
    expect(await stateOf(db, world, 'b')).toEqual(a);
    expect(a.economics).toBe(3);
    expect(a.refunds).toEqual([{ payment_id: 'pay_6', amount: 1000, reason: 'payment_after_cancel' }]);
  });
});
