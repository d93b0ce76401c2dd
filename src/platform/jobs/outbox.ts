import { sql } from 'kysely';
import type { Conn, Db } from '../db/database.js';

/**
 * The job queue is graphile-worker (schema `graphile_worker`, installed by its own migrations).
 * Chosen over a hand-written poller and over pg-boss because `graphile_worker.add_job()` is a SQL
 * function: it runs inside the caller's business transaction on the caller's connection, so a job
 * exists if and only if the business change committed, and its NOTIFY on commit wakes a worker in
 * milliseconds. Retries with exponential backoff, cron with once-per-period locking across
 * processes, and job keys are built in.
 */
export interface JobEnvelope { tenant_id: string; data: unknown }

export interface Job { id: string; tenant_id: string; payload: any; attempts: number }

/**
 * A job's handler gets the database, not a transaction: the job completes after the handler
 * returns, so each handler opens its own transaction for its effect and is idempotent (a crash
 * between the effect's commit and the job's completion runs it again). Network calls belong
 * outside those transactions.
 */
export type JobHandler<DB = any> = (db: Db<DB>, job: Job) => Promise<void>;

/** Attempts before a job is parked: graphile's backoff is exp(min(attempts, 10)) seconds, ~6 h in all. */
export const MAX_ATTEMPTS = 10;

/** Enqueued in the caller's transaction: the job exists if and only if the business change committed. */
// Due times follow the database's clock, not the business clock: jobs are plumbing, and every
// process draining them must agree on "now".
export async function enqueue(tx: Conn<any>, tenantId: string, kind: string, payload: unknown, delayMs = 0): Promise<void> {
  const envelope: JobEnvelope = { tenant_id: tenantId, data: payload };
  await sql`SELECT graphile_worker.add_job(${kind}, ${JSON.stringify(envelope)}::json,
              run_at => now() + ${delayMs} * interval '1 millisecond', max_attempts => ${MAX_ATTEMPTS})`.execute(tx);
}

export interface JobQueueStats { due: number; scheduled: number; retrying: number; parked: number; oldestDueSeconds: number }

/**
 * The queue at a glance, for metrics and health: jobs due now (not running), scheduled later,
 * retrying after a failure (counted in due or scheduled too), parked after the last attempt; and
 * how long the oldest due job has waited. Periodic work's own jobs are plumbing and left out.
 */
export async function jobQueueStats(db: Conn<any>): Promise<JobQueueStats> {
  const { rows } = await sql<{ due: number; scheduled: number; retrying: number; parked: number; lag: number }>`
    SELECT count(*) FILTER (WHERE attempts < max_attempts AND run_at <= now() AND locked_at IS NULL)::int AS due,
           count(*) FILTER (WHERE attempts < max_attempts AND run_at > now())::int AS scheduled,
           count(*) FILTER (WHERE attempts BETWEEN 1 AND max_attempts - 1)::int AS retrying,
           count(*) FILTER (WHERE attempts >= max_attempts)::int AS parked,
           coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE attempts < max_attempts AND run_at <= now() AND locked_at IS NULL)), 0)::float8 AS lag
      FROM graphile_worker._private_jobs
     WHERE task_id NOT IN (SELECT id FROM graphile_worker._private_tasks WHERE identifier LIKE 'periodic:%')`.execute(db);
  const r = rows[0]!;
  return { due: r.due, scheduled: r.scheduled, retrying: r.retrying, parked: r.parked, oldestDueSeconds: r.lag };
}
