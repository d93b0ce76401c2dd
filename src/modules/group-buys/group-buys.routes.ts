import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requireActor, requirePermission } from '../../platform/http/auth.js';
import { perAddressLimit } from '../../platform/http/security.js';
import { shareCodeSchema } from '../sharing/sharing.schema.js';
import { groupPosterPng, shareGroup } from '../../flows/group-share.flow.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { createGroupBuyBody, groupBuyResultsSchema, groupBuySchema, groupPosterQuery, shopGroupBuySchema, shopGroupPageSchema, shopGroupParams } from './group-buys.schema.js';
import * as groupBuys from './group-buys.service.js';

export const groupBuyRoutes: RouteModule<Database> = (app, { db, clock, config }) => {
  const tags = ['campaigns'];
  // Where links and images point: the configured public URL, else the host the request came to.
  const baseUrl = (req: { protocol: string; host: string }) => config.publicUrl ?? `${req.protocol}://${req.host}`;
  app.get('/group-buys', { schema: { tags, operationId: 'listGroupBuys', summary: 'List group buys, newest first', response: { 200: itemsOf(groupBuySchema) } } }, async (req) =>
    ({ items: await groupBuys.listGroupBuys(db, requirePermission(req, 'campaigns.read')) }));
  app.get('/group-buys/:id', { schema: { tags, operationId: 'getGroupBuy', summary: 'A group buy with its results: groups by status, members, refunds, subsidy booked', params: idParams, response: { 200: groupBuyResultsSchema } } }, async (req) =>
    groupBuys.groupBuyResults(db, requirePermission(req, 'campaigns.read'), req.params.id));
  app.post('/group-buys', { schema: { tags, operationId: 'createGroupBuy', summary: 'Start a group buy on a listed SKU, its prices checked by the economics guard', body: createGroupBuyBody, response: { 201: groupBuySchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => groupBuys.createGroupBuy(tx, actor, req.body)));
  });
  app.post('/group-buys/:id/end', { schema: { tags, operationId: 'endGroupBuy', summary: 'End a group buy now; its open groups fail and their members are refunded', params: idParams, response: { 200: groupBuyResultsSchema } } }, async (req) => {
    const actor = requirePermission(req, 'campaigns.write');
    return inTransaction(db, (tx) => groupBuys.endGroupBuy(tx, actor, req.params.id));
  });
  app.get('/shops/:slug/group-buys', { schema: { tags: ['shop'], operationId: 'getShopGroupBuys', summary: 'A shop\'s running group buys with their open groups to join', params: slugParams, security: [], response: { 200: itemsOf(shopGroupBuySchema) } } }, async (req) =>
    ({ items: await groupBuys.shopGroupBuys(db, req.params.slug, clock.now()) }));
  app.get('/shops/:slug/groups/:groupId', { schema: { tags: ['shop'], operationId: 'getShopGroup', summary: 'One group: members (names masked), slots left, its clock, a ladder\'s tier reached and the next, its product and price', params: shopGroupParams, security: [], response: { 200: shopGroupPageSchema } } }, async (req) =>
    groupBuys.shopGroup(db, req.params.slug, req.params.groupId));
  app.post('/shops/:slug/groups/:groupId/share', { schema: { tags: ['shop'], operationId: 'shareShopGroup', summary: 'The caller\'s share code for a group: a link opening the group\'s page (joiners\' orders record the sharer) and a poster with the group\'s status', params: shopGroupParams, response: { 201: shareCodeSchema } } }, async (req, reply) => {
    const actor = req.actor?.role === 'consumer' ? requireActor(req, ['consumer']) : requirePermission(req, 'sharing.create');
    return reply.status(201).send(await shareGroup(db, actor, req.params.slug, req.params.groupId, baseUrl(req)));
  });
  // Public, like every share image: it carries only the group's public state and the code's link.
  app.get('/shops/:slug/groups/:groupId/poster.png', { config: perAddressLimit(config.limits, { max: 30, windowMs: 60_000 }), schema: { hide: true, params: shopGroupParams, querystring: groupPosterQuery } }, async (req, reply) =>
    reply.type('image/png').header('cache-control', 'public, max-age=60')
      .send(await groupPosterPng(db, req.params.slug, req.params.groupId, req.query.code, baseUrl(req), clock.now())));
};
