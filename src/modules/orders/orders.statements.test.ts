import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, testPhones } from '../../../test/fixtures.js';
import { createDb } from '../../platform/db/database.js';
import { findOrCreateConsumer } from '../customers/customers.service.js';
import { checkout } from '../../flows/checkout.flow.js';
import { getOrder } from '../../flows/order-detail.flow.js';
import { listOrders } from './orders.service.js';
import type { Database } from '../../database.js';

describe('statement count does not grow with the cart or the list', async () => {
  const { db, url } = await createTestDatabase();
  const clock = manualClock();
  const world = await seedWorld(db, clock, { skuCount: 30, stock: 1000 });
  const statements: string[] = [];
  const counted = createDb<Database>(url, { max: 2, onQuery: (sql) => statements.push(sql) });
  afterAll(() => counted.destroy());
  const customer = await findOrCreateConsumer(db, testPhones, world.tenantId, { name: 'N', phone: '13600000000', b_node_id: world.bNodeId });
  const admin = { tenantId: world.tenantId, userId: 'u', role: 'tenant_admin' as const, bNodeId: null, supplierId: null };

  async function count(fn: () => Promise<unknown>) {
    statements.length = 0;
    await fn();
    return statements.length;
  }

  it('checkout of 1 line and of 30 lines issue the same number of statements', async () => {
    const place = (n: number) => counted.transaction().execute((tx) => checkout(tx, clock, { tenantId: world.tenantId, customerId: customer.id },
      { shop: world.shop, fulfillment: 'pickup', note: '', lines: world.skus.slice(0, n).map((s) => ({ sku_id: s.id, quantity: 2 })) }));
    const one = await count(() => place(1));
    const thirty = await count(() => place(30));
    expect(one).toBeGreaterThan(3);
    expect(thirty).toBe(one);
  });

  it('order detail and order list do not issue a query per line or per order', async () => {
    const orders = await db.selectFrom('orders').select('id').execute();
    const small = await count(() => getOrder(counted, testPhones, admin, orders[0]!.id));
    const big = await count(() => getOrder(counted, testPhones, admin, orders[1]!.id));
    expect(big).toBe(small);
    const list1 = await count(() => listOrders(counted, testPhones, admin, { limit: 1 }));
    const list2 = await count(() => listOrders(counted, testPhones, admin, { limit: 50 }));
    expect(list2).toBe(list1);
  });
});
