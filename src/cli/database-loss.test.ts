import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alive, consumerSession, freePort, health, post, seedShop, sleep, serverProcessSuite, startServerProcess, until,
  type ServerProcess,
} from '../../test/server-process.js';

/**
 * `siyu start` while its PostgreSQL is killed (-9) under load and started again: the process
 * lives throughout, answers 503 database_unavailable (and /healthz 503) while the database is
 * away, serves again without a restart once it is back, and no order is lost or duplicated.
 */
describe('the server survives losing its database', () => {
  const suite = serverProcessSuite();
  let server: ServerProcess;

  it('answers 503 while PostgreSQL is down, then serves again; every order acknowledged exists exactly once', async () => {
    const shop = await seedShop(suite.pg.url);
    const db = suite.db(shop.db);
    const { world } = shop;
    server = suite.server(await startServerProcess(suite.pg.url, await freePort()));
    const { base } = server;
    const ok = await health(base);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'ok', db: 'ok', jobs: { due: expect.any(Number), oldest_due_ms: expect.any(Number) } });
    let exitedEarly: unknown;
    void server.exited.then((e) => { exitedEarly = e; });

    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => consumerSession(base, world.shop, `1390000${String(1000 + i)}`)));
    // Each client places orders one after another; an order is retried with its Idempotency-Key
    // until it gets its 201, as a client honouring Retry-After would.
    const created = new Map<string, string>(); // idempotency key → order id
    const unavailable: { code: unknown; retryAfter: string | null; type: string | null }[] = [];
    const unexpected: string[] = [];
    let unanswered = 0;
    let stopping = false;
    const client = async (token: string, n: number) => {
      while (!stopping) {
        const key = randomUUID();
        const lines = [{ sku_id: world.skus[n % world.skus.length]!.id, quantity: 1 + (n % 2) }];
        for (;;) {
          const res = await post(base, '/api/v1/orders', token, { shop: world.shop, lines }, key);
          if (res?.status === 201) {
            created.set(key, JSON.parse(res.text).id);
            break;
          }
          if (!res) unanswered++;
          else if (res.status === 503) unavailable.push({ code: JSON.parse(res.text).code, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') });
          else unexpected.push(`${res.status} ${res.text}`);
          await sleep(100);
        }
      }
    };
    const clients = tokens.map((t, i) => client(t, i));

    await until('orders before the database goes away', () => created.size >= 20);
    suite.pg.kill();
    await until('requests answered 503 while the database is down', () => {
      if (exitedEarly) throw new Error(`the server exited when the database went away: ${JSON.stringify(exitedEarly)}\n${server!.output()}`);
      return unavailable.length >= 5;
    });
    const down = await health(base);
    expect(down.status, JSON.stringify(down.body)).toBe(503);
    expect(down.body).toMatchObject({ db: 'down' });
    expect(down.retryAfter).toBe('2');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status, 'metrics still answer, without the queue gauges').toBe(200);
    expect(await metrics.text()).toContain('siyu_db_pool_clients');
    expect(alive(server.pid), server.output()).toBe(true);
    expect(unavailable.every((u) => u.code === 'database_unavailable' && u.retryAfter === '2' && u.type?.startsWith('application/problem+json')), JSON.stringify(unavailable.slice(0, 3))).toBe(true);

    const duringOutage = created.size;
    await suite.pg.restart();
    await until('/healthz to recover', async () => {
      if (exitedEarly) throw new Error(`the server exited when the database came back: ${JSON.stringify(exitedEarly)}\n${server!.output()}`);
      // A refused connection is told apart on the next round: by then an exit has been seen.
      return (await health(base).catch(() => ({ status: 0 }))).status === 200;
    });
    await until('orders after the database is back', () => created.size >= duringOutage + 20);
    stopping = true;
    await Promise.all(clients);

    expect(exitedEarly, server.output()).toBeUndefined();
    expect(alive(server.pid)).toBe(true);
    expect(unexpected, 'every failure was a 503 database_unavailable or a cut connection').toEqual([]);
    const rows = await db.selectFrom('orders').select('id').where('tenant_id', '=', world.tenantId).execute();
    const acknowledged = [...created.values()];
    expect(new Set(acknowledged).size, 'one order per idempotency key').toBe(acknowledged.length);
    expect(rows.map((r) => r.id).sort(), 'the orders that exist are exactly those acknowledged with a 201').toEqual([...acknowledged].sort());
    expect(rows.length).toBeGreaterThanOrEqual(40);

    // Still a well-behaved process: SIGTERM drains and exits 0.
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
