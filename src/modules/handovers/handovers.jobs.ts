import type { Database } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import type { JobHandler } from '../../platform/jobs/outbox.js';
import { HANDOVER_POLL_JOB, HANDOVER_SUBMIT_JOB, runPollJob, runSubmitJob, type WecomApiOf } from './handovers.service.js';

/** Handover jobs, calling WeCom outside any transaction. */
export function handoverJobs(clock: Clock, apiOf: WecomApiOf): Record<string, JobHandler<Database>> {
  return {
    [HANDOVER_SUBMIT_JOB]: (db, job) => runSubmitJob(db, clock, apiOf, job.tenant_id, job.payload.handover_id),
    [HANDOVER_POLL_JOB]: async (db, job) => { await runPollJob(db, clock, apiOf, job.tenant_id, job.payload.handover_id); },
  };
}
