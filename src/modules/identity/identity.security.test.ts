import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu, testConfig } from '../../../test/fixtures.js';
import { loadConfig } from '../../platform/config.js';
import { createUser } from './identity.service.js';

describe('sign-in lockout, password change, sign-out everywhere, API token expiry and revocation', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  // The test configuration has per-address limits off: the account lockout holds regardless.
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const signIn = (login: string, password: string, remoteAddress = '127.0.0.1', server = siyu.server) =>
    server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { tenant: world.tenantSlug, login, password } });

  it('five wrong passwords lock the account: even the right one answers 429 login_locked with Retry-After, until the lock ends', async () => {
    expect(testConfig.limits.perAddress).toBe(false);
    await createUser(db, world.tenantId, { login: 'clerk', display_name: 'Clerk', role: 'staff', password: 'clerk-password', b_node_id: world.bNodeId });
    for (let i = 0; i < 5; i++) expect((await signIn('clerk', `wrong-${i}`)).json().code).toBe('invalid_credentials');
    const locked = await signIn('clerk', 'clerk-password');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(locked.json()).toMatchObject({ code: 'login_locked', retry_after_seconds: 30 });
    expect(locked.headers['retry-after']).toBe('30');

    // The count is in the database: another server process (a second cluster worker) refuses too.
    const other = await startSiyu(db, clock, testConfig);
    expect((await signIn('clerk', 'clerk-password', '127.0.0.1', other.server)).json().code).toBe('login_locked');
    await other.close();

    // Backoff: once the lock ends, one more wrong password locks for twice as long.
    clock.advance(31_000);
    expect((await signIn('clerk', 'wrong-again')).statusCode).toBe(401);
    expect((await signIn('clerk', 'clerk-password')).json()).toMatchObject({ code: 'login_locked', retry_after_seconds: 60 });
    clock.advance(61_000);
    expect((await signIn('clerk', 'clerk-password')).statusCode).toBe(200);

    // A success starts the count over: four more wrong passwords do not lock.
    for (let i = 0; i < 4; i++) expect((await signIn('clerk', `wrong-${i}`)).statusCode).toBe(401);
    expect((await signIn('clerk', 'clerk-password')).statusCode).toBe(200);
  });

  it('an unknown login locks the same way, so a lock says nothing about which logins exist', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('nobody', 'x')).statusCode).toBe(401);
    expect((await signIn('nobody', 'x')).json().code).toBe('login_locked');
  });

  it('with per-address limits on: one address is throttled after 20 sign-ins a minute, and locked after 50 wrong passwords across accounts', async () => {
    const limited = await startSiyu(db, clock, loadConfig({}));
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await signIn(`spray-${i}`, 'guess', '10.1.0.1', limited.server)).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    const throttled = await signIn('spray-x', 'guess', '10.1.0.1', limited.server);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().code).toBe('rate_limited');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    await limited.close();

    // The address count is in the database too, and spans accounts; the raised request limit lets the guesses through.
    const scaled = await startSiyu(db, clock, loadConfig({ SIYU_RATE_LIMIT_SCALE: '10' }));
    for (let i = 0; i < 49; i++) expect((await signIn(`spread-${i}`, 'guess', '10.1.0.2', scaled.server)).statusCode).toBe(401);
    expect((await signIn('admin', 'admin-password', '10.1.0.2', scaled.server)).statusCode).toBe(200);
    expect((await signIn('spread-49', 'guess', '10.1.0.2', scaled.server)).statusCode).toBe(401);
    expect((await signIn('admin', 'admin-password', '10.1.0.2', scaled.server)).json().code).toBe('login_locked');
    expect((await signIn('admin', 'admin-password', '10.1.0.3', scaled.server)).statusCode).toBe(200);
    await scaled.close();
  });

  it('a password change needs the current password, revokes the user\'s other sessions and keeps this one', async () => {
    await createUser(db, world.tenantId, { login: 'owner', display_name: 'Owner', role: 'b_owner', password: 'owner-password', b_node_id: world.bNodeId });
    const here = (await signIn('owner', 'owner-password')).json().token as string;
    const elsewhere = (await signIn('owner', 'owner-password')).json().token as string;

    const wrong = await inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth(here), payload: { current_password: 'nope', new_password: 'new-owner-password' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().code).toBe('wrong_current_password');
    const short = await inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth(here), payload: { current_password: 'owner-password', new_password: 'short' } });
    expect(short.json().code).toBe('validation_failed');

    const changed = await inject({ method: 'POST', url: '/api/v1/auth/password', headers: auth(here), payload: { current_password: 'owner-password', new_password: 'new-owner-password' } });
    expect(changed.statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(here) })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(elsewhere) })).statusCode).toBe(401);
    expect((await signIn('owner', 'owner-password')).statusCode).toBe(401);
    expect((await signIn('owner', 'new-owner-password')).statusCode).toBe(200);
  });

  it('sign out everywhere revokes every session and API token of the user, and no one else\'s', async () => {
    await createUser(db, world.tenantId, { login: 'boss', display_name: 'Boss', role: 'tenant_admin', password: 'boss-password' });
    const a = (await signIn('boss', 'boss-password')).json().token as string;
    const b = (await signIn('boss', 'boss-password')).json().token as string;
    const api = (await inject({ method: 'POST', url: '/api/v1/api-tokens', headers: auth(a), payload: { name: 'boss-erp' } })).json().token as string;
    const bystander = (await signIn('admin', 'admin-password')).json().token as string;

    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout-all', headers: auth(b) })).statusCode).toBe(204);
    for (const token of [a, b, api]) expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(token) })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(bystander) })).statusCode).toBe(200);
  });

  it('API tokens: optional expiry, listed without their secret, revoked at once; only admins manage them', async () => {
    const expiring = await inject({ method: 'POST', url: '/api/v1/api-tokens', headers: auth(world.adminToken), payload: { name: 'nightly-export', expires_in_days: 1 } });
    expect(expiring.statusCode).toBe(201);
    const lasting = (await inject({ method: 'POST', url: '/api/v1/api-tokens', headers: auth(world.adminToken), payload: { name: 'erp' } })).json();
    expect(lasting.expires_at).toBeNull();
    expect((await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: auth(expiring.json().token) })).statusCode).toBe(200);

    clock.advance(2 * 86_400_000);
    expect((await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: auth(expiring.json().token) })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: auth(lasting.token) })).statusCode).toBe(200);

    expect((await inject({ method: 'DELETE', url: `/api/v1/api-tokens/${lasting.id}`, headers: auth(world.adminToken) })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: auth(lasting.token) })).statusCode).toBe(401);
    expect((await inject({ method: 'DELETE', url: `/api/v1/api-tokens/${lasting.id}`, headers: auth(world.adminToken) })).statusCode).toBe(204);
    expect((await inject({ method: 'DELETE', url: '/api/v1/api-tokens/tok_nope', headers: auth(world.adminToken) })).json().code).toBe('token_not_found');

    const list = await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: auth(world.adminToken) });
    expect(list.statusCode).toBe(200);
    const byId = new Map(list.json().items.map((t: { id: string }) => [t.id, t]));
    expect(byId.get(expiring.json().id)).toMatchObject({ name: 'nightly-export', status: 'expired', user_login: 'admin' });
    expect(byId.get(lasting.id)).toMatchObject({ name: 'erp', status: 'revoked' });
    expect(list.body).not.toContain(lasting.token);
    expect(list.body).not.toMatch(/token_hash|[0-9a-f]{64}/);

    await createUser(db, world.tenantId, { login: 'staffer', display_name: 'Staffer', role: 'staff', password: 'staffer-password', b_node_id: world.bNodeId });
    const staff = (await signIn('staffer', 'staffer-password')).json().token as string;
    expect((await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: auth(staff) })).statusCode).toBe(403);
    expect((await inject({ method: 'DELETE', url: `/api/v1/api-tokens/${expiring.json().id}`, headers: auth(staff) })).statusCode).toBe(403);
    clock.advance(-2 * 86_400_000);
  });
});
