/**
 * After-sales requests on real PostgreSQL: buyers ask, the order's own node or an admin decides,
 * tenant rules approve before the goods are ready and close requests after the return window, and a
 * refund the provider reports failed puts the order back to what was really refunded.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu, stockOf } from '../../../test/fixtures.js';
import {
  consumerTokens, expectNoFailedJobs, expectProblem, freshKey, injectApi, newEventId, orderRow, paidOrder, postNotification, rowCounts,
  signedNotification,
} from '../../../test/race/helpers.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import { paymentError } from '../payments/payments.errors.js';

const DAY = 86_400_000;

describe('after-sales requests', async () => {
  const { db } = await createTestDatabase({ max: 20 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = world.adminToken;
  const buyers = await consumerTokens(siyu, world.shop, 12, '136');
  let nextBuyer = 0;
  const buyer = () => buyers[nextBuyer++ % buyers.length]!;
  const [A, B] = world.skus as [typeof world.skus[0], typeof world.skus[0]];

  // A second node of the same tenant, with its own staff: they must not decide the first node's requests.
  const otherNode = newId('bn');
  await db.insertInto('b_nodes').values({ tenant_id: world.tenantId, id: otherNode, kind: 'store', name: 'Other Store', slug: `other-${world.tenantSlug}`, warehouse_id: world.warehouseId }).execute();
  const userToken = async (login: string, role: 'staff' | 'b_owner' | 'supplier_operator', bNodeId: string | null) => {
    const user = await createUser(db, world.tenantId, { login, display_name: login, role, password: `${login}-password`, ...(bNodeId ? { b_node_id: bNodeId } : { supplier_id: world.supplierId }) });
    return (await issueToken(db, clock, world.tenantId, user.id, 'api', 'tests')).token;
  };
  const staff = await userToken('clerk', 'staff', world.bNodeId);
  const owner = await userToken('owner', 'b_owner', world.bNodeId);
  const otherStaff = await userToken('other-clerk', 'staff', otherNode);
  const supplier = await userToken('farmer', 'supplier_operator', null);

  const settings = (body: object) => api.request('PATCH', '/api/v1/after-sales/settings', { token: admin, body, key: false });
  const ask = (orderId: string, body: object, token: string, key?: string) => api.post(`/api/v1/orders/${orderId}/after-sales`, body, { token, ...(key ? { key } : {}) });
  const decide = (id: string, what: 'approve' | 'reject' | 'cancel', token: string, body: object = {}) => api.post(`/api/v1/after-sales/${id}/${what}`, body, { token, key: false });
  const ready = (orderId: string) => api.post(`/api/v1/orders/${orderId}/ready`, undefined, { token: admin, key: false });
  const pickUp = async (orderId: string) => {
    const { pickup_code: code } = await orderRow(db, world.tenantId, orderId);
    const res = await api.post(`/api/v1/orders/${orderId}/pickup`, { code }, { token: admin, key: false });
    expect(res.status, res.text).toBe(200);
  };
  const requestsOf = (orderId: string) => db.selectFrom('after_sales_requests').selectAll().where('tenant_id', '=', world.tenantId).where('order_id', '=', orderId).orderBy('created_at').execute();
  const linesOf = (orderId: string) => db.selectFrom('order_lines').select(['line_no', 'refunded_quantity', 'refunded_amount']).where('tenant_id', '=', world.tenantId).where('order_id', '=', orderId).orderBy('line_no').execute();
  const asCounts = async () => ({ ...(await rowCounts(db)), requests: (await db.selectFrom('after_sales_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n });
  const failRefund = (refund: { id: string; amount: number }, payment: { payment_id: string; amount: number }) => postNotification(api, signedNotification({
    kind: 'refund', tenant_id: world.tenantId, payment_id: payment.payment_id, refund_id: refund.id, amount: refund.amount, total: payment.amount, outcome: 'fail', event_id: newEventId(),
  }));

  it('the tenant rules: defaults, only admins change them', async () => {
    expect((await api.get('/api/v1/after-sales/settings', { token: staff })).json()).toEqual({ auto_approve_before_ready: true, return_window_days: 7 });
    expectProblem(await api.request('PATCH', '/api/v1/after-sales/settings', { token: owner, body: { return_window_days: 30 }, key: false }), 403, 'forbidden');
    expectProblem(await settings({ return_window_days: -1 }), 400, 'validation_failed');
    const changed = await settings({ return_window_days: 3 });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json()).toEqual({ auto_approve_before_ready: true, return_window_days: 3 });
    expect((await settings({ return_window_days: 7 })).json().return_window_days).toBe(7);
  });

  it('before the goods are ready a request is approved at once and refunds with stock back; with auto-approval off it waits', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 3 }]);
    const a0 = await stockOf(db, world.tenantId, A.id);
    const res = await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'changed my mind' }, token);
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ status: 'approved', auto_approved: true, amount: A.price, order_status: 'partially_refunded', reason: 'changed my mind' });
    expect(res.json().refund_id).toMatch(/^rfd/);
    expect(res.json().lines).toEqual([{ line_no: 1, sku_id: A.id, title: expect.any(String), quantity: 1, amount: A.price }]);
    expect((await stockOf(db, world.tenantId, A.id)).reserved).toBe(a0.reserved - 1);
    await siyu.tick();
    await expectNoFailedJobs(db);
    expect((await api.get(`/api/v1/after-sales/${res.json().id}`, { token })).json()).toMatchObject({ status: 'refunded' });

    await settings({ auto_approve_before_ready: false });
    try {
      const waiting = await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'one more' }, token);
      expect(waiting.json()).toMatchObject({ status: 'requested', auto_approved: false, refund_id: null });
      expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ refunded_total: A.price });
      // The buyer's direct refund is refused too: with auto-approval off it needs a decision.
      expectProblem(await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token }), 409, 'refund_request_required');
    } finally {
      await settings({ auto_approve_before_ready: true });
    }
  });

  it('a buyer can no longer refund picked-up goods directly: 409 refund_request_required, nothing written; staff still can', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 2 }]);
    expect((await ready(order.id)).status).toBe(200);
    const before = await asCounts();
    expectProblem(await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, { token }), 409, 'refund_request_required');
    await pickUp(order.id);
    const afterPickup = await asCounts();
    expectProblem(await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token }), 409, 'refund_request_required');
    expect(await asCounts()).toEqual(afterPickup);
    expect(afterPickup.refunds).toBe(before.refunds);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('completed');
    const byAdmin = await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, { token: admin });
    expect(byAdmin.status, byAdmin.text).toBe(201);
    expect(byAdmin.json()).toMatchObject({ restocked: false });
  });

  it('after pickup: within the return window a request waits for a decision; beyond it 409 return_window_closed; window 0 refuses at once', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 2 }]);
    await pickUp(order.id);
    const pickedUp = (await orderRow(db, world.tenantId, order.id)).picked_up_at;
    expect(pickedUp).toEqual(clock.now());

    // Sessions last a week, so the pickup moves back in time rather than the clock forward.
    const pickedUpAgo = (ms: number) => db.updateTable('orders').set({ picked_up_at: new Date(clock.now().getTime() - ms) }).where('tenant_id', '=', world.tenantId).where('id', '=', order.id).execute();
    await pickedUpAgo(6 * DAY);
    const within = await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'bruised' }, token);
    expect(within.status, within.text).toBe(201);
    expect(within.json()).toMatchObject({ status: 'requested', auto_approved: false, order_status: 'completed' });
    expect((await orderRow(db, world.tenantId, order.id))).toMatchObject({ status: 'completed', refunded_total: 0 });

    await pickedUpAgo(7 * DAY + 1000);
    const before = await asCounts();
    const late = expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'late' }, token), 409, 'return_window_closed');
    expect(late.return_window_days).toBe(7);
    expect(await asCounts()).toEqual(before);

    const other = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 1 }]);
    await pickUp(other.order.id);
    await settings({ return_window_days: 0 });
    try {
      expectProblem(await ask(other.order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'no' }, token), 409, 'return_window_closed');
    } finally {
      await settings({ return_window_days: 7 });
    }
  });

  it('the order\'s own staff or owner, or an admin, decide; another node\'s staff, a supplier and the buyer may not', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 2 }, { sku_id: B.id, quantity: 2 }]);
    expect((await ready(order.id)).status).toBe(200);
    const first = (await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'bad apple' }, token)).json();
    const second = (await ask(order.id, { lines: [{ line_no: 2, quantity: 2 }], reason: 'wrong size' }, token)).json();
    expect([first.status, second.status]).toEqual(['requested', 'requested']);

    // Another node's staff neither sees nor decides it.
    expect((await api.get('/api/v1/after-sales', { token: otherStaff })).json().items).toEqual([]);
    expectProblem(await api.get(`/api/v1/after-sales/${first.id}`, { token: otherStaff }), 404, 'request_not_found');
    expectProblem(await decide(first.id, 'approve', otherStaff), 404, 'request_not_found');
    expectProblem(await decide(first.id, 'reject', otherStaff, { note: 'no' }), 404, 'request_not_found');
    expectProblem(await decide(first.id, 'approve', supplier), 403, 'forbidden');
    expectProblem(await decide(first.id, 'approve', token), 403, 'forbidden');
    expectProblem(await api.get(`/api/v1/after-sales/${first.id}`, { token: buyers[11]! === token ? buyers[10]! : buyers[11]! }), 404, 'request_not_found');
    expect((await requestsOf(order.id)).map((r) => r.status)).toEqual(['requested', 'requested']);

    // The node's staff lists it (filtered by status) and approves: money back, no stock (the goods were shipped).
    const listed = (await api.get('/api/v1/after-sales?status=requested', { token: staff })).json().items.map((r: { id: string }) => r.id);
    expect(listed).toEqual(expect.arrayContaining([first.id, second.id]));
    const approved = await decide(first.id, 'approve', staff, { note: 'sorry' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decision_note: 'sorry', auto_approved: false, order_status: 'partially_refunded' });
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ refunded_total: A.price });
    expectProblem(await decide(first.id, 'approve', staff), 409, 'request_not_open');

    // The owner rejects the other, with a reason; without one it is refused.
    expectProblem(await decide(second.id, 'reject', owner, {}), 400, 'validation_failed');
    const rejected = await decide(second.id, 'reject', owner, { note: 'worn already' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decision_note: 'worn already' });
    const trail = await db.selectFrom('audit_log').select(['action', 'entity_id']).where('tenant_id', '=', world.tenantId).where('entity', '=', 'after_sales_request').where('entity_id', 'in', [first.id, second.id]).execute();
    expect(trail.map((a) => `${a.entity_id === first.id ? 1 : 2}:${a.action}`).sort()).toEqual(['1:after_sales.approved', '1:after_sales.requested', '2:after_sales.rejected', '2:after_sales.requested']);
    expectProblem(await decide(second.id, 'approve', admin), 409, 'request_not_open');
    expectProblem(await decide(second.id, 'cancel', token), 409, 'request_not_open');
    expect((await api.get(`/api/v1/after-sales?order_id=${order.id}`, { token })).json().items.map((r: { status: string }) => r.status).sort()).toEqual(['approved', 'rejected']);

    // The buyer withdraws a request not yet decided.
    const third = (await ask(order.id, { lines: [{ line_no: 2, quantity: 1 }], reason: 'never mind' }, token)).json();
    expect((await decide(third.id, 'cancel', token)).json()).toMatchObject({ status: 'cancelled' });
    await siyu.tick();
    await expectNoFailedJobs(db);
  });

  it('quantities: never above what is left after refunds and open requests; unknown lines refused; the same key answers once', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 3 }]);
    expect((await ready(order.id)).status).toBe(200);
    const before = await asCounts();
    expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 4 }], reason: 'x' }, token), 422, 'refund_exceeds_order');
    expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 2 }, { line_no: 1, quantity: 2 }], reason: 'x' }, token), 422, 'refund_exceeds_order');
    expectProblem(await ask(order.id, { lines: [{ line_no: 2, quantity: 1 }], reason: 'x' }, token), 422, 'unknown_order_line');
    expectProblem(await ask(order.id, { lines: [], reason: 'x' }, token), 400, 'validation_failed');
    expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: '' }, token), 400, 'validation_failed');
    expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'x' }, staff), 403, 'forbidden');
    expect(await asCounts()).toEqual(before);

    const key = freshKey('as');
    const once = await ask(order.id, { lines: [{ line_no: 1, quantity: 2 }], reason: 'two bad' }, token, key);
    const again = await ask(order.id, { lines: [{ line_no: 1, quantity: 2 }], reason: 'two bad' }, token, key);
    expect(once.status).toBe(201);
    expect(again.json()).toEqual(once.json());
    expect(await requestsOf(order.id)).toHaveLength(1);
    // Two are waiting: only one more may be asked for.
    const error = expectProblem(await ask(order.id, { lines: [{ line_no: 1, quantity: 2 }], reason: 'more' }, token), 422, 'refund_exceeds_order');
    expect(error.refundable).toBe(1);
    expect((await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'last one' }, token)).status).toBe(201);
    // Concurrent asks under different keys: the order's lock lets exactly what is left through.
    const racing = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 3 }]);
    expect((await ready(racing.order.id)).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 8 }, () => ask(racing.order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'race' }, token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 422, 'refund_exceeds_order');
    expect(await requestsOf(racing.order.id)).toHaveLength(3);
  });

  it('REFUND.FAIL of an auto-approved refund: the order is paid again, its units held again, the request failed and raised; a retry resolves it', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 2 }, { sku_id: B.id, quantity: 1 }]);
    const a0 = await stockOf(db, world.tenantId, A.id);
    const request = (await ask(order.id, { lines: [{ line_no: 1, quantity: 2 }], reason: 'all of it' }, token)).json();
    expect(request.status).toBe('approved');
    expect((await stockOf(db, world.tenantId, A.id)).reserved).toBe(a0.reserved - 2);
    const refund = { id: request.refund_id as string, amount: request.amount as number };

    const res = await failRefund(refund, payment);
    expect(res.status, res.text).toBe(200);
    expect(res.json().outcome).toBe('refund_failed');
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'paid', refunded_total: 0, closed_at: null });
    expect((await linesOf(order.id)).map((l) => [l.refunded_quantity, Number(l.refunded_amount)])).toEqual([[0, 0], [0, 0]]);
    expect(await stockOf(db, world.tenantId, A.id)).toEqual(a0);
    expect((await api.get(`/api/v1/after-sales/${request.id}`, { token })).json()).toMatchObject({ status: 'failed', order_status: 'paid' });
    const actions = (await api.get('/api/v1/after-sales/actions', { token: staff })).json().items;
    const raised = actions.find((a: { refund_id: string }) => a.refund_id === refund.id);
    expect(raised).toMatchObject({ kind: 'refund_failed', request_id: request.id, order_id: order.id, amount: refund.amount, resolved_at: null });
    expect(raised.details).toMatchObject({ order_status_before: 'partially_refunded', order_status_after: 'paid', stock: 'held_again' });
    expect((await api.get('/api/v1/after-sales/actions', { token: otherStaff })).json().items).toEqual([]);
    const audits = await db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', world.tenantId).where('entity_id', '=', order.id).execute();
    expect(audits.map((a) => a.action)).toContain('after_sales.refund_failed');
    // The economics were recomputed for what was really refunded.
    await siyu.tick();
    await expectNoFailedJobs(db);
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'paid', refunded_total: 0 });

    // Staff retry: the refund starts again and the item leaves the open list.
    const retried = await decide(request.id, 'approve', staff, { note: 'retried' });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json().refund_id).not.toBe(refund.id);
    expect((await api.get('/api/v1/after-sales/actions', { token: staff })).json().items.map((a: { id: string }) => a.id)).not.toContain(raised.id);
    await siyu.tick();
    await expectNoFailedJobs(db);
    expect((await api.get(`/api/v1/after-sales/${request.id}`, { token })).json()).toMatchObject({ status: 'refunded', order_status: 'partially_refunded' });
  });

  it('REFUND.FAIL of a full staff refund after pickup: the order is completed again; resolving the item takes it off the list', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 2 }]);
    await pickUp(order.id);
    const picked = await orderRow(db, world.tenantId, order.id);
    const b0 = await stockOf(db, world.tenantId, B.id);
    const refund = (await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token: admin })).json();
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'refunded', refunded_total: order.total });

    expect((await failRefund(refund, payment)).json().outcome).toBe('refund_failed');
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'completed', refunded_total: 0, closed_at: picked.picked_up_at });
    expect(await stockOf(db, world.tenantId, B.id)).toEqual(b0);
    const raised = (await api.get('/api/v1/after-sales/actions', { token: owner })).json().items.find((a: { refund_id: string }) => a.refund_id === refund.id);
    expect(raised).toMatchObject({ request_id: null, details: { order_status_before: 'refunded', order_status_after: 'completed', stock: 'not_restocked' } });
    expectProblem(await api.post(`/api/v1/after-sales/actions/${raised.id}/resolve`, { note: 'paid back in cash' }, { token: otherStaff, key: false }), 404, 'action_not_found');
    const resolved = await api.post(`/api/v1/after-sales/actions/${raised.id}/resolve`, { note: 'paid back in cash' }, { token: owner, key: false });
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.json().resolution).toBe('paid back in cash');
    expect((await api.get('/api/v1/after-sales/actions', { token: owner })).json().items.map((a: { id: string }) => a.id)).not.toContain(raised.id);
    expectProblem(await api.post(`/api/v1/after-sales/actions/${raised.id}/resolve`, { note: 'again' }, { token: owner, key: false }), 409, 'action_resolved');
    // The order can be refunded again: the failed refund no longer counts.
    expect((await api.post(`/api/v1/orders/${order.id}/refunds`, {}, { token: admin })).status).toBe(201);
    await siyu.tick();
    await expectNoFailedJobs(db);
  });

  it('REFUND.FAIL when the restocked units were sold meanwhile: money put back, stock left alone and the shortage said', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: B.id, quantity: 2 }, { sku_id: A.id, quantity: 1 }]);
    const refund = (await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 2 }] }, { token: admin })).json();
    expect(refund.restocked).toBe(true);
    const b1 = await stockOf(db, world.tenantId, B.id);
    // Everything free is sold.
    await db.updateTable('stock').set({ on_hand: b1.reserved }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', B.id).execute();
    expect((await failRefund(refund, payment)).json().outcome).toBe('refund_failed');
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'paid', refunded_total: 0 });
    expect(await stockOf(db, world.tenantId, B.id)).toEqual({ on_hand: b1.reserved, reserved: b1.reserved, live_reservations: b1.reserved });
    const raised = (await api.get('/api/v1/after-sales/actions', { token: admin })).json().items.find((a: { refund_id: string }) => a.refund_id === refund.id);
    expect(raised.details.stock).toBe('stock_short');
    await db.updateTable('stock').set({ on_hand: 100 }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', B.id).execute();
    await siyu.tick();
  });

  it('REFUND.FAIL after the order moved on (made ready since): it stays ready, its refunded total comes down, the units it shipped without are said', async () => {
    const token = buyer();
    const { order, payment } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 3 }]);
    const refund = (await api.post(`/api/v1/orders/${order.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, { token: admin })).json();
    expect(refund.restocked).toBe(true);
    expect((await ready(order.id)).status).toBe(200);
    const a1 = await stockOf(db, world.tenantId, A.id);
    expect((await failRefund(refund, payment)).json().outcome).toBe('refund_failed');
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'ready_for_pickup', refunded_total: 0 });
    expect((await linesOf(order.id)).map((l) => l.refunded_quantity)).toEqual([0]);
    expect(await stockOf(db, world.tenantId, A.id)).toEqual(a1);
    const raised = (await api.get('/api/v1/after-sales/actions', { token: admin })).json().items.find((a: { refund_id: string }) => a.refund_id === refund.id);
    expect(raised.details).toMatchObject({ order_status_before: 'ready_for_pickup', order_status_after: 'ready_for_pickup', stock: 'shipped_since' });
  });

  it('a refund the provider refuses outright when the job submits it fails the same way: order put back, raised for action', async () => {
    const token = buyer();
    const { order } = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: A.id, quantity: 2 }]);
    expect((await ready(order.id)).status).toBe(200);
    const request = (await ask(order.id, { lines: [{ line_no: 1, quantity: 1 }], reason: 'soft' }, token)).json();
    const sandbox = siyu.providers.sandbox!;
    siyu.providers.sandbox = { ...sandbox, name: sandbox.name, requestRefund: async () => { throw paymentError('refund_rejected', { reason: 'merchant balance too low' }); } };
    try {
      expect((await decide(request.id, 'approve', owner)).json()).toMatchObject({ status: 'approved', order_status: 'partially_refunded' });
      await siyu.tick();
    } finally {
      siyu.providers.sandbox = sandbox;
    }
    await expectNoFailedJobs(db);
    expect(await orderRow(db, world.tenantId, order.id)).toMatchObject({ status: 'ready_for_pickup', refunded_total: 0 });
    expect((await api.get(`/api/v1/after-sales/${request.id}`, { token })).json().status).toBe('failed');
    const raised = (await api.get('/api/v1/after-sales/actions', { token: owner })).json().items.find((a: { request_id: string }) => a.request_id === request.id);
    expect(raised.details).toMatchObject({ order_status_before: 'partially_refunded', order_status_after: 'ready_for_pickup', stock: 'not_restocked' });
  });
});
