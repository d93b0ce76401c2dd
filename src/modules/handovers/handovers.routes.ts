import { z } from 'zod';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { timestamp } from '../../platform/http/schemas.js';
import { createHandover, createHandoverBody, handoverDetail, listHandovers } from './handovers.service.js';

const handoverSchema = z.object({
  id: z.string(), kind: z.enum(['onjob', 'resigned']), handover_userid: z.string(), takeover_userid: z.string(),
  created_at: timestamp, submitted_at: timestamp.nullable(),
}).meta({ id: 'Handover' });
const handoverDetailSchema = handoverSchema.extend({
  items: z.array(z.object({
    item_key: z.string(), customer_id: z.string().nullable(), external_userid: z.string().nullable(), group_id: z.string().nullable(), chat_id: z.string().nullable(),
    status: z.enum(['queued', 'refused', 'waiting', 'done', 'failed']), reason: z.string().nullable(), errcode: z.number().int().nullable(), settled_at: timestamp.nullable(),
  })),
}).meta({ id: 'HandoverDetail' });

export const handoverRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['handovers'];
  app.get('/handovers', { schema: { tags, operationId: 'listHandovers', summary: 'Handovers of members\' customers and groups, newest first', response: { 200: z.object({ items: z.array(handoverSchema) }) } } }, async (req) =>
    ({ items: await listHandovers(db, requirePermission(req, 'reach.manage')) }));
  app.post('/handovers', { schema: { tags, operationId: 'createHandover', summary: 'Hand a member\'s customers and groups to another member (on the job or resigned): a customer handed over twice in 90 days is refused with the reason; the rest go to WeCom and settle after its 24 h takeover', body: createHandoverBody, response: { 201: handoverDetailSchema } } }, async (req, reply) =>
    reply.status(201).send(await createHandover(db, clock, requirePermission(req, 'reach.manage'), req.body)));
  app.get('/handovers/:id', { schema: { tags, operationId: 'getHandover', summary: 'A handover and each customer\'s and group\'s outcome', params: z.object({ id: z.string().min(1).max(64) }), response: { 200: handoverDetailSchema } } }, async (req) =>
    handoverDetail(db, requirePermission(req, 'reach.manage'), req.params.id));
};
