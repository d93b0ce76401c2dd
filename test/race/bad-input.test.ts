/**
 * Bad input gets a 4xx in problem+json with a stable code, and nothing is written: every case below
 * compares row counts (orders, lines, reservations, payments, refunds, idempotency keys, events,
 * jobs, audit) and stock before and after.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { raceHarness } from './harness.js';
import { expectProblem, paidOrder, placeOrder, rowCounts, startPayment, stockRows, type Res } from './helpers.js';

describe('bad input', async () => {
  const race = await raceHarness({ pool: 10, transport: 'inject' });
  const { db, api } = race;

  const world = await race.shop({ skuCount: 2, stock: 50, buyers: 2 });
  const other = await race.shop({ skuCount: 2, stock: 50, buyers: 1 });
  const [token, token2] = world.tokens;
  const [otherToken] = other.tokens;
  const sku = world.skus[0]!.id;
  const good = { shop: world.shop, lines: [{ sku_id: sku, quantity: 1 }] };
  // Something to point at: a pending order (with a payment) in each tenant, and a paid one here.
  const mine = await placeOrder(api, token!, world.shop, [{ sku_id: sku, quantity: 2 }]);
  const minePayment = await startPayment(api, token!, mine.id);
  const paid = await paidOrder(api, world.tenantId, token!, world.shop, [{ sku_id: world.skus[1]!.id, quantity: 2 }]);
  const theirs = await placeOrder(api, otherToken!, other.shop, [{ sku_id: other.skus[0]!.id, quantity: 1 }]);
  const theirPayment = await startPayment(api, otherToken!, theirs.id);

  const snapshot = async () => ({
    counts: await rowCounts(db),
    stock: [await stockRows(db, world.tenantId), await stockRows(db, other.tenantId)],
    nodes: (await sql<{ n: number }>`SELECT (SELECT count(*) FROM b_nodes)::int + (SELECT count(*) FROM suppliers)::int AS n`.execute(db)).rows[0]!.n,
    orders: await db.selectFrom('orders').select(['id', 'status', 'refunded_total']).orderBy('id').execute(),
  });
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeEach(async () => {
    before = await snapshot();
  });
  /** Asserts the problem, then that nothing at all was written. */
  async function refused(res: Res, status: number, code: string, context: string) {
    const body = expectProblem(res, status, code, context);
    expect(typeof body.detail, context).toBe('string');
    expect(await snapshot(), `${context}: nothing written`).toEqual(before);
    return body;
  }
  const checkout = (body: unknown, t: string | null = token!) => api.post('/api/v1/orders', body, { token: t ?? undefined });

  it('wrong types in a cart → 400 validation_failed naming the field', async () => {
    const cases: [string, unknown][] = [
      ['quantity as string', { ...good, lines: [{ sku_id: sku, quantity: '1' }] }],
      ['fractional quantity', { ...good, lines: [{ sku_id: sku, quantity: 1.5 }] }],
      ['sku_id as number', { ...good, lines: [{ sku_id: 123, quantity: 1 }] }],
      ['lines not a list', { ...good, lines: 'x' }],
      ['lines null', { ...good, lines: null }],
      ['shop as number', { ...good, shop: 7 }],
      ['shop missing', { lines: good.lines }],
      ['unknown field (a price!)', { ...good, total: 1 }],
      ['unknown line field', { ...good, lines: [{ sku_id: sku, quantity: 1, unit_price: 1 }] }],
      ['unsupported fulfillment', { ...good, fulfillment: 'teleport' }],
      ['note too long', { ...good, note: 'x'.repeat(501) }],
      ['body is a list', [good]],
      ['body is a number', 42],
      ['empty sku id', { ...good, lines: [{ sku_id: '', quantity: 1 }] }],
    ];
    for (const [name, body] of cases) {
      const problem = await refused(await checkout(body), 400, 'validation_failed', name);
      expect(Array.isArray(problem.errors) && problem.errors.length > 0, `${name}: says what was wrong`).toBe(true);
    }
  });

  it('negative, zero, huge and non-finite quantities, empty and oversized carts → 400', async () => {
    for (const quantity of [-1, 0, 1000, 1e6, 2 ** 31, 2 ** 53 + 2, 1e308, -0.5]) {
      const problem = await refused(await checkout({ ...good, lines: [{ sku_id: sku, quantity }] }), 400, 'validation_failed', `quantity ${quantity}`);
      expect(problem.errors.map((e: { path: string }) => e.path).join(), `quantity ${quantity}`).toContain('quantity');
    }
    // JSON that parses to Infinity.
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: `{"shop":"${world.shop}","lines":[{"sku_id":"${sku}","quantity":1e400}]}` }), 400, 'validation_failed', 'quantity 1e400');
    await refused(await checkout({ ...good, lines: [] }), 400, 'validation_failed', 'empty cart');
    await refused(await checkout({ ...good, lines: Array.from({ length: 101 }, () => ({ sku_id: sku, quantity: 1 })) }), 400, 'validation_failed', '101 lines');
    // Within limits but more than exists: not bad input, just not enough stock — still nothing written.
    await refused(await checkout({ ...good, lines: [{ sku_id: sku, quantity: 999 }] }), 409, 'out_of_stock', '999 units');
    await refused(await checkout({ ...good, lines: Array.from({ length: 100 }, () => ({ sku_id: sku, quantity: 999 })) }), 409, 'out_of_stock', '100 × 999 units');
  });

  it('SKUs that are not sold here → 422 sku_not_available', async () => {
    const cases: [string, string][] = [['unknown SKU', 'sku_does_not_exist'], ["another tenant's SKU", other.skus[0]!.id]];
    for (const [name, id] of cases) {
      const problem = await refused(await checkout({ ...good, lines: [{ sku_id: sku, quantity: 1 }, { sku_id: id, quantity: 1 }] }), 422, 'sku_not_available', name);
      expect(problem.sku_ids, name).toEqual([id]);
    }
    await db.updateTable('listings').set({ active: false }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', world.skus[1]!.id).execute();
    before = await snapshot();
    try {
      await refused(await checkout({ ...good, lines: [{ sku_id: world.skus[1]!.id, quantity: 1 }] }), 422, 'sku_not_available', 'delisted SKU');
    } finally {
      await db.updateTable('listings').set({ active: true }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', world.skus[1]!.id).execute();
    }
  });

  it("another tenant's shop, orders, payments and B nodes answer 404", async () => {
    // Another tenant's shop is indistinguishable from no shop at all.
    await refused(await checkout({ shop: other.shop, lines: [{ sku_id: other.skus[0]!.id, quantity: 1 }] }), 404, 'shop_not_found', "checkout in another tenant's shop");
    await refused(await checkout({ shop: 'no-such-shop', lines: good.lines }), 404, 'shop_not_found', 'unknown shop');
    const o = theirs.id;
    const cases: [string, () => Promise<Res>, string][] = [
      ['admin reads it', () => api.get(`/api/v1/orders/${o}`, { token: world.adminToken }), 'order_not_found'],
      ['consumer reads it', () => api.get(`/api/v1/orders/${o}`, { token }), 'order_not_found'],
      ['consumer cancels it', () => api.post(`/api/v1/orders/${o}/cancel`, undefined, { token, key: false }), 'order_not_found'],
      ['consumer pays it', () => api.post(`/api/v1/orders/${o}/payments`, {}, { token }), 'order_not_found'],
      ['admin refunds it', () => api.post(`/api/v1/orders/${o}/refunds`, {}, { token: world.adminToken }), 'order_not_found'],
      ['admin marks it ready', () => api.post(`/api/v1/orders/${o}/ready`, undefined, { token: world.adminToken, key: false }), 'order_not_found'],
      ['admin completes pickup', () => api.post(`/api/v1/orders/${o}/pickup`, { code: '000000' }, { token: world.adminToken, key: false }), 'order_not_found'],
      ['consumer confirms its payment', () => api.post(`/api/v1/sandbox/payments/${theirPayment.payment_id}/pay`, {}, { token, key: false }), 'payment_not_found'],
      ['admin reads its B node', () => api.get(`/api/v1/b-nodes/${other.bNodeId}`, { token: world.adminToken }), 'b_node_not_found'],
      ['admin lists in its B node', () => api.request('PUT', `/api/v1/b-nodes/${other.bNodeId}/listings/${other.skus[0]!.id}`, { body: { retail_price: 1000 }, token: world.adminToken, key: false }), 'b_node_not_found'],
      ['admin sets its stock', () => api.request('PUT', '/api/v1/stock', { body: { warehouse_id: other.warehouseId, sku_id: other.skus[0]!.id, on_hand: 0 }, token: world.adminToken, key: false }), 'warehouse_not_found'],
      ["another buyer's order in the same tenant", () => api.get(`/api/v1/orders/${mine.id}`, { token: token2 }), 'order_not_found'],
      ["another buyer cancels it", () => api.post(`/api/v1/orders/${mine.id}/cancel`, undefined, { token: token2, key: false }), 'order_not_found'],
      // The payment is inserted beside the order's lock and judged after: the refusal must take it back.
      ["another buyer pays it", () => api.post(`/api/v1/orders/${mine.id}/payments`, {}, { token: token2 }), 'order_not_found'],
    ];
    for (const [name, send, code] of cases) await refused(await send(), 404, code, name);
  });

  it('malformed JSON, empty, non-JSON and oversized bodies', async () => {
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: '{"shop": "x", "lines": [' }), 400, 'malformed_json', 'truncated JSON');
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: "{'shop': 1}" }), 400, 'malformed_json', 'single quotes');
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: '' }), 400, 'malformed_json', 'empty body');
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: 'shop=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type', 'form body');
    const huge = JSON.stringify({ ...good, note: 'x'.repeat(1024 * 1024 + 10) });
    await refused(await api.request('POST', '/api/v1/orders', { token, raw: huge }), 413, 'payload_too_large', 'body > 1 MiB');
    const hugeNotify = JSON.stringify({ id: 'evt', padding: 'x'.repeat(1024 * 1024 + 10) });
    await refused(await api.request('POST', '/api/v1/payments/notify/sandbox', { raw: hugeNotify, key: false }), 413, 'payload_too_large', 'notification > 1 MiB');
    await refused(await api.request('POST', `/api/v1/orders/${paid.order.id}/refunds`, { token: world.adminToken, raw: '{"lines":' }), 400, 'malformed_json', 'refund with malformed JSON');
  });

  it('missing or bad credentials → 401; a role acting outside its rights → 403', async () => {
    await refused(await checkout(good, null), 401, 'unauthenticated', 'no token');
    await refused(await checkout(good, 'ses_not-a-real-token'), 401, 'unauthenticated', 'unknown token');
    await refused(await api.post('/api/v1/orders', good, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'unauthenticated', 'basic auth');
    await refused(await api.post(`/api/v1/orders/${paid.order.id}/refunds`, {}, {}), 401, 'unauthenticated', 'refund without token');

    const nodeBody = { kind: 'store', name: 'Sneaky', slug: 'sneaky-store', warehouse_id: world.warehouseId };
    const stockBody = { warehouse_id: world.warehouseId, sku_id: sku, on_hand: 100000 };
    const cases: [string, () => Promise<Res>][] = [
      ['consumer creates a B node', () => api.post('/api/v1/b-nodes', nodeBody, { token, key: false })],
      ['consumer sets stock', () => api.request('PUT', '/api/v1/stock', { body: stockBody, token, key: false })],
      ['consumer creates a supplier', () => api.post('/api/v1/suppliers', { name: 'Me' }, { token, key: false })],
      ['consumer marks an order ready', () => api.post(`/api/v1/orders/${paid.order.id}/ready`, undefined, { token, key: false })],
      ['consumer completes a pickup', () => api.post(`/api/v1/orders/${paid.order.id}/pickup`, { code: '123456' }, { token, key: false })],
      ['consumer creates a user', () => api.post('/api/v1/users', { login: 'x', display_name: 'x', role: 'tenant_admin', password: 'password-1' }, { token, key: false })],
      ['admin places an order as if a consumer', () => checkout(good, world.adminToken)],
    ];
    for (const [name, send] of cases) await refused(await send(), 403, 'forbidden', name);
  });

  it('a POST that creates an order or moves money without a usable Idempotency-Key → 400', async () => {
    await refused(await api.post('/api/v1/orders', good, { token, key: false }), 400, 'idempotency_key_required', 'checkout without key');
    await refused(await api.post(`/api/v1/orders/${mine.id}/payments`, {}, { token, key: false }), 400, 'idempotency_key_required', 'payment without key');
    await refused(await api.post(`/api/v1/orders/${paid.order.id}/refunds`, {}, { token: world.adminToken, key: false }), 400, 'idempotency_key_required', 'refund without key');
    for (const key of ['x'.repeat(256), 'has space', 'tab\tkey', 'ключ']) {
      await refused(await api.post('/api/v1/orders', good, { token, headers: { 'idempotency-key': key } }), 400, 'idempotency_key_invalid', `key ${JSON.stringify(key.slice(0, 12))}`);
    }
  });

  it('bad refund, payment and listing input → 4xx, nothing written', async () => {
    const url = `/api/v1/orders/${paid.order.id}/refunds`;
    const admin = world.adminToken;
    for (const [name, body] of [
      ['zero quantity', { lines: [{ line_no: 1, quantity: 0 }] }],
      ['negative quantity', { lines: [{ line_no: 1, quantity: -1 }] }],
      ['huge quantity', { lines: [{ line_no: 1, quantity: 1e9 }] }],
      ['line 0', { lines: [{ line_no: 0, quantity: 1 }] }],
      ['empty lines', { lines: [] }],
      ['quantity as string', { lines: [{ line_no: 1, quantity: '1' }] }],
      ['amount smuggled in', { amount: 1 }],
    ] as const) {
      await refused(await api.post(url, body, { token: admin }), 400, 'validation_failed', `refund: ${name}`);
    }
    await refused(await api.post(url, { lines: [{ line_no: 1, quantity: 3 }] }, { token: admin }), 422, 'refund_exceeds_order', 'refund: more than bought');
    await refused(await api.post(url, { lines: [{ line_no: 9, quantity: 1 }] }, { token: admin }), 422, 'unknown_order_line', 'refund: unknown line');
    await refused(await api.post(`/api/v1/orders/${mine.id}/payments`, { provider: 'cash' }, { token }), 400, 'validation_failed', 'unknown payment provider');
    await refused(await api.post(`/api/v1/orders/${paid.order.id}/payments`, {}, { token }), 409, 'order_not_payable', 'paying a paid order');
    await refused(await api.post(`/api/v1/sandbox/payments/${minePayment.payment_id}/pay`, { copies: 50 }, { token, key: false }), 400, 'validation_failed', 'sandbox: 50 copies');
    await refused(await api.post(`/api/v1/orders/${paid.order.id}/cancel`, undefined, { token, key: false }), 409, 'order_not_cancellable', 'cancelling a paid order');
    await refused(await api.post(`/api/v1/orders/${paid.order.id}/pickup`, { code: '12345' }, { token: admin, key: false }), 400, 'validation_failed', 'pickup code of 5 digits');
    const listing = `/api/v1/b-nodes/${world.bNodeId}/listings/${sku}`;
    await refused(await api.request('PUT', listing, { body: { retail_price: -5 }, token: admin, key: false }), 400, 'validation_failed', 'negative price');
    await refused(await api.request('PUT', '/api/v1/stock', { body: { warehouse_id: world.warehouseId, sku_id: sku, on_hand: -1 }, token: admin, key: false }), 400, 'validation_failed', 'negative stock');
    await refused(await api.request('PUT', '/api/v1/stock', { body: { warehouse_id: world.warehouseId, sku_id: sku, on_hand: 0 }, token: admin, key: false }), 409, 'stock_below_reserved', 'stock below what is reserved');
  });

  it('bad query strings → 400', async () => {
    for (const q of ['limit=0', 'limit=abc', 'limit=100000', 'status=lost', 'cursor=%%%', 'cursor=bm90LWEtY3Vyc29y', 'unknown=1']) {
      await refused(await api.get(`/api/v1/orders?${q}`, { token: world.adminToken }), 400, 'validation_failed', `GET /orders?${q}`);
    }
  });
});
