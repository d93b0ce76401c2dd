import { z } from 'zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { customerIdOf, requireActor, requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { messageListQuery, messageSchema, optInBody, optInsSchema, putTemplateBody, templateParams, templateSchema, orderEventSchema } from './subscribe-messages.schema.js';
import * as messages from './subscribe-messages.service.js';
import type { SandboxOptInGrant } from './subscribe-messages.provider.js';


const shopOptIns = optInsSchema.extend({
  templates: z.array(z.object({ event: orderEventSchema, template_id: z.string() })).describe('The tenant\'s templates: what the shop asks wx.requestSubscribeMessage for'),
}).meta({ id: 'ShopSubscribeOptIns' });

export function subscribeMessageRoutes(sandboxGrant: SandboxOptInGrant | undefined): RouteModule<Database> {
  return (app, { db }) => {
    const tags = ['subscribe-messages'];
    app.get('/subscribe-messages', { schema: { tags, operationId: 'listSubscribeMessages', summary: 'Subscribe messages asked for by order events, newest first: sent, failed, skipped', querystring: messageListQuery, response: { 200: itemsOf(messageSchema) } } }, async (req) =>
      ({ items: await messages.listMessages(db, requirePermission(req, 'subscribe_messages.read').tenantId, req.query) }));

    app.get('/subscribe-messages/templates', { schema: { tags, operationId: 'listSubscribeTemplates', summary: 'The tenant\'s template for each order event', response: { 200: itemsOf(templateSchema) } } }, async (req) =>
      ({ items: await messages.listTemplates(db, requirePermission(req, 'subscribe_messages.read').tenantId) }));
    app.put('/subscribe-messages/templates/:event', { schema: { tags, operationId: 'putSubscribeTemplate', summary: 'Set the template (id from WeChat\'s console, page, key → order field) for an order event', params: templateParams, body: putTemplateBody, response: { 200: templateSchema } } }, async (req) =>
      messages.putTemplate(db, requirePermission(req, 'subscribe_messages.write').tenantId, req.params.event, req.body));
    app.delete('/subscribe-messages/templates/:event', { schema: { tags, operationId: 'deleteSubscribeTemplate', summary: 'Stop messages for an order event', params: templateParams, response: { 204: z.null().describe('Removed') } } }, async (req, reply) => {
      await messages.deleteTemplate(db, requirePermission(req, 'subscribe_messages.write').tenantId, req.params.event);
      return reply.status(204).send(null);
    });

    app.get('/subscribe-messages/opt-ins', { schema: { tags, operationId: 'getMySubscribeOptIns', summary: 'The buyer\'s opt-ins left per template, and the templates to ask for', response: { 200: shopOptIns } } }, async (req) => {
      const actor = requireActor(req, ['consumer']);
      const [templates, items] = await Promise.all([messages.listTemplates(db, actor.tenantId), messages.optInsOf(db, actor.tenantId, customerIdOf(actor)!)]);
      return { templates: templates.map((t) => ({ event: t.event, template_id: t.template_id })), items };
    });
    app.post('/subscribe-messages/opt-ins', { schema: { tags, operationId: 'recordSubscribeOptIns', summary: 'Record what wx.requestSubscribeMessage returned: each accepted template allows one message', body: optInBody, response: { 200: shopOptIns } } }, async (req) => {
      const actor = requireActor(req, ['consumer']);
      const customerId = customerIdOf(actor)!;
      const recorded = await messages.recordOptIns(db, actor.tenantId, customerId, req.body.results);
      if (sandboxGrant && recorded.accepted.length) await sandboxGrant(actor.tenantId, customerId, recorded.accepted);
      const templates = await messages.listTemplates(db, actor.tenantId);
      return { templates: templates.map((t) => ({ event: t.event, template_id: t.template_id })), items: recorded.items };
    });
  };
}
