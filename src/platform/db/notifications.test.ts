import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { newClient } from './database.js';
import { createNotificationHub } from './notifications.js';

describe('notification hub', async () => {
  const { db, url } = await createTestDatabase();
  const notify = (key: string) => sql`SELECT pg_notify('hub_test', ${key})`.execute(db);

  it('wakes the waiter of the notified key only, on commit, and times out the others', async () => {
    const hub = createNotificationHub(() => newClient(url), ['hub_test']);
    try {
      const mine = await hub.subscribe('hub_test', 'order-1', 5_000);
      const other = await hub.subscribe('hub_test', 'order-2', 300);
      expect(mine?.listening).toBe(true);
      expect(hub.waiting()).toBe(2);
      // Inside a transaction the notification waits for the commit.
      await db.transaction().execute(async (tx) => {
        await sql`SELECT pg_notify('hub_test', 'order-1')`.execute(tx);
        const early = await Promise.race([mine!.notified, new Promise((r) => setTimeout(() => r('still waiting'), 150))]);
        expect(early).toBe('still waiting');
      });
      const started = Date.now();
      expect(await mine!.notified).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await other!.notified).toBe(false);
      expect(hub.waiting()).toBe(0);
    } finally {
      await hub.close();
    }
  });

  it('cancel frees the waiter; close wakes every waiter with false and refuses new ones', async () => {
    const hub = createNotificationHub(() => newClient(url), ['hub_test']);
    const cancelled = await hub.subscribe('hub_test', 'a', 10_000);
    cancelled!.cancel();
    expect(await cancelled!.notified).toBe(false);
    const parked = await hub.subscribe('hub_test', 'b', 10_000);
    expect(hub.waiting()).toBe(1);
    const closing = Date.now();
    await hub.close();
    expect(await parked!.notified).toBe(false);
    expect(Date.now() - closing).toBeLessThan(2_000);
    expect(await hub.subscribe('hub_test', 'b', 10_000)).toBeUndefined();
    await notify('b');
  });

  it('listens again after its connection is killed, and says it is not listening meanwhile', async () => {
    const hub = createNotificationHub(() => newClient(url), ['hub_test']);
    try {
      expect((await hub.subscribe('hub_test', 'x', 10))?.listening).toBe(true);
      const killed = await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`.execute(db);
      expect(killed.rows).toHaveLength(1);
      // The terminated connection fails the very next subscribe or two: not listening, so short waits.
      await new Promise((r) => setTimeout(r, 50));
      let again: Awaited<ReturnType<typeof hub.subscribe>>;
      const deadline = Date.now() + 10_000;
      do {
        await new Promise((r) => setTimeout(r, 100));
        again = await hub.subscribe('hub_test', 'y', 5_000);
        if (!again?.listening) again?.cancel();
      } while (!again?.listening && Date.now() < deadline);
      expect(again?.listening).toBe(true);
      await notify('y');
      expect(await again!.notified).toBe(true);
    } finally {
      await hub.close();
    }
  });
});
