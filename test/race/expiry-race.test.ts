/**
 * Auto-expiry of unpaid orders: stock released exactly once however many expiry runs overlap, and a
 * payment that arrives after expiry either revives the order (stock still free) or is refunded
 * automatically (stock taken meanwhile) — never an oversell.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../test-db.js';
import { manualClock, seedWorld, startSiyu, stockOf } from '../fixtures.js';
import { expireDueOrders } from '../../src/flows/order-lifecycle.flow.js';
import {
  SEEDS, consumerTokens, expectNoFailedJobs, expectProblem, expectStockConsistent, fetchApi, newEventId, orderRow, paidOrder,
  paymentRow, placeOrder, postNotification, rng, signedNotification, startPayment, stockRows, type Line,
} from './helpers.js';

const MINUTE = 60_000;

describe('order expiry', async () => {
  const { db } = await createTestDatabase({ max: 60 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const api = await fetchApi(siyu);
  afterAll(() => siyu.close());

  const pay = (tenantId: string, p: { payment_id: string; amount: number }) =>
    postNotification(api, signedNotification({ kind: 'payment', tenant_id: tenantId, payment_id: p.payment_id, amount: p.amount, event_id: newEventId() }, clock.now()));
  const reservationsOf = (tenantId: string, orderId: string) =>
    db.selectFrom('stock_reservations').select(['sku_id', 'quantity', 'status']).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).orderBy('sku_id').execute();
  const refundsOf = (tenantId: string, orderId: string) =>
    db.selectFrom('refunds').selectAll().where('tenant_id', '=', tenantId).where('order_id', '=', orderId).execute();

  it('an order is not expired before its deadline, and is at it; its stock comes back once', async () => {
    clock.advance(16 * MINUTE);
    await expireDueOrders(db, clock); // nothing of other tests' left to expire: the counts below are this order's
    const world = await seedWorld(db, clock, { skuCount: 1, stock: 10 });
    const [token] = await consumerTokens(siyu, world.shop, 1);
    const sku = world.skus[0]!.id;
    const order = await placeOrder(api, token!, world.shop, [{ sku_id: sku, quantity: 4 }]);
    clock.advance(15 * MINUTE - 1000);
    expect((await siyu.tick()).expired).toBe(0);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('pending_payment');
    clock.advance(1000);
    expect((await siyu.tick()).expired).toBe(1);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('expired');
    expect(await stockOf(db, world.tenantId, sku)).toEqual({ on_hand: 10, reserved: 0, live_reservations: 0 });
    expect(await reservationsOf(world.tenantId, order.id)).toEqual([{ sku_id: sku, quantity: 4, status: 'released' }]);
    expect((await siyu.tick()).expired).toBe(0);
    // An expired order cannot be paid through the API any more.
    expectProblem(await api.post(`/api/v1/orders/${order.id}/payments`, {}, { token }), 409, 'order_not_payable');
  });

  for (const seed of SEEDS) {
    it(`expiry run 5 times at once, 3 rounds, releases every order's stock exactly once (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      // Whatever earlier tests left unpaid expires first, so the count below is this test's alone.
      clock.advance(16 * MINUTE);
      await expireDueOrders(db, clock);
      const world = await seedWorld(db, clock, { skuCount: 4, stock: 400 });
      const tokens = await consumerTokens(siyu, world.shop, 41);
      // A paid order keeps its reservation throughout: the baseline a double release would cut into.
      await paidOrder(api, world.tenantId, tokens[40]!, world.shop, world.skus.map((s) => ({ sku_id: s.id, quantity: 2 })));
      const baseline = await stockRows(db, world.tenantId);
      expect(baseline.every((s) => s.reserved === 2), ctx).toBe(true);

      const carts: Line[][] = tokens.slice(0, 40).map(() => Array.from({ length: r.int(1, 4) }, () => ({ sku_id: r.pick(world.skus).id, quantity: r.int(1, 5) })));
      const orders = await Promise.all(carts.map((lines, i) => placeOrder(api, tokens[i]!, world.shop, lines)));
      clock.advance(15 * MINUTE + r.int(0, 120_000));

      let expired = 0;
      for (let round = 0; round < 3; round++) {
        const runs = await Promise.all([
          ...Array.from({ length: 5 }, () => expireDueOrders(db, clock, r.pick([3, 7, 200]))),
          siyu.tick().then((t) => t.expired),
        ]);
        expired += runs.reduce((a, b) => a + b, 0);
      }
      expect(expired, `${ctx}: orders expired across all runs`).toBe(40);
      const after = await stockRows(db, world.tenantId);
      expect(after, `${ctx}: reserved back to its value before the orders`).toEqual(baseline);
      await expectStockConsistent(db, world.tenantId, ctx);
      const { rows } = await sql<{ status: string; n: number }>`
        SELECT r.status, count(*)::int AS n FROM stock_reservations r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
         WHERE o.tenant_id = ${world.tenantId} AND o.status = 'expired' GROUP BY 1`.execute(db);
      expect(rows, `${ctx}: every expired order's reservations released`).toEqual([{ status: 'released', n: orders.reduce((a, o) => a + new Set(o.lines.map((l) => l.sku_id)).size, 0) }]);
    });
  }

  it('expiry releasing many-SKU orders while buyers check out the same SKUs: no deadlock, no 5xx, stock exact', async () => {
    clock.advance(16 * MINUTE);
    await expireDueOrders(db, clock);
    const world = await seedWorld(db, clock, { skuCount: 5, stock: 1000 });
    const tokens = await consumerTokens(siyu, world.shop, 80);
    const r = rng(SEEDS[1]!);
    const cart = () => r.shuffle(world.skus).map((s) => ({ sku_id: s.id, quantity: r.int(1, 3) }));
    const old = await Promise.all(tokens.slice(0, 40).map((token) => placeOrder(api, token, world.shop, cart())));
    clock.advance(16 * MINUTE);
    const fresh = tokens.slice(40).map((token) => ({ token, lines: cart() }));
    const results = await Promise.all([
      ...fresh.map((f) => api.post('/api/v1/orders', { shop: world.shop, lines: f.lines }, { token: f.token }).then((res) => ({ res, expired: 0 }))),
      // Small batches: many short transactions, each releasing several SKUs.
      ...Array.from({ length: 8 }, () => expireDueOrders(db, clock, 2).then((expired) => ({ res: null, expired }))),
    ]);
    expect(results.reduce((a, x) => a + x.expired, 0)).toBe(old.length);
    for (const x of results) if (x.res) expect(x.res.status, x.res.text).toBe(201);
    const stock = await expectStockConsistent(db, world.tenantId, 'expiry vs checkout');
    for (const s of world.skus) {
      const wanted = fresh.reduce((a, f) => a + f.lines.filter((l) => l.sku_id === s.id).reduce((b, l) => b + l.quantity, 0), 0);
      expect(stock.get(s.id)!.reserved).toBe(wanted);
    }
  });

  it('overlapping expiry runs over batches that mix tenants in varying order: no deadlock, all released once', async () => {
    clock.advance(16 * MINUTE);
    await expireDueOrders(db, clock);
    const worlds = [await seedWorld(db, clock, { skuCount: 3, stock: 1000 }), await seedWorld(db, clock, { skuCount: 3, stock: 1000 })];
    const tokens = await Promise.all(worlds.map((w) => consumerTokens(siyu, w.shop, 30)));
    const baseline = await Promise.all(worlds.map((w) => stockRows(db, w.tenantId)));
    // Orders alternate between the tenants and expire one second apart, so batches of 3 come as
    // [t1, t2, t1], [t2, t1, t2], …: each run meets the two tenants in a different order.
    let n = 0;
    for (let i = 0; i < 30; i++) {
      for (const [w, world] of worlds.entries()) {
        await placeOrder(api, tokens[w]![i]!, world.shop, world.skus.map((s) => ({ sku_id: s.id, quantity: 1 + (i % 3) })));
        clock.advance(1000);
        n++;
      }
    }
    clock.advance(16 * MINUTE);
    const runs = await Promise.all(Array.from({ length: 10 }, () => expireDueOrders(db, clock, 3)));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(n);
    for (const [w, world] of worlds.entries()) {
      await expectStockConsistent(db, world.tenantId, `tenant ${w}`);
      expect(await stockRows(db, world.tenantId), `tenant ${w}: every reservation released once`).toEqual(baseline[w]);
    }
  });

  it('payment after auto-expiry with stock still free: the order is revived to paid and its stock reserved again', async () => {
    const world = await seedWorld(db, clock, { skuCount: 2, stock: 10 });
    const [token] = await consumerTokens(siyu, world.shop, 1);
    const [a, b] = [world.skus[0]!.id, world.skus[1]!.id];
    const order = await placeOrder(api, token!, world.shop, [{ sku_id: a, quantity: 3 }, { sku_id: b, quantity: 1 }]);
    const payment = await startPayment(api, token!, order.id);
    clock.advance(16 * MINUTE);
    expect((await siyu.tick()).expired).toBeGreaterThanOrEqual(1);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('expired');
    expect(await stockOf(db, world.tenantId, a)).toEqual({ on_hand: 10, reserved: 0, live_reservations: 0 });

    const res = await pay(world.tenantId, payment);
    expect(res.status, res.text).toBe(200);
    expect(res.json().outcome).toBe('order_revived');
    const o = await orderRow(db, world.tenantId, order.id);
    expect(o).toMatchObject({ status: 'paid', closed_at: null });
    expect(o.paid_at?.toISOString()).toBe(clock.now().toISOString());
    expect(await stockOf(db, world.tenantId, a)).toEqual({ on_hand: 10, reserved: 3, live_reservations: 3 });
    expect(await stockOf(db, world.tenantId, b)).toEqual({ on_hand: 10, reserved: 1, live_reservations: 1 });
    expect((await reservationsOf(world.tenantId, order.id)).map((x) => x.status)).toEqual(['active', 'active']);
    expect(await refundsOf(world.tenantId, order.id)).toEqual([]);
    const audit = await db.selectFrom('audit_log').select('action').where('tenant_id', '=', world.tenantId).where('entity_id', '=', order.id).execute();
    expect(audit.map((x) => x.action)).toContain('order.revived_by_late_payment');
    // The revived order does not expire again.
    clock.advance(60 * MINUTE);
    await siyu.tick();
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
  });

  it('payment after auto-expiry when another buyer took the stock: refunded automatically, never oversold', async () => {
    const world = await seedWorld(db, clock, { skuCount: 2, stock: 5 });
    const [late, other] = await consumerTokens(siyu, world.shop, 2);
    const [a, b] = [world.skus[0]!.id, world.skus[1]!.id];
    // The late order wants 3 of A and 1 of B; B stays free, A is taken: revival must be all or nothing.
    const order = await placeOrder(api, late!, world.shop, [{ sku_id: b, quantity: 1 }, { sku_id: a, quantity: 3 }]);
    const payment = await startPayment(api, late!, order.id);
    clock.advance(16 * MINUTE);
    expect((await siyu.tick()).expired).toBeGreaterThanOrEqual(1);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('expired');
    await placeOrder(api, other!, world.shop, [{ sku_id: a, quantity: 4 }]);

    const res = await pay(world.tenantId, payment);
    expect(res.json().outcome).toBe('auto_refund:late_payment_out_of_stock');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('expired');
    expect(await stockOf(db, world.tenantId, a)).toEqual({ on_hand: 5, reserved: 4, live_reservations: 4 });
    expect(await stockOf(db, world.tenantId, b)).toEqual({ on_hand: 5, reserved: 0, live_reservations: 0 });
    expect((await reservationsOf(world.tenantId, order.id)).map((x) => x.status)).toEqual(['released', 'released']);
    const refunds = await refundsOf(world.tenantId, order.id);
    expect(refunds.map((x) => [x.reason, x.status, Number(x.amount), x.payment_id])).toEqual([['late_payment_out_of_stock', 'pending', payment.amount, payment.payment_id]]);

    await siyu.tick();
    await expectNoFailedJobs(db);
    expect((await refundsOf(world.tenantId, order.id)).map((x) => x.status)).toEqual(['succeeded']);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'refunded', refunded_amount: payment.amount });
    expect(await stockOf(db, world.tenantId, a)).toEqual({ on_hand: 5, reserved: 4, live_reservations: 4 });
  });

  for (const seed of SEEDS) {
    it(`late payments racing new checkouts for the released stock: each revived or refunded, never oversold (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      const world = await seedWorld(db, clock, { skuCount: 3, stock: r.int(20, 40) });
      const tokens = await consumerTokens(siyu, world.shop, 40);
      const lateCarts: Line[][] = tokens.slice(0, 15).map(() => Array.from({ length: r.int(1, 3) }, () => ({ sku_id: r.pick(world.skus).id, quantity: r.int(1, 3) })));
      const late = [];
      for (const [i, lines] of lateCarts.entries()) {
        const res = await api.post('/api/v1/orders', { shop: world.shop, lines }, { token: tokens[i] });
        if (res.status !== 201) continue; // stock may run out while seeding; those carts simply do not take part
        late.push({ order: res.json(), payment: await startPayment(api, tokens[i]!, res.json().id), lines });
      }
      clock.advance(16 * MINUTE);
      await siyu.tick();
      const newCarts: Line[][] = tokens.slice(15).map(() => Array.from({ length: r.int(1, 3) }, () => ({ sku_id: r.pick(world.skus).id, quantity: r.int(1, 4) })));

      const jobs = r.shuffle([
        ...late.map((l) => async () => ({ kind: 'late' as const, l, res: await pay(world.tenantId, l.payment) })),
        ...newCarts.map((lines, i) => async () => ({ kind: 'new' as const, lines, res: await api.post('/api/v1/orders', { shop: world.shop, lines }, { token: tokens[15 + i] }) })),
      ]);
      const results = await Promise.all(jobs.map((f) => f()));
      for (const x of results) expect(x.kind === 'late' ? [200] : [201, 409], `${ctx}: ${x.res.status} ${x.res.text}`).toContain(x.res.status);
      const end = await expectStockConsistent(db, world.tenantId, ctx);
      for (const x of results) {
        if (x.kind === 'new') {
          if (x.res.status !== 201) expectProblem(x.res, 409, 'out_of_stock', ctx);
          continue;
        }
        const outcome = x.res.json().outcome;
        const o = await orderRow(db, world.tenantId, x.l.order.id);
        const reservations = await reservationsOf(world.tenantId, x.l.order.id);
        if (outcome === 'order_revived') {
          expect(o.status, ctx).toBe('paid');
          expect(reservations.every((v) => v.status === 'active'), ctx).toBe(true);
        } else {
          expect(outcome, ctx).toBe('auto_refund:late_payment_out_of_stock');
          expect(o.status, ctx).toBe('expired');
          expect(reservations.every((v) => v.status === 'released'), ctx).toBe(true);
          // Stock only shrank during the burst: a refused revival must still not fit at the end.
          const want = new Map<string, number>();
          for (const line of x.l.lines) want.set(line.sku_id, (want.get(line.sku_id) ?? 0) + line.quantity);
          expect([...want].every(([sku, q]) => end.get(sku)!.on_hand - end.get(sku)!.reserved >= q), `${ctx}: order ${o.id} refunded although its stock is free`).toBe(false);
        }
      }
      await siyu.tick();
      await expectNoFailedJobs(db, ctx);
      for (const x of results.filter((y) => y.kind === 'late')) {
        const p = await paymentRow(db, world.tenantId, x.kind === 'late' ? x.l.payment.payment_id : '');
        expect(p.status, ctx).toBe(x.res.json().outcome === 'order_revived' ? 'succeeded' : 'refunded');
      }
    });
  }

  it('expiry, buyer cancellations and payments racing on the same orders: every unit released once or kept once', async () => {
    const world = await seedWorld(db, clock, { skuCount: 3, stock: 300 });
    const tokens = await consumerTokens(siyu, world.shop, 30);
    const r = rng(SEEDS[0]!);
    const placed = [];
    for (const token of tokens) {
      const order = await placeOrder(api, token, world.shop, [{ sku_id: r.pick(world.skus).id, quantity: r.int(1, 4) }, { sku_id: r.pick(world.skus).id, quantity: r.int(1, 4) }]);
      placed.push({ token, order, payment: await startPayment(api, token, order.id) });
    }
    clock.advance(15 * MINUTE);
    const actions = placed.flatMap(({ token, order, payment }, i) => [
      ...(i % 3 !== 1 ? [() => pay(world.tenantId, payment)] : []),
      ...(i % 3 !== 0 ? [() => api.post(`/api/v1/orders/${order.id}/cancel`, undefined, { token, key: false })] : []),
    ]);
    const results = await Promise.all([
      ...r.shuffle(actions).map((f) => f()),
      ...Array.from({ length: 4 }, () => expireDueOrders(db, clock, 5).then(() => null)),
    ]);
    for (const res of results) if (res) expect([200, 409], res.text).toContain(res.status);
    await siyu.tick();
    await expectNoFailedJobs(db);

    const stock = await expectStockConsistent(db, world.tenantId, 'mixed race');
    const kept = new Map<string, number>();
    for (const { order, payment } of placed) {
      const o = await orderRow(db, world.tenantId, order.id);
      const p = await paymentRow(db, world.tenantId, payment.payment_id);
      const reservations = await reservationsOf(world.tenantId, order.id);
      if (o.status === 'paid') {
        expect(p.status).toBe('succeeded');
        expect(reservations.every((v) => v.status === 'active')).toBe(true);
        for (const l of order.lines) kept.set(l.sku_id, (kept.get(l.sku_id) ?? 0) + l.quantity);
      } else {
        expect(['expired', 'cancelled']).toContain(o.status);
        expect(reservations.every((v) => v.status === 'released')).toBe(true);
        // A payment that succeeded for an order that ended unpaid was given back.
        if (p.status !== 'pending') expect(p.status, `order ${o.status}`).toBe('refunded');
      }
    }
    for (const s of world.skus) expect(stock.get(s.id)!.reserved, `${s.id}: reserved = units of paid orders`).toBe(kept.get(s.id) ?? 0);
  });
});
