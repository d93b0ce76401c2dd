import type { Database } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import type { JobHandler } from '../../platform/jobs/outbox.js';
import { BROADCAST_RESULTS_JOB, BROADCAST_SEND_JOB, runResultsJob, runSendJob, type WecomApiOf } from './broadcasts.service.js';

/** The mass-message jobs, calling WeCom outside any transaction through the tenant's API. */
export function broadcastJobs(clock: Clock, apiOf: WecomApiOf): Record<string, JobHandler<Database>> {
  return {
    [BROADCAST_SEND_JOB]: (db, job) => runSendJob(db, clock, apiOf, job.tenant_id, job.payload.broadcast_id),
    [BROADCAST_RESULTS_JOB]: async (db, job) => { await runResultsJob(db, clock, apiOf, job.tenant_id, job.payload.broadcast_id); },
  };
}
