import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { z } from 'zod';
import { buildServer } from '../http/server.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { enqueue } from '../jobs/outbox.js';
import { createTestDatabase } from '../../../test/test-db.js';

/** The value of one sample line, e.g. `name{a="b"} 3`, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', async () => {
  const { db } = await createTestDatabase();
  const app = await buildServer({ db, config: loadConfig({}), clock: systemClock, authenticate: async () => null }, [
    (api) => { api.get('/things/:id', { schema: { params: z.object({ id: z.string() }) } }, async (req) => ({ id: req.params.id })); },
  ]);
  afterAll(() => app.close());

  it('histograms request latency by route pattern, method and status, and reports the pool and the job queue', async () => {
    for (const id of ['a', 'b', 'c']) expect((await app.inject({ method: 'GET', url: `/api/v1/things/${id}` })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(404);

    const tenant = 'ten_metrics';
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${tenant}, 'metrics', 'Metrics')`.execute(db);
    await db.transaction().execute(async (tx) => {
      await enqueue(tx, tenant, 'test.due', {});
      await enqueue(tx, tenant, 'test.due', {});
      await enqueue(tx, tenant, 'test.later', {}, 3_600_000);
    });
    // One job due for two minutes after a failure, one parked after its last attempt.
    await sql`UPDATE graphile_worker._private_jobs SET run_at = now() - interval '120 seconds', attempts = 1, last_error = 'boom'
               WHERE id = (SELECT min(id) FROM graphile_worker.jobs WHERE task_identifier = 'test.due')`.execute(db);
    await enqueue(db, tenant, 'test.parked', {});
    await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'gave up'
               WHERE id = (SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'test.parked')`.execute(db);

    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;

    expect(sample(text, 'http_request_duration_seconds_count{route="/api/v1/things/:id",method="GET",status_code="200"}')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_bucket{le="+Inf",route="/api/v1/things/:id",method="GET",status_code="200"}')).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count{route="/healthz",method="GET",status_code="200"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"}')).toBe(1);
    expect(text).not.toContain('/api/v1/things/a');

    expect(sample(text, 'siyu_jobs{state="due"}')).toBe(2);
    expect(sample(text, 'siyu_jobs{state="scheduled"}')).toBe(1);
    expect(sample(text, 'siyu_jobs{state="retrying"}')).toBe(1);
    expect(sample(text, 'siyu_jobs{state="parked"}')).toBe(1);
    expect(sample(text, 'siyu_job_lag_seconds')).toBeGreaterThanOrEqual(120);
    expect(sample(text, 'siyu_job_lag_seconds')).toBeLessThan(180);

    expect(sample(text, 'siyu_db_pool_clients')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'siyu_db_pool_idle_clients')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'siyu_db_pool_waiting')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('the job gauges follow the queue: finished jobs leave it, lag is 0 when nothing is due', async () => {
    // graphile-worker deletes a job when it completes.
    await sql`SELECT graphile_worker.complete_jobs(array_agg(id)) FROM graphile_worker.jobs WHERE task_identifier IN ('test.due', 'test.later')`.execute(db);
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'siyu_jobs{state="due"}')).toBe(0);
    expect(sample(text, 'siyu_jobs{state="scheduled"}')).toBe(0);
    expect(sample(text, 'siyu_jobs{state="parked"}')).toBe(1);
    expect(sample(text, 'siyu_job_lag_seconds')).toBe(0);
  });
});
