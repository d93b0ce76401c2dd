import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';

describe('order status long poll', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 10 });
  const token = await consumerToken(siyu, world.shop, '13800000011');
  const stranger = await consumerToken(siyu, world.shop, '13800000012');
  let key = 0;
  const post = (url: string, payload: unknown, t = token) =>
    siyu.server.inject({ method: 'POST', url, payload: payload as object, headers: auth(t, { 'idempotency-key': `s-${++key}` }) });
  const status = (orderId: string, query: string, t = token) =>
    siyu.server.inject({ method: 'GET', url: `/api/v1/orders/${orderId}/status${query}`, headers: auth(t) });
  const placeOrder = async () => (await post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] })).json();

  it('answers at once without changed_from, and refuses a stranger with 404', async () => {
    const order = await placeOrder();
    const now = await status(order.id, '');
    expect(now.statusCode).toBe(200);
    expect(now.json()).toMatchObject({ id: order.id, status: 'pending_payment', paid_at: null });
    expect((await status(order.id, '?changed_from=pending_payment&wait_ms=5000', stranger)).statusCode).toBe(404);
    expect((await status(order.id, '?wait_ms=25001')).statusCode).toBe(400);
    expect((await status(order.id, '?changed_from=unknown')).statusCode).toBe(400);
  });

  it('holds the answer while the order awaits payment and answers "paid" as soon as the payment lands', async () => {
    const order = await placeOrder();
    const pay = (await post(`/api/v1/orders/${order.id}/payments`, {})).json();
    const started = Date.now();
    let answeredAt = 0;
    const waiting = status(order.id, '?changed_from=pending_payment&wait_ms=20000').then((r) => { answeredAt = Date.now(); return r; });
    await new Promise((r) => setTimeout(r, 300));
    expect(answeredAt).toBe(0);
    expect((await siyu.server.inject({ method: 'POST', url: `/api/v1/sandbox/payments/${pay.payment_id}/pay`, payload: {}, headers: auth(token) })).statusCode).toBe(200);
    await siyu.tick();
    const answer = await waiting;
    expect(answer.json()).toMatchObject({ id: order.id, status: 'paid' });
    expect(answer.json().paid_at).not.toBeNull();
    // Woken by the notification, not by the 5 s re-check or the 20 s limit.
    expect(answeredAt - started).toBeLessThan(4_000);
  });

  it('answers when the order expires, and answers the unchanged status when wait_ms runs out', async () => {
    const order = await placeOrder();
    const started = Date.now();
    const short = await status(order.id, '?changed_from=pending_payment&wait_ms=400');
    expect(short.json().status).toBe('pending_payment');
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);

    const waiting = status(order.id, '?changed_from=pending_payment&wait_ms=20000');
    await new Promise((r) => setTimeout(r, 200));
    clock.advance(60 * 60_000);
    expect((await siyu.tick()).expired).toBeGreaterThanOrEqual(1);
    expect((await waiting).json().status).toBe('expired');
  });

  it('lets shutdown end a held request at once', async () => {
    const other = await startSiyu(db, clock);
    const token2 = await consumerToken(other, world.shop, '13800000013');
    const created = await other.server.inject({ method: 'POST', url: '/api/v1/orders', payload: { shop: world.shop, lines: [{ sku_id: world.skus[1]!.id, quantity: 1 }] }, headers: auth(token2, { 'idempotency-key': 'close-1' }) });
    const waiting = other.server.inject({ method: 'GET', url: `/api/v1/orders/${created.json().id}/status?changed_from=pending_payment&wait_ms=20000`, headers: auth(token2) });
    await new Promise((r) => setTimeout(r, 200));
    const closing = Date.now();
    await other.close();
    expect((await waiting).json().status).toBe('pending_payment');
    expect(Date.now() - closing).toBeLessThan(3_000);
  });
});
