/**
 * Consumer sign-in that proves the phone, on real PostgreSQL: a code sent through the tenant's
 * SMS provider (the sandbox's outbox here), 5 minutes, 5 tries, throttled per phone and per
 * address in the database, nothing about a customer before the code is verified; and the two
 * modes: live mounts no sandbox provider, cashier or phone-only session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiyu, type Siyu } from '../app.js';
import { loadConfig } from '../platform/config.js';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, startSiyu, testConfig, type World, testPhones } from '../../test/fixtures.js';
import { OTP_RULES } from '../modules/customers/otp.service.js';
import { injectPost } from '../providers/sandboxpay.unit.js';
import { maskPhone } from '../modules/customers/customer-phones.service.js';
import { smsTo } from '../../test/outbox.js';

const LIVE = loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48), DATABASE_URL: 'postgres://unused/siyu' });

describe('shop sign-in with a one-time code', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  let siyu: Siyu;
  let world: World;
  let ipCounter = 0;
  const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250 + 1}`;
  let phoneCounter = 0;
  const freshPhone = () => `139${String(10_000_000 + ++phoneCounter).slice(-8)}`;

  beforeAll(async () => {
    siyu = await startSiyu(db, clock);
    world = await seedWorld(db, clock);
  });
  afterAll(() => siyu.close());

  const requestCode = (phone: string, ip = freshIp(), server = siyu) =>
    server.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone }, remoteAddress: ip });
  const signIn = (body: Record<string, string>, server = siyu) =>
    server.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: body });
  /** The code, as the tester reads it in the console's outbox after the send job ran. */
  async function codeFromOutbox(phone: string): Promise<string> {
    await siyu.tick();
    const res = await siyu.server.inject({ method: 'GET', url: '/api/v1/messages', headers: { authorization: `Bearer ${world.adminToken}` } });
    expect(res.statusCode, res.body).toBe(200);
    // The outbox shows the number masked, as every list does.
    const message = res.json().items.find((m: { phone: string }) => m.phone === maskPhone(phone));
    expect(message, 'a message for the phone').toBeDefined();
    expect(message.status).toBe('sent');
    return /\b(\d{6})\b/.exec(message.body)![1]!;
  }
  async function latestCodeFromOutbox(phone: string): Promise<string> {
    await siyu.tick();
    const [row] = await smsTo(db, world.tenantId, phone);
    if (!row) throw new Error(`no text to ${phone}`);
    return /\b(\d{6})\b/.exec(row.body!)![1]!;
  }
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('the code from the outbox opens a session once; only a keyed hash is stored', async () => {
    const phone = freshPhone();
    const asked = await requestCode(phone);
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toEqual({ sent: true, expires_in_s: 300, resend_after_s: 60 });
    const code = await codeFromOutbox(phone);
    const stored = await db.selectFrom('otp_challenges').select(['code_hash', 'phone_hash']).where('tenant_id', '=', world.tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(stored.phone_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.code_hash).not.toContain(code);

    const session = await signIn({ phone, code, name: 'Wang' });
    expect(session.statusCode, session.body).toBe(201);
    expect(session.json().customer).toMatchObject({ name: 'Wang', phone });
    const orders = await siyu.server.inject({ method: 'GET', url: '/api/v1/orders', headers: { authorization: `Bearer ${session.json().token}` } });
    expect(orders.statusCode).toBe(200);
    const identity = await db.selectFrom('customer_identities').selectAll().where('tenant_id', '=', world.tenantId).where('provider', '=', 'phone').where('subject', '=', testPhones.index(phone)).executeTakeFirst();
    expect(identity?.customer_id).toBe(session.json().customer.id);

    const again = await signIn({ phone, code });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('otp_expired');
  });

  it('a code expires after 5 minutes (the injectable clock)', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(202);
    const code = await codeFromOutbox(phone);
    clock.advance(OTP_RULES.ttlMs + 1);
    const late = await signIn({ phone, code });
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('otp_expired');
  });

  it('5 wrong tries kill the code: the right one is refused after them', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(202);
    const code = await codeFromOutbox(phone);
    for (let i = 1; i <= OTP_RULES.maxTries; i++) {
      const res = await signIn({ phone, code: wrong(code) });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'otp_invalid', tries_left: OTP_RULES.maxTries - i });
    }
    const right = await signIn({ phone, code });
    expect(right.statusCode).toBe(401);
    expect(right.json().code).toBe('otp_expired');
  });

  it('a newer code replaces the older one', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(202);
    const first = await codeFromOutbox(phone);
    let second = first;
    // Draw again until the codes differ (equal ones, one chance in a million, would prove nothing).
    while (second === first) {
      clock.advance(OTP_RULES.phoneGapMs);
      expect((await requestCode(phone, freshIp())).statusCode).toBe(202);
      second = await latestCodeFromOutbox(phone);
    }
    const old = await signIn({ phone, code: first });
    expect(old.statusCode).toBe(401);
    expect(old.json().code).toBe('otp_invalid');
    expect((await signIn({ phone, code: second })).statusCode).toBe(201);
  });

  it('throttles per phone: one a minute, 10 a day, across addresses', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(202);
    const soon = await requestCode(phone);
    expect(soon.statusCode).toBe(429);
    expect(soon.json().code).toBe('otp_throttled');
    expect(Number(soon.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(soon.headers['retry-after'])).toBeLessThanOrEqual(60);
    for (let i = 1; i < OTP_RULES.phonePerDay; i++) {
      clock.advance(OTP_RULES.phoneGapMs);
      expect((await requestCode(phone)).statusCode).toBe(202);
    }
    clock.advance(OTP_RULES.phoneGapMs);
    const eleventh = await requestCode(phone);
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.json().retry_after_s).toBeGreaterThan(3600);
    clock.advance(24 * 3_600_000);
    expect((await requestCode(phone)).statusCode).toBe(202);
  });

  it('throttles per address: 20 an hour whatever the phones, counted in the database under concurrency', async () => {
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: OTP_RULES.ipPerHour + 5 }, () => requestCode(freshPhone(), ip)));
    expect(answers.filter((a) => a.statusCode === 202)).toHaveLength(OTP_RULES.ipPerHour);
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(5);
    expect((await requestCode(freshPhone(), freshIp())).statusCode).toBe(202);
    clock.advance(3_600_000);
    expect((await requestCode(freshPhone(), ip)).statusCode).toBe(202);
  });

  it('concurrent wrong tries are counted one by one: never more than 5', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(202);
    const code = await codeFromOutbox(phone);
    const answers = await Promise.all(Array.from({ length: 12 }, () => signIn({ phone, code: wrong(code) })));
    expect(answers.filter((a) => a.json().code === 'otp_invalid')).toHaveLength(OTP_RULES.maxTries);
    expect(answers.filter((a) => a.json().code === 'otp_expired')).toHaveLength(12 - OTP_RULES.maxTries);
    const row = await db.selectFrom('otp_challenges').select('attempts').where('tenant_id', '=', world.tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(OTP_RULES.maxTries);
    expect((await signIn({ phone, code })).json().code).toBe('otp_expired');
  });

  it('behind a trusted proxy, the address throttled is the forwarded client\'s', async () => {
    // The database's hourly throttle is under test: the in-memory per-minute limit is lifted.
    const proxied = await createSiyu(db, loadConfig({ SIYU_TRUST_PROXY: '127.0.0.1', SIYU_RATE_LIMITS: 'off' }), { clock });
    try {
      const client = freshIp();
      const viaProxy = (phone: string, forwardedFor: string) => proxied.server.inject({
        method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone }, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor },
      });
      for (let i = 0; i < OTP_RULES.ipPerHour; i++) expect((await viaProxy(freshPhone(), client)).statusCode).toBe(202);
      expect((await viaProxy(freshPhone(), client)).statusCode).toBe(429);
      // Another shopper behind the same proxy is not blocked by the first one's requests.
      expect((await viaProxy(freshPhone(), freshIp())).statusCode).toBe(202);
      const rows = await db.selectFrom('otp_challenges').select('client_ip').where('tenant_id', '=', world.tenantId).where('client_ip', '=', client).execute();
      expect(rows).toHaveLength(OTP_RULES.ipPerHour);
    } finally {
      await proxied.server.close();
    }
  });

  it('says nothing about a customer before the code is verified', async () => {
    const known = freshPhone();
    const first = await requestCode(known);
    await signIn({ phone: known, code: await codeFromOutbox(known), name: 'Secret Name' });
    clock.advance(OTP_RULES.phoneGapMs);
    const [forKnown, forUnknown] = [await requestCode(known), await requestCode(freshPhone())];
    expect(forKnown.statusCode).toBe(forUnknown.statusCode);
    expect(forKnown.body).toBe(forUnknown.body);
    expect(forKnown.body).toBe(first.body);
    const guess = await signIn({ phone: known, code: wrong(await latestCodeFromOutbox(known)) });
    expect(guess.statusCode).toBe(401);
    expect(guess.body).not.toContain('Secret Name');
    expect(guess.body).not.toContain('cus_');
  });

  it('sandbox mode: the phone-only session, the cashier route and the meta endpoint say sandbox', async () => {
    const shortcut = await signIn({ phone: freshPhone(), name: 'Demo' });
    expect(shortcut.statusCode, shortcut.body).toBe(201);
    // The route exists: an unknown payment is the provider's own 404, not the router's.
    const cashier = await siyu.server.inject({ method: 'POST', url: '/api/v1/sandbox/payments/pay_x/pay', payload: {}, headers: { authorization: `Bearer ${shortcut.json().token}` } });
    expect(cashier.json().code).toBe('payment_not_found');
    const meta = await siyu.server.inject({ method: 'GET', url: '/api/v1/meta' });
    expect(meta.json()).toEqual({ mode: 'sandbox' });
  });

  describe('live mode', () => {
    let live: Siyu;
    beforeAll(async () => {
      live = await createSiyu(db, LIVE, { clock, sandboxNotifyPost: injectPost });
      await live.server.ready();
    });
    afterAll(() => live.server.close());

    it('refuses the phone-only session', async () => {
      const res = await signIn({ phone: freshPhone(), name: 'Mallory' }, live);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('otp_required');
      const customers = await db.selectFrom('customers').select('id').where('name', '=', 'Mallory').execute();
      expect(customers).toHaveLength(0);
    });

    it('mounts no sandbox payment routes or provider, and its meta says live', async () => {
      const token = (await signIn({ phone: freshPhone() })).json().token as string;
      const cashier = await live.server.inject({ method: 'POST', url: '/api/v1/sandbox/payments/pay_x/pay', payload: {}, headers: { authorization: `Bearer ${token}` } });
      expect(cashier.statusCode).toBe(404);
      expect(cashier.json().code).toBe('not_found');
      const notify = await live.server.inject({ method: 'POST', url: '/api/v1/payments/notify/sandbox', payload: {} });
      expect(notify.statusCode).toBe(404);
      expect(notify.json().code).toBe('unknown_provider');
      const sandboxNotify = await siyu.server.inject({ method: 'POST', url: '/api/v1/payments/notify/sandbox', payload: {} });
      expect(sandboxNotify.json().code).not.toBe('unknown_provider');
      expect((await live.server.inject({ method: 'GET', url: '/api/v1/meta' })).json()).toEqual({ mode: 'live' });
    });

    it('offers no sandbox SMS provider: a tenant without a real one gets 503, and cannot choose the sandbox', async () => {
      const res = await requestCode(freshPhone(), freshIp(), live);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('sms_not_configured');
      const put = await live.server.inject({ method: 'PUT', url: '/api/v1/messaging/sms-settings', payload: { provider: 'sandbox' }, headers: { authorization: `Bearer ${world.adminToken}` } });
      expect(put.statusCode).toBe(400);
      expect(put.json().code).toBe('sms_provider_unavailable');
    });
  });
});

describe('config: live mode refuses default or missing secrets, naming the variable', () => {
  it('SIYU_SECRET_KEY missing, the published default, or short; DATABASE_URL missing', async () => {
    const { SANDBOX_SECRET_KEY } = await import('../platform/config.js');
    expect(() => loadConfig({ SIYU_MODE: 'live', DATABASE_URL: 'postgres://x/y' })).toThrow(/SIYU_SECRET_KEY is not set/);
    expect(() => loadConfig({ SIYU_MODE: 'live', DATABASE_URL: 'postgres://x/y', SIYU_SECRET_KEY: SANDBOX_SECRET_KEY })).toThrow(/SIYU_SECRET_KEY is the published sandbox default/);
    expect(() => loadConfig({ SIYU_MODE: 'live', DATABASE_URL: 'postgres://x/y', SIYU_SECRET_KEY: 'short' })).toThrow(/SIYU_SECRET_KEY is too short/);
    expect(() => loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48) })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SIYU_MODE: 'production' })).toThrow(/SIYU_MODE/);
    expect(loadConfig({}).mode).toBe('sandbox');
    expect(testConfig.mode).toBe('sandbox');
    expect(LIVE.mode).toBe('live');
  });
});
