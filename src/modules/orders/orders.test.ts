import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, stockOf } from '../../../test/fixtures.js';

describe('order loop over HTTP', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 10 });
  const sku = world.skus[0]!;
  const token = await consumerToken(siyu, world.shop, '13800000001');
  let key = 0;
  const post = (url: string, payload: unknown, t = token) =>
    siyu.server.inject({ method: 'POST', url, payload: payload as object, headers: auth(t, { 'idempotency-key': `k-${++key}` }) });

  it('checkout → prepay → signed notification → paid, with a price snapshot', async () => {
    const created = await post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: sku.id, quantity: 2 }] });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    expect(order).toMatchObject({ status: 'pending_payment', total: sku.price * 2 });
    // The buyer never sees what the shop pays its supplier.
    expect(order).not.toHaveProperty('supply_cost');
    expect(order.lines[0]).not.toHaveProperty('unit_supply_cost');
    expect(await stockOf(db, world.tenantId, sku.id)).toEqual({ on_hand: 10, reserved: 2, live_reservations: 2 });

    const pay = await post(`/api/v1/orders/${order.id}/payments`, {});
    expect(pay.statusCode).toBe(201);
    expect(pay.json()).toMatchObject({ amount: sku.price * 2, status: 'pending' });
    const confirm = await siyu.server.inject({ method: 'POST', url: `/api/v1/sandbox/payments/${pay.json().payment_id}/pay`, payload: {}, headers: auth(token) });
    expect(confirm.statusCode).toBe(200);
    await siyu.tick();

    // A later price change must not touch the order's history.
    await db.updateTable('listings').set({ retail_price: 9999 }).where('sku_id', '=', sku.id).execute();
    const got = await siyu.server.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth(world.adminToken) });
    expect(got.json()).toMatchObject({ status: 'paid', total: sku.price * 2, supply_cost: sku.supply * 2, lines: [{ unit_price: sku.price, quantity: 2, unit_supply_cost: sku.supply }] });
    const buyers = await siyu.server.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth(token) });
    expect(buyers.json()).toMatchObject({ status: 'paid', lines: [{ unit_price: sku.price, quantity: 2 }] });
    expect(buyers.json()).not.toHaveProperty('supply_cost');
    expect(buyers.json().lines[0]).not.toHaveProperty('unit_supply_cost');
    expect(got.json().payments[0]).toMatchObject({ status: 'succeeded' });
  });

  it('expires unpaid orders after the tenant’s configured timeout and releases their stock', async () => {
    const set = await siyu.server.inject({ method: 'PATCH', url: '/api/v1/tenant', payload: { order_payment_timeout_minutes: 30 }, headers: auth(world.adminToken) });
    expect(set.json().order_payment_timeout_minutes).toBe(30);
    const other = world.skus[1]!;
    const before = await stockOf(db, world.tenantId, other.id);
    const order = (await post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: other.id, quantity: 3 }] })).json();
    expect(new Date(order.expires_at).getTime() - new Date(order.created_at).getTime()).toBe(30 * 60_000);

    clock.advance(29 * 60_000);
    expect((await siyu.tick()).expired).toBe(0);
    clock.advance(2 * 60_000);
    expect((await siyu.tick()).expired).toBe(1);
    const got = await siyu.server.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: auth(token) });
    expect(got.json().status).toBe('expired');
    expect(await stockOf(db, world.tenantId, other.id)).toEqual(before);
  });
});
