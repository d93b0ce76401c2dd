/**
 * The job queue on real PostgreSQL: a job exists iff its transaction committed; a failing job is
 * retried and logged, then parked, listed and retried on demand (also through `siyu jobs`); two
 * runners never run one job twice; periodic work runs once per period across runners.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDb, type Db } from '../db/database.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { enqueue, jobQueueStats, type JobHandler } from './outbox.js';
import { releaseStaleLocks, runDueJobs, seedPeriodic, startJobRunner, type JobLog, type JobRunner } from './runner.js';
import { listJobs, retryJob } from './admin.js';
import { projectPath } from '../paths.js';

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function capturingLog(): JobLog & { lines: { level: string; msg: string; obj: any }[] } {
  const lines: { level: string; msg: string; obj: any }[] = [];
  const at = (level: string) => (obj: object, msg: string) => { lines.push({ level, msg, obj }); };
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

const jobsOf = async (db: Db<any>, kind: string) =>
  (await sql<{ id: string; attempts: number; max_attempts: number; last_error: string | null }>`
    SELECT id::text AS id, attempts, max_attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = ${kind}`.execute(db)).rows;

describe('job queue (graphile-worker)', async () => {
  const { db, url } = await createTestDatabase({ max: 20 });
  const tenant = 'ten_jobs';

  it('a job enqueued in a rolled-back transaction never exists; a committed one runs within milliseconds of the commit', async () => {
    const ran: string[] = [];
    const runner = await startJobRunner({ db, handlers: { 'test.echo': async (_db, job) => { ran.push(job.payload.n); } }, log: capturingLog(), pollMs: 60_000 });
    try {
      await expect(db.transaction().execute(async (tx) => {
        await enqueue(tx, tenant, 'test.echo', { n: 'rolled back' });
        throw new Error('business change refused');
      })).rejects.toThrow('business change refused');
      const committedAt = Date.now();
      await db.transaction().execute((tx) => enqueue(tx, tenant, 'test.echo', { n: 'committed' }));
      // Polling is an hour apart here: only the NOTIFY on commit can wake the worker this soon.
      await until('the committed job to run', () => ran.length > 0, 5_000);
      expect(Date.now() - committedAt).toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual(['committed']);
      expect(await jobsOf(db, 'test.echo')).toEqual([]);
    } finally {
      await runner.stop();
    }
  });

  it('a failing job is retried and each failure logged, then parked, listed as failed, and run again by retry', async () => {
    let failing = true;
    let runs = 0;
    const handlers: Record<string, JobHandler> = {
      'test.flaky': async () => { runs++; if (failing) throw new Error(`provider down (run ${runs})`); },
    };
    await enqueue(db, tenant, 'test.flaky', { refund: 'r1' });
    const log = capturingLog();
    const runner = await startJobRunner({ db, handlers, log, pollMs: 20 });
    try {
      // Attempts count up when a worker takes the job; the error is stored when it fails.
      const failedRun = (n: number) => async () => ((await jobsOf(db, 'test.flaky'))[0]?.last_error ?? '').includes(`(run ${n})`);
      await until('the first failure', failedRun(1));
      // graphile's backoff put the retry seconds away; make it due now rather than wait.
      await sql`UPDATE graphile_worker._private_jobs SET run_at = now()`.execute(db);
      await until('the second failure', failedRun(2));
      const [job] = await jobsOf(db, 'test.flaky');
      expect(job!.last_error).toContain('provider down (run 2)');
      expect(job!.max_attempts).toBe(10);
      expect(log.lines.filter((l) => l.level === 'warn' && l.msg.includes('will be retried')).map((l) => l.obj.err.message)).toEqual(['provider down (run 1)', 'provider down (run 2)']);

      // The last attempt fails: parked, logged as an error, and no longer retried.
      await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts - 1, run_at = now()`.execute(db);
      await until('the last attempt to fail', failedRun(3));
      await until('the parking to be logged', () => log.lines.some((l) => l.level === 'error' && l.msg.includes('parked')));
      expect((await jobsOf(db, 'test.flaky'))[0]!.attempts).toBe(10);
      expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('parked') && l.obj.job_id === job!.id)).toBe(true);
      const before = runs;
      await new Promise((r) => setTimeout(r, 200));
      expect(runs, 'a parked job is not run again').toBe(before);
      expect((await jobQueueStats(db)).parked).toBe(1);

      const failed = await listJobs(db, { failed: true });
      expect(failed.map((j) => ({ id: j.id, kind: j.kind, state: j.state, tenant: j.tenant_id }))).toEqual([{ id: job!.id, kind: 'test.flaky', state: 'parked', tenant }]);
      expect(await listJobs(db, { failed: true, tenantId: 'ten_other' })).toEqual([]);
      expect(await retryJob(db, job!.id, 'ten_other'), 'another tenant cannot retry it').toBe(false);

      failing = false;
      expect(await retryJob(db, job!.id)).toBe(true);
      await until('the retried job to succeed and leave the queue', async () => (await jobsOf(db, 'test.flaky')).length === 0);
      expect(await retryJob(db, job!.id), 'a finished job is gone').toBe(false);
    } finally {
      await runner.stop();
    }
  });

  it('siyu jobs --failed --json lists a parked job and siyu jobs retry ID makes it due again', async () => {
    await enqueue(db, tenant, 'test.cli', { n: 1 });
    await sql`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'gave up'
               WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'test.cli')`.execute(db);
    const [parked] = await jobsOf(db, 'test.cli');
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' };
    const cli = (...args: string[]) => spawnSync('node', ['--import', 'tsx', projectPath('src/cli/main.ts'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
    const listed = cli('jobs', '--failed', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((j: any) => [j.id, j.kind, j.state, j.last_error])).toEqual([[parked!.id, 'test.cli', 'parked', 'gave up']]);
    const retried = cli('jobs', 'retry', parked!.id);
    expect(retried.status, retried.stderr).toBe(0);
    expect((await jobsOf(db, 'test.cli'))[0]!.attempts).toBe(0);
    expect(await runDueJobs(db, { 'test.cli': async () => undefined })).toBe(1);
    expect(cli('jobs', 'retry', parked!.id).status, 'nothing left to retry').toBe(1);
  });

  it('two runners (two processes) never run the same job', async () => {
    const runsById = new Map<string, number>();
    const handler: JobHandler = async (_db, job) => {
      runsById.set(job.payload.n, (runsById.get(job.payload.n) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
    };
    const pools = [createDb(url, { max: 6 }), createDb(url, { max: 6 })];
    const runners: JobRunner[] = [];
    const byRunner = [0, 0];
    for (const [i, pool] of pools.entries()) {
      runners.push(await startJobRunner({ db: pool, handlers: { 'test.once': async (d, j) => { byRunner[i]!++; await handler(d, j); } }, concurrency: 4, log: capturingLog(), pollMs: 50 }));
    }
    try {
      for (let batch = 0; batch < 10; batch++) {
        await db.transaction().execute(async (tx) => { for (let k = 0; k < 30; k++) await enqueue(tx, tenant, 'test.once', { n: `${batch}-${k}` }); });
      }
      await until('every job to run', () => [...runsById.values()].reduce((a, b) => a + b, 0) >= 300);
      await new Promise((r) => setTimeout(r, 200));
      expect(runsById.size).toBe(300);
      expect([...runsById.values()].every((n) => n === 1)).toBe(true);
      expect(byRunner[0]! > 0 && byRunner[1]! > 0, `both runners took jobs: ${byRunner.join(', ')}`).toBe(true);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await Promise.all(pools.map((p) => p.destroy()));
    }
  });

  it('periodic work runs once per period across two runners', async () => {
    const started: number[] = [];
    let inFlight = 0;
    let overlapped = false;
    const work = async () => {
      if (inFlight++ > 0) overlapped = true;
      started.push(Date.now());
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
    };
    const pools = [createDb(url, { max: 6 }), createDb(url, { max: 6 })];
    const runners: JobRunner[] = [];
    for (const pool of pools) {
      runners.push(await startJobRunner({ db: pool, handlers: {}, periodic: [{ name: 'test.sweep', everyMs: 200, run: work }], log: capturingLog(), pollMs: 50 }));
    }
    try {
      await until('several periods', () => started.length >= 6);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await Promise.all(pools.map((p) => p.destroy()));
    }
    expect(overlapped, 'never two runs at once').toBe(false);
    const gaps = started.slice(1).map((t, i) => t - started[i]!);
    // One chain for both runners: runs are a period apart (less a little clock slack), not two per period.
    expect(gaps.every((g) => g >= 190), `gaps between runs: ${gaps.join(', ')}`).toBe(true);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'periodic:test.sweep'`.execute(db);
    expect(rows[0]!.n, 'one queued copy of the periodic job').toBe(1);
  });

  it('seeding a periodic chain leaves a running link alone, and replaces one whose process died', async () => {
    const key = 'periodic:test.seed';
    const links = async () => (await sql<{ locked: boolean }>`SELECT locked_at IS NOT NULL AS locked FROM graphile_worker.jobs WHERE task_identifier = ${key} ORDER BY id`.execute(db)).rows;
    await seedPeriodic(db, key);
    await seedPeriodic(db, key);
    expect(await links()).toEqual([{ locked: false }]);
    // A worker runs the link: a seed now (another process starting, the minute's cron) adds nothing.
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'w1' WHERE key = ${key}`.execute(db);
    await seedPeriodic(db, key);
    expect(await links()).toEqual([{ locked: true }]);
    // Locked for over a minute: its process died mid-run; the chain starts again beside it.
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '2 minutes' WHERE key = ${key}`.execute(db);
    await seedPeriodic(db, key);
    expect(await links()).toEqual([{ locked: true }, { locked: false }]);
    // A link that failed its last attempt is no chain: the next seed makes it due again.
    await sql`DELETE FROM graphile_worker._private_jobs WHERE key IS DISTINCT FROM ${key} AND task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${key})`.execute(db);
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL, attempts = max_attempts, last_error = 'no connection' WHERE key = ${key}`.execute(db);
    await seedPeriodic(db, key);
    const { rows } = await sql<{ attempts: number; last_error: string | null }>`SELECT attempts, last_error FROM graphile_worker._private_jobs WHERE key = ${key}`.execute(db);
    expect(rows).toEqual([{ attempts: 0, last_error: null }]);
  });

  it('a job locked by a process that died is released after a while and runs again; a running one is left alone', async () => {
    await enqueue(db, tenant, 'test.orphan', { n: 1 });
    await enqueue(db, tenant, 'test.orphan', { n: 2 });
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '2 minutes', locked_by = 'dead', attempts = 1
               WHERE payload->'data'->>'n' = '1'`.execute(db);
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'alive', attempts = 1
               WHERE payload->'data'->>'n' = '2'`.execute(db);
    await releaseStaleLocks(db);
    const { rows } = await sql<{ n: string; locked_by: string | null }>`
      SELECT p.payload->'data'->>'n' AS n, p.locked_by FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p USING (id)
       WHERE j.task_identifier = 'test.orphan' ORDER BY 1`.execute(db);
    expect(rows).toEqual([{ n: '1', locked_by: null }, { n: '2', locked_by: 'alive' }]);
    const ran: number[] = [];
    expect(await runDueJobs(db, { 'test.orphan': async (_db, job) => { ran.push(job.payload.n); } })).toBe(1);
    expect(ran).toEqual([1]);
  });
});
