import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import type { ChannelListener, NotificationHub } from '../../platform/db/notifications.js';
import { ACTORS_CHANNEL, createActorCache } from './identity.cache.js';
import { createUser } from './identity.service.js';
import type { TokenRow } from './identity.repo.js';

const row = (over: Partial<TokenRow> = {}): TokenRow => ({
  tenant_id: 'ten_1', user_id: 'usr_1', role: 'consumer', b_node_id: null, supplier_id: null, customer_id: 'cus_1', expires_at: null, revoked_at: null, ...over,
});

/** A hub whose connection and notifications the test drives. */
function fakeHub() {
  const listeners = new Set<ChannelListener>();
  let up = true;
  const hub = {
    watch: (channel: string, l: ChannelListener) => { expect(channel).toBe(ACTORS_CHANNEL); listeners.add(l); return () => listeners.delete(l); },
    listening: () => up,
  } as unknown as NotificationHub;
  return {
    hub,
    notify: () => { for (const l of listeners) l.notified(''); },
    drop: () => { up = false; for (const l of listeners) l.lost(); },
    restore: () => { up = true; for (const l of listeners) l.lost(); },
  };
}

describe('actor cache', () => {
  it('keeps what a lookup read, until a notification, the TTL or a clear', () => {
    const h = fakeHub();
    let now = 1_000;
    const cache = createActorCache(h.hub, () => now);
    cache.begin().store('a', row());
    expect(cache.get('a')).toEqual(row());
    h.notify();
    expect(cache.get('a')).toBeUndefined();

    cache.begin().store('a', row());
    now += 30_001;
    expect(cache.get('a')).toBeUndefined();

    cache.begin().store('b', row());
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
  });

  it('drops a lookup that was running when the cache was cleared: it may have read the row before the change', () => {
    const h = fakeHub();
    const cache = createActorCache(h.hub);
    const racing = cache.begin();
    h.notify();
    racing.store('a', row());
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size()).toBe(0);
  });

  it('caches nothing while the hub is not listening, and starts over when it listens again', () => {
    const h = fakeHub();
    const cache = createActorCache(h.hub);
    cache.begin().store('a', row());
    h.drop();
    expect(cache.get('a')).toBeUndefined();
    cache.begin().store('b', row());
    expect(cache.size()).toBe(0);
    // A lookup that ran while nobody listened could miss a change notified meanwhile.
    const during = cache.begin();
    h.restore();
    during.store('c', row());
    expect(cache.get('c')).toBeUndefined();
    cache.begin().store('d', row());
    expect(cache.get('d')).toEqual(row());
  });

  it('never keeps a revoked token', () => {
    const cache = createActorCache(fakeHub().hub);
    cache.begin().store('a', row({ revoked_at: new Date() }));
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('cached actors stay correct across server processes', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  // Two servers on one database, as two processes (cluster workers) would run: each its own cache and hub.
  const one = await startSiyu(db, clock);
  const two = await startSiyu(db, clock);
  afterAll(async () => { await one.close(); await two.close(); });
  const world = await seedWorld(db, clock);
  const me = (server: typeof one.server, token: string) => server.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(token) });
  const signIn = (login: string, password: string) =>
    one.server.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login, password } });
  /** Waits for the other process to hear of the change: a notification, so milliseconds; 2 s at the most. */
  const refusedSoon = async (server: typeof one.server, token: string) => {
    const deadline = Date.now() + 2_000;
    let status = 0;
    do {
      status = (await me(server, token)).statusCode;
      if (status === 401) return Date.now();
      await new Promise((r) => setTimeout(r, 10));
    } while (Date.now() < deadline);
    return undefined;
  };

  it('sign-out: refused at once by the server that signed out, and within milliseconds by the other', async () => {
    const token = await consumerToken(one, world.shop, '13900000001');
    // Both servers have now looked the token up, and keep it.
    for (let i = 0; i < 3; i++) {
      expect((await me(one.server, token)).statusCode).toBe(200);
      expect((await me(two.server, token)).statusCode).toBe(200);
    }
    const before = Date.now();
    expect((await one.server.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(token) })).statusCode).toBe(204);
    expect((await me(one.server, token)).statusCode).toBe(401);
    const refusedAt = await refusedSoon(two.server, token);
    expect(refusedAt).toBeDefined();
    expect(refusedAt! - before).toBeLessThan(2_000);
  });

  it('sign out everywhere, password change and API token revocation are refused at once here and soon there', async () => {
    await createUser(db, world.tenantId, { login: 'mgr', display_name: 'Manager', role: 'tenant_admin', password: 'mgr-password' });
    const a = (await signIn('mgr', 'mgr-password')).json().token as string;
    const b = (await signIn('mgr', 'mgr-password')).json().token as string;
    const api = (await one.server.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: auth(a), payload: { name: 'mgr-erp' } })).json().token as string;
    for (const t of [a, b, api]) { expect((await me(one.server, t)).statusCode).toBe(200); expect((await me(two.server, t)).statusCode).toBe(200); }

    // Revoking the API token by id (the admin's own session stays).
    const id = (await one.server.inject({ method: 'GET', url: '/api/v1/api-tokens', headers: auth(a) })).json().items.find((t: { name: string }) => t.name === 'mgr-erp').id;
    expect((await one.server.inject({ method: 'DELETE', url: `/api/v1/api-tokens/${id}`, headers: auth(a) })).statusCode).toBe(204);
    expect((await me(one.server, api)).statusCode).toBe(401);
    expect(await refusedSoon(two.server, api)).toBeDefined();
    expect((await me(two.server, a)).statusCode).toBe(200);

    // A password change signs out the other session.
    expect((await one.server.inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth(a), payload: { current_password: 'mgr-password', new_password: 'mgr-password-2' } })).statusCode).toBe(204);
    expect((await me(one.server, b)).statusCode).toBe(401);
    expect(await refusedSoon(two.server, b)).toBeDefined();
    expect((await me(two.server, a)).statusCode).toBe(200);

    // Sign out everywhere, asked of the other server this time.
    expect((await two.server.inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: auth(a) })).statusCode).toBe(204);
    expect((await me(two.server, a)).statusCode).toBe(401);
    expect(await refusedSoon(one.server, a)).toBeDefined();
  });

  it('a change made straight in the database (a role taken away, a token revoked by SQL) reaches every server', async () => {
    await createUser(db, world.tenantId, { login: 'ops', display_name: 'Ops', role: 'tenant_admin', password: 'ops-password' });
    const token = (await signIn('ops', 'ops-password')).json().token as string;
    const tenantPage = (server: typeof one.server) => server.inject({ method: 'GET', url: '/api/v1/tenant', headers: auth(token) });
    expect((await tenantPage(one.server)).statusCode).toBe(200);
    expect((await tenantPage(two.server)).statusCode).toBe(200);

    await sql`UPDATE users SET role = 'staff', b_node_id = ${world.bNodeId} WHERE tenant_id = ${world.tenantId} AND login = 'ops'`.execute(db);
    for (const server of [one.server, two.server]) {
      const deadline = Date.now() + 2_000;
      let status = 0;
      while (Date.now() < deadline && (status = (await tenantPage(server)).statusCode) !== 403) await new Promise((r) => setTimeout(r, 10));
      expect(status).toBe(403);
      expect((await me(server, token)).json().role).toBe('staff');
    }

    await sql`UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = encode(sha256(convert_to(${token}, 'UTF8')), 'hex')`.execute(db);
    expect(await refusedSoon(one.server, token)).toBeDefined();
    expect(await refusedSoon(two.server, token)).toBeDefined();
  });

});
