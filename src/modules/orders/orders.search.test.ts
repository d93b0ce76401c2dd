import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, testPhones } from '../../../test/fixtures.js';
import { likeContaining } from './orders.repo.js';

describe('order search and the list total', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const admin = auth(world.adminToken);
  const buyers = [
    { phone: '13800001111', name: '王小明' },
    { phone: '13900002222', name: '50%_off\\deal' },
    { phone: '13700003333', name: 'Li Lei' },
  ];
  const numbers: string[] = [];
  for (const [i, b] of buyers.entries()) {
    const token = await consumerToken(siyu, world.shop, b.phone);
    const order = await inject({ method: 'POST', url: '/api/v1/orders', headers: auth(token, { 'idempotency-key': `s-${i}` }), payload: { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] } });
    expect(order.statusCode, order.body).toBe(201);
    numbers.push(order.json().number);
    await db.updateTable('customers').set({ name: b.name }).where('tenant_id', '=', world.tenantId).where('phone_index', '=', testPhones.index(b.phone)).execute();
  }
  const search = async (q: string, extra = '') => {
    const r = await inject({ method: 'GET', url: `/api/v1/orders?q=${encodeURIComponent(q)}${extra}`, headers: admin });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { items: { number: string; customer_name: string }[]; total: number; next_cursor: string | null };
    return { names: body.items.map((o) => o.customer_name).sort(), total: body.total, next: body.next_cursor };
  };

  it('finds orders by part of the customer\'s name, any case', async () => {
    expect(await search('小明')).toMatchObject({ names: ['王小明'], total: 1 });
    expect(await search('王')).toMatchObject({ names: ['王小明'], total: 1 });
    expect(await search('li lei')).toMatchObject({ names: ['Li Lei'], total: 1 });
    expect(await search('  LEI ')).toMatchObject({ names: ['Li Lei'], total: 1 });
  });

  it('takes %, _ and \\ in the text literally, not as LIKE wildcards', async () => {
    expect(likeContaining('a%b_c\\d')).toBe('%a\\%b\\_c\\\\d%');
    expect((await search('%')).names).toEqual(['50%_off\\deal']);
    expect((await search('_')).names).toEqual(['50%_off\\deal']);
    expect((await search('\\')).names).toEqual(['50%_off\\deal']);
    expect((await search('%_off\\d')).names).toEqual(['50%_off\\deal']);
    expect((await search('王%')).total).toBe(0);
  });

  it('finds orders by the whole or part of a phone number, and by order number', async () => {
    expect((await search('13900002222')).names).toEqual(['50%_off\\deal']);
    expect((await search('0000 3333')).names).toEqual(['Li Lei']);
    expect((await search('1111')).names).toEqual(['王小明']);
    expect((await search(numbers[2]!)).names).toEqual(['Li Lei']);
    expect((await search('nobody')).total).toBe(0);
  });

  it('says how many orders match over all pages, on every page', async () => {
    const first = await inject({ method: 'GET', url: '/api/v1/orders?limit=2', headers: admin });
    expect(first.json()).toMatchObject({ total: 3 });
    expect(first.json().items).toHaveLength(2);
    const second = await inject({ method: 'GET', url: `/api/v1/orders?limit=2&cursor=${first.json().next_cursor}`, headers: admin });
    expect(second.json()).toMatchObject({ total: 3, next_cursor: null });
    expect(second.json().items).toHaveLength(1);
    expect((await search('1', '&status=completed')).total).toBe(0);
  });
});
