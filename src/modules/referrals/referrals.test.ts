import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { consumerToken, manualClock, seedWorld, startSiyu, testPhones } from '../../../test/fixtures.js';
import { expectProblem, injectApi, newEventId, postNotification, rowCounts, signedNotification, startPayment } from '../../../test/race/helpers.js';

const DAY = 86_400_000;

describe('referral tasks', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const ends = new Date(clock.now().getTime() + 30 * DAY).toISOString();

  /** A friend follows the sharer's short link, signs in, and the shop claims the visit. */
  async function follow(link: string, token: string) {
    const redirect = await siyu.server.inject({ method: 'GET', url: new URL(link).pathname });
    const target = new URL(redirect.headers.location!, 'http://x');
    const res = await api.post('/api/v1/share/visits', { scene: target.searchParams.get('share'), visit_id: target.searchParams.get('visit') }, { token });
    expect(res.status, res.text).toBe(200);
  }
  async function buyAndPay(token: string) {
    const placed = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] }, { token });
    expect(placed.status, placed.text).toBe(201);
    const payment = await startPayment(api, token, placed.json().id);
    const res = await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
    expect(res.json().outcome).toBe('order_paid');
    return placed.json().id as string;
  }

  it('refuses a cash reward per recruit (G2, pay-per-head), writing nothing', async () => {
    const before = await rowCounts(db);
    const res = await api.post('/api/v1/referral-tasks', { name: '拉新返现', invites_required: 1, reward_kind: 'cash', reward_cash: 500, ends_at: ends }, admin);
    expectProblem(res, 422, 'economics_rejected');
    expect(res.json().rules.some((r: { id: string; status: string }) => r.id === 'G2' && r.status === 'fail')).toBe(true);
    expect(await rowCounts(db)).toEqual(before);
    expect((await api.get('/api/v1/referral-tasks', admin)).json().items).toHaveLength(0);
  });

  it('counts first paid orders through the inviter\'s link; not a repeat buyer, not a duplicate identity; rewards points once per N; a refunded first order un-counts', async () => {
    const task = await api.post('/api/v1/referral-tasks', { name: '邀2得100积分', invites_required: 2, reward_kind: 'points', reward_points: 100, ends_at: ends }, admin);
    expect(task.status, task.text).toBe(201);
    expect(task.json().guard.rules.find((r: { id: string }) => r.id === 'G2').status).toBe('pass');
    const inviter = await consumerToken(siyu, world.shop, '13800000001');
    const link = (await api.post('/api/v1/share-codes', { shop: world.shop }, { token: inviter })).json().link as string;

    const [a, b, c] = [await consumerToken(siyu, world.shop, '13800000002'), await consumerToken(siyu, world.shop, '13800000003'), await consumerToken(siyu, world.shop, '13800000004')];
    // b shares an openid with a: one person behind two accounts.
    const ids = await db.selectFrom('customers').select(['id', 'phone_index']).where('tenant_id', '=', world.tenantId).where('phone_index', 'in', ['13800000002', '13800000003'].map((p) => testPhones.index(p))).execute();
    const idOf = (phone: string) => ids.find((r) => r.phone_index === testPhones.index(phone))!.id;
    await sql`INSERT INTO customer_identities (tenant_id, provider, subject, customer_id) VALUES
      (${world.tenantId}, 'wechat_unionid', 'u-same-person', ${idOf('13800000002')})`.execute(db);
    await sql`UPDATE customers SET merged_into = ${idOf('13800000002')} WHERE tenant_id = ${world.tenantId} AND id = ${idOf('13800000003')}`.execute(db);

    await follow(link, a!);
    const first = await buyAndPay(a!);
    await buyAndPay(a!); // a's second order is not a first order: counts nothing more
    await follow(link, b!);
    await buyAndPay(b!); // the same person as a
    let mine = (await api.get('/api/v1/wallet/invitations', { token: inviter })).json();
    expect(mine.tasks[0]).toMatchObject({ counted: 1, rewards: 0 });
    expect(mine.tasks[0].invitees.map((i: { reason: string | null }) => i.reason)).toEqual([null, 'duplicate_identity']);
    expect(mine.points).toBe(0);

    await follow(link, c!);
    await buyAndPay(c!);
    mine = (await api.get('/api/v1/wallet/invitations', { token: inviter })).json();
    expect(mine.tasks[0]).toMatchObject({ counted: 2, rewards: 1 });
    expect(mine.points).toBe(100);

    // a's first order refunded in full: no longer counted; the reward given stays, and no second one.
    expect((await api.post(`/api/v1/orders/${first}/refunds`, {}, admin)).status).toBe(201);
    const progress = (await api.get(`/api/v1/referral-tasks/${task.json().id}/progress`, admin)).json().items;
    expect(progress).toEqual([expect.objectContaining({ counted: 1, refused: 2, rewards: 1 })]);
    expect(progress[0].refused_by_reason).toEqual({ self_invite: 0, duplicate_identity: 1, refunded: 1 });
    expect((await api.get('/api/v1/referral-tasks', admin)).json().items.find((x: { id: string }) => x.id === task.json().id)).toMatchObject({ invites_refused: 2, refused_by_reason: { self_invite: 0, duplicate_identity: 1, refunded: 1 }, rewards_given: 1 });
    const ledger = await db.selectFrom('points_ledger').selectAll().where('tenant_id', '=', world.tenantId).execute();
    expect(ledger).toHaveLength(1);
  });
});
