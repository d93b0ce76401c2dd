/**
 * Signed payment notifications: verified, stored once under the provider's event id, applied once.
 * Duplicates (also concurrent), late and out-of-order events never cause a second transition.
 */
import { describe, expect, it } from 'vitest';
import { raceHarness } from './harness.js';
import { buildSandboxNotification } from '../../src/simulators/sandboxpay/sandbox.psp.js';
import { signSandbox, SANDBOX_HEADERS } from '../../src/adapters/sandboxpay/sandbox.signature.js';
import {
  SEEDS, expectNoFailedJobs, expectProblem, newEventId, orderRow, paidOrder, paymentRow, placeOrder,
  postNotification, rng, rowCounts, sandboxSecret, signedNotification, startPayment,
} from './helpers.js';

describe('payment notifications', async () => {
  const race = await raceHarness({ pool: 40 });
  const { db, clock, siyu, api } = race;
  const world = await race.shop({ skuCount: 3, stock: 1000, buyers: 20 });
  const { buyer } = world;

  /** A pending order with a pending payment. */
  async function pending(lines = [{ sku_id: world.skus[0]!.id, quantity: 2 }]) {
    const token = buyer();
    const order = await placeOrder(api, token, world.shop, lines);
    const payment = await startPayment(api, token, order.id);
    return { token, order, payment };
  }
  const success = (p: { payment_id: string; amount: number }, eventId = newEventId(), amount = p.amount) =>
    signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: p.payment_id, amount, outcome: 'success', event_id: eventId }, clock.now());
  const failure = (p: { payment_id: string; amount: number }, eventId = newEventId()) =>
    signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: p.payment_id, amount: p.amount, outcome: 'fail', event_id: eventId }, clock.now());
  const eventRows = (eventId: string) => db.selectFrom('payment_events').selectAll().where('tenant_id', '=', world.tenantId).where('event_id', '=', eventId).execute();
  const auditOf = (entityId: string) => db.selectFrom('audit_log').selectAll().where('tenant_id', '=', world.tenantId).where('entity_id', '=', entityId).orderBy('id').execute();

  for (const seed of SEEDS) {
    it(`one success event delivered 2–5 times at once (same bytes and re-signed copies) applies once (seed ${seed})`, async () => {
      const r = rng(seed);
      const ctx = `seed ${seed}`;
      const { order, payment } = await pending([{ sku_id: r.pick(world.skus).id, quantity: r.int(1, 5) }]);
      const eventId = newEventId();
      const copies = r.int(2, 5);
      const signed = success(payment, eventId);
      // The provider may resend the very same request, or sign the same event again (new nonce).
      const deliveries = Array.from({ length: copies }, () => (r.next() < 0.5 ? signed : success(payment, eventId)));
      const paidAt = clock.now();
      const results = await Promise.all(deliveries.map((d) => postNotification(api, d)));
      for (const res of results) {
        expect(res.status, `${ctx}: ${res.text}`).toBe(200);
        expect(res.json().code, ctx).toBe('SUCCESS');
      }
      const applied = results.filter((x) => x.json().duplicate === false);
      expect(applied.map((x) => x.json().outcome), `${ctx}: applied exactly once of ${copies}`).toEqual(['order_paid']);
      expect((await eventRows(eventId)).length, `${ctx}: one payment_events row per event id`).toBe(1);

      const o = await orderRow(db, world.tenantId, order.id);
      expect(o.status, ctx).toBe('paid');
      expect(o.paid_at?.toISOString(), ctx).toBe(paidAt.toISOString());
      const p = await paymentRow(db, world.tenantId, payment.payment_id);
      expect(p.status, ctx).toBe('succeeded');

      // Late repeats, minutes later: the same event (duplicate) and the same news under a new id (already applied).
      clock.advance(5 * 60_000);
      const late = await Promise.all([postNotification(api, signed), postNotification(api, success(payment)), postNotification(api, success(payment, eventId))]);
      expect(late.map((x) => [x.status, x.json().outcome]), ctx).toEqual([[200, 'duplicate'], [200, 'already_applied'], [200, 'duplicate']]);
      expect((await orderRow(db, world.tenantId, order.id)).paid_at?.toISOString(), `${ctx}: paid_at unchanged by repeats`).toBe(paidAt.toISOString());
      expect((await paymentRow(db, world.tenantId, payment.payment_id)).succeeded_at?.toISOString(), ctx).toBe(p.succeeded_at?.toISOString());
      const refunds = await db.selectFrom('refunds').select('id').where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
      expect(refunds, `${ctx}: no money moved twice`).toEqual([]);
    });
  }

  it("the sandbox PSP's own 5 copies of one event, drained by 3 overlapping ticks, apply once", async () => {
    const { token, order, payment } = await pending();
    const res = await api.post(`/api/v1/sandbox/payments/${payment.payment_id}/pay`, { copies: 5 }, { token, key: false });
    expect(res.status, res.text).toBe(200);
    const eventId = res.json().event_id as string;
    await Promise.all([siyu.tick(), siyu.tick(), siyu.tick()]);
    await expectNoFailedJobs(db);
    expect((await eventRows(eventId)).map((e) => e.outcome)).toEqual(['order_paid']);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
    expect(await db.selectFrom('refunds').select('id').where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute()).toEqual([]);
  });

  it('a TRANSACTION.FAIL after success changes nothing and is refused in the audit log', async () => {
    const { order, payment } = await pending();
    expect((await postNotification(api, success(payment))).json().outcome).toBe('order_paid');
    const before = await orderRow(db, world.tenantId, order.id);
    clock.advance(60_000);
    const failEvent = newEventId();
    const res = await postNotification(api, failure(payment, failEvent));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ code: 'SUCCESS', outcome: 'illegal_transition_ignored', duplicate: false });
    expect((await paymentRow(db, world.tenantId, payment.payment_id)).status).toBe('succeeded');
    expect(await orderRow(db, world.tenantId, order.id)).toEqual(before);
    const audit = await auditOf(payment.payment_id);
    expect(audit.map((a) => [a.action, a.details])).toContainEqual(['illegal_transition', expect.objectContaining({ from: 'succeeded', to: 'failed', event_id: failEvent })]);
    expect((await eventRows(failEvent)).map((e) => e.outcome)).toEqual(['illegal_transition_ignored']);
  });

  it('out of order: a success arriving after a failure is applied (money was taken), logged, and pays the order once', async () => {
    const { order, payment } = await pending();
    expect((await postNotification(api, failure(payment))).json().outcome).toBe('payment_failed');
    const late = newEventId();
    const res = await postNotification(api, success(payment, late));
    expect(res.json()).toMatchObject({ outcome: 'order_paid', duplicate: false });
    expect((await paymentRow(db, world.tenantId, payment.payment_id)).status).toBe('succeeded');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
    expect((await auditOf(payment.payment_id)).map((a) => [a.action, a.details])).toContainEqual(['payment.succeeded_after_failure', expect.objectContaining({ event_id: late })]);
    // The same success again changes nothing.
    expect((await postNotification(api, success(payment, late))).json()).toMatchObject({ outcome: 'duplicate', duplicate: true });
  });

  it('a success and a failure racing: whatever the order, the success stands and the order is paid once', async () => {
    for (let round = 0; round < 6; round++) {
      const { order, payment } = await pending();
      const results = await Promise.all(round % 2 ? [postNotification(api, success(payment)), postNotification(api, failure(payment))] : [postNotification(api, failure(payment)), postNotification(api, success(payment))]);
      const outcomes = results.map((x) => x.json().outcome).sort();
      expect((await paymentRow(db, world.tenantId, payment.payment_id)).status).toBe('succeeded');
      expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
      const audit = (await auditOf(payment.payment_id)).map((a) => a.action);
      if (outcomes.includes('illegal_transition_ignored')) {
        // The success came first: the failure was refused and logged.
        expect(outcomes).toEqual(['illegal_transition_ignored', 'order_paid']);
        expect(audit.filter((a) => a === 'illegal_transition')).toHaveLength(1);
      } else {
        // The failure came first: the success overrode it, and that was logged.
        expect(outcomes).toEqual(['order_paid', 'payment_failed']);
        expect(audit.filter((a) => a === 'payment.succeeded_after_failure')).toHaveLength(1);
      }
    }
  });

  it('a notification with the wrong amount → 422 amount_mismatch, the payment stays pending', async () => {
    const { order, payment } = await pending();
    const res = await postNotification(api, success(payment, newEventId(), payment.amount - 1));
    expectProblem(res, 422, 'amount_mismatch');
    expect((await paymentRow(db, world.tenantId, payment.payment_id)).status).toBe('pending');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('pending_payment');
    expect((await auditOf(payment.payment_id)).map((a) => a.action)).toContain('payment.amount_mismatch');
    const bigger = await postNotification(api, success(payment, newEventId(), payment.amount * 100));
    expectProblem(bigger, 422, 'amount_mismatch');
    // The right amount still goes through afterwards.
    expect((await postNotification(api, success(payment))).json().outcome).toBe('order_paid');
  });

  it('a bad signature → 401 invalid_signature and nothing is written', async () => {
    const { order, payment } = await pending();
    const good = success(payment);
    const before = await rowCounts(db);
    const tampered = { headers: good.headers, body: good.body.replace(`"total":${payment.amount}`, `"total":${payment.amount + 1}`) };
    expect(tampered.body).not.toBe(good.body);
    const forged = buildSandboxNotification('not-the-secret', { kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount }, clock.now());
    const noSignature = { headers: { ...good.headers, [SANDBOX_HEADERS.signature]: '' }, body: good.body };
    const { [SANDBOX_HEADERS.nonce]: _n, ...withoutNonce } = good.headers;
    const otherNonce = { headers: { ...good.headers, [SANDBOX_HEADERS.nonce]: 'f'.repeat(24) }, body: good.body };
    const garbage = { headers: { ...good.headers, [SANDBOX_HEADERS.signature]: 'x'.repeat(44) }, body: good.body };
    for (const bad of [tampered, forged, noSignature, { headers: withoutNonce, body: good.body }, otherNonce, garbage]) {
      expectProblem(await postNotification(api, bad), 401, 'invalid_signature');
    }
    expect(await rowCounts(db)).toEqual(before);
    expect((await paymentRow(db, world.tenantId, payment.payment_id)).status).toBe('pending');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('pending_payment');
  });

  it('a correctly signed but malformed notification → 400 and nothing is written', async () => {
    const before = await rowCounts(db);
    const ts = String(Math.floor(clock.now().getTime() / 1000));
    for (const body of ['{"id":"evt_x"}', 'not json', JSON.stringify({ id: 'evt_y', event_type: 'TRANSACTION.MAYBE', create_time: '', resource: {} })]) {
      const headers = { [SANDBOX_HEADERS.signature]: signSandbox(sandboxSecret(world.tenantId), ts, 'n1', body), [SANDBOX_HEADERS.timestamp]: ts, [SANDBOX_HEADERS.nonce]: 'n1' };
      expectProblem(await postNotification(api, { headers, body }), 400, 'malformed_notification');
    }
    expect(await rowCounts(db)).toEqual(before);
  });

  it('two payments of one order succeeding at once: the order is paid once, the second payment is refunded', async () => {
    for (let round = 0; round < 3; round++) {
      const token = buyer();
      const order = await placeOrder(api, token, world.shop, [{ sku_id: world.skus[1]!.id, quantity: 1 }]);
      const first = await startPayment(api, token, order.id);
      const second = await startPayment(api, token, order.id);
      const results = await Promise.all([postNotification(api, success(first)), postNotification(api, success(second))]);
      expect(results.map((x) => x.json().outcome).sort()).toEqual(['auto_refund:duplicate_payment', 'order_paid']);
      const winner = results[0]!.json().outcome === 'order_paid' ? first : second;
      const loser = winner === first ? second : first;
      expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');

      await siyu.tick();
      await expectNoFailedJobs(db, `round ${round}`);
      expect((await paymentRow(db, world.tenantId, winner.payment_id))).toMatchObject({ status: 'succeeded', refunded_amount: 0 });
      expect((await paymentRow(db, world.tenantId, loser.payment_id))).toMatchObject({ status: 'refunded', refunded_amount: loser.amount });
      const refunds = await db.selectFrom('refunds').selectAll().where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
      expect(refunds.map((x) => [x.payment_id, x.reason, x.status, Number(x.amount)])).toEqual([[loser.payment_id, 'duplicate_payment', 'succeeded', loser.amount]]);
      // A buyer's later refund must come out of the payment that paid, not the one already given back.
      const refund = await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token });
      expect(refund.status, refund.text).toBe(201);
      await siyu.tick();
      await expectNoFailedJobs(db, `round ${round} refund`);
      expect((await paymentRow(db, world.tenantId, winner.payment_id))).toMatchObject({ status: 'refunded', refunded_amount: winner.amount });
      expect((await orderRow(db, world.tenantId, order.id)).status).toBe('refunded');
    }
  });

  it('a refund asked while the duplicate payment is still being returned comes out of the payment that paid', async () => {
    const token = buyer();
    const order = await placeOrder(api, token, world.shop, [{ sku_id: world.skus[1]!.id, quantity: 2 }]);
    const first = await startPayment(api, token, order.id);
    const second = await startPayment(api, token, order.id);
    // The interleaving a real race allows: the second payment's row was marked succeeded a moment before the
    // first one's, but the first got the order's lock first and paid the order.
    const t = clock.now();
    expect((await postNotification(api, success(first))).json().outcome).toBe('order_paid');
    clock.set(new Date(t.getTime() - 1000));
    expect((await postNotification(api, success(second))).json().outcome).toBe('auto_refund:duplicate_payment');
    clock.set(new Date(t.getTime() + 1000));

    // Before the outbox has returned the duplicate, the buyer asks for the whole order back.
    const refund = await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token });
    expect(refund.status, refund.text).toBe(201);
    await siyu.tick();
    await expectNoFailedJobs(db);
    const refunds = await db.selectFrom('refunds').select(['payment_id', 'amount', 'status', 'reason']).where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
    const perPayment = new Map<string, number>();
    for (const r of refunds) perPayment.set(r.payment_id, (perPayment.get(r.payment_id) ?? 0) + Number(r.amount));
    expect(perPayment.get(first.payment_id), JSON.stringify(refunds)).toBe(first.amount);
    expect(perPayment.get(second.payment_id), JSON.stringify(refunds)).toBe(second.amount);
    expect(await paymentRow(db, world.tenantId, first.payment_id)).toMatchObject({ status: 'refunded', refunded_amount: first.amount });
    expect(await paymentRow(db, world.tenantId, second.payment_id)).toMatchObject({ status: 'refunded', refunded_amount: second.amount });
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('refunded');
  });

  it('a refund success delivered several times at once (and under a second event id) settles once', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[2]!.id, quantity: 3 }]);
    const res = await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, { token });
    expect(res.status, res.text).toBe(201);
    const refund = res.json();
    const eventId = newEventId();
    const job = { kind: 'refund' as const, tenant_id: world.tenantId, payment_id: payment.payment_id, refund_id: refund.id, amount: refund.amount, total: payment.amount };
    const signed = signedNotification({ ...job, event_id: eventId }, clock.now());
    const results = await Promise.all([
      ...Array.from({ length: 4 }, () => postNotification(api, signed)),
      postNotification(api, signedNotification({ ...job, event_id: newEventId() }, clock.now())),
    ]);
    const outcomes = results.map((x) => x.json().outcome);
    expect(outcomes.filter((o) => o === 'refund_settled').length, JSON.stringify(outcomes)).toBe(1);
    expect(outcomes.filter((o) => o !== 'refund_settled').every((o) => o === 'duplicate' || o === 'illegal_transition_ignored'), JSON.stringify(outcomes)).toBe(true);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'partially_refunded', refunded_amount: refund.amount });
    // The queued submission finds the refund already settled and sends nothing more.
    await siyu.tick();
    await expectNoFailedJobs(db);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'partially_refunded', refunded_amount: refund.amount });
  });

  it('a refund notification with the wrong amount → 422 amount_mismatch, the refund stays pending', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[2]!.id, quantity: 2 }]);
    const res = await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, { token });
    const refund = res.json();
    const wrong = signedNotification({ kind: 'refund', tenant_id: world.tenantId, payment_id: payment.payment_id, refund_id: refund.id, amount: refund.amount + 1, total: payment.amount, event_id: newEventId() }, clock.now());
    expectProblem(await postNotification(api, wrong), 422, 'amount_mismatch');
    expect(await db.selectFrom('refunds').select('status').where('tenant_id', '=', world.tenantId).where('id', '=', refund.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending' });
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'succeeded', refunded_amount: 0 });
    await siyu.tick();
    await expectNoFailedJobs(db);
    expect(await paymentRow(db, world.tenantId, payment.payment_id)).toMatchObject({ status: 'partially_refunded', refunded_amount: refund.amount });
  });

  it('a refund notification naming another payment’s refund is refused and logged; both stay as they were', async () => {
    const token = buyer();
    const first = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[2]!.id, quantity: 1 }]);
    const second = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[2]!.id, quantity: 1 }]);
    const refund = (await api.post(`/api/v1/orders/${first.order.id}/refunds`, {}, { token })).json();
    const crossed = signedNotification({ kind: 'refund', tenant_id: world.tenantId, payment_id: second.payment.payment_id, refund_id: refund.id, amount: refund.amount, total: second.payment.amount, event_id: newEventId() }, clock.now());
    expect((await postNotification(api, crossed)).json().outcome).toBe('illegal_transition_ignored');
    expect(await db.selectFrom('refunds').select('status').where('tenant_id', '=', world.tenantId).where('id', '=', refund.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending' });
    expect(await paymentRow(db, world.tenantId, second.payment.payment_id)).toMatchObject({ status: 'succeeded', refunded_amount: 0 });
    expect((await auditOf(second.payment.payment_id)).map((a) => a.action)).toContain('illegal_transition');
  });

  it('a notification for an unknown payment → 404 payment_not_found, the order untouched', async () => {
    const res = await postNotification(api, success({ payment_id: 'pay_does_not_exist', amount: 100 }));
    expectProblem(res, 404, 'payment_not_found');
  });
});
