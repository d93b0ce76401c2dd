import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, testConfig } from '../../test/fixtures.js';
import { injectPost } from './sandboxpay.unit.js';
import { createSiyu } from '../app.js';
import { wecomCrypto } from '../adapters/wecom/wecom.crypto.js';
import { wecomEventXml } from '../adapters/wecom/wecom.events.js';
import { RateLimiter } from '../adapters/wecom/rate-limit.js';
import { connectWecom, wecomSealKey, wecomSettingsView } from '../modules/wecom/wecom.service.js';
import { WecomApiError, type WecomEvent } from '../modules/wecom/wecom.provider.js';
import {
  injectSimFault, registerSimCorp, revokeSimTokens, simConfirmMassMessage, simCustomerDeletesMember, simCreateGroup, simJoinGroup,
  simRefuseTransfer, simScanContactWay,
} from '../simulators/wecom/wecom.sim-state.js';
import type { HttpFetch } from '../adapters/wecom/wecom.api.js';
import { injectWecomFetch, injectWecomSimPost, wecomApiFor } from './wecom.unit.js';

const CORP = 'wwsandbox0000001';
const TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';
const AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const SIM = 'http://sandbox.local/simulators/wecom';

describe('WeCom: callbacks, the API client and the simulator', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const handled: WecomEvent[] = [];
  const siyu = await createSiyu(db, testConfig, {
    clock, sandboxNotifyPost: injectPost, wecomFetch: injectWecomFetch, wecomSimPost: injectWecomSimPost,
    wecomHandlers: [async (_tx, _tenant, event) => { handled.push(event); }],
  });
  await siyu.server.ready();
  const world = await seedWorld(db, clock);
  const slug = (await db.selectFrom('tenants').select('slug').where('id', '=', world.tenantId).executeTakeFirstOrThrow()).slug;
  const sealKey = wecomSealKey(testConfig.secretKey);
  await connectWecom(db, sealKey, world.tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: AES_KEY, secret: 'corp-secret', apiBase: SIM });
  await registerSimCorp(db, { corp_id: CORP, secret: 'corp-secret', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: `http://sandbox.local/hooks/wecom/${slug}` });
  let tokenFetches = 0;
  const counting: HttpFetch = (url, init) => { if (new URL(url).pathname.endsWith('/gettoken')) tokenFetches++; return injectWecomFetch(siyu.server)(url, init); };
  const sleeps: number[] = [];
  const api = await wecomApiFor(db, world.tenantId, { secretKey: testConfig.secretKey, clock, fetch: counting, sleep: async (ms) => { sleeps.push(ms); } });
  const simPost = injectWecomSimPost(siyu.server);
  const inbox = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM wecom_callback_inbox WHERE tenant_id = ${world.tenantId}`.execute(db)).rows[0]!.n;
  const drain = async () => { for (let i = 0; i < 5; i++) if ((await siyu.tick()).jobs === 0) break; };
  const crypto = wecomCrypto({ token: TOKEN, encodingAesKey: AES_KEY, receiveId: CORP });
  const postEvent = (event: WecomEvent, opts: { signature?: string; body?: string; timestamp?: string } = {}) => {
    const ts = opts.timestamp ?? '1700000000';
    const sent = crypto.encryptMessage(wecomEventXml(event), ts, 'nonce1');
    return siyu.server.inject({
      method: 'POST', url: `/hooks/wecom/${slug}?${new URLSearchParams({ msg_signature: opts.signature ?? sent.signature, timestamp: ts, nonce: 'nonce1' })}`,
      headers: { 'content-type': 'text/xml' }, payload: opts.body ?? sent.body,
    });
  };
  const addEvent: WecomEvent = { corpId: CORP, createTime: 1700000000, event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhangsan', externalUserId: 'wmEXT1', state: 'store-1', welcomeCode: 'WC1' };

  it('stores the settings sealed and shows none of the secrets', async () => {
    const view = await wecomSettingsView(db, world.tenantId);
    expect(view).toMatchObject({ corp_id: CORP, api_base: SIM, has_secret: true, has_token: true, has_encoding_aes_key: true });
    expect(JSON.stringify(view)).not.toContain('corp-secret');
    const row = await db.selectFrom('wecom_settings').selectAll().where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
    expect([row.token, row.encoding_aes_key, row.secret].join()).not.toMatch(/corp-secret|hJqcu3|6qkdMrq/);
    await expect(connectWecom(db, sealKey, world.tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: 'short', secret: 's', apiBase: SIM })).rejects.toMatchObject({ code: 'wecom_settings_invalid' });
  });

  it('the console reads the settings without secrets, and writes them write-only', async () => {
    const headers = { authorization: `Bearer ${world.adminToken}` };
    const got = await siyu.server.inject({ method: 'GET', url: '/api/v1/wecom/settings', headers });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ connected: true, corp_id: CORP, has_secret: true, callback_url: expect.stringMatching(new RegExp(`/hooks/wecom/${slug}$`)) });
    expect(got.body).not.toMatch(/corp-secret|hJqcu3|6qkdMrq/);
    const bad = await siyu.server.inject({ method: 'PUT', url: '/api/v1/wecom/settings', headers, payload: { corp_id: CORP, token: TOKEN, encoding_aes_key: 'too-short', secret: 's' } });
    expect(bad.statusCode).toBe(400);
    const put = await siyu.server.inject({ method: 'PUT', url: '/api/v1/wecom/settings', headers, payload: { corp_id: CORP, token: TOKEN, encoding_aes_key: AES_KEY, secret: 'corp-secret', api_base: SIM } });
    expect(put.statusCode).toBe(200);
    expect(put.body).not.toContain('corp-secret');
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/wecom/settings' })).statusCode).toBe(401);
  });

  it('answers URL verification with the plaintext of echostr, and refuses a forged one', async () => {
    const echostr = crypto.encrypt('1288432023552776189');
    const sig = (await import('../adapters/wecom/wecom.crypto.js')).wecomSignature(TOKEN, '1476416373', '47744683', echostr);
    const res = await siyu.server.inject({ method: 'GET', url: `/hooks/wecom/${slug}?${new URLSearchParams({ msg_signature: sig, timestamp: '1476416373', nonce: '47744683', echostr })}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1288432023552776189');
    const forged = await siyu.server.inject({ method: 'GET', url: `/hooks/wecom/${slug}?${new URLSearchParams({ msg_signature: '0'.repeat(40), timestamp: '1476416373', nonce: '47744683', echostr })}` });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('wecom_callback_signature');
  });

  it('keeps an event once, answers 200 empty, and hands it to the handlers once', async () => {
    const first = await postEvent(addEvent);
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe('');
    const again = await postEvent(addEvent, { timestamp: '1700000005' });
    expect(again.statusCode).toBe(200);
    expect(await inbox()).toBe(1);
    await drain();
    expect(handled).toEqual([addEvent]);
    await drain();
    expect(handled).toHaveLength(1);
  });

  it('refuses a forged signature, another corp\'s ciphertext and malformed bodies with 4xx, writing nothing', async () => {
    const before = await inbox();
    const other = { ...addEvent, externalUserId: 'wmEXT2' };
    expect((await postEvent(other, { signature: 'f'.repeat(40) })).json().code).toBe('wecom_callback_signature');
    const foreign = wecomCrypto({ token: TOKEN, encodingAesKey: AES_KEY, receiveId: 'wwOTHER' }).encryptMessage(wecomEventXml(other), '1', 'n');
    const wrongCorp = await siyu.server.inject({ method: 'POST', url: `/hooks/wecom/${slug}?msg_signature=${foreign.signature}&timestamp=1&nonce=n`, headers: { 'content-type': 'text/xml' }, payload: foreign.body });
    expect(wrongCorp.statusCode).toBe(403);
    const garbage = '<xml><Encrypt><![CDATA[@@not-base64@@]]></Encrypt></xml>';
    const sig = (await import('../adapters/wecom/wecom.crypto.js')).wecomSignature(TOKEN, '1', 'n', '@@not-base64@@');
    const bad64 = await siyu.server.inject({ method: 'POST', url: `/hooks/wecom/${slug}?msg_signature=${sig}&timestamp=1&nonce=n`, headers: { 'content-type': 'text/xml' }, payload: garbage });
    expect(bad64.statusCode).toBe(400);
    const notXml = crypto.encryptMessage('<xml><Event>broken</xml>', '1', 'n');
    const malformed = await siyu.server.inject({ method: 'POST', url: `/hooks/wecom/${slug}?msg_signature=${notXml.signature}&timestamp=1&nonce=n`, headers: { 'content-type': 'text/xml' }, payload: notXml.body });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    expect((await siyu.server.inject({ method: 'POST', url: '/hooks/wecom/no-such-tenant?msg_signature=x&timestamp=1&nonce=n', headers: { 'content-type': 'text/xml' }, payload: '<xml/>' })).statusCode).toBe(404);
    expect(await inbox()).toBe(before);
  });

  it('caches the token across calls and processes, refreshing once when WeCom refuses it', async () => {
    await api.getFollowUserList();
    await api.getCorpTagList();
    expect(tokenFetches).toBe(1);
    await revokeSimTokens(db, CORP);
    // 40014 → a new token, the call once more.
    await api.getFollowUserList();
    expect(tokenFetches).toBe(2);
    // Another process (another client) uses the stored token.
    const second = await wecomApiFor(db, world.tenantId, { secretKey: testConfig.secretKey, clock, fetch: counting });
    await second.getCorpTagList();
    expect(tokenFetches).toBe(2);
    // Ten calls at once while the token is due: one gettoken (single flight through the lease).
    clock.advance(2 * 3600_000);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? api : second).getFollowUserList()));
    expect(tokenFetches).toBe(3);
  });

  it('backs off on -1 and 45009 a bounded number of times, then reports the error', async () => {
    sleeps.length = 0;
    await injectSimFault(db, CORP, '/externalcontact/get_corp_tag_list', -1, 2);
    await expect(api.getCorpTagList()).resolves.toEqual(expect.any(Array));
    expect(sleeps).toEqual([500, 2000]);
    sleeps.length = 0;
    await injectSimFault(db, CORP, '/externalcontact/get_corp_tag_list', 45009, 10);
    const err = await api.getCorpTagList().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    expect((err as WecomApiError).errcode).toBe(45009);
    expect(sleeps).toEqual([500, 2000, 5000]);
    await injectSimFault(db, CORP, '/externalcontact/get_corp_tag_list', 45009, 0);
    // Not retried: a refusal that is not about load.
    await injectSimFault(db, CORP, '/externalcontact/get_corp_tag_list', 60011, 1);
    await expect(api.getCorpTagList()).rejects.toMatchObject({ errcode: 60011 });
  });

  it('a customer scans a live code: contact, follow with the state, a signed add event, a welcome code good once within 20 s', async () => {
    handled.length = 0;
    const tagGroup = await api.addCorpTag({ group_name: '门店', tag: [{ name: '一店' }, { name: '二店' }] });
    expect(tagGroup.tag.map((t) => t.name)).toEqual(['一店', '二店']);
    const way = await api.addContactWay({ type: 1, scene: 2, state: 'store-1', user: ['zhangsan'] });
    expect(way.qr_code).toContain(way.config_id);
    const scan = await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: way.config_id, person: 'alice', name: 'Alice' });
    if ('errcode' in scan) throw new Error(String(scan.errcode));
    expect(scan.callback).toEqual({ attempts: 1, status: 200 });
    await drain();
    expect(handled).toEqual([expect.objectContaining({ changeType: 'add_external_contact', userId: 'zhangsan', externalUserId: scan.external_userid, state: 'store-1', welcomeCode: scan.welcome_code })]);
    const detail = await api.getExternalContact(scan.external_userid);
    expect(detail.external_contact.name).toBe('Alice');
    expect(detail.follow_user[0]).toMatchObject({ userid: 'zhangsan', state: 'store-1' });
    await api.markTag({ userid: 'zhangsan', external_userid: scan.external_userid, add_tag: [tagGroup.tag[0]!.id] });
    expect((await api.getExternalContact(scan.external_userid)).follow_user[0]!.tags).toEqual([{ group_name: '门店', tag_name: '一店', tag_id: tagGroup.tag[0]!.id, type: 1 }]);
    expect(await api.listExternalContacts('zhangsan')).toEqual([scan.external_userid]);
    expect(await api.listExternalContacts('nobody')).toEqual([]);
    await api.sendWelcomeMsg({ welcome_code: scan.welcome_code, text: { content: '欢迎' } });
    await expect(api.sendWelcomeMsg({ welcome_code: scan.welcome_code, text: { content: '欢迎' } })).rejects.toMatchObject({ errcode: 41051 });
    const late = await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: way.config_id, person: 'bob' });
    clock.advance(21_000);
    await expect(api.sendWelcomeMsg({ welcome_code: (late as { welcome_code: string }).welcome_code, text: { content: '欢迎' } })).rejects.toMatchObject({ errcode: 41096 });
  });

  it('groups: a customer joins by QR, member_version moves, the update event arrives', async () => {
    await drain();
    handled.length = 0;
    const group = await simCreateGroup(db, simPost, clock.now(), { corpId: CORP, owner: 'zhangsan', name: '一店福利群' });
    if ('errcode' in group) throw new Error(String(group.errcode));
    const before = await api.getGroupChat(group.chat_id);
    const joined = await simJoinGroup(db, simPost, clock.now(), { corpId: CORP, chatId: group.chat_id, person: 'alice' });
    if ('errcode' in joined) throw new Error(String(joined.errcode));
    const after = await api.getGroupChat(group.chat_id);
    expect(Number(after.member_version)).toBe(Number(before.member_version) + 1);
    expect(after.member_list.find((m) => m.type === 2)).toMatchObject({ userid: joined.external_userid, join_scene: 3 });
    await drain();
    expect(handled.map((e) => [e.event, e.changeType, e.updateDetail ?? null])).toEqual([['change_external_chat', 'create', null], ['change_external_chat', 'update', 'add_member']]);
    expect(handled[1]).toMatchObject({ joinScene: 3, memChangeCnt: 1, memChangeList: [joined.external_userid] });
    expect((await api.listGroupChats({ limit: 10, owner_filter: { userid_list: ['zhangsan'] } })).group_chat_list).toEqual([{ chat_id: group.chat_id, status: 0 }]);
  });

  it('mass messages: the member confirms; customers over the month\'s cap get 3, ex-contacts 2', async () => {
    const way = await api.addContactWay({ type: 1, scene: 2, state: 'mm', user: ['lisi'] });
    const people = [];
    for (const p of ['m1', 'm2', 'm3']) people.push((await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: way.config_id, person: p })) as { external_userid: string });
    // m2 already had every message of the month (November: 30).
    for (let i = 0; i < 30; i++) {
      await sql`INSERT INTO wecom_sim_msg_results (corp_id, msgid, userid, recipient, is_group, status, send_time)
                VALUES (${CORP}, ${`old${i}`}, 'lisi', ${people[1]!.external_userid}, false, 1, ${Math.floor(clock.now().getTime() / 1000) - 60})`.execute(db);
    }
    const task = await api.addMsgTemplate({ chat_type: 'single', external_userid: [...people.map((p) => p.external_userid), 'wmNOBODY'], text: { content: '双十一' } });
    expect(task.fail_list).toEqual(['wmNOBODY']);
    expect((await api.getGroupMsgTask(task.msgid)).task_list).toEqual([{ userid: 'lisi', status: 0 }]);
    await simCustomerDeletesMember(db, simPost, clock.now(), { corpId: CORP, userid: 'lisi', externalUserid: people[2]!.external_userid });
    expect(await simConfirmMassMessage(db, clock.now(), { corpId: CORP, msgid: task.msgid, userid: 'lisi' })).toEqual({ sent: 1, not_contact: 1, over_cap: 1 });
    const results = (await api.getGroupMsgSendResult(task.msgid, 'lisi')).send_list;
    expect(Object.fromEntries(results.map((r) => [r.external_userid, r.status]))).toEqual({ [people[0]!.external_userid]: 1, [people[1]!.external_userid]: 3, [people[2]!.external_userid]: 2 });
  });

  it('handover: two transfers per customer in 90 days, takeover after 24 h, a refusal sends transfer_fail', async () => {
    handled.length = 0;
    const way = await api.addContactWay({ type: 1, scene: 2, user: ['wangwu'] });
    const c = (await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: way.config_id, person: 'carol' })) as { external_userid: string };
    const d = (await simScanContactWay(db, simPost, clock.now(), { corpId: CORP, configId: way.config_id, person: 'dave' })) as { external_userid: string };
    const moved = await api.transferCustomer({ kind: 'onjob', handover_userid: 'wangwu', takeover_userid: 'zhaoliu', external_userid: [c.external_userid, d.external_userid] });
    expect(moved.customer.map((x) => x.errcode)).toEqual([0, 0]);
    await simRefuseTransfer(db, simPost, clock.now(), { corpId: CORP, externalUserid: d.external_userid });
    clock.advance(24 * 3600_000 + 1000);
    const result = await api.transferResult({ kind: 'onjob', handover_userid: 'wangwu', takeover_userid: 'zhaoliu' });
    expect(Object.fromEntries(result.customer.map((x) => [x.external_userid, x.status]))).toEqual({ [c.external_userid]: 1, [d.external_userid]: 3 });
    await api.transferCustomer({ kind: 'onjob', handover_userid: 'zhaoliu', takeover_userid: 'wangwu', external_userid: [c.external_userid] });
    clock.advance(24 * 3600_000 + 1000);
    await api.transferResult({ kind: 'onjob', handover_userid: 'zhaoliu', takeover_userid: 'wangwu' });
    const third = await api.transferCustomer({ kind: 'onjob', handover_userid: 'wangwu', takeover_userid: 'zhaoliu', external_userid: [c.external_userid] });
    expect(third.customer[0]!.errcode).toBe(40129);
    await drain();
    expect(handled.filter((e) => e.changeType === 'transfer_fail')).toEqual([expect.objectContaining({ failReason: 'customer_refused', externalUserId: d.external_userid })]);
  });

  it('the simulator is not there in live mode', async () => {
    const live = await createSiyu(db, { ...testConfig, mode: 'live' }, { clock });
    await live.server.ready();
    expect((await live.server.inject({ method: 'GET', url: '/simulators/wecom/cgi-bin/gettoken?corpid=x&corpsecret=y' })).statusCode).toBe(404);
    await live.close();
  });
});

describe('the rate limiter', () => {
  it('lets a burst through, then paces calls at the rate per key', async () => {
    let now = 0;
    const limiter = new RateLimiter(6_000, 3, () => now);
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push(await limiter.take('a'));
    expect(waits).toEqual([0, 0, 0]);
    expect(await limiter.take('b')).toBe(0);
    // 6,000 a minute = one per 10 ms: the fourth call of 'a' waits for one.
    const started = Date.now();
    const p = limiter.take('a');
    now += 10;
    expect(await p).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
