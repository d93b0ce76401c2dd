import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { consumerTokens, expectProblem, injectApi } from '../../../test/race/helpers.js';
import { bargainCuts } from './bargain-cuts.js';

describe('bargains (砍价)', async () => {
  const { db } = await createTestDatabase({ max: 30 });
  const clock = manualClock(new Date('2026-11-02T02:00:00Z'));
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const t = world.tenantId;
  const sku = world.skus[0]!; // 1000 fen, supply 600
  const [starter, other, ...friends] = await consumerTokens(siyu, world.shop, 30, '135');
  const count = async (table: 'bargain_campaigns' | 'bargains' | 'bargain_helps' | 'orders') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', t).executeTakeFirstOrThrow()).n);
  const ends = new Date(clock.now().getTime() + 7 * 86_400_000).toISOString();
  const terms = { b_node_id: world.bNodeId, sku_id: sku.id, title: '砍到 7 元', start_price: 1000, floor_price: 700, helpers_needed: 5, valid_hours: 24, ends_at: ends };

  let campaignId = '';
  it('refuses campaigns that cannot end at their floor or sell below cost, writing nothing', async () => {
    expectProblem(await api.post('/api/v1/bargain-campaigns', { ...terms, floor_price: 1000 }, admin), 422, 'bargain_floor_not_below_start');
    expectProblem(await api.post('/api/v1/bargain-campaigns', { ...terms, floor_price: 998 }, admin), 422, 'bargain_cut_too_small');
    expectProblem(await api.post('/api/v1/bargain-campaigns', { ...terms, floor_price: 500 }, admin), 422, 'bargain_floor_below_cost');
    expectProblem(await api.post('/api/v1/bargain-campaigns', { ...terms, sku_id: 'sku_nope' }, admin), 422, 'sku_not_listed');
    expect((await api.post('/api/v1/bargain-campaigns', terms, { token: starter! })).status).toBe(403);
    expect(await count('bargain_campaigns')).toBe(0);
    const res = await api.post('/api/v1/bargain-campaigns', terms, admin);
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ running: true, started: 0, reached: 0, bought: 0, product_title: 'Apples' });
    campaignId = res.json().id;
    expect((await api.get(`/api/v1/shops/${world.shop}/bargains`, {})).json().items.map((c: { id: string }) => c.id)).toEqual([campaignId]);
  });

  let bargainId = '';
  it('starts one bargain per buyer whose cuts come from its stored seed; a friend helps once, the starter never', async () => {
    const res = await api.post(`/api/v1/shops/${world.shop}/bargains`, { campaign_id: campaignId }, { token: starter! });
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ price: 1000, helped: 0, helpers_needed: 5, status: 'open', mine: true });
    bargainId = res.json().id;
    expect((await api.post(`/api/v1/shops/${world.shop}/bargains`, { campaign_id: campaignId }, { token: starter! })).json().id).toBe(bargainId);
    const row = await db.selectFrom('bargains').select(['seed', 'cuts']).where('id', '=', bargainId).executeTakeFirstOrThrow();
    const cuts = row.cuts.map(Number);
    expect(cuts).toEqual(bargainCuts(300, 5, Number(row.seed)));

    expectProblem(await api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token: starter! }), 422, 'cannot_help_own_bargain');
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: sku.id, quantity: 1 }], campaign: { kind: 'bargain', ref: bargainId } }, { token: starter! }), 409, 'bargain_not_reached');
    const first = await api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token: friends[0]! });
    expect(first.status, first.text).toBe(200);
    expect(first.json()).toMatchObject({ helped: 1, price: 1000 - cuts[0]!, helped_by_me: true, mine: false });
    expectProblem(await api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token: friends[0]! }), 409, 'already_helped');
    expect(await count('bargain_helps')).toBe(1);
    // The same friend twice at once: one help.
    const twice = await Promise.all([0, 1, 2].map(() => api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token: friends[1]! })));
    expect(twice.filter((r) => r.status === 200)).toHaveLength(1);
    expect(twice.filter((r) => r.status === 409).map((r) => r.json().code)).toEqual(['already_helped', 'already_helped']);
    expect(await count('bargain_helps')).toBe(2);
  });

  it('ends exactly at the floor with the last helper, however many race for the last cuts', async () => {
    const racers = friends.slice(2, 22);
    const results = await Promise.all(racers.map((token) => api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(new Set(results.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.json().code}`))).toEqual(new Set(['409 bargain_complete']));
    const view = await api.get(`/api/v1/bargains/${bargainId}`, { token: starter! });
    expect(view.json()).toMatchObject({ helped: 5, price: 700, status: 'reached' });
    expect(view.json().helps.reduce((a: number, h: { cut: number }) => a + h.cut, 0)).toBe(300);
    expect(await count('bargain_helps')).toBe(5);
  });

  it('lets the starter alone buy one unit at the price reached, once', async () => {
    const body = (lines: { sku_id: string; quantity: number }[]) => ({ shop: world.shop, lines, campaign: { kind: 'bargain', ref: bargainId } });
    const before = await count('orders');
    expectProblem(await api.post('/api/v1/orders', body([{ sku_id: sku.id, quantity: 2 }]), { token: starter! }), 422, 'bargain_one_unit');
    expectProblem(await api.post('/api/v1/orders', body([{ sku_id: world.skus[1]!.id, quantity: 1 }]), { token: starter! }), 422, 'bargain_one_unit');
    expectProblem(await api.post('/api/v1/orders', body([{ sku_id: sku.id, quantity: 1 }]), { token: other! }), 404, 'bargain_not_found');
    expect(await count('orders')).toBe(before);
    const [a, b] = await Promise.all([0, 1].map(() => api.post('/api/v1/orders', body([{ sku_id: sku.id, quantity: 1 }]), { token: starter! })));
    const ok = [a!, b!].filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    expect([a!, b!].find((r) => r.status !== 201)!.json().code).toBe('bargain_used');
    expect(ok[0]!.json()).toMatchObject({ subtotal: 1000, discount: 300, total: 700 });
    const row = await db.selectFrom('orders').select(['campaign_kind', 'campaign_ref']).where('id', '=', ok[0]!.json().id).executeTakeFirstOrThrow();
    expect(row).toEqual({ campaign_kind: 'bargain', campaign_ref: bargainId });
    // Its order closed unpaid: the bargain may be bought again.
    expect((await api.post(`/api/v1/orders/${ok[0]!.json().id}/cancel`, {}, { token: starter! })).status).toBe(200);
    const again = await api.post('/api/v1/orders', body([{ sku_id: sku.id, quantity: 1 }]), { token: starter! });
    expect(again.status, again.text).toBe(201);
    expect((await api.get('/api/v1/bargain-campaigns', admin)).json().items[0]).toMatchObject({ started: 1, reached: 1 });
  });

  it('judges the floor with the economics guard: a floor that loses money after fees and commission is refused, writing nothing, unless an admin overrides it with a reason', async () => {
    const campaigns = async () => (await api.get('/api/v1/bargain-campaigns', admin)).json().items as { id: string; verdict: string | null; guard: { rules: { id: string; status: string; overridden?: boolean }[] } | null; override_reason: string | null }[];
    // The campaign made above passed: its verdict and the guard's rules are kept with it.
    expect((await campaigns()).find((c) => c.id === campaignId)).toMatchObject({ verdict: expect.stringMatching(/^(accept|warn)$/), guard: { rules: expect.any(Array) }, override_reason: null });
    // Above the supply cost (600), so the floor check passes; the fees, refunds and spoilage eat the rest.
    const thin = { ...terms, title: '砍到 6.10', floor_price: 610 };
    const before = await count('bargain_campaigns');
    const refused = await api.post('/api/v1/bargain-campaigns', thin, admin);
    expectProblem(refused, 422, 'economics_rejected');
    expect(refused.json()).toMatchObject({ sku_id: sku.id, floor_price: 610, b_node_id: world.bNodeId });
    expect(refused.json().rules.some((r: { status: string }) => r.status === 'fail')).toBe(true);
    expect(await count('bargain_campaigns')).toBe(before);
    // A reason too short is bad input, nothing written.
    expect((await api.post('/api/v1/bargain-campaigns', { ...thin, override: { reason: 'x' } }, admin)).status).toBe(400);
    expect(await count('bargain_campaigns')).toBe(before);

    const overridden = await api.post('/api/v1/bargain-campaigns', { ...thin, override: { reason: '新店开业，限 24 小时' } }, admin);
    expect(overridden.status, overridden.text).toBe(201);
    expect(overridden.json()).toMatchObject({ floor_price: 610, override_reason: '新店开业，限 24 小时', verdict: expect.stringMatching(/^(accept|warn)$/) });
    const kept = (await campaigns()).find((c) => c.id === overridden.json().id)!;
    expect(kept.override_reason).toBe('新店开业，限 24 小时');
    const failed = kept.guard!.rules.filter((r) => r.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.overridden)).toBe(true);
    const audited = await db.selectFrom('audit_log').select(['action', 'details']).where('tenant_id', '=', t).where('entity_id', '=', overridden.json().id).where('action', '=', 'economics.override').execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).toMatchObject({ reason: '新店开业，限 24 小时' });
  });
});
