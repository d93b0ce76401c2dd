/**
 * Coupon budgets under contention, over real sockets: 100 buyers each holding a coupon of one
 * template race to use it. The template's count budget (10) and money budget (10 uses' worth) are
 * taken by conditional updates in checkout's one write, so exactly 10 orders carry it; every
 * loser gets 409 coupon_budget_exhausted and nothing of theirs is written. Expiry running twice at
 * once gives each use back exactly once.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { raceHarness } from './harness.js';
import { expectProblem, expectStockConsistent, startingGate, type Res } from './helpers.js';
import { expireDueOrders } from '../../src/flows/order-lifecycle.flow.js';

const BUYERS = 100;
const DAY = 86_400_000;

describe('coupon race', async () => {
  const race = await raceHarness({ pool: 60 });
  const { db, siyu, api, clock } = race;

  async function setup(budget: { total_count: number; budget: number }) {
    const world = await race.shop({ skuCount: 2, stock: 10_000, buyers: BUYERS });
    const admin = { token: world.adminToken };
    const t = await api.post('/api/v1/coupon-templates', {
      name: 'race', kind: 'threshold', amount: 300, min_total: 2000, claim_ends_at: new Date(clock.now().getTime() + DAY).toISOString(), valid_days: 3,
      per_customer_limit: 1, ...budget,
    }, admin);
    expect(t.status, t.text).toBe(201);
    const coupons = await Promise.all(world.tokens.map(async (token) => {
      const c = await api.post(`/api/v1/shops/${world.shop}/coupons/${t.json().id}/claim`, {}, { token });
      expect(c.status, c.text).toBe(201);
      return c.json().id as string;
    }));
    return { world, templateId: t.json().id as string, coupons };
  }

  async function burst(world: Awaited<ReturnType<typeof setup>>['world'], coupons: string[]) {
    const gate = startingGate(siyu, BUYERS);
    const results: Res[] = await Promise.all(world.tokens.map((token, i) =>
      api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }], coupon_ids: [coupons[i]] }, { token })));
    expect(gate.released).toBe(true);
    return results;
  }

  async function facts(tenantId: string, templateId: string) {
    const { rows } = await sql<{ used_count: number; spent: number; standing: number; used: number; orders: number }>`
      SELECT t.used_count, t.spent::int AS spent,
             (SELECT count(*)::int FROM coupon_redemptions r WHERE r.tenant_id = t.tenant_id AND r.template_id = t.id AND r.returned_at IS NULL) AS standing,
             (SELECT count(*)::int FROM coupons c WHERE c.tenant_id = t.tenant_id AND c.template_id = t.id AND c.status = 'used') AS used,
             (SELECT count(*)::int FROM orders o WHERE o.tenant_id = t.tenant_id) AS orders
        FROM coupon_templates t WHERE t.tenant_id = ${tenantId} AND t.id = ${templateId}`.execute(db);
    return rows[0]!;
  }

  for (const [label, budget] of [['count budget 10', { total_count: 10, budget: 1_000_000 }], ['money budget ¥30 (10 uses)', { total_count: 1_000, budget: 3_000 }]] as const) {
    it(`${label} under ${BUYERS} concurrent redemptions → exactly 10; expiry twice at once returns each use once`, async () => {
      const { world, templateId, coupons } = await setup(budget);
      const results = await burst(world, coupons);
      const won = results.filter((r) => r.status === 201);
      expect(won).toHaveLength(10);
      for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'coupon_budget_exhausted');
      for (const r of won) expect(r.json()).toMatchObject({ subtotal: 2000, discount: 300, total: 1700 });
      expect(await facts(world.tenantId, templateId)).toEqual({ used_count: 10, spent: 3000, standing: 10, used: 10, orders: 10 });

      // The unpaid orders expire; two expiry runs at once give the ten uses back once.
      clock.advance(60 * 60_000);
      await Promise.all([expireDueOrders(db, clock), expireDueOrders(db, clock)]);
      expect(await facts(world.tenantId, templateId)).toEqual({ used_count: 0, spent: 0, standing: 0, used: 0, orders: 10 });
      await expectStockConsistent(db, world.tenantId);
    });
  }
});
