/**
 * Refunds by line and quantity: exact amounts, stock back only for goods not yet shipped, never more
 * than was paid — also when refund requests race each other.
 */
import { describe, expect, it } from 'vitest';
import { auth, stockOf } from '../fixtures.js';
import { raceHarness } from './harness.js';
import {
  SEEDS, expectNoFailedJobs, expectProblem, expectStockConsistent, orderRow, paidOrder, paymentRow,
  placeOrder, rng, rowCounts,
} from './helpers.js';

describe('refunds', async () => {
  const race = await raceHarness({ pool: 40 });
  const { db, siyu, api } = race;
  const world = await race.shop({ skuCount: 3, stock: 1000, buyers: 30 });
  const { buyer, tokens } = world;
  const [A, B, C] = world.skus as [typeof world.skus[0], typeof world.skus[0], typeof world.skus[0]];
  const admin = world.adminToken;

  const refund = (orderId: string, body: object, token = admin) => api.post(`/api/v1/orders/${orderId}/refunds`, body, { token });
  const refundsOf = (orderId: string) => db.selectFrom('refunds').selectAll().where('tenant_id', '=', world.tenantId).where('order_id', '=', orderId).orderBy('created_at').execute();
  const linesOf = (orderId: string) => db.selectFrom('order_lines').select(['line_no', 'quantity', 'refunded_quantity', 'refunded_amount', 'line_total']).where('tenant_id', '=', world.tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();

  it('a partial refund of an unshipped order returns exactly that quantity to stock and unit price × quantity', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 5 }, { sku_id: B.id, quantity: 2 }]);
    const a0 = await stockOf(db, world.tenantId, A.id);
    const b0 = await stockOf(db, world.tenantId, B.id);

    const res = await refund(order.id, { lines: [{ line_no: 1, quantity: 2 }], reason: 'two were bruised' }, token);
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ amount: A.price * 2, status: 'pending', restocked: true });
    expect(await stockOf(db, world.tenantId, A.id)).toEqual({ on_hand: a0.on_hand, reserved: a0.reserved - 2, live_reservations: a0.reserved - 2 });
    expect(await stockOf(db, world.tenantId, B.id)).toEqual(b0);
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'partially_refunded', refunded_total: A.price * 2 });
    expect((await linesOf(order.id)).map((l) => [l.refunded_quantity, Number(l.refunded_amount)])).toEqual([[2, A.price * 2], [0, 0]]);

    await siyu.tick();
    await expectNoFailedJobs(db);
    expect((await refundsOf(order.id)).map((r) => [r.status, Number(r.amount), r.restocked])).toEqual([['succeeded', A.price * 2, true]]);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'partially_refunded', refunded_amount: A.price * 2 });
  });

  it('refunding more than is left on a line → 422 refund_exceeds_order, and nothing is written', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 3 }, { sku_id: B.id, quantity: 1 }]);
    expect((await refund(order.id, { lines: [{ line_no: 1, quantity: 1 }] })).status).toBe(201);
    const before = await rowCounts(db);
    const stock = await expectStockConsistent(db, world.tenantId);
    const o = await orderRow(db, world.tenantId, order.id);

    expectProblem(await refund(order.id, { lines: [{ line_no: 1, quantity: 3 }] }), 422, 'refund_exceeds_order');
    // Two entries for one line add up: 1 + 2 > 2 left; the other, valid line must not be refunded either.
    expectProblem(await refund(order.id, { lines: [{ line_no: 2, quantity: 1 }, { line_no: 1, quantity: 1 }, { line_no: 1, quantity: 2 }] }), 422, 'refund_exceeds_order');
    expectProblem(await refund(order.id, { lines: [{ line_no: 3, quantity: 1 }] }), 422, 'unknown_order_line');
    expect(await rowCounts(db)).toEqual(before);
    expect(await expectStockConsistent(db, world.tenantId)).toEqual(stock);
    expect(await orderRow(db, world.tenantId, order.id)).toEqual(o);
  });

  it('after the order is ready for pickup a refund returns money but no stock; the full remainder makes it refunded', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 4 }, { sku_id: C.id, quantity: 3 }]);
    // One unit of A refunded while still in the warehouse: it goes back to stock.
    expect((await refund(order.id, { lines: [{ line_no: 1, quantity: 1 }] })).json()).toMatchObject({ restocked: true, amount: A.price });
    const a1 = await stockOf(db, world.tenantId, A.id);
    const c1 = await stockOf(db, world.tenantId, C.id);

    const ready = await api.post(`/api/v1/orders/${order.id}/ready`, undefined, { token: admin, key: false });
    expect(ready.status, ready.text).toBe(200);
    expect(ready.json().status).toBe('ready_for_pickup');
    // Shipping consumes the reservations: 3 of A and 3 of C leave the warehouse.
    const a2 = await stockOf(db, world.tenantId, A.id);
    const c2 = await stockOf(db, world.tenantId, C.id);
    expect(a2).toEqual({ on_hand: a1.on_hand - 3, reserved: a1.reserved - 3, live_reservations: a1.reserved - 3 });
    expect(c2).toEqual({ on_hand: c1.on_hand - 3, reserved: c1.reserved - 3, live_reservations: c1.reserved - 3 });

    const shipped = await refund(order.id, { lines: [{ line_no: 2, quantity: 2 }] });
    expect(shipped.json()).toMatchObject({ restocked: false, amount: C.price * 2 });
    expect(await stockOf(db, world.tenantId, A.id)).toEqual(a2);
    expect(await stockOf(db, world.tenantId, C.id)).toEqual(c2);

    // The remainder (3 of A, 1 of C) without lines: the order is refunded, the refunds sum to its total.
    const rest = await refund(order.id, {});
    expect(rest.status, rest.text).toBe(201);
    expect(rest.json()).toMatchObject({ restocked: false, amount: A.price * 3 + C.price });
    const o = await orderRow(db, world.tenantId, order.id);
    expect(o.status).toBe('refunded');
    expect(Number(o.refunded_total)).toBe(order.total);
    const refunds = await refundsOf(order.id);
    expect(refunds.reduce((a, r) => a + Number(r.amount), 0)).toBe(order.total);
    expect(await stockOf(db, world.tenantId, A.id)).toEqual(a2);
    expectProblem(await refund(order.id, {}), 409, 'nothing_to_refund');
    expectProblem(await refund(order.id, { lines: [{ line_no: 1, quantity: 1 }] }), 409, 'nothing_to_refund');

    await siyu.tick();
    await expectNoFailedJobs(db);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'refunded', refunded_amount: order.total });
  });

  it('ready, then picked up (and the pickup confirmed twice): stock leaves once; a later refund returns money only', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 3 }]);
    const b0 = await stockOf(db, world.tenantId, B.id);
    // The code is the buyer's alone: staff verify the one the buyer shows.
    const code = (await api.get(`/api/v1/orders/${order.id}`, { token })).json().pickup_code as string;
    expect((await api.post(`/api/v1/orders/${order.id}/ready`, undefined, { token: admin, key: false })).status).toBe(200);
    const wrong = code === '000000' ? '000001' : '000000';
    expectProblem(await api.post(`/api/v1/orders/${order.id}/pickup`, { code: wrong }, { token: admin, key: false }), 422, 'wrong_pickup_code');
    const picked = await Promise.all([1, 2].map(() => api.post(`/api/v1/orders/${order.id}/pickup`, { code }, { token: admin, key: false })));
    expect(picked.map((x) => x.status).sort()).toEqual([200, 409]);
    expectProblem(picked.find((x) => x.status === 409)!, 409, 'illegal_transition');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('completed');
    const b1 = await stockOf(db, world.tenantId, B.id);
    expect(b1).toEqual({ on_hand: b0.on_hand - 3, reserved: b0.reserved - 3, live_reservations: b0.reserved - 3 });

    const res = await refund(order.id, { lines: [{ line_no: 1, quantity: 1 }] });
    expect(res.json()).toMatchObject({ restocked: false, amount: B.price });
    expect(await stockOf(db, world.tenantId, B.id)).toEqual(b1);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('partially_refunded');
  });

  it('concurrent refunds of the same last unit under different keys refund it once', async () => {
    for (let round = 0; round < 3; round++) {
      const token = buyer();
      const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 2 }]);
      expect((await refund(order.id, { lines: [{ line_no: 1, quantity: 1 }] })).status).toBe(201);
      const before = await stockOf(db, world.tenantId, B.id);
      const bodies = [{ lines: [{ line_no: 1, quantity: 1 }] }, {}];
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => refund(order.id, bodies[i % 2]!, i % 3 ? admin : token)));
      const ok = results.filter((x) => x.status === 201);
      expect(ok.length, results.map((x) => x.status).join()).toBe(1);
      for (const res of results.filter((x) => x.status !== 201)) {
        const code = res.json().code;
        expect(['refund_exceeds_order', 'nothing_to_refund'], res.text).toContain(code);
        expectProblem(res, code === 'nothing_to_refund' ? 409 : 422, code);
      }
      expect(await stockOf(db, world.tenantId, B.id)).toEqual({ on_hand: before.on_hand, reserved: before.reserved - 1, live_reservations: before.reserved - 1 });
      const refunds = await refundsOf(order.id);
      expect(refunds.length).toBe(2);
      expect(refunds.reduce((a, r) => a + Number(r.amount), 0)).toBe(order.total);
      expect((await orderRow(db, world.tenantId, order.id)).status).toBe('refunded');
    }
    await siyu.tick();
    await expectNoFailedJobs(db);
  });

  for (const seed of SEEDS) {
    it(`random refunds racing on one order never exceed what was bought or paid (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      const token = buyer();
      const lines = Array.from({ length: r.int(2, 4) }, () => ({ sku_id: r.pick(world.skus).id, quantity: r.int(1, 6) }));
      const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, lines);
      const reservedBefore = new Map(await Promise.all(world.skus.map(async (s) => [s.id, (await stockOf(db, world.tenantId, s.id)).reserved] as const)));

      for (let wave = 0; wave < 4; wave++) {
        const asks = Array.from({ length: r.int(2, 6) }, () => (r.next() < 0.15 ? {} : { lines: [{ line_no: r.int(1, lines.length), quantity: r.int(1, 3) }] }));
        const results = await Promise.all(asks.map((body) => refund(order.id, body, r.next() < 0.5 ? token : admin)));
        for (const res of results) {
          if (res.status === 201) continue;
          expect(['refund_exceeds_order', 'nothing_to_refund'], `${ctx}: ${res.text}`).toContain(res.json().code);
        }
      }
      const stored = await linesOf(order.id);
      const o = await orderRow(db, world.tenantId, order.id);
      const refunds = await refundsOf(order.id);
      const refundedSum = refunds.reduce((a, x) => a + Number(x.amount), 0);
      expect(refundedSum, ctx).toBe(Number(o.refunded_total));
      expect(refundedSum, ctx).toBeLessThanOrEqual(order.total);
      for (const [i, l] of stored.entries()) {
        expect(l.refunded_quantity, ctx).toBeLessThanOrEqual(l.quantity);
        expect(Number(l.refunded_amount), ctx).toBe(order.lines[i]!.unit_price * l.refunded_quantity);
      }
      const allBack = stored.every((l) => l.refunded_quantity === l.quantity);
      expect(o.status, ctx).toBe(allBack ? 'refunded' : stored.some((l) => l.refunded_quantity > 0) ? 'partially_refunded' : 'paid');
      // Every refunded unit went back to stock exactly once (nothing was shipped).
      await expectStockConsistent(db, world.tenantId, ctx);
      for (const s of world.skus) {
        const back = stored.filter((_, i) => order.lines[i]!.sku_id === s.id).reduce((a, l) => a + l.refunded_quantity, 0);
        expect((await stockOf(db, world.tenantId, s.id)).reserved, `${ctx}: ${s.id}`).toBe(reservedBefore.get(s.id)! - back);
      }
      // Then the remainder, and the money settles to exactly the total.
      if (!allBack) expect((await refund(order.id, {})).status, ctx).toBe(201);
      await siyu.tick();
      await expectNoFailedJobs(db, ctx);
      expect((await refundsOf(order.id)).reduce((a, x) => a + Number(x.amount), 0), ctx).toBe(order.total);
      expect(await paymentRow(db, world.tenantId, payment.payment_id), ctx).toMatchObject({ status: 'refunded', refunded_amount: order.total });
      expect((await orderRow(db, world.tenantId, order.id)).status, ctx).toBe('refunded');
    });
  }

  it('an unpaid order has nothing to refund; another buyer cannot see it', async () => {
    const token = buyer();
    const order = await placeOrder(api, token, world.shop, [{ sku_id: A.id, quantity: 1 }]);
    const before = await rowCounts(db);
    expectProblem(await refund(order.id, {}, token), 409, 'order_not_refundable');
    expectProblem(await refund(order.id, {}, tokens[29]!), 404, 'order_not_found');
    expect(await rowCounts(db)).toEqual(before);
    // A B-node staff role without refund rights is refused.
    const staff = await siyu.server.inject({ method: 'POST', url: '/api/v1/users', headers: auth(admin), payload: { login: 'clerk', display_name: 'Clerk', role: 'staff', password: 'clerk-password-1', b_node_id: world.bNodeId } });
    expect(staff.statusCode, staff.body).toBe(201);
    const login = await siyu.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'clerk', password: 'clerk-password-1' } });
    expect(login.statusCode, login.body).toBe(200);
    expectProblem(await refund(order.id, {}, login.json().token), 403, 'forbidden');
    expect(await rowCounts(db)).toEqual(before);
  });
});
