import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../test/fixtures.js';
import { consumerTokens, injectApi, newEventId, orderRow, placeOrder, postNotification, signedNotification, startPayment } from '../../test/race/helpers.js';
import { inTransaction } from '../platform/db/database.js';
import { cutOff } from '../modules/fulfilment/fulfilment.service.js';
import { runDueCutoffs } from './cutoff.flow.js';
import { settlePaidOrder } from './payment-settlement.flow.js';

/**
 * An ordinary pickup order belongs to the sales window its payment comes in: placed before a
 * cutoff and paid after it, it is the next window's demand, never in no window — also when the
 * payment settles while the cutoff runs.
 */
describe('an ordinary order paid after its window’s cutoff', async () => {
  const { db } = await createTestDatabase({ max: 10 });
  const clock = manualClock(new Date('2026-11-02T11:50:00Z')); // 19:50 in Shanghai
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const t = world.tenantId;
  const apples = world.skus[0]!;
  const buyers = await consumerTokens(siyu, world.shop, 6, '138');
  const claimedBy = async (windowId: string) =>
    (await db.selectFrom('window_orders').select('order_id').where('tenant_id', '=', t).where('window_id', '=', windowId).orderBy('order_id').execute()).map((r) => r.order_id);
  const notify = (p: { payment_id: string; amount: number }) =>
    postNotification(api, signedNotification({ kind: 'payment', tenant_id: t, payment_id: p.payment_id, amount: p.amount, event_id: newEventId() }));
  const order = async (i: number) => (await placeOrder(api, buyers[i]!, world.shop, [{ sku_id: apples.id, quantity: 1 + i }])).id;

  let nextWindow = '';
  it('rolls over to the next window: payment started or confirmed after the cutoff is taken, and the next cutoff aggregates it', async () => {
    const w = await api.post('/api/v1/sales-windows', { name: '今日团', recurrence: 'daily', cutoff_time: '20:00' }, admin);
    expect(w.status, w.text).toBe(201);
    const windowId = w.json().id as string;
    clock.advance(60_000);
    const inTime = await order(0);
    await notify(await startPayment(api, buyers[0]!, inTime));
    const startedBefore = await order(1);
    const startedBeforePay = await startPayment(api, buyers[1]!, startedBefore);
    const startedAfter = await order(2);

    // Past the cutoff (20:00 Shanghai = 12:00 UTC), before the cutoff job ran.
    clock.set(new Date('2026-11-02T12:00:05Z'));
    const confirmed = await notify(startedBeforePay);
    expect(confirmed.json().outcome).toBe('order_paid');
    // Starting a payment after the cutoff is not refused for an ordinary order: the next window takes it.
    const startedAfterPay = await startPayment(api, buyers[2]!, startedAfter);

    expect(await runDueCutoffs(db, clock)).toBe(1);
    expect(await claimedBy(windowId)).toEqual([inTime]);
    nextWindow = (await db.selectFrom('sales_windows').select('id').where('tenant_id', '=', t).where('previous_id', '=', windowId).executeTakeFirstOrThrow()).id;

    // Confirmed after the cutoff job, too.
    clock.advance(60_000);
    expect((await notify(startedAfterPay)).json().outcome).toBe('order_paid');
    for (const id of [startedBefore, startedAfter]) expect((await orderRow(db, t, id)).status).toBe('paid');
    clock.advance(1_000);
    const cut = await api.post(`/api/v1/sales-windows/${nextWindow}/cutoff`, {}, admin);
    expect(cut.status, cut.text).toBe(200);
    expect(cut.json()).toMatchObject({ ran: true, orders: 2 });
    expect(await claimedBy(nextWindow)).toEqual([startedBefore, startedAfter].sort());
  });

  it('a payment settling while the cutoff runs lands in that window or the next, never between them', async () => {
    const windowId = (await db.selectFrom('sales_windows').select('id').where('tenant_id', '=', t).where('previous_id', '=', nextWindow).executeTakeFirstOrThrow()).id;
    const gate = () => { let open!: () => void; const opened = new Promise<void>((r) => { open = r; }); return { open, opened }; };
    const pending = async (p: Promise<unknown>) => Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), 400))]);

    // The payment's transaction is under way (payment time read) when the cutoff starts: the cutoff waits for it, and has it.
    const first = await order(3);
    const firstPay = await startPayment(api, buyers[3]!, first);
    const settling = gate();
    const held = gate();
    const settlement = inTransaction(db, async (tx) => {
      await settlePaidOrder(clock)(tx, { tenant_id: t, id: firstPay.payment_id, order_id: first, amount: firstPay.amount });
      held.open();
      await settling.opened;
    });
    await held.opened;
    clock.advance(60_000);
    const cutoff = api.post(`/api/v1/sales-windows/${windowId}/cutoff`, {}, admin);
    expect(await pending(cutoff)).toBe('waiting');
    settling.open();
    await settlement;
    expect((await cutoff).json()).toMatchObject({ ran: true, orders: 1 });
    expect(await claimedBy(windowId)).toEqual([first]);
    const successor = (await db.selectFrom('sales_windows').select('id').where('tenant_id', '=', t).where('previous_id', '=', windowId).executeTakeFirstOrThrow()).id;

    // The cutoff is under way when the payment settles: the payment waits, is timed after the cutoff, and the next window has it.
    const second = await order(4);
    const secondPay = await startPayment(api, buyers[4]!, second);
    const cutting = gate();
    const cutHeld = gate();
    const cut = inTransaction(db, async (tx) => {
      await cutOff(tx, clock, t, successor);
      cutHeld.open();
      await cutting.opened;
    });
    await cutHeld.opened;
    const paying = inTransaction(db, (tx) => settlePaidOrder(clock)(tx, { tenant_id: t, id: secondPay.payment_id, order_id: second, amount: secondPay.amount }));
    expect(await pending(paying)).toBe('waiting');
    clock.advance(1_000);
    cutting.open();
    await cut;
    expect(await paying).toBe('order_paid');
    expect(await claimedBy(successor)).toEqual([]);
    const third = (await db.selectFrom('sales_windows').select('id').where('tenant_id', '=', t).where('previous_id', '=', successor).executeTakeFirstOrThrow()).id;
    clock.advance(1_000);
    const last = await api.post(`/api/v1/sales-windows/${third}/cutoff`, {}, admin);
    expect(last.json()).toMatchObject({ ran: true, orders: 1 });
    expect(await claimedBy(third)).toEqual([second]);
  });
});
