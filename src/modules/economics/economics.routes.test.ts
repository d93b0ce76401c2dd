import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { createUser } from '../identity/identity.service.js';

describe('economics in the order loop and over HTTP', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 50 });
  const inject = siyu.server.inject.bind(siyu.server);
  const admin = auth(world.adminToken);
  let key = 0;
  const idem = (token: string) => auth(token, { 'idempotency-key': `e-${++key}` });

  async function paidOrder(lines: { sku_id: string; quantity: number }[]) {
    const token = await consumerToken(siyu, world.shop, `1370000${String(++key).padStart(4, '0')}`);
    const order = (await inject({ method: 'POST', url: '/api/v1/orders', payload: { shop: world.shop, lines }, headers: idem(token) })).json();
    const pay = (await inject({ method: 'POST', url: `/api/v1/orders/${order.id}/payments`, payload: {}, headers: idem(token) })).json();
    await inject({ method: 'POST', url: `/api/v1/sandbox/payments/${pay.payment_id}/pay`, payload: {}, headers: auth(token) });
    await siyu.tick();
    return order.id as string;
  }

  it('a 10% leader policy is accepted and assigned', async () => {
    const created = await inject({ method: 'POST', url: '/api/v1/economics/policies', headers: admin, payload: { name: 'Leader 10%', leader_bps: 1000 } });
    expect(created.statusCode).toBe(201);
    expect(['accept', 'warn']).toContain(created.json().verdict);
    const assign = await inject({ method: 'PUT', url: `/api/v1/b-nodes/${world.bNodeId}/commission-policy`, headers: admin, payload: { policy_id: created.json().id } });
    expect(assign.statusCode).toBe(200);
  });

  it('stores a paid order’s waterfall, fen exact, and updates it after a partial refund', async () => {
    const sku = world.skus[0]!; // price 1000, supply 600
    const orderId = await paidOrder([{ sku_id: sku.id, quantity: 2 }]);
    const w = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/waterfall`, headers: admin })).json();
    // paid 2000 − supply 1200 − fee 0.6% 12 − fulfilment 150 − spoilage 3% of 1200 = 36 − leader 10% 200 − refund provision 5% 100
    expect(w).toMatchObject({ paid: 2000, supply_cost: 1200, payment_fee: 12, fulfillment: 150, spoilage: 36, leader: 200, expected_refunds: 100, refunds: 0, contribution_margin: 302 });

    const refund = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, headers: idem(world.adminToken), payload: { lines: [{ line_no: 1, quantity: 1 }] } });
    expect(refund.statusCode).toBe(201);
    const after = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/waterfall`, headers: admin })).json();
    // refunded 1000; the returned unit's supply cost comes back; leader and provision on the kept 1000.
    expect(after).toMatchObject({ refunds: 1000, supply_cost: 600, leader: 100, expected_refunds: 50, contribution_margin: 2000 - 1000 - 600 - 12 - 150 - 36 - 100 - 50 });
  });

  it('splits an order over its lines so every column sums to the order and P&L rolls up', async () => {
    const orderId = await paidOrder([{ sku_id: world.skus[1]!.id, quantity: 3 }, { sku_id: world.skus[2]!.id, quantity: 1 }]);
    const w = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/waterfall`, headers: admin })).json();
    expect(w.lines).toHaveLength(2);
    for (const part of ['paid', 'payment_fee', 'fulfillment', 'leader', 'spoilage', 'contribution_margin']) {
      expect(w.lines[0][part] + w.lines[1][part], part).toBe(w[part]);
    }
    const bySku = (await inject({ method: 'GET', url: '/api/v1/economics/pnl?by=sku', headers: admin })).json().rows;
    const byDay = (await inject({ method: 'GET', url: '/api/v1/economics/pnl?by=day', headers: admin })).json().rows;
    const sum = (rows: { contribution_margin: number }[]) => rows.reduce((a, r) => a + r.contribution_margin, 0);
    expect(sum(bySku)).toBe(sum(byDay));
    expect(byDay[0].key).toBe('2026-11-01');
    expect(bySku.find((r: { key: string }) => r.key === world.skus[1]!.id).paid).toBe(3 * world.skus[1]!.price);
  });

  it('refuses three commission levels outright, even with an override', async () => {
    for (const override of [undefined, { reason: 'we really want it' }]) {
      const r = await inject({ method: 'POST', url: '/api/v1/economics/policies', headers: admin, payload: { name: '3 levels', levels_bps: [500, 300, 100], ...(override ? { override } : {}) } });
      expect(r.statusCode).toBe(422);
      expect(r.json().code).toBe('economics_rejected');
      expect(r.json().rules.find((x: { id: string }) => x.id === 'G3')).toMatchObject({ status: 'fail', overridable: false });
    }
  });

  it('a below-cost price is rejected; a tenant admin may override with a reason, which is audited', async () => {
    const sku = world.skus[0]!; // supply 600, band 800–1500: widen the floor to allow a loss-making price
    await db.updateTable('skus').set({ retail_floor: 100 }).where('id', '=', sku.id).execute();
    const url = `/api/v1/b-nodes/${world.bNodeId}/listings/${sku.id}`;
    const loss = await inject({ method: 'PUT', url, headers: admin, payload: { retail_price: 500 } });
    expect(loss.statusCode).toBe(422);
    expect(loss.json().rules.map((r: { id: string }) => r.id)).toContain('G8');
    expect((await db.selectFrom('listings').select('retail_price').where('sku_id', '=', sku.id).executeTakeFirstOrThrow()).retail_price).toBe(1000);

    const owner = await createUser(db, world.tenantId, { login: 'owner-e', display_name: 'Owner', role: 'b_owner', password: 'owner-password', b_node_id: world.bNodeId });
    const ownerToken = (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: owner.login, password: 'owner-password' } })).json().token;
    const byOwner = await inject({ method: 'PUT', url, headers: auth(ownerToken), payload: { retail_price: 500, override_reason: 'clear before it spoils' } });
    expect(byOwner.statusCode).toBe(403);
    expect(byOwner.json().code).toBe('override_not_allowed');

    const overridden = await inject({ method: 'PUT', url, headers: admin, payload: { retail_price: 500, override_reason: 'opening-day loss leader, one week' } });
    expect(overridden.statusCode).toBe(200);
    const log = await db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', world.tenantId).where('action', '=', 'economics.override').execute();
    expect(log).toHaveLength(1);
    expect(JSON.stringify(log[0]!.details)).toContain('opening-day loss leader');
  });

  it('checks a plan over HTTP and lists every bad field of an invalid one', async () => {
    const ok = await inject({ method: 'POST', url: '/api/v1/economics/check', headers: admin, payload: { name: 'leader', product: { price: 2500, cogs: 1900 }, incentives: { commission_levels_bps: [], leader_bps: 1000 } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().rules).toHaveLength(13);
    const bad = await inject({ method: 'POST', url: '/api/v1/economics/check', headers: admin, payload: { product: { price: -5 }, costs: { payment_fee_bps: 'x' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_plan');
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['product.price', 'costs.payment_fee_bps']));
  });

  it('simulates schemes side by side over HTTP, deterministically for a seed', async () => {
    const schemes = JSON.parse(fs.readFileSync('examples/economics/compare-schemes.json', 'utf8'));
    const run = async (seed: number) => (await inject({ method: 'POST', url: `/api/v1/economics/simulate?days=120&seed=${seed}&participants=20000`, headers: admin, payload: schemes })).json();
    const a = await run(7);
    expect(a.schemes.length).toBe(schemes.schemes.length);
    for (const key of ['participants', 'share_losing_money', 'gini', 'break_even_day', 'bonus_period_end_day', 'gmv', 'platform_cash']) {
      expect(a.schemes[0], key).toHaveProperty(key);
    }
    expect(a.schemes.every((x: { participants: number }) => x.participants <= 20_000)).toBe(true);
    expect(await run(7)).toEqual(a);
  });

  it('answers break-even for a plan and for a B node from its own orders', async () => {
    const plan = await inject({ method: 'POST', url: '/api/v1/economics/breakeven', headers: admin, payload: { plan: { product: { price: 5000, cogs: 3500 }, costs: { fulfillment: 150 }, incentives: { commission_levels_bps: [], leader_bps: 1000 } }, fixed_cost_per_day: 10_000 } });
    expect(plan.statusCode).toBe(200);
    const body = plan.json();
    expect(body.contribution_margin).toBeGreaterThan(0);
    expect(body.orders_per_day).toBeCloseTo(10_000 / body.contribution_margin, 1);
    expect(body.leader_sweep.length).toBeGreaterThan(3);
    // A higher leader commission never lowers the orders needed.
    const needed = body.leader_sweep.map((r: { orders_per_day: number | null }) => r.orders_per_day ?? Infinity);
    expect([...needed].sort((x, y) => x - y)).toEqual(needed);

    const node = await inject({ method: 'GET', url: `/api/v1/economics/b-nodes/${world.bNodeId}/breakeven?fixed_cost_per_day=5000&days=30`, headers: admin });
    expect(node.statusCode).toBe(200);
    expect(node.json().orders).toBeGreaterThan(0);
    expect(node.json().fixed_cost_per_day).toBe(5000);
  });

  it('a supply price that would make a shop’s listing lose money is refused, naming the shop', async () => {
    const sku = world.skus[2]!; // listed at 1200, supply 720
    const url = `/api/v1/skus/${sku.id}`;
    const fine = await inject({ method: 'PATCH', url, headers: admin, payload: { supply_price: 700 } });
    expect(fine.statusCode).toBe(200);
    const loss = await inject({ method: 'PATCH', url, headers: admin, payload: { supply_price: 1190 } });
    expect(loss.statusCode).toBe(422);
    expect(loss.json()).toMatchObject({ code: 'economics_rejected', b_node_id: world.bNodeId, retail_price: 1200, supply_price: 1190 });
    expect((await db.selectFrom('skus').select('supply_price').where('id', '=', sku.id).executeTakeFirstOrThrow()).supply_price).toBe(700);
    const overridden = await inject({ method: 'PATCH', url, headers: admin, payload: { supply_price: 1190, override_reason: 'supplier cost rise, prices follow next week' } });
    expect(overridden.statusCode).toBe(200);
    expect((await db.selectFrom('skus').select('supply_price').where('id', '=', sku.id).executeTakeFirstOrThrow()).supply_price).toBe(1190);
  });
});
