import { sql } from 'kysely';
import type { Conn } from '../db/database.js';

export type JobState = 'queued' | 'running' | 'retrying' | 'parked';

export interface JobRow {
  id: string; kind: string; tenant_id: string | null; state: JobState; attempts: number; max_attempts: number;
  run_at: Date; last_error: string | null; created_at: Date;
}

/**
 * Jobs still in the queue (a finished job is deleted by graphile-worker): queued, running (locked
 * by a worker), retrying after a failure, or parked once out of attempts. A job an operator retried
 * has no attempts yet and is queued again, though it keeps its last error until it runs. `failed` keeps those that
 * failed at least once; `tenantId` keeps one tenant's (jobs carry it in their payload). Periodic
 * work's own job is plumbing and not listed.
 */
export async function listJobs(db: Conn<any>, filter: { failed?: boolean; tenantId?: string; limit?: number } = {}): Promise<JobRow[]> {
  const { rows } = await sql<JobRow>`
    SELECT j.id::text AS id, t.identifier AS kind, j.payload->>'tenant_id' AS tenant_id,
           CASE WHEN j.attempts >= j.max_attempts THEN 'parked'
                WHEN j.locked_at IS NOT NULL THEN 'running'
                WHEN j.last_error IS NOT NULL AND j.attempts > 0 THEN 'retrying'
                ELSE 'queued' END AS state,
           j.attempts, j.max_attempts, j.run_at, j.last_error, j.created_at
      FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier NOT LIKE 'periodic:%'
       AND (${filter.failed ?? false} = false OR j.last_error IS NOT NULL)
       AND (${filter.tenantId ?? null}::text IS NULL OR j.payload->>'tenant_id' = ${filter.tenantId ?? null})
     ORDER BY j.id
     LIMIT ${filter.limit ?? 500}`.execute(db);
  return rows;
}

/**
 * Makes a failed or parked job due now with a fresh set of attempts. Returns false when there is no
 * such job (finished, unknown, another tenant's, or running right now).
 */
export async function retryJob(db: Conn<any>, id: string, tenantId?: string): Promise<boolean> {
  if (!/^\d{1,18}$/.test(id)) return false;
  const { rows } = await sql<{ id: string }>`
    SELECT r.id::text AS id FROM graphile_worker.reschedule_jobs(
             ARRAY(SELECT j.id FROM graphile_worker._private_jobs j
                    WHERE j.id = ${id}::bigint AND j.locked_at IS NULL
                      AND (${tenantId ?? null}::text IS NULL OR j.payload->>'tenant_id' = ${tenantId ?? null})),
             run_at => now(), attempts => 0) r`.execute(db);
  return rows.length > 0;
}
