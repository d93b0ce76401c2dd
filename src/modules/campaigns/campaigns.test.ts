import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu, stockOf } from '../../../test/fixtures.js';
import { consumerTokens, injectApi, paidOrder, placeOrder } from '../../../test/race/helpers.js';
import { expireDueOrders } from '../../flows/order-lifecycle.flow.js';

describe('subsidy campaigns', async () => {
  const { db } = await createTestDatabase({ max: 40 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  // SKUs priced 1000, 1100, 1200 with supply at 60%: room for a modest subsidy.
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const tokens = await consumerTokens(siyu, world.shop, 40, '135');
  const ends = new Date(clock.now().getTime() + 7 * 86_400_000).toISOString();
  const spentOf = async (id: string) => Number((await db.selectFrom('campaigns').select('spent').where('id', '=', id).executeTakeFirstOrThrow()).spent);

  it('refuses a subsidy that makes orders lose money; an admin may override it with a reason', async () => {
    const body = { name: 'Half price', discount_per_order: 900, min_order_total: 1000, budget: 100_000, ends_at: ends };
    const rejected = await api.post('/api/v1/campaigns', body, admin);
    expect(rejected.status).toBe(422);
    expect(rejected.json().code).toBe('economics_rejected');
    expect(rejected.json().rules.map((r: { id: string }) => r.id)).toContain('G8');
    expect(await db.selectFrom('campaigns').select('id').execute()).toHaveLength(0);

    const overridden = await api.post('/api/v1/campaigns', { ...body, override: { reason: 'grand opening, one week, capped budget' } }, admin);
    expect(overridden.status).toBe(201);
    expect(overridden.json().override_reason).toContain('grand opening');
    await api.post(`/api/v1/campaigns/${overridden.json().id}/end`, {}, admin);
  });

  let campaignId = '';
  it('applies a running subsidy at checkout, splits it over the lines and takes it from the budget', async () => {
    const created = await api.post('/api/v1/campaigns', { name: 'Weekend 2 yuan off', b_node_id: world.bNodeId, discount_per_order: 200, min_order_total: 2000, budget: 1000, ends_at: ends }, admin);
    expect(created.status).toBe(201);
    campaignId = created.json().id;

    const small = await placeOrder(api, tokens[0]!, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }]);
    expect(small).toMatchObject({ total: 1000 });
    const order = await placeOrder(api, tokens[1]!, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }, { sku_id: world.skus[1]!.id, quantity: 1 }]);
    expect(order).toMatchObject({ subtotal: 2100, discount: 200, total: 1900, campaign_id: campaignId });
    const lines = order.lines as unknown as { discount: number; line_total: number }[];
    expect(lines.reduce((a, l) => a + l.discount, 0)).toBe(200);
    expect(lines.map((l) => l.discount)).toEqual([95, 105]);
    expect(await spentOf(campaignId)).toBe(200);
  });

  it('never spends more than the budget, however many buyers race for it', async () => {
    // 800 fen left: room for exactly 4 more subsidised orders.
    const results = await Promise.all(tokens.slice(2, 32).map((t) => api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[2]!.id, quantity: 2 }] }, { token: t })));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409), JSON.stringify(statuses)).toBe(true);
    for (const r of results.filter((x) => x.status === 409)) expect(r.json().code).toBe('campaign_budget_exhausted');
    const subsidised = results.filter((r) => r.status === 201 && r.json().discount === 200);
    expect(subsidised).toHaveLength(4);
    expect(results.filter((r) => r.status === 201 && r.json().discount === 0).every((r) => r.json().total === 2400)).toBe(true);
    expect(await spentOf(campaignId)).toBe(1000);
  });

  it('gives an unpaid order’s subsidy back once when it expires, and a refund by line returns what was paid', async () => {
    const before = await spentOf(campaignId);
    const unpaid = (await db.selectFrom('orders').select(['id', 'discount']).where('campaign_id', '=', campaignId).where('status', '=', 'pending_payment').execute());
    clock.advance(16 * 60_000);
    await Promise.all([expireDueOrders(db, clock), expireDueOrders(db, clock), expireDueOrders(db, clock)]);
    const returned = unpaid.reduce((a, o) => a + Number(o.discount), 0);
    expect(returned).toBeGreaterThan(0);
    expect(await spentOf(campaignId)).toBe(before - returned);
    await expireDueOrders(db, clock);
    expect(await spentOf(campaignId)).toBe(before - returned);

    const { order } = await paidOrder(api, world.tenantId, tokens[35]!, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }, { sku_id: world.skus[1]!.id, quantity: 3 }]);
    expect(order).toMatchObject({ subtotal: 4300, total: 4100 });
    const stockBefore = await stockOf(db, world.tenantId, world.skus[1]!.id);
    const first = await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 2, quantity: 1 }] }, admin);
    // Line 2 is 3300 with 153 of the discount: it paid 3147; one unit of three refunds floor(3147 / 3) = 1049.
    expect(first.json().amount).toBe(1049);
    expect((await stockOf(db, world.tenantId, world.skus[1]!.id)).reserved).toBe(stockBefore.reserved - 1);
    const rest = await api.post(`/api/v1/orders/${order.id}/refunds`, {}, admin);
    expect(first.json().amount + rest.json().amount).toBe(4100);
    const got = (await api.get(`/api/v1/orders/${order.id}`, admin)).json();
    expect(got).toMatchObject({ status: 'refunded', refunded_total: 4100 });
  });

  it('rolls the coupon up by campaign in the P&L', async () => {
    const rows = (await api.get('/api/v1/economics/pnl?by=campaign', admin)).json().rows as { key: string | null; coupon: number; orders: number }[];
    const row = rows.find((r) => r.key === campaignId)!;
    expect(row.orders).toBe(1);
    expect(row.coupon).toBe(200);
  });

  it('an ended campaign stops applying and cannot be changed', async () => {
    expect((await api.post(`/api/v1/campaigns/${campaignId}/end`, {}, admin)).json().status).toBe('ended');
    const order = await placeOrder(api, tokens[36]!, world.shop, [{ sku_id: world.skus[2]!.id, quantity: 2 }]);
    expect(order).toMatchObject({ discount: 0, total: 2400 });
    const change = await api.request('PATCH', `/api/v1/campaigns/${campaignId}`, { ...admin, body: { budget: 5000 } });
    expect(change.status).toBe(409);
    expect(change.json().code).toBe('campaign_ended');
  });
});
