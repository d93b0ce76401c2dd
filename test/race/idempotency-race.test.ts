/**
 * Idempotency-Key under concurrency: one key, one effect, one response, however many copies of the
 * request arrive at once; a different body under the same key is refused.
 */
import { describe, expect, it } from 'vitest';
import { stockOf } from '../fixtures.js';
import { raceHarness } from './harness.js';
import { SEEDS, expectProblem, expectStockConsistent, freshKey, rng, rowCounts, startingGate, type Res } from './helpers.js';

describe('idempotency keys under concurrency', async () => {
  const race = await raceHarness({ pool: 60 });
  const { db, siyu, api } = race;
  const world = await race.shop({ skuCount: 5, stock: 500, buyers: 12 });
  const shared = world.skus.slice(0, 4); // skus[4] belongs to the out-of-stock test alone
  const { tokens } = world;

  const ordersOf = async (customerToken: string) => {
    const res = await api.get('/api/v1/orders?limit=200', { token: customerToken });
    expect(res.status, res.text).toBe(200);
    return res.json().items as { id: string }[];
  };

  for (const [n, seed] of SEEDS.entries()) {
    it(`20 copies of one request with one key at once → one order, identical answers, later replay (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      const token = tokens[n]!;
      const key = freshKey('same');
      const lines = Array.from({ length: r.int(1, 4) }, () => ({ sku_id: r.pick(shared).id, quantity: r.int(1, 4) }));
      const body = { shop: world.shop, lines, note: `n${r.int(0, 999)}` };
      const countsBefore = await rowCounts(db);

      startingGate(siyu, 20);
      const results = await Promise.all(Array.from({ length: 20 }, () => api.post('/api/v1/orders', body, { token, key })));
      expect(results.map((x) => x.status), ctx).toEqual(Array(20).fill(201));
      const first = results[0]!.text;
      for (const res of results) expect(res.text, `${ctx}: every answer byte-identical`).toBe(first);
      expect(results.filter((x) => x.headers['idempotent-replayed'] === 'true').length, `${ctx}: all but the first are replays`).toBe(19);

      const order = JSON.parse(first);
      const stored = await ordersOf(token);
      expect(stored.map((o) => o.id), `${ctx}: exactly one order for the key`).toEqual([order.id]);
      const countsAfter = await rowCounts(db);
      expect(countsAfter.orders - countsBefore.orders, ctx).toBe(1);
      expect(countsAfter.idempotency_keys - countsBefore.idempotency_keys, ctx).toBe(1);
      await expectStockConsistent(db, world.tenantId, ctx);

      // A later replay, with the body's keys in another order (same request), answers the same bytes.
      const reordered = { note: body.note, lines: body.lines.map((l) => ({ quantity: l.quantity, sku_id: l.sku_id })), shop: body.shop };
      const later = await api.post('/api/v1/orders', reordered, { token, key });
      expect(later.status, ctx).toBe(201);
      expect(later.headers['idempotent-replayed'], ctx).toBe('true');
      expect(later.text, ctx).toBe(first);

      // Same key, another body → 422, and nothing is written.
      const other = await api.post('/api/v1/orders', { ...body, note: `${body.note}-changed` }, { token, key });
      expectProblem(other, 422, 'idempotency_key_reused', ctx);
      expect(await rowCounts(db), ctx).toEqual(countsAfter);
    });
  }

  it('two different bodies racing under one key: one effect; the other body is refused with 422', async () => {
    const token = tokens[5]!;
    const key = freshKey('split');
    const a = { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] };
    const b = { shop: world.shop, lines: [{ sku_id: world.skus[1]!.id, quantity: 2 }] };
    const before = await rowCounts(db);
    const sent = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b));
    startingGate(siyu, 20);
    const results = await Promise.all(sent.map((body) => api.post('/api/v1/orders', body, { token, key })));
    const ok = results.filter((x) => x.status === 201);
    const refused = results.filter((x) => x.status !== 201);
    expect(ok.length).toBe(10);
    for (const res of refused) expectProblem(res, 422, 'idempotency_key_reused');
    const winner = sent[results.indexOf(ok[0]!)];
    for (const res of ok) {
      expect(sent[results.indexOf(res)]).toBe(winner);
      expect(res.text).toBe(ok[0]!.text);
    }
    const after = await rowCounts(db);
    expect(after.orders - before.orders).toBe(1);
    expect(after.idempotency_keys - before.idempotency_keys).toBe(1);
  });

  it('a request that fails keeps no key: concurrent copies all fail alike, and a retry after restock succeeds once', async () => {
    const token = tokens[6]!;
    const key = freshKey('fail');
    const sku = world.skus[4]!;
    await db.updateTable('stock').set({ on_hand: 2 }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', sku.id).execute();
    const body = { shop: world.shop, lines: [{ sku_id: sku.id, quantity: 3 }] };
    const before = await rowCounts(db);
    const results = await Promise.all(Array.from({ length: 10 }, () => api.post('/api/v1/orders', body, { token, key })));
    for (const res of results) expectProblem(res, 409, 'out_of_stock');
    expect(await rowCounts(db)).toEqual(before);

    await db.updateTable('stock').set({ on_hand: 10 }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', sku.id).execute();
    const retries = await Promise.all(Array.from({ length: 10 }, () => api.post('/api/v1/orders', body, { token, key })));
    expect(retries.map((x) => x.status)).toEqual(Array(10).fill(201));
    expect(new Set(retries.map((x) => x.text)).size).toBe(1);
    expect(await stockOf(db, world.tenantId, sku.id)).toEqual({ on_hand: 10, reserved: 3, live_reservations: 3 });
    expect((await rowCounts(db)).orders - before.orders).toBe(1);
  });

  it('keys are per user: the same key from two buyers makes two orders', async () => {
    const key = freshKey('shared');
    const body = { shop: world.shop, lines: [{ sku_id: world.skus[2]!.id, quantity: 1 }] };
    const [x, y] = await Promise.all([api.post('/api/v1/orders', body, { token: tokens[7], key }), api.post('/api/v1/orders', body, { token: tokens[8], key })]);
    expect([x!.status, y!.status]).toEqual([201, 201]);
    expect(x!.json().id).not.toBe(y!.json().id);
    expect(x!.headers['idempotent-replayed']).toBeUndefined();
    expect(y!.headers['idempotent-replayed']).toBeUndefined();
  });

  it('starting a payment with one key 15 times at once creates one payment', async () => {
    const token = tokens[9]!;
    const order = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] }, { token });
    expect(order.status).toBe(201);
    const id = order.json().id;
    const key = freshKey('pay');
    startingGate(siyu, 15);
    const results: Res[] = await Promise.all(Array.from({ length: 15 }, () => api.post(`/api/v1/orders/${id}/payments`, {}, { token, key })));
    expect(results.map((x) => x.status)).toEqual(Array(15).fill(201));
    expect(new Set(results.map((x) => x.text)).size).toBe(1);
    const payments = await db.selectFrom('payments').select('id').where('tenant_id', '=', world.tenantId).where('order_id', '=', id).execute();
    expect(payments.map((p) => p.id)).toEqual([results[0]!.json().payment_id]);
    // `{}` and the explicit default are the same request: a replay, not a second payment.
    const explicit = await api.post(`/api/v1/orders/${id}/payments`, { provider: 'sandbox' }, { token, key });
    expect(explicit.headers['idempotent-replayed']).toBe('true');
    expect(explicit.text).toBe(results[0]!.text);
  });
});
