/**
 * WeChat sign-in end to end against the built-in simulator, on real PostgreSQL: official-account
 * web authorisation (state bound to the browser, single use; snapshot visitors anonymous), the
 * mini-program's login and phone number, one customer per person (openids, unionid and phone
 * joined; two customers who turn out to be one person merged into the older), WeChat's errors
 * mapped to stable codes, and no simulator at all in live mode.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiyu, type Siyu } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { createTestDatabase } from '../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig, type World, testPhones } from '../../test/fixtures.js';
import { injectPost } from '../providers/sandboxpay.unit.js';
import { injectFetch } from '../providers/wechat.unit.js';
import { wechatApi } from '../adapters/wechat/wechat.api.js';
import { connectWechatApp, wechatDeps } from '../modules/wechat/wechat.service.js';
import { phoneFromCode } from '../modules/wechat/sign-in.service.js';
import { simOpenid, simUnionid } from '../simulators/wechat/wechat.simulator.js';
import { unseal } from '../platform/secrets.js';

const SIM = 'http://localhost:80/simulators/wechat';
const OA = 'wx-oa-test';
const MP = 'wx-mp-test';

describe('WeChat sign-in against the simulator', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  let siyu: Siyu;
  let world: World;
  const deps = () => wechatDeps(db, clock, testConfig.secretKey, wechatApi(injectFetch(siyu.server)));

  beforeAll(async () => {
    siyu = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost, wechatApi: (server) => wechatApi(injectFetch(server)) });
    await siyu.server.ready();
    world = await seedWorld(db, clock);
    for (const [app, appid] of [['official_account', OA], ['mini_program', MP]] as const) {
      await connectWechatApp(db, deps().sealKey, world.tenantId, { app, appid, secret: `secret-${appid}`, apiBase: SIM });
    }
  });
  afterAll(() => siyu.close());

  const inject = (options: InjectOptions) => siyu.server.inject(options);
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => inject({ method: 'POST', url, payload: payload as object, headers });

  /** The shop starts OAuth; the visitor picks a user on the simulator's page; WeChat redirects back. */
  async function authorize(user: string, options: { snapshot?: boolean } = {}) {
    const started = await post(`/api/v1/shops/${world.shop}/wechat/oauth`, {});
    expect(started.statusCode, started.body).toBe(201);
    const cookie = /siyu_wx_oauth=([^;]+)/.exec(String(started.headers['set-cookie']))![1]!;
    const authorizeUrl = new URL(started.json().authorize_url);
    expect(authorizeUrl.pathname).toBe('/simulators/wechat/connect/oauth2/authorize');
    expect(authorizeUrl.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorizeUrl.searchParams.get('appid')).toBe(OA);
    const pageRes = await inject({ method: 'GET', url: `${authorizeUrl.pathname}${authorizeUrl.search}` });
    expect(pageRes.statusCode, pageRes.body).toBe(200);
    expect(pageRes.body).toContain('Allow');
    const confirm = new URLSearchParams(authorizeUrl.search);
    confirm.set('user', user);
    if (options.snapshot) confirm.set('snapshot', '1');
    const back = await inject({ method: 'GET', url: `/simulators/wechat/connect/oauth2/authorize/confirm?${confirm.toString()}` });
    expect(back.statusCode, back.body).toBe(302);
    const redirect = new URL(String(back.headers.location));
    expect(redirect.pathname).toBe(`/s/${world.shop}/wechat/callback`);
    return { code: redirect.searchParams.get('code')!, state: redirect.searchParams.get('state')!, cookie: `siyu_wx_oauth=${cookie}` };
  }
  const finish = (body: { code: string; state?: string }, cookie?: string) =>
    post(`/api/v1/shops/${world.shop}/wechat/oauth/session`, body, cookie ? { cookie } : {});
  const mint = async (kind: 'login' | 'phone', user: string, appid = MP, phone?: string) => {
    const res = await post('/simulators/wechat/sandbox/codes', { kind, appid, user, ...(phone ? { phone } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().code as string;
  };
  const mpSession = (code: string) => post(`/api/v1/shops/${world.shop}/wechat/mini-program/session`, { code });
  const sharePhone = (token: string, code: string) => post(`/api/v1/shops/${world.shop}/wechat/mini-program/phone`, { code }, auth(token));
  const identitiesOf = (customerId: string) => db.selectFrom('customer_identities').select(['provider', 'subject']).where('tenant_id', '=', world.tenantId).where('customer_id', '=', customerId).orderBy('provider').orderBy('subject').execute();
  const customerCount = async () => Number((await db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).n);

  it('official-account authorisation signs a WeChat user in; the same code a second time is refused with 401 wechat_code_invalid', async () => {
    const { code, state, cookie } = await authorize('lily');
    const res = await finish({ code, state }, cookie);
    expect(res.statusCode, res.body).toBe(201);
    const session = res.json();
    expect(session.customer).toMatchObject({ name: expect.stringMatching(/^微信用户/), phone: null });
    expect(session.shop.slug).toBe(world.shop);
    const me = await inject({ method: 'GET', url: '/api/v1/orders', headers: auth(session.token) });
    expect(me.statusCode).toBe(200);
    expect(await identitiesOf(session.customer.id)).toEqual([
      { provider: 'wechat_openid', subject: simOpenid(OA, 'lily') },
      { provider: 'wechat_unionid', subject: simUnionid('lily') },
    ]);
    // The same code with a fresh state (a replayed redirect): WeChat says 40163, we say 401.
    const again = await authorize('lily');
    const replay = await finish({ code, state: again.state }, again.cookie);
    expect(replay.statusCode, replay.body).toBe(401);
    expect(replay.headers['content-type']).toContain('application/problem+json');
    expect(replay.json().code).toBe('wechat_code_invalid');
    // The replay spent that state; a new authorisation signs the same person in as the same customer.
    const third = await authorize('lily');
    const second = await finish({ code: third.code, state: third.state }, third.cookie);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().customer.id).toBe(session.customer.id);
  });

  it('an expired code is refused with 401 wechat_code_invalid', async () => {
    const { code, state, cookie } = await authorize('late');
    clock.advance(5 * 60_000 + 1);
    const res = await finish({ code, state }, cookie);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().code).toBe('wechat_code_invalid');
  });

  it('the state is a CSRF nonce: missing, forged, from another browser, reused or expired → 401 wechat_state_invalid, and no code is spent', async () => {
    const { code, state, cookie } = await authorize('csrf');
    const customersBefore = await customerCount();
    for (const [body, c] of [
      [{ code }, cookie], // no state
      [{ code, state: 'forged-state' }, cookie],
      [{ code, state }, undefined], // no cookie: another browser
      [{ code, state }, 'siyu_wx_oauth=someone-elses-browser'],
      [{ code, state: 'x'.repeat(129) }, cookie],
    ] as const) {
      const res = await finish(body, c);
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(402);
      expect(['wechat_state_invalid', 'validation_failed']).toContain(res.json().code);
    }
    // None of those spent the state or the code: the right browser still finishes.
    const ok = await finish({ code, state }, cookie);
    expect(ok.statusCode, ok.body).toBe(201);
    const reused = await finish({ code, state }, cookie);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('wechat_state_invalid');
    const late = await authorize('csrf');
    clock.advance(10 * 60_000 + 1);
    const expired = await finish({ code: late.code, state: late.state }, late.cookie);
    expect(expired.json().code).toBe('wechat_state_invalid');
    expect(await customerCount()).toBe(customersBefore + 1);
  });

  it('a snapshot (preview) visitor stays anonymous: no customer, no session', async () => {
    const before = await customerCount();
    const { code, state, cookie } = await authorize('peek', { snapshot: true });
    const res = await finish({ code, state }, cookie);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ anonymous: true });
    expect(await customerCount()).toBe(before);
    const identity = await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', world.tenantId).where('subject', '=', simOpenid(OA, 'peek')).executeTakeFirst();
    expect(identity).toBeUndefined();
  });

  it('one person through OAuth, the mini-program and the phone is one customer', async () => {
    const { code, state, cookie } = await authorize('zhao');
    const web = (await finish({ code, state }, cookie)).json();
    const mp = await mpSession(await mint('login', 'zhao', MP, '13700001111'));
    expect(mp.statusCode, mp.body).toBe(201);
    expect(mp.json().customer.id).toBe(web.customer.id);
    expect(mp.body).not.toMatch(/session_key/);
    const shared = await sharePhone(mp.json().token, await mint('phone', 'zhao'));
    expect(shared.statusCode, shared.body).toBe(200);
    expect(shared.json()).toEqual({ customer: { id: web.customer.id, name: web.customer.name, phone: '13700001111' }, session: null });
    // The phone now signs in (one-time code or the sandbox shortcut) as the same customer.
    const byPhone = await post(`/api/v1/shops/${world.shop}/session`, { phone: '13700001111' });
    expect(byPhone.json().customer.id).toBe(web.customer.id);
    expect(await identitiesOf(web.customer.id)).toEqual([
      { provider: 'phone', subject: testPhones.index('13700001111') },
      { provider: 'wechat_openid', subject: simOpenid(OA, 'zhao') },
      { provider: 'wechat_openid', subject: simOpenid(MP, 'zhao') },
      { provider: 'wechat_unionid', subject: simUnionid('zhao') },
    ].sort((a, b) => a.provider.localeCompare(b.provider) || a.subject.localeCompare(b.subject)));
    // The session key is kept, sealed, on the server only.
    const kept = await db.selectFrom('wechat_mini_program_sessions').select('session_key').where('tenant_id', '=', world.tenantId).where('openid', '=', simOpenid(MP, 'zhao')).executeTakeFirstOrThrow();
    expect(Buffer.from(unseal(deps().sealKey, kept.session_key), 'base64')).toHaveLength(16);
  });

  it('a phone customer who later shares the same phone from the mini-program: the two merge into the older, orders and all', async () => {
    const phone = '13600002222';
    const otp = (await post(`/api/v1/shops/${world.shop}/session`, { phone })).json();
    clock.advance(1000);
    const mp = (await mpSession(await mint('login', 'mei', MP, phone))).json();
    expect(mp.customer.id).not.toBe(otp.customer.id);
    const order = await post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] }, auth(mp.token, { 'idempotency-key': 'mei-1' }));
    expect(order.statusCode, order.body).toBe(201);

    const shared = await sharePhone(mp.token, await mint('phone', 'mei'));
    expect(shared.statusCode, shared.body).toBe(200);
    const body = shared.json();
    expect(body.customer).toEqual({ id: otp.customer.id, name: otp.customer.name, phone });
    expect(body.session.token).toEqual(expect.any(String));
    // The younger record points at the survivor; its sessions are revoked; its order moved.
    const merged = await db.selectFrom('customers').select(['merged_into', 'phone_sealed']).where('tenant_id', '=', world.tenantId).where('id', '=', mp.customer.id).executeTakeFirstOrThrow();
    expect(merged).toEqual({ merged_into: otp.customer.id, phone_sealed: null });
    expect((await inject({ method: 'GET', url: '/api/v1/orders', headers: auth(mp.token) })).statusCode).toBe(401);
    const orders = (await inject({ method: 'GET', url: '/api/v1/orders', headers: auth(body.session.token) })).json();
    expect(orders.items.map((o: { id: string }) => o.id)).toContain(order.json().id);
    // Every way in leads to the survivor.
    expect((await mpSession(await mint('login', 'mei'))).json().customer.id).toBe(otp.customer.id);
    expect((await post(`/api/v1/shops/${world.shop}/session`, { phone })).json().customer.id).toBe(otp.customer.id);
    const audit = await db.selectFrom('audit_log').select(['entity_id', 'details']).where('tenant_id', '=', world.tenantId).where('action', '=', 'customer.merged').execute();
    expect(audit).toContainEqual({ entity_id: otp.customer.id, details: { merged: mp.customer.id } });
  });

  it('a buyer signed in with a phone code adds WeChat: the openid joins them, and one another customer held merges into the older', async () => {
    const otp = (await post(`/api/v1/shops/${world.shop}/session`, { phone: '13600003333' })).json();
    // Without a session, a WeChat user is a customer of their own.
    const { code, state, cookie } = await authorize('ping');
    const added = await finish({ code, state }, cookie);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().customer.id).not.toBe(otp.customer.id);
    // With the phone buyer's session, the WeChat identity becomes theirs.
    const again = await authorize('ping-linked');
    const joined = await post(`/api/v1/shops/${world.shop}/wechat/oauth/session`, { code: again.code, state: again.state }, { cookie: again.cookie, ...auth(otp.token) });
    expect(joined.statusCode, joined.body).toBe(201);
    expect(joined.json().customer).toMatchObject({ id: otp.customer.id, phone: '13600003333' });
    expect(await identitiesOf(otp.customer.id)).toContainEqual({ provider: 'wechat_openid', subject: simOpenid(OA, 'ping-linked') });

    // 'ping' signed in by WeChat first (an older customer): the phone buyer adding that WeChat is the same person, merged into it.
    clock.advance(1000);
    const later = (await post(`/api/v1/shops/${world.shop}/session`, { phone: '13600004444' })).json();
    const third = await authorize('ping');
    const merged = await post(`/api/v1/shops/${world.shop}/wechat/oauth/session`, { code: third.code, state: third.state }, { cookie: third.cookie, ...auth(later.token) });
    expect(merged.statusCode, merged.body).toBe(201);
    expect(merged.json().customer).toMatchObject({ id: added.json().customer.id, phone: '13600004444' });
    const row = await db.selectFrom('customers').select('merged_into').where('tenant_id', '=', world.tenantId).where('id', '=', later.customer.id).executeTakeFirstOrThrow();
    expect(row.merged_into).toBe(added.json().customer.id);
  });

  it('when both customers had a phone, the younger one\'s phone still leads to the survivor after the merge', async () => {
    const older = (await post(`/api/v1/shops/${world.shop}/session`, { phone: '13300005555' })).json();
    clock.advance(1000);
    const mp = (await mpSession(await mint('login', 'two-phones', MP, '13300006666'))).json();
    const first = (await sharePhone(mp.token, await mint('phone', 'two-phones'))).json();
    expect(first.customer).toMatchObject({ id: mp.customer.id, phone: '13300006666' });
    // The same person's other number, already the older customer's.
    const second = await sharePhone(mp.token, await mint('phone', 'two-phones', MP, '13300005555'));
    expect(second.json().customer).toMatchObject({ id: older.customer.id, phone: '13300005555' });
    for (const phone of ['13300005555', '13300006666']) {
      expect((await post(`/api/v1/shops/${world.shop}/session`, { phone })).json().customer.id, phone).toBe(older.customer.id);
    }
  });

  it('concurrent first sign-ins of one person (mini-program and web at once, several codes each) make one customer', async () => {
    const before = await customerCount();
    const web = await Promise.all([authorize('rush'), authorize('rush'), authorize('rush')]);
    const codes = await Promise.all([mint('login', 'rush'), mint('login', 'rush'), mint('login', 'rush')]);
    const answers = await Promise.all([
      ...web.map((w) => finish({ code: w.code, state: w.state }, w.cookie)),
      ...codes.map((c) => mpSession(c)),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.json().customer.id)).size).toBe(1);
    expect(await customerCount()).toBe(before + 1);
  });

  it('mini-program codes: reused or expired → 401 wechat_code_invalid; busy once is retried, twice → 503; a blocked user → 403', async () => {
    const code = await mint('login', 'kai');
    expect((await mpSession(code)).statusCode).toBe(201);
    const reused = await mpSession(code);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('wechat_code_invalid');
    const stale = await mint('login', 'kai');
    clock.advance(5 * 60_000 + 1);
    expect((await mpSession(stale)).json().code).toBe('wechat_code_invalid');

    await post('/simulators/wechat/sandbox/faults', { path: 'sns/jscode2session', errcode: -1, times: 1 });
    expect((await mpSession(await mint('login', 'kai'))).statusCode).toBe(201);
    await post('/simulators/wechat/sandbox/faults', { path: 'sns/jscode2session', errcode: -1, times: 2 });
    const busy = await mpSession(await mint('login', 'kai'));
    expect(busy.statusCode).toBe(503);
    expect(busy.json().code).toBe('wechat_unavailable');

    await post('/simulators/wechat/sandbox/users', { user: 'risky', blocked: true });
    const blocked = await mpSession(await mint('login', 'risky'));
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('wechat_user_blocked');
  });

  it('the phone call refreshes a server access token WeChat stopped accepting, and a reused phone code is refused', async () => {
    const mp = (await mpSession(await mint('login', 'tok', MP, '13500003333'))).json();
    expect((await sharePhone(mp.token, await mint('phone', 'tok'))).statusCode).toBe(200);
    await post('/simulators/wechat/sandbox/tokens/revoke', { appid: MP });
    const before = await db.selectFrom('wechat_access_tokens').select('version').where('tenant_id', '=', world.tenantId).where('app', '=', 'mini_program').executeTakeFirstOrThrow();
    const code = await mint('phone', 'tok');
    const res = await sharePhone(mp.token, code);
    expect(res.statusCode, res.body).toBe(200);
    const after = await db.selectFrom('wechat_access_tokens').select('version').where('tenant_id', '=', world.tenantId).where('app', '=', 'mini_program').executeTakeFirstOrThrow();
    expect(after.version).toBe(before.version + 1);
    const reused = await sharePhone(mp.token, code);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().code).toBe('wechat_code_invalid');
    // Only a signed-in consumer shares a phone.
    expect((await post(`/api/v1/shops/${world.shop}/wechat/mini-program/phone`, { code: await mint('phone', 'tok') })).statusCode).toBe(401);
  });

  it('a phone number issued for another app (watermark appid) is refused with 401 wechat_phone_mismatch', async () => {
    const real = deps();
    const foreign = { ...real, api: { ...real.api, phoneNumber: async () => ({ phoneNumber: '13400004444', purePhoneNumber: '13400004444', countryCode: '86', watermarkAppid: 'wx-someone-else' }) } };
    await expect(phoneFromCode(foreign, world.tenantId, 'any')).rejects.toMatchObject({ code: 'wechat_phone_mismatch', status: 401 });
  });

  it('the shop says which WeChat sign-ins it offers; the console lists the apps without secrets', async () => {
    expect((await inject({ method: 'GET', url: `/api/v1/shops/${world.shop}/wechat` })).json()).toEqual({ official_account: true, mini_program: true });
    const apps = await inject({ method: 'GET', url: '/api/v1/wechat/apps', headers: auth(world.adminToken) });
    expect(apps.statusCode).toBe(200);
    expect(apps.json().items.map((a: { appid: string; has_secret: boolean }) => [a.appid, a.has_secret])).toEqual([[MP, true], [OA, true]]);
    expect(apps.body).not.toContain(`secret-${OA}`);
  });
});

describe('live mode', async () => {
  const { db } = await createTestDatabase();
  it('mounts no WeChat simulator: its routes answer 404', async () => {
    const live = loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48), DATABASE_URL: 'postgres://unused/siyu', SIYU_RATE_LIMITS: 'off' });
    const siyu = await createSiyu(db, live, { clock: manualClock() });
    try {
      await siyu.server.ready();
      for (const [method, url] of [
        ['GET', '/simulators/wechat/connect/oauth2/authorize?appid=a&redirect_uri=http%3A%2F%2Flocalhost%2F&response_type=code&scope=snsapi_base'],
        ['GET', '/simulators/wechat/sns/jscode2session?appid=a&secret=b&js_code=c&grant_type=authorization_code'],
        ['POST', '/simulators/wechat/cgi-bin/stable_token'],
        ['POST', '/simulators/wechat/sandbox/codes'],
        ['GET', '/simulators/wechat/sandbox/mini-program'],
      ] as const) {
        const res = await siyu.server.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    } finally {
      await siyu.close();
    }
  });
});
