import type { Database } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import type { JobHandler } from '../../platform/jobs/outbox.js';
import { runWelcomeJob, WELCOME_JOB, type WecomApiOf } from './live-codes.service.js';

/** The welcome job, calling WeCom outside any transaction. */
export function liveCodeJobs(clock: Clock, apiOf: WecomApiOf): Record<string, JobHandler<Database>> {
  return { [WELCOME_JOB]: async (db, job) => { await runWelcomeJob(db, clock, apiOf, job.tenant_id, job.payload.welcome_code); } };
}
