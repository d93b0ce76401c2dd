import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createSiyu } from '../../app.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig } from '../../../test/fixtures.js';
import { enqueue } from './outbox.js';

describe('/api/v1/jobs', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const world = await seedWorld(db, clock);
  const other = await seedWorld(db, clock);
  const siyu = await createSiyu(db, testConfig, { clock });
  afterAll(() => siyu.close());

  it('a tenant admin lists their failed jobs (not another tenant\'s) and retries one; others get 404 or 403', async () => {
    await enqueue(db, world.tenantId, 'test.parked', { n: 1 });
    await enqueue(db, world.tenantId, 'test.queued', { n: 2 });
    await enqueue(db, other.tenantId, 'test.parked', { n: 3 });
    await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'gave up'
               WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'test.parked')`.execute(db);

    const failed = await siyu.server.inject({ method: 'GET', url: '/api/v1/jobs?state=failed', headers: auth(world.adminToken) });
    expect(failed.statusCode, failed.body).toBe(200);
    const items = failed.json().items as { id: string; kind: string; state: string; last_error: string }[];
    expect(items.map((j) => [j.kind, j.state, j.last_error])).toEqual([['test.parked', 'parked', 'gave up']]);
    const all = await siyu.server.inject({ method: 'GET', url: '/api/v1/jobs', headers: auth(world.adminToken) });
    expect(all.json().items.map((j: { kind: string }) => j.kind).sort()).toEqual(['test.parked', 'test.queued']);

    const theirs = await siyu.server.inject({ method: 'GET', url: '/api/v1/jobs?state=failed', headers: auth(other.adminToken) });
    const theirId = theirs.json().items[0].id as string;
    expect((await siyu.server.inject({ method: 'POST', url: `/api/v1/jobs/${theirId}/retry`, headers: auth(world.adminToken) })).statusCode).toBe(404);
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/jobs' })).statusCode).toBe(401);

    const retry = await siyu.server.inject({ method: 'POST', url: `/api/v1/jobs/${items[0]!.id}/retry`, headers: auth(world.adminToken) });
    expect(retry.statusCode, retry.body).toBe(204);
    const after = await siyu.server.inject({ method: 'GET', url: '/api/v1/jobs?state=failed', headers: auth(world.adminToken) });
    // Retried: queued again with fresh attempts, still listed under failed with its last error until it runs.
    expect(after.json().items.map((j: { state: string; last_error: string }) => [j.state, j.last_error])).toEqual([['queued', 'gave up']]);
    const { rows } = await sql<{ attempts: number }>`SELECT attempts FROM graphile_worker.jobs WHERE id = ${items[0]!.id}::bigint`.execute(db);
    expect(rows[0]!.attempts).toBe(0);
  });
});
