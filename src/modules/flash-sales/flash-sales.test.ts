import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { createDb } from '../../platform/db/database.js';
import type { Database } from '../../database.js';
import { manualClock, seedWorld, startSiyu, stockOf } from '../../../test/fixtures.js';
import { consumerTokens, expectProblem, injectApi, newEventId, placeOrder, postNotification, rowCounts, signedNotification, startPayment } from '../../../test/race/helpers.js';
import { expireDueOrders } from '../../flows/order-lifecycle.flow.js';

describe('flash sales', async () => {
  const { db, url } = await createTestDatabase({ max: 20 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  // SKUs priced 1000, 1100, 1200 with supply at 60%.
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const tokens = await consumerTokens(siyu, world.shop, 6, '136');
  const sku = world.skus[0]!.id;
  const at = (minutes: number) => new Date(clock.now().getTime() + minutes * 60_000).toISOString();
  const saleRow = async (id: string) => db.selectFrom('flash_sales').select(['sold']).where('id', '=', id).executeTakeFirstOrThrow();
  const buy = (token: string, saleId: string, quantity = 1, skuId = sku) =>
    api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: skuId, quantity }], campaign: { kind: 'flash_sale', ref: saleId } }, { token });

  it('refuses a flash price below supply cost unless an admin overrides it with a reason', async () => {
    const body = { name: 'Too cheap', b_node_id: world.bNodeId, sku_id: sku, price: 300, stock_cap: 10, per_customer_limit: 1, starts_at: at(0), ends_at: at(60) };
    const rejected = await api.post('/api/v1/flash-sales', body, admin);
    expectProblem(rejected, 422, 'economics_rejected');
    expect(await db.selectFrom('flash_sales').select('id').execute()).toHaveLength(0);
    const overridden = await api.post('/api/v1/flash-sales', { ...body, override: { reason: 'opening day, ten units' } }, admin);
    expect(overridden.status).toBe(201);
    expect(overridden.json().override_reason).toBe('opening day, ten units');
    await api.post(`/api/v1/flash-sales/${overridden.json().id}/end`, {}, admin);
  });

  let saleId = '';
  it('sells at the flash price from its start, records the campaign on the order and holds the limit', async () => {
    const created = await api.post('/api/v1/flash-sales', { name: '早八点秒杀', b_node_id: world.bNodeId, sku_id: sku, price: 800, stock_cap: 3, per_customer_limit: 2, starts_at: at(10), ends_at: at(70) }, admin);
    expect(created.status, created.text).toBe(201);
    expect(created.json().verdict).toMatch(/accept|warn/);
    saleId = created.json().id;

    const upcoming = await api.get(`/api/v1/shops/${world.shop}/flash-sales`);
    expect(upcoming.json().items).toMatchObject([{ id: saleId, price: 800, list_price: 1000, left: 3, per_customer_limit: 2, state: 'upcoming' }]);
    const before = await rowCounts(db);
    expectProblem(await buy(tokens[0]!, saleId), 409, 'flash_sale_not_started');
    expect(await rowCounts(db)).toEqual(before);

    clock.advance(10 * 60_000);
    const order = await placeOrder(api, tokens[0]!, world.shop, [{ sku_id: sku, quantity: 1 }]);
    expect(order.total).toBe(1000); // without the campaign the shop's price stands
    const res = await buy(tokens[1]!, saleId, 2);
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ subtotal: 1600, total: 1600, discount: 0 });
    const row = await db.selectFrom('orders').select(['campaign_kind', 'campaign_ref']).where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row).toEqual({ campaign_kind: 'flash_sale', campaign_ref: saleId });

    const counts = await rowCounts(db);
    expectProblem(await buy(tokens[1]!, saleId, 1), 409, 'flash_sale_limit_reached');
    expectProblem(await buy(tokens[2]!, saleId, 2), 409, 'flash_sale_sold_out');
    expectProblem(await buy(tokens[2]!, saleId, 1, world.skus[1]!.id), 422, 'flash_sale_sku_not_in_cart');
    expectProblem(await buy(tokens[2]!, 'fls_nope'), 404, 'flash_sale_not_found');
    expect(await rowCounts(db)).toEqual(counts);
    expect((await saleRow(saleId)).sold).toBe(2);
  });

  const pay = async (token: string, orderId: string) => {
    const payment = await startPayment(api, token, orderId);
    return postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
  };

  it('gives an unpaid order\'s units and the buyer\'s limit back once when it expires or is cancelled; a paid order keeps them', async () => {
    const paidOne = await buy(tokens[3]!, saleId, 1);
    expect(paidOne.status).toBe(201);
    expect((await pay(tokens[3]!, paidOne.json().id)).json().outcome).toBe('order_paid');
    expect((await saleRow(saleId)).sold).toBe(3);
    expectProblem(await buy(tokens[4]!, saleId, 1), 409, 'flash_sale_sold_out');
    expect((await api.get(`/api/v1/shops/${world.shop}/flash-sales`)).json().items[0].state).toBe('sold_out');

    const stockBefore = await stockOf(db, world.tenantId, sku);
    clock.advance(16 * 60_000); // past the 15-minute payment timeout: the unpaid orders (a plain one, a flash one of 2) expire
    await Promise.all([expireDueOrders(db, clock), expireDueOrders(db, clock)]);
    await expireDueOrders(db, clock);
    expect((await saleRow(saleId)).sold).toBe(1);
    expect((await stockOf(db, world.tenantId, sku)).reserved).toBe(stockBefore.reserved - 3);
    const bought = await db.selectFrom('flash_sale_buyers').select(['customer_id', 'bought']).where('flash_sale_id', '=', saleId).orderBy('bought').execute();
    expect(bought.map((b) => b.bought)).toEqual([0, 1]);

    // The limit came back with the units: the same buyer buys two again; a cancelled order returns its unit at once.
    const cancelled = await buy(tokens[1]!, saleId, 2);
    expect(cancelled.status, cancelled.text).toBe(201);
    expect((await saleRow(saleId)).sold).toBe(3);
    expect((await api.post(`/api/v1/orders/${cancelled.json().id}/cancel`, {}, { token: tokens[1]! })).status).toBe(200);
    expect((await saleRow(saleId)).sold).toBe(1);

    const results = await api.get(`/api/v1/flash-sales/${saleId}`, admin);
    expect(results.json()).toMatchObject({ sold: 1, orders_placed: 3, orders_paid: 1, units_paid: 1, units_released: 4, buyers: 2 });
  });

  it('refunds a late payment for an expired flash order when its units were sold meanwhile', async () => {
    const late = await buy(tokens[5]!, saleId, 1);
    expect(late.status).toBe(201);
    const payment = await startPayment(api, tokens[5]!, late.json().id);
    clock.advance(16 * 60_000);
    await expireDueOrders(db, clock); // frees its unit and the other buyer's two
    for (const t of [tokens[0]!, tokens[2]!]) expect((await buy(t, saleId, 1)).status).toBe(201);
    expect((await saleRow(saleId)).sold).toBe(3);
    const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
    expect(res.json().outcome).toBe('auto_refund:late_payment_out_of_stock');
    expect((await saleRow(saleId)).sold).toBe(3);
  });

  it('refuses a sold-out sale with one read and writes nothing, while the key that took its last unit still replays', async () => {
    const created = await api.post('/api/v1/flash-sales', { name: '一件秒杀', b_node_id: world.bNodeId, sku_id: world.skus[2]!.id, price: 1000, stock_cap: 1, per_customer_limit: 1, starts_at: at(0), ends_at: at(60) }, admin);
    expect(created.status, created.text).toBe(201);
    const single = created.json().id as string;
    const body = { shop: world.shop, lines: [{ sku_id: world.skus[2]!.id, quantity: 1 }], campaign: { kind: 'flash_sale', ref: single } };
    const lastUnit = await api.post('/api/v1/orders', body, { token: tokens[4]!, key: 'took-the-last-unit' });
    expect(lastUnit.status, lastUnit.text).toBe(201);

    const statements: string[] = [];
    const counted = createDb<Database>(url, { max: 2, onQuery: (q) => statements.push(q) });
    const watched = await startSiyu(counted, clock);
    try {
      const watchedApi = injectApi(watched);
      const counts = await rowCounts(db);
      statements.length = 0;
      expectProblem(await watchedApi.post('/api/v1/orders', body, { token: tokens[5]!, key: 'after-the-last-unit' }), 409, 'flash_sale_sold_out');
      expect(await rowCounts(db)).toEqual(counts);
      // No transaction, no key written and rolled back: the sale and the key read in one statement.
      expect(statements.filter((q) => /^\s*begin/i.test(q) || /insert into "?idempotency_keys/i.test(q))).toEqual([]);
      expect(statements.filter((q) => q.includes('flash_sales'))).toHaveLength(1);

      // The buyer who took the last unit retries with the same key: the stored answer, not a refusal.
      const replay = await watchedApi.post('/api/v1/orders', body, { token: tokens[4]!, key: 'took-the-last-unit' });
      expect(replay.status, replay.text).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.json().id).toBe(lastUnit.json().id);
    } finally {
      await watched.close();
      await counted.destroy().catch(() => undefined);
    }
  });
});
