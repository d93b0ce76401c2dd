import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, testConfig } from '../../../test/fixtures.js';
import type { Database } from '../../database.js';
import { loadConfig, type Config } from '../config.js';
import { buildServer, type RouteModule } from './server.js';
import { perAddressLimit, urlTextIsValid } from './security.js';

const problemOf = (res: { statusCode: number; headers: Record<string, unknown>; json: () => any }) => ({
  status: res.statusCode, type: String(res.headers['content-type']).split(';')[0], code: res.json().code,
});

describe('security headers, bad text, unique keys and per-address limits over HTTP', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  // Limits as shipped (on); the shop session limit is the configured 10 a minute.
  const config: Config = loadConfig({});
  const siyu = await startSiyu(db, clock, config);
  await siyu.server.ready();
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);

  it('every answer carries the security headers, with a CSP that allows only this origin\'s scripts', async () => {
    for (const url of ['/api/v1/openapi.json', `/api/v1/shops/${world.shop}`, '/api/v1/no-such-route', '/healthz']) {
      const res = await inject({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
    }
    // The API documentation still serves under the policy.
    const docs = await inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toBeDefined();
  });

  it('a NUL in a JSON string answers 400 invalid_text (it used to reach PostgreSQL and answer 500), and nothing is written', async () => {
    const before = await db.selectFrom('suppliers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    for (const payload of ['{"name":"Fresh\\u0000Farm"}', '{"name\\u0000":"x"}', '{"name":"ok","nested":["\\u0000"]}']) {
      const res = await inject({ method: 'POST', url: '/api/v1/suppliers', headers: { ...auth(world.adminToken), 'content-type': 'application/json' }, payload });
      expect(problemOf(res), payload).toEqual({ status: 400, type: 'application/problem+json', code: 'invalid_text' });
    }
    const after = await db.selectFrom('suppliers').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // An escaped backslash before "u0000" is ordinary text, not a NUL.
    const literal = await inject({ method: 'POST', url: '/api/v1/suppliers', headers: { ...auth(world.adminToken), 'content-type': 'application/json' }, payload: '{"name":"Farm \\\\u0000"}' });
    expect(literal.statusCode).toBe(201);
    expect(literal.json().name).toBe('Farm \\u0000');
  });

  it('bytes that are not UTF-8 in a JSON body answer 400 invalid_text instead of being stored as replacement characters', async () => {
    const payload = Buffer.concat([Buffer.from('{"name":"Farm '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await inject({ method: 'POST', url: '/api/v1/suppliers', headers: { ...auth(world.adminToken), 'content-type': 'application/json' }, payload });
    expect(problemOf(res)).toEqual({ status: 400, type: 'application/problem+json', code: 'invalid_text' });
    expect(await db.selectFrom('suppliers').select('id').where('name', 'like', 'Farm %').where('name', '!=', 'Farm \\u0000').execute()).toEqual([]);
  });

  it('a NUL or bad percent-encoding in the query string or path answers 400 invalid_text', async () => {
    for (const url of ['/api/v1/orders?q=%00', '/api/v1/orders?q=%FF%FE', '/api/v1/orders?q=138%0013', `/api/v1/b-nodes/${world.bNodeId}%00`, '/api/v1/b-nodes/%FF']) {
      const res = await inject({ method: 'GET', url, headers: auth(world.adminToken) });
      expect(problemOf(res), url).toEqual({ status: 400, type: 'application/problem+json', code: 'invalid_text' });
    }
    expect((await inject({ method: 'GET', url: '/api/v1/orders?q=%E5%BC%A0', headers: auth(world.adminToken) })).statusCode).toBe(200);
    expect(urlTextIsValid('/a?q=%E5%BC%A0+x')).toBe(true);
    expect(urlTextIsValid('/a?q=%C3')).toBe(false);
    expect(urlTextIsValid('/a?cursor=%%%')).toBe(true);
  });

  it('a unique key taken by a racing request answers 409 already_exists, never 500, and names no constraint or value', async () => {
    // Both requests pass the "login taken?" check before either inserts; the database refuses the second.
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      inject({ method: 'POST', url: '/api/v1/users', headers: auth(world.adminToken), payload: { login: 'twin', display_name: 'Twin 13800001234', role: 'staff', password: 'twin-password', b_node_id: world.bNodeId } })));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(['login_taken', 'already_exists']).toContain(r.json().code);
      expect(r.body).not.toMatch(/users_tenant_id_login_key|Key \(|twin\)/);
    }
    expect(results.some((r) => r.json().code === 'already_exists'), 'at least one request lost the race at the database').toBe(true);
  });

  it('shop sessions are limited per client address: the 11th in a minute answers 429 rate_limited with Retry-After; another address is not affected', async () => {
    const open = (i: number, remoteAddress: string) => inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, remoteAddress, payload: { name: `S${i}`, phone: `1370000${String(i).padStart(4, '0')}` } });
    for (let i = 0; i < 10; i++) expect((await open(i, '10.0.0.1')).statusCode).toBe(201);
    const refused = await open(10, '10.0.0.1');
    expect(problemOf(refused)).toEqual({ status: 429, type: 'application/problem+json', code: 'rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().retry_after_seconds).toBe(Number(refused.headers['retry-after']));
    expect((await open(11, '10.0.0.2')).statusCode).toBe(201);
  });

  it('short links (each follow writes a visit) are limited per client address: the 121st in a minute answers 429', async () => {
    const follow = (remoteAddress: string) => inject({ method: 'GET', url: '/s/Zzzzzzzzzzzzzzzz', remoteAddress });
    for (let i = 0; i < 120; i++) expect((await follow('10.0.3.1')).statusCode).toBe(302);
    expect(problemOf(await follow('10.0.3.1'))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await follow('10.0.3.2')).statusCode).toBe(302);
  });

  it('code requests are limited per client address before the database throttle is even asked', async () => {
    // Different phones, so the per-phone throttle never applies; the database's per-address one allows 20 an hour.
    const ask = (i: number, remoteAddress: string) => inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, remoteAddress, payload: { phone: `1350000${String(i).padStart(4, '0')}` } });
    for (let i = 0; i < config.limits.otp.max; i++) expect((await ask(i, '10.0.0.9')).statusCode).toBe(202);
    expect(problemOf(await ask(99, '10.0.0.9'))).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await ask(100, '10.0.0.10')).statusCode).toBe(202);
  });

  it('the sandbox cashier is limited per client address', async () => {
    const token = await consumerToken(siyu, world.shop, '13600000001');
    const pay = () => inject({ method: 'POST', url: '/api/v1/sandbox/payments/pay_none/pay', remoteAddress: '10.0.0.3', headers: auth(token), payload: {} });
    for (let i = 0; i < config.limits.cashier.max; i++) expect((await pay()).statusCode).not.toBe(429);
    expect(problemOf(await pay())).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('SIYU_RATE_LIMITS=off (benchmarks, tests) lifts the per-address limits; SIYU_RATE_LIMIT_SCALE multiplies them', async () => {
    const relaxed = await startSiyu(db, clock, testConfig);
    for (let i = 0; i < 15; i++) {
      const res = await relaxed.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, remoteAddress: '10.0.0.9', payload: { name: `R${i}`, phone: `1350000${String(i).padStart(4, '0')}` } });
      expect(res.statusCode).toBe(201);
    }
    await relaxed.close();
    expect(loadConfig({ SIYU_RATE_LIMIT_SCALE: '4' }).limits.scale).toBe(4);
    expect(() => loadConfig({ SIYU_RATE_LIMITS: 'maybe' })).toThrow(/SIYU_RATE_LIMITS/);
    expect(() => loadConfig({ SIYU_LOGIN_MAX_FAILURES: '0' })).toThrow(/SIYU_LOGIN_MAX_FAILURES/);
  });

  it('perAddressLimit puts any route under a per-address limit (the helper other public routes use)', async () => {
    const limits = { ...config.limits, scale: 2 };
    const route: RouteModule<Database> = (app) => {
      app.post('/ping', { config: perAddressLimit(limits, { max: 2, windowMs: 60_000 }), schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: true }));
    };
    const server = await buildServer({ db, config, clock, authenticate: async () => null }, [route]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await server.inject({ method: 'POST', url: '/api/v1/ping' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const off = await buildServer<Database>({ db, config, clock, authenticate: async () => null }, [(app) => {
      app.post('/ping', { config: perAddressLimit({ ...config.limits, perAddress: false }, { max: 1, windowMs: 60_000 }) }, async () => ({ ok: true }));
    }]);
    for (let i = 0; i < 3; i++) expect((await off.inject({ method: 'POST', url: '/api/v1/ping' })).statusCode).toBe(200);
    await server.close();
    await off.close();
  });
});
