import { z } from 'zod';
import type { RouteModule } from '../http/server.js';
import { requirePermission } from '../http/auth.js';
import { platformError } from '../errors.js';
import { itemsOf, timestamp } from '../http/schemas.js';
import { listJobs, retryJob } from './admin.js';

const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.enum(['queued', 'running', 'retrying', 'parked']).describe('parked: out of attempts, waits for a retry'),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  run_at: timestamp,
  last_error: z.string().nullable(),
  created_at: timestamp,
}).meta({ id: 'Job' });

const listQuery = z.object({ state: z.enum(['all', 'failed']).default('all').describe('failed: jobs that failed at least once (retrying or parked)') });
const jobParams = z.object({ id: z.string().regex(/^\d{1,18}$/) });

/**
 * The tenant's jobs still in the queue (finished ones leave it), for the console's Jobs screen:
 * a tenant admin sees their own tenant's jobs (by the tenant in the payload) and may retry one.
 */
export const jobRoutes: RouteModule<any> = (app, { db }) => {
  const tags = ['jobs'];
  app.get('/jobs', { schema: { tags, operationId: 'listJobs', summary: 'Jobs in the queue: queued, running, retrying, parked', querystring: listQuery, response: { 200: itemsOf(jobSchema) } } }, async (req) => {
    const actor = requirePermission(req, 'jobs.manage');
    const rows = await listJobs(db, { failed: req.query.state === 'failed', tenantId: actor.tenantId, limit: 200 });
    return { items: rows.map(({ tenant_id: _tenant, ...job }) => job) };
  });
  app.post('/jobs/:id/retry', { schema: { tags, operationId: 'retryJob', summary: 'Run a failed or parked job again, with fresh attempts', params: jobParams, response: { 204: z.undefined().describe('Due again') } } }, async (req, reply) => {
    const actor = requirePermission(req, 'jobs.manage');
    if (!(await retryJob(db, req.params.id, actor.tenantId))) throw platformError('not_found');
    return reply.status(204).send();
  });
};
