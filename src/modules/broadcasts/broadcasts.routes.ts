import { z } from 'zod';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import {
  broadcastSchema, broadcastSettingsSchema, createBroadcastBody, listBroadcastsQuery, recipientSchema, recipientsQuery,
} from './broadcasts.schema.js';
import {
  broadcastDetail, broadcastSettings, cancelBroadcast, confirmBroadcast, createBroadcast, listBroadcasts, listRecipients, putBroadcastSettings, resendUncertain,
} from './broadcasts.service.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

export const broadcastRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['broadcasts'];
  app.get('/broadcasts', { schema: { tags, operationId: 'listBroadcasts', summary: 'Mass messages, newest first, each with its plan\'s counts (a node role: its node\'s)', querystring: listBroadcastsQuery, response: { 200: itemsOf(broadcastSchema) } } }, async (req) =>
    ({ items: await listBroadcasts(db, requirePermission(req, 'reach.read'), req.query.limit) }));
  app.post('/broadcasts', { schema: { tags, operationId: 'planBroadcast', summary: 'Plan a mass message: every recipient decided now, will receive or skipped with the reason (caps, not a contact, WeCom\'s task limits); nothing is sent until confirmed', body: createBroadcastBody, response: { 201: broadcastSchema } } }, async (req, reply) =>
    reply.status(201).send(await createBroadcast(db, clock, requirePermission(req, 'reach.manage'), req.body)));
  app.get('/broadcasts/settings', { schema: { tags, operationId: 'getBroadcastSettings', summary: 'The mass-message cap per customer and group: days-in-month per month (default), 7 per week or 1 per day', response: { 200: broadcastSettingsSchema } } }, async (req) =>
    broadcastSettings(db, requirePermission(req, 'reach.read').tenantId));
  app.put('/broadcasts/settings', { schema: { tags, operationId: 'putBroadcastSettings', summary: 'Set the mass-message cap period', body: broadcastSettingsSchema, response: { 200: broadcastSettingsSchema } } }, async (req) =>
    putBroadcastSettings(db, requirePermission(req, 'reach.settings').tenantId, req.body.cap_period));
  app.get('/broadcasts/:id', { schema: { tags, operationId: 'getBroadcast', summary: 'A mass message: its plan\'s counts by status and skip reason, and the cap in force', params: idParams, response: { 200: broadcastSchema } } }, async (req) =>
    broadcastDetail(db, requirePermission(req, 'reach.read'), req.params.id));
  app.get('/broadcasts/:id/recipients', { schema: { tags, operationId: 'listBroadcastRecipients', summary: 'Who receives it and who is skipped and why, then each one\'s result from WeCom (by recipient key, `after` pages)', params: idParams, querystring: recipientsQuery, response: { 200: itemsOf(recipientSchema) } } }, async (req) =>
    ({ items: await listRecipients(db, requirePermission(req, 'reach.read'), req.params.id, req.query) }));
  app.post('/broadcasts/:id/confirm', { schema: { tags, operationId: 'confirmBroadcast', summary: 'Send a planned mass message at its time (now, or the time it was planned for)', params: idParams, response: { 200: broadcastSchema } } }, async (req) =>
    confirmBroadcast(db, clock, requirePermission(req, 'reach.manage'), req.params.id));
  app.post('/broadcasts/:id/cancel', { schema: { tags, operationId: 'cancelBroadcast', summary: 'Cancel a mass message not yet sending: its recipients\' cap slots are given back', params: idParams, response: { 200: broadcastSchema } } }, async (req) =>
    cancelBroadcast(db, requirePermission(req, 'reach.manage'), req.params.id));
  app.post('/broadcasts/:id/resend-uncertain', { schema: { tags, operationId: 'resendUncertainBroadcast', summary: 'Resend the recipients left uncertain (a send interrupted between WeCom\'s answer and its record, its task not found at WeCom): check WeCom\'s admin console first — they may have it. 409 broadcast_nothing_uncertain when none is', params: idParams, response: { 200: broadcastSchema } } }, async (req) =>
    resendUncertain(db, clock, requirePermission(req, 'reach.manage'), req.params.id));
};
