import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { consumerTokens, expectProblem, injectApi, newEventId, postNotification, rowCounts, signedNotification, startPayment } from '../../../test/race/helpers.js';
import { couponDiscount, type CouponTerms } from './coupons.pricing.js';

const DAY = 86_400_000;

describe('coupon pricing (pure)', () => {
  const base: CouponTerms = { coupon_id: 'c', template_id: 't', name: 'x', kind: 'percent', amount: null, percent_bps: 1_500, max_discount: null, min_total: 0,
    target: 'order', target_ids: [], stacks_with_subsidy: false, stacks_with_coupons: false };
  const lines = [{ sku_id: 'a', line_total: 999, category_path: ['fruit', 'food'] }, { sku_id: 'b', line_total: 333, category_path: ['tools'] }];

  it('percent rounds down to the fen and splits by largest remainder so parts sum to the whole', () => {
    // 15% of 13.32 = 1.998 → 1.99, never 2.00.
    const r = couponDiscount(base, lines, 'bn', [0, 0]);
    expect(r.amount).toBe(199);
    expect(r.perLine.reduce((a, b) => a + b, 0)).toBe(199);
    expect(r.perLine).toEqual([149, 50]);
  });

  it('a category target reaches its subtree only; a threshold is judged on the eligible goods', () => {
    const t = { ...base, kind: 'threshold' as const, amount: 300, percent_bps: null, min_total: 900, target: 'categories' as const, target_ids: ['food'] };
    expect(couponDiscount(t, lines, 'bn', [0, 0])).toEqual({ amount: 300, perLine: [300, 0] });
    expect(() => couponDiscount({ ...t, min_total: 1000 }, lines, 'bn', [0, 0])).toThrow(expect.objectContaining({ code: 'coupon_threshold_not_met' }));
    expect(() => couponDiscount({ ...t, target_ids: ['toys'] }, lines, 'bn', [0, 0])).toThrow(expect.objectContaining({ code: 'coupon_out_of_scope' }));
  });

  it('never takes a line below zero after the discounts already on it', () => {
    const t = { ...base, kind: 'fixed' as const, amount: 5_000, percent_bps: null, target: 'skus' as const, target_ids: ['b'] };
    expect(couponDiscount(t, lines, 'bn', [100, 33])).toEqual({ amount: 300, perLine: [0, 300] });
  });
});

describe('coupons', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const [buyer, other] = await consumerTokens(siyu, world.shop, 2, '136');
  const [sku0, sku1] = [world.skus[0]!.id, world.skus[1]!.id];
  const inDays = (n: number) => new Date(clock.now().getTime() + n * DAY).toISOString();

  async function template(body: Record<string, unknown>) {
    const res = await api.post('/api/v1/coupon-templates', { name: 'coupon', claim_ends_at: inDays(10), valid_days: 7, total_count: 100, budget: 100_000, ...body }, admin);
    expect(res.status, res.text).toBe(201);
    return res.json();
  }
  async function claim(token: string, templateId: string) {
    const res = await api.post(`/api/v1/shops/${world.shop}/coupons/${templateId}/claim`, {}, { token });
    expect(res.status, res.text).toBe(201);
    return res.json();
  }
  const quote = (token: string | undefined, body: Record<string, unknown>) => api.post('/api/v1/orders/quote', { shop: world.shop, ...body }, { token });

  it('a template carries the guard\'s verdict and its budget use; a shop lists what may be claimed', async () => {
    const t = await template({ name: '满30减5', kind: 'threshold', amount: 500, min_total: 3000 });
    expect(t).toMatchObject({ verdict: expect.stringMatching(/accept|warn/), used_count: 0, spent: 0, claimed_count: 0 });
    expect(t.guard.rules.length).toBeGreaterThan(5);
    const offers = await api.get(`/api/v1/shops/${world.shop}/promotions`);
    expect(offers.json().coupons.map((o: { template_id: string }) => o.template_id)).toContain(t.id);
  });

  it('the personal limit holds: a second claim past it is 409 and writes nothing', async () => {
    const t = await template({ kind: 'fixed', amount: 100, per_customer_limit: 1 });
    await claim(buyer!, t.id);
    const before = await rowCounts(db);
    expectProblem(await api.post(`/api/v1/shops/${world.shop}/coupons/${t.id}/claim`, {}, { token: buyer }), 409, 'coupon_claim_limit');
    expect(await rowCounts(db)).toEqual(before);
    const wallet = (await api.get('/api/v1/wallet/coupons', { token: buyer })).json().items;
    expect(wallet.filter((c: { template_id: string }) => c.template_id === t.id)).toHaveLength(1);
  });

  it('the quote is what checkout charges: subsidy and a stacking coupon, on the order\'s discount lines and lines', async () => {
    const cmp = await api.post('/api/v1/campaigns', { name: '立减3元', discount_per_order: 300, min_order_total: 2000, budget: 100_000, ends_at: inDays(5) }, admin);
    expect(cmp.status, cmp.text).toBe(201);
    const t = await template({ name: '85折', kind: 'percent', percent_bps: 1_500, min_total: 2000, stacks_with_subsidy: true, target: 'skus', target_ids: [sku1] });
    const c = await claim(buyer!, t.id);
    const cart = { lines: [{ sku_id: sku0, quantity: 1 }, { sku_id: sku1, quantity: 2 }], coupon_ids: [c.id] };
    const signedOut = await quote(undefined, { lines: cart.lines });
    expect(signedOut.status, signedOut.text).toBe(200);
    expect(signedOut.json()).toMatchObject({ subtotal: 3200, discount: 300, total: 2900, discounts: [{ kind: 'subsidy', name: '立减3元', amount: 300 }] });
    const q = (await quote(buyer, cart)).json();
    expect(q.discounts.map((d: { kind: string }) => d.kind)).toEqual(['subsidy', 'coupon']);
    const placed = await api.post('/api/v1/orders', { shop: world.shop, ...cart }, { token: buyer });
    expect(placed.status, placed.text).toBe(201);
    const o = placed.json();
    expect({ subtotal: o.subtotal, discount: o.discount, total: o.total }).toEqual({ subtotal: q.subtotal, discount: q.discount, total: q.total });
    expect(o.lines.map((l: { discount: number }) => l.discount)).toEqual(q.lines.map((l: { discount: number }) => l.discount));
    const detail = (await api.get(`/api/v1/orders/${o.id}`, { token: buyer })).json();
    expect(detail.discounts).toEqual(q.discounts);
    expect(detail.discounts.reduce((a: number, d: { amount: number }) => a + d.amount, 0)).toBe(detail.discount);
    // The coupon is used: a second order with it is refused and writes nothing.
    const before = await rowCounts(db);
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, ...cart }, { token: buyer }), 409, 'coupon_used');
    expect(await rowCounts(db)).toEqual(before);
    // Cancelled, the coupon comes back once, and the budget with it.
    expect((await api.post(`/api/v1/orders/${o.id}/cancel`, {}, { token: buyer })).status).toBe(200);
    expect((await api.post(`/api/v1/orders/${o.id}/cancel`, {}, { token: buyer })).status).toBe(409);
    const after = (await api.get(`/api/v1/coupon-templates/${t.id}`, admin)).json();
    expect(after).toMatchObject({ used_count: 0, spent: 0 });
    const wallet = (await api.get('/api/v1/wallet/coupons', { token: buyer })).json().items;
    expect(wallet.find((w: { id: string }) => w.id === c.id)).toMatchObject({ status: 'available', order_id: null });
    await api.post(`/api/v1/campaigns/${cmp.json().id}/end`, {}, admin);
  });

  it('a coupon not stacking with the subsidy takes its place, and the quote says so', async () => {
    const cmp = await api.post('/api/v1/campaigns', { name: 'sub', discount_per_order: 200, min_order_total: 1500, budget: 100_000, ends_at: inDays(5) }, admin);
    const t = await template({ kind: 'fixed', amount: 500, min_total: 2000 });
    const c = await claim(other!, t.id);
    const q = (await quote(other, { lines: [{ sku_id: sku0, quantity: 2 }], coupon_ids: [c.id] })).json();
    expect(q).toMatchObject({ subtotal: 2000, discount: 500, total: 1500, subsidy_replaced_by_coupon: true, discounts: [{ kind: 'coupon', amount: 500 }] });
    await api.post(`/api/v1/campaigns/${cmp.json().id}/end`, {}, admin);
  });

  it('bad coupons answer clear codes and write nothing: scope, threshold, stacking, another buyer\'s, expired', async () => {
    const scoped = await claim(buyer!, (await template({ kind: 'fixed', amount: 100, target: 'skus', target_ids: [sku1] })).id);
    const high = await claim(buyer!, (await template({ kind: 'threshold', amount: 100, min_total: 100_000 })).id);
    const a = await claim(buyer!, (await template({ kind: 'fixed', amount: 100 })).id);
    const b = await claim(buyer!, (await template({ kind: 'fixed', amount: 100, stacks_with_coupons: true })).id);
    const short = await claim(buyer!, (await template({ kind: 'fixed', amount: 100, valid_days: 1 })).id);
    const theirs = await claim(other!, (await template({ kind: 'fixed', amount: 100 })).id);
    const lines = [{ sku_id: sku0, quantity: 1 }];
    const before = await rowCounts(db);
    const cases: [string[], number, string][] = [
      [[scoped.id], 422, 'coupon_out_of_scope'], [[high.id], 422, 'coupon_threshold_not_met'], [[a.id, b.id], 422, 'coupon_not_stackable'],
      [[theirs.id], 404, 'coupon_not_found'],
    ];
    for (const [ids, status, code] of cases) {
      expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines, coupon_ids: ids }, { token: buyer }), status, code, code);
      expectProblem(await quote(buyer, { lines, coupon_ids: ids }), status, code, code);
    }
    clock.advance(2 * DAY);
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines, coupon_ids: [short.id] }, { token: buyer }), 409, 'coupon_expired');
    expect(await rowCounts(db)).toEqual(before);
  });

  it('a full refund returns the coupon once; a partial refund keeps it used', async () => {
    const t = await template({ kind: 'fixed', amount: 200, per_customer_limit: 2 });
    const [c1, c2] = [await claim(buyer!, t.id), await claim(buyer!, t.id)];
    const lines = [{ sku_id: sku0, quantity: 2 }];
    const pay = async (couponId: string) => {
      const placed = await api.post('/api/v1/orders', { shop: world.shop, lines, coupon_ids: [couponId] }, { token: buyer });
      expect(placed.status, placed.text).toBe(201);
      return placed.json();
    };
    const full = await pay(c1.id);
    await paidOrderFor(full.id);
    const refund = await api.post(`/api/v1/orders/${full.id}/refunds`, {}, admin);
    expect(refund.status, refund.text).toBe(201);
    const partial = await pay(c2.id);
    await paidOrderFor(partial.id);
    expect((await api.post(`/api/v1/orders/${partial.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, admin)).status).toBe(201);
    const wallet = (await api.get('/api/v1/wallet/coupons', { token: buyer })).json().items as { id: string; status: string }[];
    expect(wallet.find((w) => w.id === c1.id)!.status).toBe('available');
    expect(wallet.find((w) => w.id === c2.id)!.status).toBe('used');
    expect((await api.get(`/api/v1/coupon-templates/${t.id}`, admin)).json()).toMatchObject({ used_count: 1, spent: 200 });
    const redemptions = (await api.get(`/api/v1/coupon-templates/${t.id}/redemptions`, admin)).json().items as { returned_at: string | null }[];
    expect(redemptions.filter((r) => r.returned_at !== null)).toHaveLength(1);
  });

  async function paidOrderFor(orderId: string) {
    const payment = await startPayment(api, buyer!, orderId);
    const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
    expect(res.json().outcome).toBe('order_paid');
  }
});
