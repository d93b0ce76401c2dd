import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  consumerSession, freePort, post, seedShop, sleep, serverProcessSuite, startServerProcess, until,
  type Answer, type ServerProcess,
} from '../../test/server-process.js';

/**
 * `siyu start` killed (-9) in the middle of the consumer journey (order → payment → sandbox
 * cashier → notification job → paid) and started again: every committed order is intact, every
 * payment the cashier accepted confirms its order exactly once, and no job is lost or run twice.
 */
describe('the server process killed under load', () => {
  const suite = serverProcessSuite();
  let server: ServerProcess;

  it('loses no committed order, confirms every accepted payment once, runs every job once', async () => {
    const shop = await seedShop(suite.pg.url);
    const db = suite.db(shop.db);
    const { world } = shop;
    const port = await freePort();
    server = suite.server(await startServerProcess(suite.pg.url, port));
    const base = server.base;

    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => consumerSession(base, world.shop, `1380000${String(1000 + i)}`)));
    const orders = new Map<string, { total: number }>(); // order id → the total its 201 carried
    const accepted = new Map<string, string>(); // payment id → order id, the cashier took it
    const eventIds: string[] = []; // from each cashier 200: the notification the provider owes us
    const unexpected: string[] = [];
    let completed = 0;
    let stopping = false;

    /** Sends until an answer in `done` arrives; a refused or cut connection (server dead) is retried. */
    const until2xx = async (send: () => Promise<Answer | undefined>, done: (a: Answer) => boolean): Promise<Answer> => {
      for (;;) {
        const res = await send();
        if (res && done(res)) return res;
        if (res && res.status < 500) unexpected.push(`${res.status} ${res.text}`);
        await sleep(100);
      }
    };
    const client = async (token: string, n: number) => {
      while (!stopping) {
        const lines = [{ sku_id: world.skus[n % world.skus.length]!.id, quantity: 1 + (n % 3) }];
        const orderKey = randomUUID();
        const order = JSON.parse((await until2xx(() => post(base, '/api/v1/orders', token, { shop: world.shop, lines }, orderKey), (a) => a.status === 201)).text);
        orders.set(order.id, { total: order.total });
        const paymentKey = randomUUID();
        const payment = JSON.parse((await until2xx(() => post(base, `/api/v1/orders/${order.id}/payments`, token, {}, paymentKey), (a) => a.status === 201)).text);
        // The cashier call is not idempotent: after a cut connection it is sent again, and a
        // 409 payment_not_pending then says an earlier one went through.
        const paid = await until2xx(
          // The provider calls back two seconds later, so the crash below always leaves
          // notifications owed by the process that died.
          () => post(base, `/api/v1/sandbox/payments/${payment.payment_id}/pay`, token, { delay_ms: 2000 }),
          (a) => a.status === 200 || (a.status === 409 && JSON.parse(a.text).code === 'payment_not_pending'),
        );
        if (paid.status === 200) eventIds.push(JSON.parse(paid.text).event_id);
        accepted.set(payment.payment_id, order.id);
        completed++;
      }
    };
    const clients = tokens.map((t, i) => client(t, i));

    await until('journeys before the crash', () => completed >= 15);
    server.child.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const beforeCrash = completed;
    const owed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'tenant_id' = ${world.tenantId}`.execute(db);
    expect(owed.rows[0]!.n, 'notification jobs left behind by the dead process').toBeGreaterThan(0);
    server = suite.server(await startServerProcess(suite.pg.url, port));
    await until('journeys after the restart', () => completed >= beforeCrash + 15);
    stopping = true;
    await Promise.all(clients);

    // The notification jobs the dead process left behind run in the new one.
    const paymentIds = [...accepted.keys()];
    await until('every accepted payment to confirm its order', async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM orders
        WHERE tenant_id = ${world.tenantId} AND status = 'paid' AND id = ANY(${[...accepted.values()]})`.execute(db!);
      return rows[0]!.n === accepted.size;
    });

    expect(unexpected).toEqual([]);
    const rows = await db.selectFrom('orders').select(['id', 'total', 'status']).where('tenant_id', '=', world.tenantId).execute();
    expect(rows.map((r) => r.id).sort(), 'the orders that exist are exactly those acknowledged').toEqual([...orders.keys()].sort());
    for (const r of rows) expect(r.total, r.id).toBe(orders.get(r.id)!.total);

    const payments = await db.selectFrom('payments').select(['id', 'order_id', 'status']).where('tenant_id', '=', world.tenantId).execute();
    expect(payments.length, 'one payment per order, whatever the retries').toBe(orders.size);
    for (const p of payments.filter((x) => accepted.has(x.id))) expect(p.status, p.id).toBe('succeeded');

    const events = await db.selectFrom('payment_events').select(['event_id', 'payment_id', 'outcome']).where('tenant_id', '=', world.tenantId).execute();
    const confirmations = new Map<string, number>();
    for (const e of events) if (e.outcome === 'order_paid') confirmations.set(e.payment_id, (confirmations.get(e.payment_id) ?? 0) + 1);
    expect(paymentIds.filter((id) => confirmations.get(id) !== 1), 'payments not confirmed exactly once').toEqual([]);
    const delivered = new Set(events.map((e) => e.event_id));
    expect(eventIds.filter((id) => !delivered.has(id)), 'notifications owed but never delivered').toEqual([]);
    const refunds = await db.selectFrom('refunds').select('id').where('tenant_id', '=', world.tenantId).execute();
    expect(refunds, 'no order charged twice').toEqual([]);

    // The queue deletes a job once it completes: every job of the tenant ran to the end (a job in
    // flight when the process died was released and ran again: its effects, counted above, once).
    const { rows: left } = await sql<{ id: string; last_error: string | null }>`
      SELECT id::text AS id, last_error FROM graphile_worker._private_jobs WHERE payload->>'tenant_id' = ${world.tenantId}`.execute(db);
    expect(left, 'jobs lost or failed').toEqual([]);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
