import { describe, expect, it } from 'vitest';
import * as jsqrModule from 'jsqr';
import sharp from 'sharp';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { consumerTokens, expectProblem, injectApi, newEventId, postNotification, rowCounts, signedNotification, startPayment } from '../../../test/race/helpers.js';
import { groupBuyFixtures } from '../../../test/group-buys.js';
import { settleDueGroupBuys } from '../../flows/group-settlement.flow.js';
import { groupPosterStatus } from '../../flows/group-share.flow.js';

// jsQR is a CommonJS bundle whose exports hold `default`, wrapped once or twice depending on the loader.
type Decode = typeof import('jsqr').default;
const loaded = jsqrModule as unknown as { default: Decode | { default: Decode } };
const jsQR: Decode = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

describe('ladder group buys, members refunded through after-sales, and the fill rule\'s subsidy in the economics', async () => {
  const { db } = await createTestDatabase({ max: 20 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  // SKUs priced 1000, 1100, 1200 with supply at 60%.
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const tokens = await consumerTokens(siyu, world.shop, 32, '139');
  const { createGroupBuy, order, pay, groupOf, groupRow } = groupBuyFixtures(db, api, clock, world);
  const tiers = [{ size: 3, price: 900 }, { size: 4, price: 850 }, { size: 5, price: 800 }];
  const ladder = (overrides: Record<string, unknown> = {}) => createGroupBuy({ name: '阶梯团', group_size: undefined, member_price: undefined, tiers, opener_price: 880, stock_cap: 50, ...overrides });
  const plain = (overrides: Record<string, unknown> = {}) => createGroupBuy({ stock_cap: 50, ...overrides });
  const orderAndPay = async (token: string, ref: string, groupId?: string) => {
    const placed = await order(token, ref, groupId);
    expect(placed.status, placed.text).toBe(201);
    expect(await pay(token, placed.json().id)).toBe('order_paid');
    return placed.json().id as string;
  };
  const refundsOf = (orderIds: string[]) => db.selectFrom('refunds').select(['order_id', 'amount', 'reason']).where('order_id', 'in', orderIds).orderBy('order_id').execute();
  let next = 0;
  const buyer = () => tokens[next++]!;

  it('refuses tiers out of order, and judges the lowest tier price with the economics guard', async () => {
    const before = await rowCounts(db);
    expectProblem(await ladder({ tiers: [{ size: 3, price: 900 }, { size: 3, price: 850 }] }), 400, 'validation_failed');
    expectProblem(await ladder({ tiers: [{ size: 3, price: 900 }, { size: 5, price: 950 }] }), 400, 'validation_failed');
    expectProblem(await ladder({ group_size: 4 }), 400, 'validation_failed');
    expectProblem(await plain({ member_price: undefined }), 400, 'validation_failed');
    // First tier fine, top tier below supply cost: refused without an override.
    expectProblem(await ladder({ tiers: [{ size: 3, price: 900 }, { size: 10, price: 300 }] }), 422, 'economics_rejected');
    expect(await rowCounts(db)).toEqual(before);
    const created = await ladder();
    expect(created.status, created.text).toBe(201);
    expect(created.json()).toMatchObject({ group_size: 5, member_price: 900, tiers });
  });

  it('forms at the first tier, climbs as more members pay, and settles at the highest tier reached with the difference refunded once, even with two settlement runs at once', async () => {
    const campaign = (await ladder()).json().id as string;
    const opener = await orderAndPay(buyer(), campaign);
    const groupId = await groupOf(opener);
    const members = [opener];
    for (let i = 0; i < 2; i++) members.push(await orderAndPay(buyer(), campaign, groupId));
    expect(await groupRow(groupId)).toMatchObject({ status: 'open', paid: 3, tier_size: 3 });
    let page = (await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`)).json();
    expect(page).toMatchObject({ status: 'open', paid: 3, tier: { size: 3, price: 900 }, next_tier: { size: 4, price: 850, members_needed: 1 }, slots_left: 2 });
    members.push(await orderAndPay(buyer(), campaign, groupId));
    page = (await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`)).json();
    expect(page).toMatchObject({ tier: { size: 4, price: 850 }, next_tier: { size: 5, price: 800, members_needed: 1 } });
    // Nothing is given back before the group settles.
    expect(await refundsOf(members)).toEqual([]);

    clock.advance(61 * 60_000);
    const runs = await Promise.all([settleDueGroupBuys(db, clock), settleDueGroupBuys(db, clock), settleDueGroupBuys(db, clock)]);
    expect(runs.reduce((a, r) => a + r.formed, 0)).toBe(1);
    await settleDueGroupBuys(db, clock);
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', tier_size: 4, tier_price: 850 });
    // The opener paid 880, the others 900; all settle at 850.
    const refunds = await refundsOf(members);
    expect(refunds.map((r) => [r.order_id, Number(r.amount), r.reason])).toEqual(
      members.map((id) => [id, id === opener ? 30 : 50, 'group_buy_ladder']).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    const orders = await db.selectFrom('orders').select(['id', 'status', 'refunded_total']).where('id', 'in', members).execute();
    for (const o of orders) expect(o).toMatchObject({ status: 'partially_refunded', refunded_total: o.id === opener ? 30 : 50 });
    // The buyer's order page shows the refund back beside what was paid.
    const detail = (await api.get(`/api/v1/orders/${members[1]}`, { token: tokens[1]! })).json();
    expect(detail).toMatchObject({ total: 900, refunded_total: 50, group: { group_id: groupId, paid_price: 900, settled_price: 850, refund_back: 50 } });
    const results = (await api.get(`/api/v1/group-buys/${campaign}`, admin)).json();
    expect(results).toMatchObject({ groups: { formed: 1 }, tiers_reached: [{ size: 4, price: 850, groups: 1 }], refunded_back: 180, members_refunded: 0 });
    // A later refund of the goods returns only what is still paid for them.
    const back = await api.post(`/api/v1/orders/${members[1]}/after-sales`, { lines: [{ line_no: 1, quantity: 1 }], reason: '不想要了' }, { token: tokens[1]! });
    expect(back.status, back.text).toBe(201);
    expect((await refundsOf([members[1]!])).map((r) => Number(r.amount)).sort()).toEqual([50, 850]);
  });

  it('settles at once when the top tier fills, and fails below the first tier at expiry with every paid member refunded in full', async () => {
    const campaign = (await ladder()).json().id as string;
    const opener = await orderAndPay(buyer(), campaign);
    const groupId = await groupOf(opener);
    const members = [opener];
    for (let i = 0; i < 4; i++) members.push(await orderAndPay(buyer(), campaign, groupId));
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 5, tier_size: 5, tier_price: 800 });
    expect((await refundsOf(members)).map((r) => Number(r.amount)).sort()).toEqual([100, 100, 100, 100, 80]);
    clock.advance(61 * 60_000);
    await settleDueGroupBuys(db, clock);
    expect(await refundsOf(members)).toHaveLength(5);

    const short = (await ladder()).json().id as string;
    const o1 = await orderAndPay(buyer(), short);
    const shortGroup = await groupOf(o1);
    const o2 = await orderAndPay(buyer(), short, shortGroup);
    clock.advance(61 * 60_000);
    await settleDueGroupBuys(db, clock);
    expect(await groupRow(shortGroup)).toMatchObject({ status: 'failed', tier_size: null });
    expect((await refundsOf([o1, o2])).map((r) => [Number(r.amount), r.reason])).toEqual(
      [[o1, 880], [o2, 900]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)).map(([, amount]) => [amount, 'group_buy_failed']));
  });

  it('members paying at once climb the ladder by their real count: the top tier settles once, each member refunded its difference once', async () => {
    const campaign = (await ladder()).json().id as string;
    const opener = await orderAndPay(buyer(), campaign);
    const groupId = await groupOf(opener);
    const joiners = await Promise.all([buyer(), buyer(), buyer(), buyer()].map(async (token) => {
      const placed = await order(token, campaign, groupId);
      expect(placed.status, placed.text).toBe(201);
      return { token, id: placed.json().id as string, payment: await startPayment(api, token, placed.json().id) };
    }));
    const outcomes = await Promise.all(joiners.map((j) => postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: j.payment.payment_id, amount: j.payment.amount, event_id: newEventId() }))));
    expect(outcomes.map((o) => o.json().outcome)).toEqual(['order_paid', 'order_paid', 'order_paid', 'order_paid']);
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 5, tier_size: 5, tier_price: 800 });
    const refunds = await refundsOf([opener, ...joiners.map((j) => j.id)]);
    expect(refunds.map((r) => Number(r.amount)).sort()).toEqual([100, 100, 100, 100, 80]);
  });

  it('a member refunded in full through after-sales before the group forms frees the slot; after it forms the group stays formed and counts the member as withdrawn', async () => {
    const campaign = (await plain()).json().id as string;
    const openerToken = buyer();
    const opener = await orderAndPay(openerToken, campaign);
    const groupId = await groupOf(opener);
    const leaverToken = buyer();
    const leaver = await orderAndPay(leaverToken, campaign, groupId);
    expect(await groupRow(groupId)).toMatchObject({ members: 2, paid: 2 });
    const asked = await api.post(`/api/v1/orders/${leaver}/after-sales`, { lines: [{ line_no: 1, quantity: 1 }], reason: '买错了' }, { token: leaverToken });
    expect(asked.status, asked.text).toBe(201);
    expect(await groupRow(groupId)).toMatchObject({ status: 'open', members: 1, paid: 1, withdrawn: 0 });
    expect((await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`)).json()).toMatchObject({ slots_left: 2, paid: 1 });
    // The freed slot lets two more buyers in, and the group forms.
    const late = [await orderAndPay(buyer(), campaign, groupId), await orderAndPay(buyer(), campaign, groupId)];
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 3, members: 3 });

    const after = await api.post(`/api/v1/orders/${late[0]}/after-sales`, { lines: [{ line_no: 1, quantity: 1 }], reason: '不要了' }, { token: tokens[next - 2]! });
    expect(after.status, after.text).toBe(201);
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 3, members: 3, withdrawn: 1 });
    expect((await api.get(`/api/v1/group-buys/${campaign}`, admin)).json()).toMatchObject({ groups: { formed: 1 }, members_withdrawn: 2, members_refunded: 0 });
  });

  it('shares a group through a share code: the link opens the group, the joiner\'s order records the sharer, and the poster\'s QR decodes to the link', async () => {
    const campaign = (await ladder()).json().id as string;
    const sharerToken = buyer();
    const opener = await orderAndPay(sharerToken, campaign);
    const groupId = await groupOf(opener);
    await orderAndPay(buyer(), campaign, groupId);
    await orderAndPay(buyer(), campaign, groupId);
    const shared = await api.post(`/api/v1/shops/${world.shop}/groups/${groupId}/share`, {}, { token: sharerToken });
    expect(shared.status, shared.text).toBe(201);
    const share = shared.json();
    expect(share).toMatchObject({ group_id: groupId, shop: world.shop });
    expect(share.poster_url).toContain(`/api/v1/shops/${world.shop}/groups/${groupId}/poster.png?code=${share.code}`);
    expect((await api.post(`/api/v1/shops/${world.shop}/groups/${groupId}/share`, {}, { token: sharerToken })).json().code).toBe(share.code);
    expectProblem(await api.post(`/api/v1/shops/${world.shop}/groups/grp_nonexistent0000/share`, {}, { token: sharerToken }), 404, 'group_not_found');

    const posterUrl = new URL(share.poster_url);
    const poster = await siyu.server.inject({ method: 'GET', url: posterUrl.pathname + posterUrl.search });
    expect(poster.statusCode, poster.body).toBe(200);
    expect(poster.headers['content-type']).toBe('image/png');
    const { data, info } = await sharp(poster.rawPayload).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 750, height: 1200 });
    expect(jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data).toBe(share.link);
    // Another code of the same sharer (the whole shop) draws no poster for this group.
    const plainCode = (await api.post('/api/v1/share-codes', { shop: world.shop }, { token: sharerToken })).json().code;
    expect((await siyu.server.inject({ method: 'GET', url: `/api/v1/shops/${world.shop}/groups/${groupId}/poster.png?code=${plainCode}` })).statusCode).toBe(404);

    // A friend follows the link: it opens the group's page, and their order into the group records the sharer.
    const redirect = await siyu.server.inject({ method: 'GET', url: new URL(share.link).pathname });
    expect(redirect.statusCode).toBe(302);
    const target = new URL(redirect.headers.location as string, 'http://x');
    expect(target.pathname).toBe(`/s/${world.shop}/groups/${groupId}`);
    const friend = buyer();
    const claimed = await api.post('/api/v1/share/visits', { scene: target.searchParams.get('share'), visit_id: target.searchParams.get('visit') }, { token: friend });
    expect(claimed.json()).toMatchObject({ attributed: true });
    const joined = await orderAndPay(friend, campaign, groupId);
    expect(await db.selectFrom('orders').select('share_code').where('id', '=', joined).executeTakeFirstOrThrow()).toEqual({ share_code: share.code });

    // The poster's words: members joined, the next tier and its price, time left, the ladder.
    const page = (await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`)).json();
    expect(groupPosterStatus(page, clock.now())).toEqual({ price: 850, lines: ['已拼 4 人', '再 1 人 ¥8.00', '剩余 1 小时 0 分', '3人¥9.00 4人¥8.50 5人¥8.00'] });
  });

  it('books the fill rule\'s subsidy as a campaign cost in the orders\' waterfalls and the P&L by campaign', async () => {
    const campaign = (await plain({ group_size: 5, form_at_pct: 60 })).json().id as string;
    const opener = await orderAndPay(buyer(), campaign);
    const groupId = await groupOf(opener);
    const paid = [opener, await orderAndPay(buyer(), campaign, groupId), await orderAndPay(buyer(), campaign, groupId)];
    const before = (await api.get(`/api/v1/orders/${paid[1]}/waterfall`, admin)).json();
    expect(before.campaign_subsidy).toBe(0);
    clock.advance(61 * 60_000);
    await settleDueGroupBuys(db, clock);
    expect(Number((await groupRow(groupId)).subsidy)).toBe(400); // 2 missing × (1000 − 800)
    const shares = [];
    for (const id of paid) {
      const w = (await api.get(`/api/v1/orders/${id}/waterfall`, admin)).json();
      shares.push(w.campaign_subsidy);
      if (id === paid[1]) {
        expect(w.campaign_subsidy).toBe(133);
        expect(w.contribution_margin).toBe(before.contribution_margin - 133);
        expect(w.contribution_margin).toBe(w.paid - w.refunds - w.supply_cost - w.payment_fee - w.platform_take - w.fulfillment - w.delivery
          - w.spoilage - w.commission_l1 - w.commission_l2 - w.leader - w.expected_refunds - w.campaign_subsidy);
      }
    }
    expect(shares.reduce((a, b) => a + b, 0)).toBe(400);
    const pnl = (await api.get('/api/v1/economics/pnl?by=campaign', admin)).json();
    expect(pnl.rows.find((r: { key: string }) => r.key === campaign)).toMatchObject({ orders: 3, campaign_subsidy: 400 });
  });
});
