import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { assignPolicyBody, createBNodeBody, listingParams, putListingBody, shopProductParams, shopSessionBody, slugParams } from './b-nodes.schema.js';
import * as nodes from './b-nodes.service.js';
import { assignPolicyChecked, putListingGuarded } from '../../flows/guarded-changes.flow.js';

export const bNodeRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['b-nodes'];
  app.get('/b-nodes', { schema: { tags } }, async (req) => ({ items: await nodes.listBNodes(db, requireActor(req, STAFF_ROLES).tenantId) }));
  app.post('/b-nodes', { schema: { tags, body: createBNodeBody } }, async (req, reply) =>
    reply.status(201).send(await nodes.createBNode(db, requireActor(req, ADMIN_ROLES).tenantId, req.body)));
  app.get('/b-nodes/:id', { schema: { tags, params: idParams } }, async (req) => nodes.getBNode(db, requireActor(req, STAFF_ROLES), req.params.id));
  app.get('/b-nodes/:id/listings', { schema: { tags, params: idParams } }, async (req) =>
    ({ items: await nodes.listListings(db, requireActor(req, STAFF_ROLES), req.params.id) }));
  app.put('/b-nodes/:id/listings/:skuId', { schema: { tags, params: listingParams, body: putListingBody } }, async (req) =>
    db.transaction().execute((tx) => putListingGuarded(tx, requireActor(req, [...ADMIN_ROLES, 'b_owner']), req.params.id, req.params.skuId, req.body)));

  app.put('/b-nodes/:id/commission-policy', { schema: { tags, params: idParams, body: assignPolicyBody } }, async (req) =>
    assignPolicyChecked(db, requireActor(req, ADMIN_ROLES), req.params.id, req.body.policy_id));

  const shopTags = ['shop'];
  app.get('/shops/:slug', { schema: { tags: shopTags, params: slugParams, security: [] } }, async (req) => nodes.shopCatalog(db, req.params.slug));
  app.get('/shops/:slug/products/:productId', { schema: { tags: shopTags, params: shopProductParams, security: [] } }, async (req) =>
    nodes.shopProduct(db, req.params.slug, req.params.productId));
  app.post('/shops/:slug/session', { schema: { tags: shopTags, params: slugParams, body: shopSessionBody, security: [] } }, async (req, reply) =>
    reply.status(201).send(await nodes.openShopSession(db, clock, req.params.slug, req.body)));
};
