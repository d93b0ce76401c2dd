import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu, testConfig } from '../../../test/fixtures.js';

describe('request logs', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const siyu = await startSiyu(db, clock, testConfig, { logger: { level: 'debug', stream } });
  await siyu.server.ready();
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);

  it('carry the route pattern, never the query string, and no token, password or phone number', async () => {
    const phone = '13812345678';
    const session = await inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { name: 'Wang', phone } });
    expect(session.statusCode).toBe(201);
    const consumer = session.json().token as string;
    await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: world.tenantSlug, login: 'admin', password: 'admin-password' } });
    await inject({ method: 'GET', url: `/api/v1/orders?q=${phone}&limit=5`, headers: auth(world.adminToken) });
    await inject({ method: 'GET', url: `/api/v1/orders/ord_x?phone=${phone}`, headers: auth(consumer) });
    await inject({ method: 'GET', url: `/api/v1/nowhere?phone=${phone}`, headers: { authorization: `Bearer ${world.adminToken}` } });
    // An error quoting a phone number in its message and the database's detail.
    siyu.server.log.error({ err: Object.assign(new Error(`duplicate key for ${phone}`), { code: '23505', detail: `Key (tenant_id, phone)=(t, ${phone}) already exists.` }), phone, password: 'admin-password' }, 'failed');

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(8);
    expect(log).toContain('"route":"/api/v1/orders"');
    expect(log).toContain('"route":"/api/v1/orders/:id"');
    expect(log).toContain('"route":"/api/v1/shops/:slug/session"');
    expect(log).toContain('"route":"/api/v1/nowhere"');
    expect(log).toContain('"code":"23505"');
    for (const secret of [phone, '?q=', 'limit=5', world.adminToken, consumer, 'admin-password', 'Bearer']) {
      expect(log, `log must not contain ${secret}`).not.toContain(secret);
    }
  });
});
