import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../test/fixtures.js';
import { consumerTokens, injectApi, placeOrder } from '../../test/race/helpers.js';

describe('checkout flow', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const [buyer] = await consumerTokens(siyu, world.shop, 1, '137');
  const ends = new Date(clock.now().getTime() + 86_400_000).toISOString();

  it('applies the richest running campaign, comparing discounts as amounts', async () => {
    // As text "90" sorts above "100"; as money 100 is the richer subsidy.
    for (const discount of [90, 100]) {
      const created = await api.post('/api/v1/campaigns', { name: `${discount} off`, discount_per_order: discount, min_order_total: 2000, budget: 10_000, ends_at: ends }, admin);
      expect(created.status).toBe(201);
    }
    const order = await placeOrder(api, buyer!, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }, { sku_id: world.skus[1]!.id, quantity: 1 }]);
    expect(order).toMatchObject({ subtotal: 2100, discount: 100, total: 2000 });
  });
});
