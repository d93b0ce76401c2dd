import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { createGroupBuyBody, groupBuyResultsSchema, groupBuySchema, shopGroupBuySchema, shopGroupParams, shopGroupSchema } from './group-buys.schema.js';
import * as groupBuys from './group-buys.service.js';

export const groupBuyRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['campaigns'];
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
  app.get('/shops/:slug/groups/:groupId', { schema: { tags: ['shop'], operationId: 'getShopGroup', summary: 'One group: members (names masked), slots left, its clock', params: shopGroupParams, security: [], response: { 200: shopGroupSchema } } }, async (req) =>
    groupBuys.shopGroup(db, req.params.slug, req.params.groupId));
};
