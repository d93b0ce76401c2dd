import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { createUser } from './identity.service.js';

describe('identity over HTTP', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const other = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);

  it('logs in with the right password and refuses a wrong one the same way as an unknown login', async () => {
    const ok = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'admin', password: 'admin-password' } });
    expect(ok.statusCode).toBe(200);
    const me = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(ok.json().token) });
    expect(me.json()).toMatchObject({ login: 'admin', role: 'tenant_admin', tenant_id: world.tenantId });

    const wrong = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'admin', password: 'nope' } });
    const unknown = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'ghost', password: 'nope' } });
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('invalid_credentials');
    }
  });

  it('stores argon2id hashes, never the password', async () => {
    const row = await db.selectFrom('users').select('password_hash').where('tenant_id', '=', world.tenantId).where('login', '=', 'admin').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('admin-password');
  });

  it('a revoked or expired session no longer authenticates', async () => {
    const { token } = (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'admin', password: 'admin-password' } })).json();
    expect((await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(token) })).statusCode).toBe(204);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(token) })).statusCode).toBe(401);

    const fresh = (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'admin', password: 'admin-password' } })).json().token;
    clock.advance(8 * 86_400_000);
    expect((await inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth(fresh) })).statusCode).toBe(401);
    clock.advance(-8 * 86_400_000);
  });

  it('API tokens act for integrations; roles outside their rights get 403', async () => {
    const created = await inject({ method: 'POST', url: '/api/v1/api-tokens', payload: { name: 'erp' }, headers: auth(world.adminToken) });
    expect(created.statusCode).toBe(201);
    const list = await inject({ method: 'GET', url: '/api/v1/b-nodes', headers: auth(created.json().token) });
    expect(list.statusCode).toBe(200);

    const consumer = await consumerToken(siyu, world.shop, '13900000009');
    for (const [method, url, payload] of [
      ['POST', '/api/v1/api-tokens', { name: 'x' }],
      ['POST', '/api/v1/suppliers', { name: 'x' }],
      ['GET', '/api/v1/b-nodes', undefined],
    ] as const) {
      const r = await inject({ method, url, ...(payload ? { payload } : {}), headers: auth(consumer) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().code).toBe('forbidden');
    }
  });

  it('a B node owner sees only its own node; another tenant’s ids answer 404', async () => {
    const owner = await createUser(db, world.tenantId, { login: 'owner', display_name: 'Owner', role: 'b_owner', password: 'owner-password', b_node_id: world.bNodeId });
    expect(owner.role).toBe('b_owner');
    const token = (await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'owner', password: 'owner-password' } })).json().token;
    expect((await inject({ method: 'GET', url: `/api/v1/b-nodes/${world.bNodeId}`, headers: auth(token) })).statusCode).toBe(200);
    const foreign = await inject({ method: 'GET', url: `/api/v1/b-nodes/${other.bNodeId}`, headers: auth(world.adminToken) });
    expect(foreign.statusCode).toBe(404);
    const foreignSku = await inject({ method: 'PATCH', url: `/api/v1/skus/${other.skus[0]!.id}`, payload: { name: 'hijack' }, headers: auth(world.adminToken) });
    expect(foreignSku.statusCode).toBe(404);
  });
});
