/**
 * Handovers: a member's customers and groups moved to another within WeCom's limits — a customer
 * handed over twice in 90 days is refused beforehand with the reason; the rest are submitted, and
 * settle by transfer_result after the takeover or fail by a transfer_fail event, in the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu, type World } from '../../../test/fixtures.js';
import type { Siyu } from '../../app.js';
import { newId } from '../../platform/ids.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import type { WecomApi } from '../wecom/wecom.provider.js';
import { handoverWecomEventHandler, runPollJob, runSubmitJob } from './handovers.service.js';

describe('handovers', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-06-01T02:00:00Z'));
  let siyu: Siyu;
  let w: World;
  const calls: { transfers: string[][]; groups: string[][] } = { transfers: [], groups: [] };
  const fake = {
    async transferCustomer(r: { external_userid: string[] }) { calls.transfers.push(r.external_userid); return { customer: r.external_userid.map((e) => ({ external_userid: e, errcode: 0 })) }; },
    async transferGroupChats(r: { chat_id_list: string[] }) { calls.groups.push(r.chat_id_list); return { failed_chat_list: [] }; },
    async transferResult() { return { customer: [{ external_userid: 'wm_a', status: 1 as const, takeover_time: 1780000000 }, { external_userid: 'wm_b', status: 2 as const }] }; },
  } as Partial<WecomApi> as WecomApi;
  const apiOf = async () => fake;

  beforeAll(async () => {
    siyu = await startSiyu(db, clock);
    w = await seedWorld(db, clock);
    const t = w.tenantId;
    await db.insertInto('wecom_members').values([{ tenant_id: t, userid: 'leaving', name: 'Leaving', status: 'left' }, { tenant_id: t, userid: 'taker', name: 'Taker' }]).execute();
    for (const c of ['a', 'b', 'twice']) {
      await db.insertInto('customers').values({ tenant_id: t, id: `c_${c}`, b_node_id: w.bNodeId, name: c, user_id: null }).execute();
      await db.insertInto('customer_follows').values({ tenant_id: t, customer_id: `c_${c}`, userid: 'leaving', external_userid: `wm_${c}`, added_at: new Date('2026-01-01T00:00:00Z') }).execute();
    }
    await db.insertInto('customer_groups').values({ tenant_id: t, id: 'g1', chat_id: 'wr_g1', owner_userid: 'leaving', b_node_id: w.bNodeId }).execute();
    // c_twice was handed over twice in the last 90 days.
    await db.insertInto('handovers').values({ tenant_id: t, id: 'ho_old', kind: 'onjob', handover_userid: 'taker', takeover_userid: 'leaving', created_by: null, created_at: new Date('2026-04-01T00:00:00Z'), submitted_at: null }).execute();
    await db.insertInto('handover_items').values([
      { tenant_id: t, handover_id: 'ho_old', item_key: 'c_twice#1', customer_id: 'c_twice', status: 'done', created_at: new Date('2026-04-01T00:00:00Z') },
      { tenant_id: t, handover_id: 'ho_old', item_key: 'c_twice#2', customer_id: 'c_twice', status: 'done', created_at: new Date('2026-05-01T00:00:00Z') },
    ]).execute();
  });
  afterAll(() => siyu.close());

  it('refuses the twice-handed customer beforehand, submits the rest, settles by result and by transfer_fail', async () => {
    const res = await siyu.server.inject({ method: 'POST', url: '/api/v1/handovers', headers: auth(w.adminToken), payload: { kind: 'resigned', handover_userid: 'leaving', takeover_userid: 'taker' } });
    expect(res.statusCode, res.body).toBe(201);
    const h = res.json();
    const byKey = (items: { item_key: string }[], k: string) => items.find((i) => i.item_key === k);
    expect(byKey(h.items, 'c_twice')).toMatchObject({ status: 'refused', reason: 'transfer_limit_90_days' });
    expect(byKey(h.items, 'c_a')).toMatchObject({ status: 'queued' });
    expect(byKey(h.items, 'g1')).toMatchObject({ status: 'queued', chat_id: 'wr_g1' });

    await runSubmitJob(db, clock, apiOf, w.tenantId, h.id);
    expect(calls.transfers).toEqual([['wm_a', 'wm_b']]);
    expect(calls.groups).toEqual([['wr_g1']]);

    clock.advance(24 * 60 * 60_000);
    expect(await runPollJob(db, clock, apiOf, w.tenantId, h.id)).toEqual({ waiting: 1 });
    await db.transaction().execute((tx) => handoverWecomEventHandler(tx, w.tenantId, {
      corpId: 'ww', createTime: clock.now().getTime() / 1000, event: 'change_external_contact', changeType: 'transfer_fail', userId: 'taker', externalUserId: 'wm_b', failReason: 'customer_refused',
    }));
    const after = (await siyu.server.inject({ method: 'GET', url: `/api/v1/handovers/${h.id}`, headers: auth(w.adminToken) })).json();
    expect(byKey(after.items, 'c_a')).toMatchObject({ status: 'done' });
    expect(byKey(after.items, 'c_b')).toMatchObject({ status: 'failed', reason: 'customer_refused' });
    expect(byKey(after.items, 'g1')).toMatchObject({ status: 'done' });
    const events = await db.selectFrom('customer_events').select(['customer_id', 'kind', 'data']).where('tenant_id', '=', w.tenantId).orderBy('customer_id').execute();
    expect(events.map((e) => [e.customer_id, e.kind])).toEqual([['c_a', 'transferred'], ['c_b', 'transfer_failed']]);
    expect(events[1]!.data).toMatchObject({ reason: 'customer_refused' });
  });

  it('a node\'s owner and staff see their own node\'s members\' handovers only; another node\'s answers 404', async () => {
    const t = w.tenantId;
    const nodeB = newId('bn');
    await db.insertInto('b_nodes').values({ tenant_id: t, id: nodeB, kind: 'store', name: 'Store B', slug: `${w.shop}-hb`, warehouse_id: w.warehouseId }).execute();
    const tokenOf = async (role: 'b_owner', bNodeId: string) => {
      const user = await createUser(db, t, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, password: 'password-123', b_node_id: bNodeId });
      return (await issueToken(db, clock, t, user.id, 'api', 'tests')).token;
    };
    const [ownerA, ownerB] = [await tokenOf('b_owner', w.bNodeId), await tokenOf('b_owner', nodeB)];
    await db.insertInto('wecom_members').values([
      { tenant_id: t, userid: 'a1', name: 'A1', b_node_id: w.bNodeId }, { tenant_id: t, userid: 'a2', name: 'A2', b_node_id: w.bNodeId },
      { tenant_id: t, userid: 'b1', name: 'B1', b_node_id: nodeB }, { tenant_id: t, userid: 'b2', name: 'B2', b_node_id: nodeB },
    ]).execute();
    for (const [c, member] of [['sa', 'a1'], ['sb', 'b1']] as const) {
      await db.insertInto('customers').values({ tenant_id: t, id: `c_${c}`, b_node_id: w.bNodeId, name: c, user_id: null }).execute();
      await db.insertInto('customer_follows').values({ tenant_id: t, customer_id: `c_${c}`, userid: member, external_userid: `wm_${c}`, added_at: new Date('2026-01-01T00:00:00Z') }).execute();
    }
    const hand = async (token: string, from: string, to: string) =>
      (await siyu.server.inject({ method: 'POST', url: '/api/v1/handovers', headers: auth(token), payload: { kind: 'onjob', handover_userid: from, takeover_userid: to } })).json();
    const ofA = await hand(ownerA, 'a1', 'a2');
    const ofB = await hand(w.adminToken, 'b1', 'b2');
    const list = async (token: string) => (await siyu.server.inject({ method: 'GET', url: '/api/v1/handovers', headers: auth(token) })).json().items.map((h: { id: string }) => h.id);
    const detail = async (token: string, id: string) => (await siyu.server.inject({ method: 'GET', url: `/api/v1/handovers/${id}`, headers: auth(token) })).statusCode;
    expect(await list(ownerA)).toEqual([ofA.id]);
    expect(await list(ownerB)).toEqual([ofB.id]);
    expect(await list(w.adminToken)).toEqual(expect.arrayContaining([ofA.id, ofB.id]));
    expect(await detail(ownerA, ofA.id)).toBe(200);
    expect(await detail(ownerA, ofB.id)).toBe(404);
    expect(await detail(ownerB, ofA.id)).toBe(404);
  });
});
