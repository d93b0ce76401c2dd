import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { customerIdOf, requireActor, requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { resolveShop } from '../b-nodes/b-nodes.service.js';
import { bargainCampaignSchema, bargainSchema, createBargainCampaignBody, startBargainBody } from './bargains.schema.js';
import { bargainError } from './bargains.errors.js';
import * as bargains from './bargains.service.js';

export const bargainRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['bargains'];
  app.post('/bargain-campaigns', { schema: { tags, operationId: 'createBargainCampaign', summary: 'Start a bargain campaign (砍价) on a SKU a shop lists: start price, floor, helpers needed', body: createBargainCampaignBody, response: { 201: bargainCampaignSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => bargains.createCampaign(tx, clock, actor, req.body)));
  });
  app.get('/bargain-campaigns', { schema: { tags, operationId: 'listBargainCampaigns', summary: 'Bargain campaigns with their results: started, reached the floor, bought', response: { 200: itemsOf(bargainCampaignSchema) } } }, async (req) =>
    ({ items: await bargains.listCampaigns(db, clock, requirePermission(req, 'campaigns.read')) }));

  app.get('/shops/:slug/bargains', { schema: { tags, operationId: 'getShopBargains', summary: 'A shop\'s running bargain campaigns', params: slugParams, security: [], response: { 200: itemsOf(bargainCampaignSchema) } } }, async (req) => {
    const node = await resolveShop(db, req.params.slug);
    return { items: await bargains.shopCampaigns(db, clock, { tenant_id: node.tenant_id, b_node_id: node.id }) };
  });
  app.post('/shops/:slug/bargains', { schema: { tags, operationId: 'startBargain', summary: 'Start a bargain (or get the one already started) for the signed-in buyer', params: slugParams, body: startBargainBody, response: { 201: bargainSchema } } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = customerIdOf(actor)!;
    const node = await resolveShop(db, req.params.slug);
    if (node.tenant_id !== actor.tenantId) throw bargainError('bargain_campaign_not_found');
    const id = await inTransaction(db, (tx) => bargains.startBargain(tx, clock, actor.tenantId, customerId, req.body.campaign_id));
    return reply.status(201).send(await bargains.bargainView(db, clock, actor.tenantId, customerId, id));
  });
  app.get('/bargains/:id', { schema: { tags, operationId: 'getBargain', summary: 'A bargain: the price reached, its helpers (masked), what is left', params: idParams, response: { 200: bargainSchema } } }, async (req) => {
    const actor = requireActor(req, ['consumer']);
    return bargains.bargainView(db, clock, actor.tenantId, customerIdOf(actor)!, req.params.id);
  });
  app.post('/bargains/:id/help', { schema: { tags, operationId: 'helpBargain', summary: 'Help a friend\'s bargain: once per friend, never one\'s own', params: idParams, response: { 200: bargainSchema } } }, async (req) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = customerIdOf(actor)!;
    await inTransaction(db, (tx) => bargains.helpBargain(tx, clock, actor.tenantId, customerId, req.params.id));
    return bargains.bargainView(db, clock, actor.tenantId, customerId, req.params.id);
  });
};
