import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { z } from 'zod';
import { listReportsQuery, reconciliationRunSchema, reportDetailSchema, reportSchema, runReconciliationBody } from './reconciliation.schema.js';
import { RECONCILE_WECHATPAY_JOB, getReport, listReports } from './reconciliation.service.js';

const reportParams = z.object({ id: z.string().min(1).max(64) });

/** Reconciliation reports carry every payment of the tenant: tenant admins and platform operators only. */
export const reconciliationRoutes: RouteModule<Database> = (app, { db }) => {
  const tags = ['reconciliation'];
  app.get('/reconciliation/reports', { schema: { tags, operationId: 'listReconciliationReports', summary: 'Daily reconciliation reports, newest day first', querystring: listReportsQuery, response: { 200: itemsOf(reportSchema) } } }, async (req) =>
    ({ items: await listReports(db, requirePermission(req, 'reconciliation.read').tenantId, req.query.limit) }));

  app.get('/reconciliation/reports/:id', { schema: { tags, operationId: 'getReconciliationReport', summary: 'A report with its differences: missing here, missing there, amount and status mismatches', params: reportParams, response: { 200: reportDetailSchema } } }, async (req) =>
    getReport(db, requirePermission(req, 'reconciliation.read').tenantId, req.params.id));

  app.post('/reconciliation/wechatpay/runs', { schema: { tags, operationId: 'runWechatpayReconciliation', summary: 'Reconcile one day against WeChat Pay\'s bills now (queued; the report replaces that day\'s)', body: runReconciliationBody, response: { 202: reconciliationRunSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'reconciliation.read');
    await inTransaction(db, (tx) => enqueue(tx, actor.tenantId, RECONCILE_WECHATPAY_JOB, { date: req.body.date }));
    return reply.status(202).send({ queued: true as const, date: req.body.date });
  });
};
