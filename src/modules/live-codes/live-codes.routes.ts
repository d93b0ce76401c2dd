import { z } from 'zod';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { createLiveCodeBody, liveCodeSchema, welcomeMessageSchema } from './live-codes.schema.js';
import { createLiveCode, liveCodeDetail, listLiveCodes, listWelcomes, type WecomApiOf } from './live-codes.service.js';

const idParams = z.object({ id: z.string().min(1).max(64) });

export function liveCodeRoutes(apiOf: WecomApiOf): RouteModule<Database> {
  return (app, { db, clock }) => {
    const tags = ['live-codes'];
    app.get('/live-codes', { schema: { tags, operationId: 'listLiveCodes', summary: 'Live codes (联系我) with their contacts per day (a node role: its node\'s)', response: { 200: itemsOf(liveCodeSchema) } } }, async (req) =>
      ({ items: await listLiveCodes(db, requirePermission(req, 'reach.read'), clock.now()) }));
    app.post('/live-codes', { schema: { tags, operationId: 'createLiveCode', summary: 'Create a live code for a store, members or a campaign (a contact way at WeCom with its state), or a group code over a list of groups', body: createLiveCodeBody, response: { 201: liveCodeSchema } } }, async (req, reply) =>
      reply.status(201).send(await createLiveCode(db, clock, apiOf, requirePermission(req, 'reach.manage'), req.body)));
    app.get('/live-codes/:id', { schema: { tags, operationId: 'getLiveCode', summary: 'A live code: its QR, its groups and the one joined now, its contacts per day', params: idParams, response: { 200: liveCodeSchema } } }, async (req) =>
      liveCodeDetail(db, requirePermission(req, 'reach.read'), req.params.id, clock.now()));
    app.get('/welcome-messages', { schema: { tags, operationId: 'listWelcomeMessages', summary: 'Welcome messages owed to new contacts: sent, expired (past 20 s), sent by another, failed; each with its delay from the add event', querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(), response: { 200: itemsOf(welcomeMessageSchema) } } }, async (req) =>
      ({ items: await listWelcomes(db, requirePermission(req, 'reach.read'), req.query.limit) }));
  };
}
