import { sql } from 'kysely';
import { platformView, type Conn, type Db, type PlatformTables, type Tx } from '../db/database.js';

export type JobHandler<DB = PlatformTables> = (tx: Tx<DB>, job: { id: string; tenant_id: string; payload: any; attempts: number }) => Promise<void>;

/** Enqueued in the caller's transaction: the job exists if and only if the business change committed. */
// Due times follow the database's clock, not the business clock: jobs are plumbing, and every
// process draining them must agree on "now".
export async function enqueue(tx: Conn<any>, tenantId: string, kind: string, payload: unknown, delayMs = 0): Promise<void> {
  await sql`INSERT INTO jobs (tenant_id, kind, payload, run_at)
            VALUES (${tenantId}, ${kind}, ${JSON.stringify(payload)}::jsonb, now() + ${delayMs} * interval '1 millisecond')`.execute(tx);
}

const MAX_ATTEMPTS = 10;

/**
 * Runs due jobs, each in its own transaction that also marks it done, so a job's effect and its
 * completion commit together. SKIP LOCKED lets any number of workers drain the table without
 * taking the same job twice. A failing job is retried with backoff, then parked.
 */
export async function drainJobs<DB>(db: Db<DB>, handlers: Record<string, JobHandler<DB>>, limit = 50): Promise<number> {
  let ran = 0;
  for (; ran < limit; ran++) {
    const claimed = await db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ id: string; tenant_id: string; kind: string; payload: unknown; attempts: number }>`
        SELECT id, tenant_id, kind, payload, attempts FROM jobs
         WHERE done_at IS NULL AND run_at <= now() AND attempts < ${MAX_ATTEMPTS}
         ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(tx);
      const job = rows[0];
      if (!job) return false;
      const handler = handlers[job.kind];
      const fail = (err: unknown) => sql`
        UPDATE jobs SET attempts = attempts + 1, last_error = ${String((err as Error)?.message ?? err).slice(0, 1000)},
               run_at = now() + ${Math.min(60_000, 500 * 2 ** job.attempts)} * interval '1 millisecond'
         WHERE id = ${job.id}`.execute(tx);
      if (!handler) {
        await fail(`no handler for job kind ${job.kind}`);
        return true;
      }
      await sql`SAVEPOINT job`.execute(tx);
      try {
        await handler(tx, job);
        await sql`RELEASE SAVEPOINT job`.execute(tx);
        await platformView(tx).updateTable('jobs').set({ done_at: new Date(), attempts: job.attempts + 1 }).where('id', '=', job.id).execute();
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT job`.execute(tx);
        await fail(err);
      }
      return true;
    });
    if (!claimed) break;
  }
  return ran;
}

export interface JobQueueStats { due: number; scheduled: number; retrying: number; parked: number; oldestDueSeconds: number }

/**
 * The queue at a glance, for metrics: unfinished jobs due now, scheduled later, retrying after a
 * failure (counted in due or scheduled too), parked after the last attempt; and how long the
 * oldest due job has waited. One statement over the partial index of unfinished jobs.
 */
export async function jobQueueStats(db: Conn): Promise<JobQueueStats> {
  const { rows } = await sql<{ due: number; scheduled: number; retrying: number; parked: number; lag: number }>`
    SELECT count(*) FILTER (WHERE attempts < ${MAX_ATTEMPTS} AND run_at <= now())::int AS due,
           count(*) FILTER (WHERE attempts < ${MAX_ATTEMPTS} AND run_at > now())::int AS scheduled,
           count(*) FILTER (WHERE attempts BETWEEN 1 AND ${MAX_ATTEMPTS - 1})::int AS retrying,
           count(*) FILTER (WHERE attempts >= ${MAX_ATTEMPTS})::int AS parked,
           coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE attempts < ${MAX_ATTEMPTS} AND run_at <= now())), 0)::float8 AS lag
      FROM jobs WHERE done_at IS NULL`.execute(db);
  const r = rows[0]!;
  return { due: r.due, scheduled: r.scheduled, retrying: r.retrying, parked: r.parked, oldestDueSeconds: r.lag };
}
