/**
 * Mass messages end to end through the API and the jobs: planned (who receives, who is skipped and
 * why), confirmed for a time, one add_msg_template per sender member with only the will-receive
 * customers (one over the cap is never sent), per-recipient results fetched back from WeCom,
 * cancellation giving the cap slots back, and node roles kept to their node.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu, testPhones, type World } from '../../../test/fixtures.js';
import { phoneColumns } from '../customers/customer-phones.service.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import type { Siyu } from '../../app.js';
import type { GroupMsgSendResult, MsgTemplateRequest, WecomApi } from '../wecom/wecom.provider.js';
import { PLAN_HOLD_MS, runResultsJob, runSendJob } from './broadcasts.service.js';

describe('mass messages: plan, confirm, send, results', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-03-10T02:00:00Z'));
  let siyu: Siyu;
  let w: World;
  let ownerToken: string;
  let staffToken: string;
  const templates: (MsgTemplateRequest & { msgid: string })[] = [];
  const results = new Map<string, GroupMsgSendResult[]>();
  const fake = {
    async addMsgTemplate(request: MsgTemplateRequest) {
      const msgid = `msg${templates.length + 1}`;
      templates.push({ ...request, msgid });
      // WeCom refuses one customer it no longer knows.
      return { msgid, fail_list: (request.external_userid ?? []).filter((e) => e === 'wm_c_gone_at_wecom') };
    },
    async getGroupMsgSendResult(msgid: string, userid: string, cursor?: string) {
      const all = (results.get(msgid) ?? []).filter((r) => r.userid === userid);
      const from = Number(cursor ?? 0);
      return { send_list: all.slice(from, from + 2), ...(from + 2 < all.length ? { next_cursor: String(from + 2) } : {}) };
    },
  } as Partial<WecomApi> as WecomApi;
  const apiOf = async () => fake;

  beforeAll(async () => {
    siyu = await startSiyu(db, clock);
    w = await seedWorld(db, clock);
    const t = w.tenantId;
    const owner = await createUser(db, t, { login: 'owner', display_name: 'Owner', role: 'b_owner', b_node_id: w.bNodeId, password: 'owner-password' });
    ownerToken = (await issueToken(db, clock, t, owner.id, 'api', 'tests')).token;
    const staff = await createUser(db, t, { login: 'staff', display_name: 'Staff', role: 'staff', b_node_id: w.bNodeId, password: 'staff-password' });
    staffToken = (await issueToken(db, clock, t, staff.id, 'api', 'tests')).token;
    await db.insertInto('wecom_members').values([{ tenant_id: t, userid: 'zhang', name: 'Zhang' }, { tenant_id: t, userid: 'li', name: 'Li' }]).execute();
    await db.insertInto('customer_tag_groups').values({ tenant_id: t, id: 'tg', name: 'Interests' }).execute();
    await db.insertInto('customer_tags').values({ tenant_id: t, id: 'fruit', group_id: 'tg', name: 'Fruit' }).execute();
    const customers = [
      { id: 'c_zhang1', member: 'zhang' }, { id: 'c_zhang2', member: 'zhang' }, { id: 'c_li', member: 'li' },
      { id: 'c_full', member: 'li' }, { id: 'c_gone_at_wecom', member: 'zhang' },
    ];
    for (const c of customers) {
      await db.insertInto('customers').values({ tenant_id: t, id: c.id, b_node_id: w.bNodeId, name: c.id, user_id: null }).execute();
      await db.insertInto('customer_follows').values({ tenant_id: t, customer_id: c.id, userid: c.member, external_userid: `wm_${c.id}`, added_at: new Date('2026-01-01T00:00:00Z') }).execute();
      await db.insertInto('customer_tag_links').values({ tenant_id: t, customer_id: c.id, tag_id: 'fruit' }).execute();
    }
    // c_full already got 31 messages this March (in Shanghai): the cap.
    for (let i = 0; i < 31; i++) {
      const id = `bc_past_${i}`;
      const at = new Date(Date.UTC(2026, 2, 1 + i, 1));
      await db.insertInto('broadcasts').values({ tenant_id: t, id, chat_type: 'single', audience: '{}', content: '{}', status: 'sent', send_at: at, planned_at: at, sender_userid: null, created_by: null }).execute();
      await db.insertInto('broadcast_recipients').values({ tenant_id: t, broadcast_id: id, recipient_key: 'c_full', initiator: 'corp', customer_id: 'c_full', status: 'sent', counted_at: at }).execute();
    }
  });
  afterAll(() => siyu.close());

  const api = (method: 'GET' | 'POST' | 'PUT', url: string, token = w.adminToken, payload?: object) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(payload ? { payload } : {}) });
  const message = { text: '周末苹果特价', attachments: [{ msgtype: 'link', link: { title: 'Apples', url: 'https://shop.example/apples' } }] };

  it('plans, shows who is skipped and why, sends only the will-receive per member, and fetches each result', async () => {
    const planned = await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: { tags_any: ['fruit'] }, content: message, send_at: '2026-03-10T04:00:00Z' });
    expect(planned.statusCode, planned.body).toBe(201);
    const b = planned.json();
    expect(b).toMatchObject({ status: 'planned', counts: { total: 5, will_receive: 4, skipped: 1, by_skip_reason: { over_cap: 1 } }, cap: { period: 'month', limit: 31 } });
    const skipped = (await api('GET', `/broadcasts/${b.id}/recipients?status=skipped`)).json().items;
    expect(skipped).toEqual([expect.objectContaining({ customer_id: 'c_full', skip_reason: 'over_cap', customer_name: 'c_full' })]);

    const confirmed = await api('POST', `/broadcasts/${b.id}/confirm`);
    expect(confirmed.json()).toMatchObject({ status: 'scheduled' });
    // The job waits for its time: two hours from now.
    const job = await sql<{ run_at: Date }>`SELECT run_at FROM graphile_worker.jobs WHERE task_identifier = 'broadcasts.send'`.execute(db);
    expect(job.rows).toHaveLength(1);
    expect(job.rows[0]!.run_at.getTime() - Date.now()).toBeGreaterThan(110 * 60_000);
    expect((await api('POST', `/broadcasts/${b.id}/confirm`)).statusCode).toBe(409);

    await runSendJob(db, clock, apiOf, w.tenantId, b.id);
    // One task per member; the customer over the cap is in none of them.
    expect(templates.map((t) => [t.sender, t.external_userid?.sort()])).toEqual([
      ['li', ['wm_c_li']], ['zhang', ['wm_c_gone_at_wecom', 'wm_c_zhang1', 'wm_c_zhang2']],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(templates.flatMap((t) => t.external_userid)).not.toContain('wm_c_full');
    expect(templates[0]).toMatchObject({ chat_type: 'single', text: { content: '周末苹果特价' }, attachments: [{ msgtype: 'link' }] });
    // Running the job again sends nothing twice.
    await runSendJob(db, clock, apiOf, w.tenantId, b.id);
    expect(templates).toHaveLength(2);
    const sent = (await api('GET', `/broadcasts/${b.id}`)).json();
    expect(sent).toMatchObject({ status: 'sent', counts: { by_status: { pending: 3, failed: 1, skipped: 1 } } });

    const zhangMsg = templates.find((t) => t.sender === 'zhang')!.msgid;
    const liMsg = templates.find((t) => t.sender === 'li')!.msgid;
    results.set(zhangMsg, [
      { external_userid: 'wm_c_zhang1', userid: 'zhang', status: 1, send_time: 1773122400 },
      { external_userid: 'wm_c_zhang2', userid: 'zhang', status: 2 },
    ]);
    results.set(liMsg, [{ external_userid: 'wm_c_li', userid: 'li', status: 0 }]);
    clock.advance(2 * 60 * 60_000);
    expect(await runResultsJob(db, clock, apiOf, w.tenantId, b.id)).toEqual({ pending: 1 });
    results.set(liMsg, [{ external_userid: 'wm_c_li', userid: 'li', status: 3 }]);
    expect(await runResultsJob(db, clock, apiOf, w.tenantId, b.id)).toEqual({ pending: 0 });
    const rows = (await api('GET', `/broadcasts/${b.id}/recipients`)).json().items;
    const statusOf = (c: string) => rows.find((r: { customer_id: string }) => r.customer_id === c);
    expect(statusOf('c_zhang1')).toMatchObject({ status: 'sent', sent_time: new Date(1773122400 * 1000).toISOString() });
    expect(statusOf('c_zhang2')).toMatchObject({ status: 'not_contact' });
    expect(statusOf('c_li')).toMatchObject({ status: 'refused_by_wecom' });
    expect(statusOf('c_gone_at_wecom')).toMatchObject({ status: 'failed' });
    // Only the delivered one still counts against its cap.
    const counted = await db.selectFrom('broadcast_recipients').select('customer_id').where('broadcast_id', '=', b.id).where('counted_at', 'is not', null).execute();
    expect(counted.map((r) => r.customer_id)).toEqual(['c_zhang1']);
    // The delivered one's timeline says 'messaged' (the broadcast, the member, WeCom's send time), once.
    const messaged = async () => db.selectFrom('customer_events').select(['customer_id', 'userid', 'data', 'occurred_at']).where('tenant_id', '=', w.tenantId).where('kind', '=', 'messaged').execute();
    expect(await messaged()).toEqual([{ customer_id: 'c_zhang1', userid: 'zhang', data: { broadcast_id: b.id }, occurred_at: new Date(1773122400 * 1000) }]);
    await sql`UPDATE broadcast_recipients SET status = 'pending' WHERE broadcast_id = ${b.id} AND customer_id = 'c_zhang1'`.execute(db);
    await runResultsJob(db, clock, apiOf, w.tenantId, b.id);
    expect(await messaged()).toHaveLength(1);
    expect((await api('GET', '/customers/c_zhang1')).json().timeline.map((e: { kind: string }) => e.kind)).toContain('messaged');
  });

  it('a cancelled plan gives its cap slots back', async () => {
    await api('PUT', '/broadcasts/settings', w.adminToken, { cap_period: 'day' });
    const first = (await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: { customer_ids: ['c_li'] }, content: { text: 'one' } })).json();
    expect(first.counts).toMatchObject({ will_receive: 1 });
    const second = (await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: { customer_ids: ['c_li'] }, content: { text: 'two' } })).json();
    expect(second.counts).toMatchObject({ will_receive: 0, by_skip_reason: { over_cap: 1 } });
    expect((await api('POST', `/broadcasts/${first.id}/cancel`)).json()).toMatchObject({ status: 'cancelled', counts: { by_status: { cancelled: 1 } } });
    const third = (await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: { customer_ids: ['c_li'] }, content: { text: 'three' } })).json();
    expect(third.counts).toMatchObject({ will_receive: 1 });
    await api('POST', `/broadcasts/${third.id}/cancel`);
    await api('PUT', '/broadcasts/settings', w.adminToken, { cap_period: 'month' });
  });

  it('a plan left unconfirmed past its hold gives its slots back, and confirming it late is refused', async () => {
    await api('PUT', '/broadcasts/settings', w.adminToken, { cap_period: 'day' });
    const sendAt = new Date(clock.now().getTime() + 30 * 60 * 60_000).toISOString();
    const body = (text: string) => ({ chat_type: 'single', audience: { customer_ids: ['c_li'] }, content: { text }, send_at: sendAt });
    const first = (await api('POST', '/broadcasts', w.adminToken, body('one'))).json();
    expect(first.counts).toMatchObject({ will_receive: 1 });
    clock.advance(PLAN_HOLD_MS - 60_000);
    // Still held: the same day's second message is over the cap.
    const early = (await api('POST', '/broadcasts', w.adminToken, body('two'))).json();
    expect(early.counts).toMatchObject({ will_receive: 0, by_skip_reason: { over_cap: 1 } });
    clock.advance(2 * 60_000);
    const late = (await api('POST', '/broadcasts', w.adminToken, body('three'))).json();
    expect(late.counts).toMatchObject({ will_receive: 1 });
    expect((await api('GET', `/broadcasts/${first.id}`)).json()).toMatchObject({ status: 'cancelled', counts: { by_status: { cancelled: 1 } } });
    const refused = await api('POST', `/broadcasts/${first.id}/confirm`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'broadcast_plan_expired' });
    expect((await api('POST', `/broadcasts/${late.id}/confirm`)).json()).toMatchObject({ status: 'scheduled' });
    await api('POST', `/broadcasts/${late.id}/cancel`);
    await api('POST', `/broadcasts/${early.id}/cancel`);
    await api('PUT', '/broadcasts/settings', w.adminToken, { cap_period: 'month' });
  });

  it('refuses bad input with nothing written, and keeps node roles to their node', async () => {
    const before = (await db.selectFrom('broadcasts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const tooMany = Array.from({ length: 10 }, () => ({ msgtype: 'image', image: { pic_url: 'https://shop.example/a.png' } }));
    expect((await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: {}, content: { text: 'x', attachments: tooMany } })).statusCode).toBe(400);
    expect((await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: {}, content: { attachments: [] } })).statusCode).toBe(400);
    expect((await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', initiator: 'member', audience: {}, content: { text: 'x' } })).json()).toMatchObject({ code: 'broadcast_sender_required' });
    expect((await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', initiator: 'member', sender_userid: 'nobody', audience: {}, content: { text: 'x' } })).json()).toMatchObject({ code: 'broadcast_sender_unknown' });
    expect((await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: {}, content: { text: 'x' }, send_at: '2020-01-01T00:00:00Z' })).json()).toMatchObject({ code: 'broadcast_send_at_past' });
    expect((await api('POST', '/broadcasts', ownerToken, { chat_type: 'single', audience: { b_node_id: 'bn_elsewhere' }, content: { text: 'x' } })).statusCode).toBe(403);
    expect((await db.selectFrom('broadcasts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n).toBe(before);

    // The owner plans for their node; staff read it but may not plan or send.
    const mine = await api('POST', '/broadcasts', ownerToken, { chat_type: 'single', audience: { tags_any: ['fruit'] }, content: { text: 'x' } });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().audience).toMatchObject({ b_node_id: w.bNodeId });
    expect((await api('GET', `/broadcasts/${mine.json().id}`, staffToken)).statusCode).toBe(200);
    expect((await api('POST', `/broadcasts/${mine.json().id}/confirm`, staffToken)).statusCode).toBe(403);
    expect((await api('POST', '/broadcasts', staffToken, { chat_type: 'single', audience: {}, content: { text: 'x' } })).statusCode).toBe(403);
    // The admin's tenant-wide broadcasts are not the owner's to see.
    const admins = (await api('GET', '/broadcasts')).json().items.filter((b: { audience: { b_node_id?: string } }) => !b.audience.b_node_id);
    expect(admins.length).toBeGreaterThan(0);
    expect((await api('GET', `/broadcasts/${admins[0].id}`, ownerToken)).statusCode).toBe(404);
    expect((await api('GET', '/broadcasts', ownerToken)).json().items.map((b: { id: string }) => b.id)).toEqual([mine.json().id]);
  });

  it('the plan and its results name each group and its owner, and show a customer by name and masked phone', async () => {
    const t = w.tenantId;
    await db.insertInto('customer_groups').values([
      { tenant_id: t, id: 'grp_apples', chat_id: 'wr_apples_chat', name: '苹果团购群', owner_userid: 'zhang', b_node_id: w.bNodeId },
      { tenant_id: t, id: 'grp_unnamed', chat_id: 'wr_unnamed_chat', owner_userid: 'li', b_node_id: w.bNodeId },
    ]).execute();
    const grouped = (await api('POST', '/broadcasts', w.adminToken, { chat_type: 'group', audience: { group_ids: ['grp_apples', 'grp_unnamed'] }, content: { text: '群发' } })).json();
    expect(grouped.counts).toMatchObject({ will_receive: 2 });
    const groups = (await api('GET', `/broadcasts/${grouped.id}/recipients`)).json().items;
    expect(groups).toEqual([
      expect.objectContaining({ group_id: 'grp_apples', chat_id: 'wr_apples_chat', group_name: '苹果团购群', group_owner_userid: 'zhang', group_owner_name: 'Zhang', customer_name: null }),
      expect.objectContaining({ group_id: 'grp_unnamed', group_name: '', group_owner_name: 'Li' }),
    ]);
    // A group dismissed since keeps its name in the results.
    await db.updateTable('customer_groups').set({ status: 'dismissed' }).where('tenant_id', '=', t).where('id', '=', 'grp_apples').execute();
    expect((await api('GET', `/broadcasts/${grouped.id}/recipients`)).json().items[0]).toMatchObject({ group_name: '苹果团购群', group_owner_name: 'Zhang' });
    await api('POST', `/broadcasts/${grouped.id}/cancel`);

    await db.updateTable('customers').set(phoneColumns(testPhones, '13812345678')).where('tenant_id', '=', t).where('id', '=', 'c_zhang1').execute();
    const single = (await api('POST', '/broadcasts', w.adminToken, { chat_type: 'single', audience: { customer_ids: ['c_zhang1'] }, content: { text: '单发' } })).json();
    const [customer] = (await api('GET', `/broadcasts/${single.id}/recipients`)).json().items;
    expect(customer).toMatchObject({ customer_id: 'c_zhang1', customer_name: 'c_zhang1', customer_phone: '138****5678', group_name: null });
    await api('POST', `/broadcasts/${single.id}/cancel`);
  });
});
