import { sql } from 'kysely';
import { Logger, parseCronItems, run, runMigrations, runOnce, type CronItem, type Runner, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { poolOf, type Db } from '../db/database.js';
import type { JobEnvelope, JobHandler } from './outbox.js';

/** The slice of a pino logger the queue writes to. */
export interface JobLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * Work that runs on the queue's schedule, once per period across every process: one job under a
 * fixed job key that re-enqueues itself `everyMs` after each run (graphile's job keys keep a
 * single copy queued, its row lock keeps a single copy running). A graphile cron item re-seeds the
 * chain every minute, so a chain lost to a parked failure comes back by itself. Cron's minute
 * granularity alone would let an unpaid order hold its stock up to a minute past its deadline.
 */
export interface PeriodicWork<DB> { name: string; everyMs: number; run: (db: Db<DB>) => Promise<unknown> }

/** Daily or other cron work, by graphile's crontab syntax (UTC), once per tick across processes. */
export interface CronWork<DB> { name: string; match: string; run: (db: Db<DB>) => Promise<unknown> }

export interface JobRunnerOptions<DB> {
  db: Db<DB>;
  handlers: Record<string, JobHandler<DB>>;
  periodic?: PeriodicWork<DB>[];
  cron?: CronWork<DB>[];
  /** Jobs run at once in this process. */
  concurrency?: number;
  /** How often an idle worker looks for jobs that became due without a NOTIFY (delayed jobs, retries). */
  pollMs?: number;
  log: JobLog;
}

const periodicKey = (name: string) => `periodic:${name}`;

/** A job locked this long was taken by a process that died: handlers run for milliseconds to seconds. */
export const STALE_LOCK_MS = 30_000;

/**
 * Releases jobs whose worker died mid-run (kill -9, a lost host): graphile-worker itself frees
 * them only after four hours. The job runs again; handlers are idempotent.
 */
export async function releaseStaleLocks(db: Db<any>, olderThanMs = STALE_LOCK_MS): Promise<number> {
  const { numAffectedRows } = await sql`
    UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL
     WHERE locked_at < now() - ${olderThanMs} * interval '1 millisecond'`.execute(db);
  return Number(numAffectedRows ?? 0);
}

/**
 * A link whose re-enqueueing failed (no connection within the pool's timeout, say) is retried by
 * graphile after a few seconds; one out of attempts no longer counts as the chain, so the next
 * seed replaces it (add_job's upsert resets its attempts).
 */
const LINK_ATTEMPTS = 5;

export async function seedPeriodic(db: Db<any>, key: string): Promise<void> {
  await sql`SELECT graphile_worker.add_job(${key}, '{}'::json, job_key => ${key}, job_key_mode => 'preserve_run_at', max_attempts => ${LINK_ATTEMPTS})
             WHERE NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs
                                WHERE key = ${key} AND attempts < max_attempts
                                  AND (locked_at IS NULL OR locked_at > now() - interval '1 minute'))`.execute(db);
}

function pgPool(db: Db<any>): pg.Pool {
  const pool = poolOf(db);
  if (!pool) throw new Error('the job queue needs a database made by createDb()');
  return pool;
}

/** graphile-worker's own messages go to the application's log; its info chatter is debug there. */
function graphileLogger(log: JobLog): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const obj = { queue: scope.label ?? 'jobs', ...(scope.jobId ? { job_id: scope.jobId } : {}), ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}), ...(meta?.error ? { err: meta.error } : {}) };
    if (level === 'error') log.error(obj, message);
    else if (level === 'warning') log.warn(obj, message);
    else log.debug(obj, message);
  });
}

/** Each handler as a graphile task: the envelope opened, the job described the way handlers expect. */
function taskList<DB>(db: Db<DB>, handlers: Record<string, JobHandler<DB>>, onRun?: () => void): TaskList {
  return Object.fromEntries(Object.entries(handlers).map(([kind, handler]) => {
    const task: Task = async (payload, helpers) => {
      onRun?.();
      const envelope = payload as JobEnvelope;
      await handler(db, { id: String(helpers.job.id), tenant_id: envelope.tenant_id, payload: envelope.data, attempts: helpers.job.attempts - 1 });
    };
    return [kind, task];
  }));
}

/** Installs or upgrades the `graphile_worker` schema; safe to run from several processes at once. */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: new Logger(() => () => undefined) });
}

export interface JobRunner { stop(): Promise<void> }

/**
 * Starts the queue's workers in this process: woken by LISTEN/NOTIFY when a job commits, polling
 * only for delayed and retried jobs. Failures are retried with graphile's exponential backoff and
 * logged; a job out of attempts is parked (logged as an error) until `siyu jobs retry`.
 */
export async function startJobRunner<DB>(options: JobRunnerOptions<DB>): Promise<JobRunner> {
  const { db, log } = options;
  // Every runner also frees the jobs of dead processes, every few seconds (once across processes).
  const periodic = [...(options.periodic ?? []), { name: 'jobs.release-stale', everyMs: 5_000, run: (d: Db<DB>) => releaseStaleLocks(d) }];
  const tasks: TaskList = taskList(db, options.handlers);
  for (const work of periodic) {
    const key = periodicKey(work.name);
    tasks[key] = async () => {
      try {
        await work.run(db);
      } catch (err) {
        // Logged, not thrown: the next period is the retry, and a failed chain link must not park.
        log.error({ task: key, err }, 'periodic work failed; it runs again next period');
      }
      // This job is locked while it runs, so add_job leaves it be and queues the next link.
      await sql`SELECT graphile_worker.add_job(${key}, '{}'::json, run_at => now() + ${work.everyMs} * interval '1 millisecond',
                  job_key => ${key}, max_attempts => ${LINK_ATTEMPTS})`.execute(db);
    };
    // Seeding must not touch a link that is running: add_job would then queue a second link beside
    // it, and two chains would run. So a seed only adds a link when none exists (concurrent seeds
    // meet on the job key and leave one), or when the one that exists has been locked for over a
    // minute: its process died mid-run (graphile itself unlocks such jobs only after hours).
    tasks[`seed:${work.name}`] = () => seedPeriodic(db, key);
  }
  for (const work of options.cron ?? []) tasks[`cron:${work.name}`] = async () => { await work.run(db); };
  const cronItems: CronItem[] = [
    ...periodic.map((w) => ({ task: `seed:${w.name}`, identifier: `seed:${w.name}`, match: '* * * * *', options: { maxAttempts: 1, backfillPeriod: 0 } })),
    ...(options.cron ?? []).map((w) => ({ task: `cron:${w.name}`, identifier: w.name, match: w.match, options: { maxAttempts: 3, backfillPeriod: 0 } })),
  ];
  // Seed each chain now rather than at the next minute.
  for (const work of periodic) await seedPeriodic(db, periodicKey(work.name));
  const pool = pgPool(db);
  // The LISTEN connection is held for good, and requests need the rest: jobs take at most half.
  const poolMax = pool.options.max ?? 10;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 8, Math.floor((poolMax - 1) / 2)));
  const runner: Runner = await run({
    pgPool: pool,
    taskList: tasks,
    parsedCronItems: parseCronItems(cronItems),
    concurrency,
    pollInterval: options.pollMs ?? 500,
    noHandleSignals: true,
    logger: graphileLogger(log),
  });
  runner.events.on('job:error', ({ job, error }) => {
    log.warn({ job_id: String(job.id), task: job.task_identifier, attempt: job.attempts, max_attempts: job.max_attempts, err: error }, 'job failed; it will be retried');
  });
  runner.events.on('job:failed', ({ job, error }) => {
    log.error({ job_id: String(job.id), task: job.task_identifier, attempt: job.attempts, err: error }, 'job failed its last attempt and is parked');
  });
  let stopping: Promise<void> | undefined;
  return { stop: () => (stopping ??= runner.stop()) };
}

/**
 * Runs every job that is due now, one at a time, and returns how many ran: the tests' and tools'
 * way to drain the queue without a background runner. Periodic work is not run here.
 */
export async function runDueJobs<DB>(db: Db<DB>, handlers: Record<string, JobHandler<DB>>, log?: JobLog): Promise<number> {
  let ran = 0;
  const quiet: JobLog = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
  await runOnce({ pgPool: pgPool(db), taskList: taskList(db, handlers, () => ran++), noHandleSignals: true, logger: graphileLogger(log ?? quiet) });
  return ran;
}
