import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../test/fixtures.js';
import { consumerTokens, expectProblem, expectStockConsistent, injectApi, newEventId, orderRow, postNotification, signedNotification, startPayment } from '../../test/race/helpers.js';
import { runDueCutoffs } from './cutoff.flow.js';

/**
 * A pre-sale order is paid before its window's cutoff or not at all: a payment started or
 * confirmed after it is refused (the order cancelled, what it took given back, the money
 * refunded), and the cutoff cancels what is still unpaid. So every paid pre-sale order is in
 * its window's aggregation.
 */
describe('a pre-sale order paid after its cutoff', async () => {
  const { db } = await createTestDatabase({ max: 10 });
  const clock = manualClock(new Date('2026-11-02T02:00:00Z'));
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const t = world.tenantId;
  const apples = world.skus[0]!;
  const [early, onTime, unpaid] = await consumerTokens(siyu, world.shop, 3);
  const reserved = async () => (await expectStockConsistent(db, t)).get(apples.id)!.reserved;

  it('refuses the late payment, cancels and refunds it; the cutoff cancels the unpaid and aggregates only the order paid in time', async () => {
    const w = await api.post('/api/v1/sales-windows', { name: '今日团', cutoff_time: '20:00' }, admin);
    expect(w.status, w.text).toBe(201);
    const p = await api.post('/api/v1/presales', { window_id: w.json().id, title: '今日团购', sku_ids: [apples.id] }, admin);
    expect(p.status, p.text).toBe(201);
    const order = async (token: string, quantity: number) => {
      const res = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: apples.id, quantity }], campaign: { kind: 'presale', ref: p.json().id } }, { token });
      expect(res.status, res.text).toBe(201);
      return res.json().id as string;
    };
    const lateOrder = await order(early!, 2);
    const inTime = await order(onTime!, 3);
    const never = await order(unpaid!, 4);
    const latePay = await startPayment(api, early!, lateOrder);
    const inTimePay = await startPayment(api, onTime!, inTime);
    const paid = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: t, payment_id: inTimePay.payment_id, amount: inTimePay.amount, event_id: newEventId() }));
    expect(paid.json().outcome).toBe('order_paid');
    expect(await reserved()).toBe(2 + 3 + 4);

    // Past the cutoff, before the cutoff job has run.
    clock.set(new Date('2026-11-02T12:00:05Z'));
    expectProblem(await api.post(`/api/v1/orders/${never}/payments`, {}, { token: unpaid! }), 409, 'presale_closed');
    expect(await db.selectFrom('payments').select('id').where('order_id', '=', never).execute()).toEqual([]);

    const late = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: t, payment_id: latePay.payment_id, amount: latePay.amount, event_id: newEventId() }));
    expect(late.status, late.text).toBe(200);
    expect(late.json().outcome).toBe('auto_refund:presale_closed');
    expect((await orderRow(db, t, lateOrder)).status).toBe('cancelled');
    const refunds = await db.selectFrom('refunds').select(['amount', 'reason']).where('order_id', '=', lateOrder).execute();
    expect(refunds).toEqual([{ amount: latePay.amount, reason: 'presale_closed' }]);
    expect(await reserved()).toBe(3 + 4);

    // The cutoff job aggregates the order paid in time, and cancels the one never paid.
    expect(await runDueCutoffs(db, clock)).toBe(1);
    expect((await orderRow(db, t, never)).status).toBe('cancelled');
    expect(await reserved()).toBe(3);
    const claimed = await db.selectFrom('window_orders').select('order_id').where('tenant_id', '=', t).execute();
    expect(claimed).toEqual([{ order_id: inTime }]);
  });
});
