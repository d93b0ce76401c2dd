import { describe, expect, it } from 'vitest';
import { raceHarness } from '../../../test/race/harness.js';
import { expectProblem, paidOrder } from '../../../test/race/helpers.js';

describe('pickup-code attempts', async () => {
  const race = await raceHarness({ pool: 10, transport: 'inject' });
  const { api, clock, db } = race;
  const world = await race.shop({ skuCount: 1, stock: 100, buyers: 2 });
  const admin = world.adminToken;
  const sku = world.skus[0]!;

  const readyOrder = async () => {
    const { order } = await paidOrder(api, world.tenantId, world.buyer(), world.shop, [{ sku_id: sku.id, quantity: 1 }]);
    expect((await api.post(`/api/v1/orders/${order.id}/ready`, undefined, { token: admin, key: false })).status).toBe(200);
    const code = (await db.selectFrom('orders').select('pickup_code').where('tenant_id', '=', world.tenantId).where('id', '=', order.id).executeTakeFirstOrThrow()).pickup_code;
    return { id: order.id as string, code, wrong: code === '000000' ? '111111' : '000000' };
  };
  const pickup = (id: string, code: string) => api.post(`/api/v1/orders/${id}/pickup`, { code }, { token: admin, key: false });

  it('five wrong codes lock the order\'s verification: the right code then answers 429 pickup_code_locked with Retry-After, until the lock ends', async () => {
    const order = await readyOrder();
    for (let i = 0; i < 5; i++) expectProblem(await pickup(order.id, order.wrong), 422, 'wrong_pickup_code');
    const locked = await pickup(order.id, order.code);
    expectProblem(locked, 429, 'pickup_code_locked');
    expect(locked.headers['retry-after']).toBe(String(15 * 60));
    expect(locked.json().retry_after_seconds).toBe(15 * 60);

    // Other orders are not affected.
    const other = await readyOrder();
    expect((await pickup(other.id, other.code)).json().status).toBe('completed');

    clock.advance(15 * 60_000 + 1000);
    const done = await pickup(order.id, order.code);
    expect(done.status, done.text).toBe(200);
    expect(done.json().status).toBe('completed');
    expect(await db.selectFrom('pickup_code_attempts').selectAll().where('order_id', '=', order.id).execute()).toEqual([]);
  });

  it('a code for an unknown order answers 404 and counts nothing', async () => {
    expectProblem(await pickup('ord_none', '123456'), 404, 'order_not_found');
    expect(await db.selectFrom('pickup_code_attempts').selectAll().where('order_id', '=', 'ord_none').execute()).toEqual([]);
  });
});
