import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu, stockOf } from '../../../test/fixtures.js';
import { consumerTokens, expectProblem, injectApi, newEventId, postNotification, rowCounts, signedNotification, startPayment } from '../../../test/race/helpers.js';
import { groupBuyFixtures } from '../../../test/group-buys.js';
import { settleDueGroupBuys } from '../../flows/group-settlement.flow.js';
import { expireDueOrders } from '../../flows/order-lifecycle.flow.js';

describe('group buys', async () => {
  const { db } = await createTestDatabase({ max: 20 });
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  // SKUs priced 1000, 1100, 1200 with supply at 60%.
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const tokens = await consumerTokens(siyu, world.shop, 8, '137');
  const sku = world.skus[0]!.id;
  const { createGroupBuy: groupBuy, order, pay, groupOf, groupRow } = groupBuyFixtures(db, api, clock, world);
  const orderStatus = async (id: string) => (await db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('refuses group prices at or above the shop price, and loss-making ones without an override', async () => {
    expectProblem(await groupBuy({ member_price: 1000 }), 422, 'group_buy_prices');
    expectProblem(await groupBuy({ member_price: 300 }), 422, 'economics_rejected');
    expectProblem(await groupBuy({ group_size: 51 }), 400, 'validation_failed');
    expect(await db.selectFrom('group_buys').select('id').execute()).toHaveLength(0);
  });

  let campaign = '';
  it('opens a group on the opener\'s payment, lets others join at the member price and forms when every member has paid', async () => {
    const created = await groupBuy();
    expect(created.status, created.text).toBe(201);
    campaign = created.json().id;
    const opener = await order(tokens[0]!, campaign);
    expect(opener.status, opener.text).toBe(201);
    expect(opener.json()).toMatchObject({ total: 850 });
    const groupId = await groupOf(opener.json().id);
    // Not visible (nor joinable) before the opener pays.
    expect((await api.get(`/api/v1/shops/${world.shop}/group-buys`)).json().items[0].open_groups).toEqual([]);
    expectProblem(await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`), 404, 'group_not_found');
    const before = await rowCounts(db);
    expectProblem(await order(tokens[1]!, campaign, groupId), 404, 'group_not_found');
    expect(await rowCounts(db)).toEqual(before);

    expect(await pay(tokens[0]!, opener.json().id)).toBe('order_paid');
    const page = (await api.get(`/api/v1/shops/${world.shop}/groups/${groupId}`)).json();
    expect(page).toMatchObject({ status: 'open', size: 3, slots_left: 2, members: [{ name: 'C*', role: 'opener', paid: true }] });
    expect(new Date(page.expires_at).getTime()).toBe(clock.now().getTime() + 60 * 60_000);

    const m1 = await order(tokens[1]!, campaign, groupId);
    expect(m1.json()).toMatchObject({ total: 800 });
    const row = await db.selectFrom('orders').select(['campaign_kind', 'campaign_ref']).where('id', '=', m1.json().id).executeTakeFirstOrThrow();
    expect(row).toEqual({ campaign_kind: 'group_buy', campaign_ref: campaign });
    const counts = await rowCounts(db);
    expectProblem(await order(tokens[1]!, campaign, groupId), 409, 'group_already_joined');
    expectProblem(await order(tokens[0]!, campaign), 409, 'group_buy_limit_reached');
    const m2 = await order(tokens[2]!, campaign, groupId);
    expect(m2.status).toBe(201);
    const c2 = await rowCounts(db);
    expectProblem(await order(tokens[3]!, campaign, groupId), 409, 'group_full');
    expect(await rowCounts(db)).toEqual(c2);
    expect(c2.orders).toBe(counts.orders + 1);

    expect(await pay(tokens[1]!, m1.json().id)).toBe('order_paid');
    expect((await groupRow(groupId)).status).toBe('open');
    expect(await pay(tokens[2]!, m2.json().id)).toBe('order_paid');
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 3, members: 3 });
    expectProblem(await order(tokens[3]!, campaign, groupId), 409, 'group_full');
  });

  it('frees an unpaid member\'s slot when the order expires; a group that runs out of time fails and refunds each paid member once, even with two settlement runs at once', async () => {
    const opener = await order(tokens[3]!, campaign);
    await pay(tokens[3]!, opener.json().id);
    const groupId = await groupOf(opener.json().id);
    const paidMember = await order(tokens[4]!, campaign, groupId);
    await pay(tokens[4]!, paidMember.json().id);
    const unpaid = await order(tokens[5]!, campaign, groupId);
    expect((await groupRow(groupId)).members).toBe(3);
    clock.advance(16 * 60_000);
    await expireDueOrders(db, clock);
    expect(await groupRow(groupId)).toMatchObject({ members: 2, paid: 2, status: 'open' });
    const late = await order(tokens[6]!, campaign, groupId); // takes the freed slot, pays after the group failed
    expect(late.status, late.text).toBe(201);
    const latePayment = await startPayment(api, tokens[6]!, late.json().id);

    const stockBefore = await stockOf(db, world.tenantId, sku);
    clock.advance(45 * 60_000); // past the group's 60 minutes
    const runs = await Promise.all([settleDueGroupBuys(db, clock), settleDueGroupBuys(db, clock)]);
    expect(runs[0]!.failed + runs[1]!.failed).toBe(1);
    await settleDueGroupBuys(db, clock);
    expect((await groupRow(groupId)).status).toBe('failed');
    for (const id of [opener.json().id, paidMember.json().id]) expect(await orderStatus(id)).toBe('refunded');
    const refunds = await db.selectFrom('refunds').select(['order_id', 'amount']).where('order_id', 'in', [opener.json().id, paidMember.json().id]).execute();
    expect(refunds.map((r) => Number(r.amount)).sort()).toEqual([800, 850]);
    expect((await stockOf(db, world.tenantId, sku)).reserved).toBe(stockBefore.reserved - 2);
    expect(await orderStatus(unpaid.json().id)).toBe('expired');
    expectProblem(await order(tokens[7]!, campaign, groupId), 409, 'group_failed');

    // Paying after the group failed: paid, then refunded at once.
    const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: latePayment.payment_id, amount: latePayment.amount, event_id: newEventId() }));
    expect(res.json().outcome).toBe('order_paid');
    expect(await orderStatus(late.json().id)).toBe('refunded');
    const results = (await api.get(`/api/v1/group-buys/${campaign}`, admin)).json();
    expect(results).toMatchObject({ groups: { formed: 1, failed: 1 }, members_refunded: 3, refunded_amount: 2450 });
  });

  it('forms at expiry under the disclosed "at least X% filled" rule, booking the missing members\' price concession as a subsidy', async () => {
    const created = await groupBuy({ name: '五人团', group_size: 5, form_at_pct: 60 });
    const id = created.json().id;
    const opener = await order(tokens[0]!, id);
    await pay(tokens[0]!, opener.json().id);
    const groupId = await groupOf(opener.json().id);
    for (const t of [tokens[1]!, tokens[2]!]) {
      const o = await order(t, id, groupId);
      await pay(t, o.json().id);
    }
    clock.advance(61 * 60_000);
    await settleDueGroupBuys(db, clock);
    // 2 missing members × (1000 shop price − 800 member price).
    expect(await groupRow(groupId)).toMatchObject({ status: 'formed', paid: 3 });
    expect(Number((await groupRow(groupId)).subsidy)).toBe(400);
    const shares = await db.selectFrom('group_buy_members').select('subsidy').where('group_id', '=', groupId).execute();
    expect(shares.reduce((a, s) => a + Number(s.subsidy), 0)).toBe(400);
    expect((await api.get(`/api/v1/group-buys/${id}`, admin)).json()).toMatchObject({ subsidy_booked: 400, groups: { formed: 1 } });
  });
});
