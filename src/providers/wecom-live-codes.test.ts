/**
 * Live codes and welcome messages against the WeCom simulator: a store's code created through
 * add_contact_way with its state; a scan brings a contact whose add event (after the CRM made the
 * customer) attributes them to the store, tags them, counts the add for the day and owes a welcome
 * — sent once within 20 s with the delay kept, expired past 20 s, 41051 recorded as another
 * sender's. A group code moves on from a group at 200 and warns when the last one fills.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig, type World } from '../../test/fixtures.js';
import { createSiyu, type Siyu } from '../app.js';
import { injectPost } from './sandboxpay.unit.js';
import { injectWecomFetch, injectWecomSimPost } from './wecom.unit.js';
import { registerSimCorp, simScanContactWay, type SimPost } from '../simulators/wecom/wecom.sim-state.js';
import { connectWecom, wecomSealKey } from '../modules/wecom/wecom.service.js';
import { runWelcomeJob } from '../modules/live-codes/live-codes.service.js';

const CORP = 'wwlivecodes000001';
const TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';
const AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const SIM = 'http://sandbox.local/simulators/wecom';

describe('live codes and welcome messages', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-03-31T15:50:00Z')); // 23:50 on 31 March in Shanghai
  let siyu: Siyu;
  let w: World;
  let simPost: SimPost;
  const drain = async () => { for (let i = 0; i < 8; i++) if ((await siyu.tick()).jobs === 0) break; };
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers: auth(w.adminToken), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    siyu = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost, wecomFetch: injectWecomFetch, wecomSimPost: injectWecomSimPost });
    await siyu.server.ready();
    w = await seedWorld(db, clock);
    await connectWecom(db, wecomSealKey(testConfig.secretKey), w.tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: AES_KEY, secret: 'corp-secret', apiBase: SIM });
    await registerSimCorp(db, { corp_id: CORP, secret: 'corp-secret', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: `http://sandbox.local/hooks/wecom/${w.tenantSlug}` });
    simPost = injectWecomSimPost(siyu.server);
    await db.insertInto('wecom_members').values({ tenant_id: w.tenantId, userid: 'zhang', name: 'Zhang' }).execute();
    await db.insertInto('customer_tag_groups').values({ tenant_id: w.tenantId, id: 'tg', name: 'Source' }).execute();
    await db.insertInto('customer_tags').values({ tenant_id: w.tenantId, id: 'from_store', group_id: 'tg', name: 'Store QR' }).execute();
  });
  afterAll(() => siyu.close());

  it('a store code: created at WeCom with its state; a scan attributes, tags, counts and welcomes once within 20 s', async () => {
    const created = await api('POST', '/live-codes', {
      kind: 'store', name: 'Front desk', state: 'store-front', b_node_id: w.bNodeId, userids: ['zhang'], tag_ids: ['from_store'],
      welcome: { text: '欢迎光临！', attachments: [{ msgtype: 'link', link: { title: 'Shop', url: 'https://shop.example' } }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const code = created.json();
    expect(code).toMatchObject({ state: 'store-front', b_node_id: w.bNodeId, config_id: expect.any(String) });
    const { rows: [way] } = await sql<{ request: { state: string; user: string[] } }>`SELECT request FROM wecom_sim_contact_ways WHERE config_id = ${code.config_id}`.execute(db);
    expect(way!.request).toMatchObject({ state: 'store-front', user: ['zhang'] });
    expect((await api('POST', '/live-codes', { kind: 'member', name: 'Again', state: 'store-front', userids: ['zhang'] })).json()).toMatchObject({ code: 'live_code_state_taken' });

    const scan = await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: code.config_id, person: 'alice', name: 'Alice' });
    expect(scan).toMatchObject({ state: 'store-front' });
    await drain();
    const ext = (scan as { external_userid: string }).external_userid;
    const customer = await db.selectFrom('customer_identities as i').innerJoin('customers as c', (j) => j.onRef('c.tenant_id', '=', 'i.tenant_id').onRef('c.id', '=', 'i.customer_id'))
      .select(['c.id', 'c.b_node_id', 'c.channel']).where('i.tenant_id', '=', w.tenantId).where('i.subject', '=', ext).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ b_node_id: w.bNodeId, channel: 'wecom:store-front' });
    const tags = await db.selectFrom('customer_tag_links').select('tag_id').where('tenant_id', '=', w.tenantId).where('customer_id', '=', customer.id).execute();
    expect(tags.map((t) => t.tag_id)).toEqual(['from_store']);

    const welcome = await db.selectFrom('welcome_messages').selectAll().where('tenant_id', '=', w.tenantId).executeTakeFirstOrThrow();
    expect(welcome).toMatchObject({ status: 'sent', welcome_code: (scan as { welcome_code: string }).welcome_code, customer_id: customer.id, delay_ms: 0, errcode: null });
    const { rows: [sent] } = await sql<{ message: { text: { content: string } } }>`SELECT message FROM wecom_sim_welcome_codes WHERE welcome_code = ${welcome.welcome_code}`.execute(db);
    expect(sent!.message.text.content).toBe('欢迎光临！');
    const timeline = await db.selectFrom('customer_events').select(['kind']).where('tenant_id', '=', w.tenantId).where('customer_id', '=', customer.id).execute();
    expect(timeline.map((e) => e.kind)).toContain('welcomed');
    // Once: the job again does nothing.
    expect(await runWelcomeJob(db, clock, (t) => siyu.wecomApi(t), w.tenantId, welcome.welcome_code)).toBe('sent');

    // Counted on 31 March, Shanghai's day (UTC says the same here; 00:10 on 1 April is April's).
    const detail = (await api('GET', `/live-codes/${code.id}`)).json();
    expect(detail).toMatchObject({ total_adds: 1, total_requests: 1, days: [{ day: '2026-03-31', requests: 1, adds: 1 }] });
  });

  it('counts what WeCom reports: a half add is a request, its completing add an add, each person once a day', async () => {
    const code = (await api('POST', '/live-codes', { kind: 'member', name: 'Counted', state: 'counted', userids: ['zhang'] })).json();
    const { liveCodeContactAdded } = await import('../modules/live-codes/live-codes.service.js');
    const event = (changeType: 'add_half_external_contact' | 'add_external_contact', person: string) =>
      db.transaction().execute((tx) => liveCodeContactAdded(tx, w.tenantId, { corpId: CORP, createTime: clock.now().getTime() / 1000, event: 'change_external_contact', changeType, userId: 'zhang', externalUserId: `wm_${person}`, state: 'counted' }));
    await event('add_half_external_contact', 'dan');
    await event('add_half_external_contact', 'eve');
    await event('add_half_external_contact', 'eve'); // replayed
    await event('add_external_contact', 'dan');
    const detail = (await api('GET', `/live-codes/${code.id}`)).json();
    expect(detail).toMatchObject({ total_requests: 2, total_adds: 1, days: [{ requests: 2, adds: 1 }] });
  });

  it('a welcome past 20 s is not tried; one another sender used first is recorded as theirs', async () => {
    const code = (await api('POST', '/live-codes', { kind: 'member', name: 'Zhang', userids: ['zhang'], welcome: { text: 'Hi' } })).json();
    const late = await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: code.config_id, person: 'bob' }) as { welcome_code: string };
    clock.advance(21_000); // the job runs 21 s after the event
    await drain();
    expect(await db.selectFrom('welcome_messages').select(['status', 'delay_ms']).where('welcome_code', '=', late.welcome_code).executeTakeFirstOrThrow())
      .toEqual({ status: 'expired', delay_ms: 21_000 });
    const { rows: [untouched] } = await sql<{ sent_at: Date | null }>`SELECT sent_at FROM wecom_sim_welcome_codes WHERE welcome_code = ${late.welcome_code}`.execute(db);
    expect(untouched!.sent_at).toBeNull();

    const raced = await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: code.config_id, person: 'carol' }) as { welcome_code: string };
    // Another app sends first.
    await sql`UPDATE wecom_sim_welcome_codes SET sent_at = now() WHERE welcome_code = ${raced.welcome_code}`.execute(db);
    clock.advance(3_000);
    await drain();
    expect(await db.selectFrom('welcome_messages').select(['status', 'errcode', 'delay_ms']).where('welcome_code', '=', raced.welcome_code).executeTakeFirstOrThrow())
      .toEqual({ status: 'sent_by_other', errcode: 41051, delay_ms: 3_000 });
    const welcomes = (await api('GET', '/welcome-messages')).json().items;
    expect(welcomes.map((x: { status: string }) => x.status).sort()).toEqual(['expired', 'sent', 'sent_by_other']);
  });

  it('a group code sends people to the first group with room and warns once the last one is full', async () => {
    await db.insertInto('customer_groups').values([
      { tenant_id: w.tenantId, id: 'g1', chat_id: 'wr_g1', name: 'Group 1', owner_userid: 'zhang', b_node_id: w.bNodeId, member_count: 200 },
      { tenant_id: w.tenantId, id: 'g2', chat_id: 'wr_g2', name: 'Group 2', owner_userid: 'zhang', b_node_id: w.bNodeId, member_count: 199 },
    ]).execute();
    const code = (await api('POST', '/live-codes', { kind: 'group', name: 'Neighbours', group_ids: ['g1', 'g2'] })).json();
    expect(code).toMatchObject({ config_id: null, current_group_id: 'g2', all_full: false });
    await db.updateTable('customer_groups').set({ member_count: 200 }).where('tenant_id', '=', w.tenantId).where('id', '=', 'g2').execute();
    const { liveCodeGroupChanged } = await import('../modules/live-codes/live-codes.service.js');
    await db.transaction().execute((tx) => liveCodeGroupChanged(tx, w.tenantId, { corpId: CORP, createTime: clock.now().getTime() / 1000, event: 'change_external_chat', changeType: 'update', chatId: 'wr_g2' }));
    expect((await api('GET', `/live-codes/${code.id}`)).json()).toMatchObject({ current_group_id: null, all_full: true });
    const warned = await db.selectFrom('live_codes').select('full_warned_at').where('id', '=', code.id).executeTakeFirstOrThrow();
    expect(warned.full_warned_at).not.toBeNull();
  });
});
