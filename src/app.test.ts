/**
 * The background loop: started, it runs due jobs and expires overdue orders on its own; closed, it
 * waits for a tick in flight, schedules nothing more, then closes the server and only then the
 * database. Two loops over one database (two processes of `siyu start --workers 2`) run each job
 * once and expire each order once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { createSiyu, type Siyu } from './app.js';
import { injectPost } from './providers/sandboxpay.unit.js';
import { createDb } from './platform/db/database.js';
import { releaseStaleLocks } from './platform/jobs/runner.js';
import type { Database } from './database.js';
import { createTestDatabase } from '../test/test-db.js';
import { auth, manualClock, seedWorld, stockOf, testConfig, type World } from '../test/fixtures.js';

const MINUTE = 60_000;

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background loop', async () => {
  const { db, url } = await createTestDatabase({ max: 20 });
  const clock = manualClock();
  const world = await seedWorld(db, clock, { skuCount: 2, stock: 1000 });
  const shopper = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost });

  /** A connection holding the orders table, so a background tick that touches it blocks mid-flight. */
  async function lockOrdersTable(): Promise<pg.Client> {
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
    return locker;
  }

  async function waitersOnOrders(locker: pg.Client): Promise<number> {
    const { rows } = await locker.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'orders'::regclass`);
    return rows[0]!.n;
  }

  afterAll(() => shopper.close());
  let phone = 0;

  async function consumer(): Promise<string> {
    const res = await shopper.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { name: 'C', phone: `139${String(++phone).padStart(8, '0')}` } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().token;
  }

  async function placeOrder(w: World, token: string, quantity = 1): Promise<string> {
    const res = await shopper.server.inject({
      method: 'POST', url: '/api/v1/orders', headers: auth(token, { 'idempotency-key': `order-${Math.random()}` }),
      payload: { shop: w.shop, lines: [{ sku_id: w.skus[0]!.id, quantity }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  /** An order whose sandbox payment is confirmed: its notification waits in the job queue. */
  async function orderAwaitingNotification(token: string): Promise<{ orderId: string; paymentId: string }> {
    const orderId = await placeOrder(world, token);
    const pay = await shopper.server.inject({ method: 'POST', url: `/api/v1/orders/${orderId}/payments`, headers: auth(token, { 'idempotency-key': `pay-${orderId}` }), payload: {} });
    expect(pay.statusCode, pay.body).toBe(201);
    const paymentId = pay.json().payment_id as string;
    const confirm = await shopper.server.inject({ method: 'POST', url: `/api/v1/sandbox/payments/${paymentId}/pay`, headers: auth(token), payload: {} });
    expect(confirm.statusCode, confirm.body).toBe(200);
    return { orderId, paymentId };
  }

  const statusOf = async (orderId: string) =>
    (await db.selectFrom('orders').select('status').where('tenant_id', '=', world.tenantId).where('id', '=', orderId).executeTakeFirstOrThrow()).status;
  // A finished job leaves graphile-worker's queue; periodic work's own job is always there.
  const undoneJobs = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier NOT LIKE 'periodic:%'`.execute(db)).rows[0]!.n;
  /** Moves the business clock past every pending order's deadline, expiring leftovers of earlier tests first. */
  async function expireLeftovers() {
    clock.advance(16 * MINUTE);
    await shopper.tick();
  }

  it('tick() runs due jobs and expires overdue orders once', async () => {
    await expireLeftovers();
    const token = await consumer();
    const unpaid = await placeOrder(world, token, 3);
    clock.advance(15 * MINUTE);
    const paid = await orderAwaitingNotification(token);
    expect(await shopper.tick()).toEqual({ jobs: 1, expired: 1 });
    expect(await statusOf(paid.orderId)).toBe('paid');
    expect(await statusOf(unpaid)).toBe('expired');
    expect(await shopper.tick()).toEqual({ jobs: 0, expired: 0 });
  });

  it('startBackground() ticks on its own until close()', async () => {
    await expireLeftovers();
    const siyu = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost });
    const token = await consumer();
    const unpaid = await placeOrder(world, token);
    clock.advance(15 * MINUTE);
    const paid = await orderAwaitingNotification(token);
    siyu.startBackground(10);
    await until('the loop to pay and expire', async () => (await statusOf(paid.orderId)) === 'paid' && (await statusOf(unpaid)) === 'expired');
    await siyu.close();
    // Closed: new work stays where it is.
    const later = await placeOrder(world, token);
    clock.advance(16 * MINUTE);
    await pause(100);
    expect(await statusOf(later)).toBe('pending_payment');
  });

  it('the runner schedules the daily pruning of idempotency keys on the queue\'s cron', async () => {
    const siyu = await createSiyu(db, testConfig, { clock });
    siyu.startBackground(50);
    try {
      await until('the cron schedule to be registered', async () => {
        const { rows } = await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(db);
        return rows.some((r) => r.identifier === 'idempotency.prune');
      });
    } finally {
      await siyu.close();
    }
  });

  it('close() during a tick waits for it, re-arms no timer, closes the server, and releases the database last', async () => {
    await expireLeftovers();
    const events: string[] = [];
    // Its own pool, as a process has: every statement it completes is recorded in order.
    const ownDb = createDb<Database>(url, { max: 4, onQuery: () => { events.push('query'); } });
    const siyu = await createSiyu(ownDb, testConfig, {
      clock,
      closeDb: async () => {
        // The pool stays open until the test ends so that a stray tick after close would still show up as a query.
        events.push('db released');
      },
    });
    siyu.server.addHook('onClose', async () => { events.push('server closed'); });
    await siyu.server.ready();

    // Hold the orders table so the loop's first tick blocks mid-flight.
    const locker = await lockOrdersTable();
    try {
      siyu.startBackground(5);
      await until('a tick to wait on the lock', async () => (await waitersOnOrders(locker)) > 0);
      const closing = siyu.close();
      await pause(50);
      expect(events.filter((e) => e !== 'query'), 'close() waits for the tick in flight').toEqual([]);
      events.push('tick released');
      await locker.query('COMMIT');
      await closing;

      const afterClose = events.length;
      await pause(200); // forty intervals: a re-armed timer would have ticked by now
      expect(events.slice(afterClose), 'nothing runs after close()').toEqual([]);
      const order = events.filter((e) => e !== 'query');
      expect(order).toEqual(['tick released', 'server closed', 'db released']);
      // The tick finished its statements before the server closed.
      expect(events.lastIndexOf('query')).toBeGreaterThan(events.indexOf('tick released'));
      expect(events.lastIndexOf('query')).toBeLessThan(events.indexOf('server closed'));
    } finally {
      await locker.end();
      await ownDb.destroy();
    }
  });

  it('close() gives up on work still in flight after the shutdown timeout and releases the database anyway', async () => {
    await expireLeftovers();
    let released = false;
    const ownDb = createDb<Database>(url, { max: 4 });
    const siyu = await createSiyu(ownDb, { ...testConfig, shutdownTimeoutMs: 100 }, { clock, closeDb: async () => { released = true; } });
    await siyu.server.ready();
    const locker = await lockOrdersTable();
    try {
      siyu.startBackground(5);
      await until('a tick to wait on the lock', async () => (await waitersOnOrders(locker)) > 0);
      // The tick cannot finish while the lock is held, so only the timeout can end close().
      await siyu.close();
      expect(released).toBe(true);
      expect(await waitersOnOrders(locker), 'the tick was still waiting when the database was released').toBeGreaterThan(0);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
      await ownDb.destroy();
    }
  });

  it('two loops over one database (two processes) run each job once and expire each order once', async () => {
    await expireLeftovers();
    // The shutdown-timeout test above abandons a link of the expiry chain locked by a runner whose
    // database was closed under it; in production the stale-lock sweep frees it after 30 s, which
    // would outlast this test's wait. Free it now, as that sweep would.
    await releaseStaleLocks(db, 0);
    // Every transition to expired is recorded: an order expired twice would show up twice.
    await sql`CREATE TABLE expiry_log (order_id text NOT NULL)`.execute(db);
    await sql`CREATE FUNCTION log_expiry() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO expiry_log VALUES (NEW.id); RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER log_expiry AFTER UPDATE OF status ON orders
                FOR EACH ROW WHEN (NEW.status = 'expired' AND OLD.status IS DISTINCT FROM 'expired') EXECUTE FUNCTION log_expiry()`.execute(db);

    const pools = [createDb<Database>(url, { max: 6 }), createDb<Database>(url, { max: 6 })];
    const loops: Siyu[] = [];
    // Each job run is counted where the handler reads the notification it delivers.
    const runs = new Map<string, number>();
    const byLoop = [0, 0];
    const failures: string[] = [];
    const logger = { level: 'warn', stream: { write: (line: string) => { if (line.includes('job failed')) failures.push(line); } } };
    for (const [i, pool] of pools.entries()) {
      const siyu = await createSiyu(pool, testConfig, { clock, logger, closeDb: () => pool.destroy(), sandboxNotifyPost: injectPost });
      const provider = siyu.providers.sandbox!;
      const parse = provider.parseNotification.bind(provider);
      provider.parseNotification = async (headers, body) => {
        const n = await parse(headers, body);
        runs.set(n.paymentId, (runs.get(n.paymentId) ?? 0) + 1);
        byLoop[i]!++;
        return n;
      };
      loops.push(siyu);
    }
    try {
      const tokens = await Promise.all(Array.from({ length: 12 }, () => consumer()));
      const stockBefore = await stockOf(db, world.tenantId, world.skus[0]!.id);
      const payments = [];
      for (const token of tokens.slice(0, 6)) for (let k = 0; k < 5; k++) payments.push(await orderAwaitingNotification(token));
      for (const siyu of loops) siyu.startBackground(5);
      await until('every notification job to run', async () => (await undoneJobs()) === 0);
      for (const p of payments) expect(await statusOf(p.orderId)).toBe('paid');
      expect([...runs.values()].every((n) => n === 1) && runs.size === payments.length, `runs per job: ${JSON.stringify([...runs.values()])}`).toBe(true);
      // Each ran once and succeeded: none failed (a failure is logged and the job kept for a retry).
      expect(failures, 'job failures logged').toEqual([]);

      const unpaid: string[] = [];
      for (const token of tokens.slice(6)) for (let k = 0; k < 5; k++) unpaid.push(await placeOrder(world, token, 2));
      clock.advance(15 * MINUTE);
      await until('every unpaid order to expire', async () => {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM orders WHERE id = ANY(${unpaid}) AND status = 'expired'`.execute(db);
        return rows[0]!.n === unpaid.length;
      });
      await pause(50); // let both loops tick again over the expired orders
      const { rows: log } = await sql<{ order_id: string; n: number }>`SELECT order_id, count(*)::int AS n FROM expiry_log GROUP BY 1`.execute(db);
      expect(log.filter((r) => unpaid.includes(r.order_id)).map((r) => r.n)).toEqual(unpaid.map(() => 1));
      // Stock released exactly once: back to what the paid orders hold.
      expect(await stockOf(db, world.tenantId, world.skus[0]!.id)).toEqual({ ...stockBefore, reserved: stockBefore.reserved + payments.length, live_reservations: stockBefore.live_reservations + payments.length });
      expect(byLoop[0]! + byLoop[1]!).toBe(payments.length);
    } finally {
      await Promise.all(loops.map((l) => l.close()));
    }
  });
});
