import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { itemsOf } from '../../platform/http/schemas.js';
import {
  assignPolicyBody, bNodeSchema, createBNodeBody, listingChangeSchema, listingParams, listingSchema, policyAssignmentSchema, putListingBody,
  shopDirectoryQuery, shopDirectorySchema, shopSessionBody, shopSessionSchema, slugParams,
} from './b-nodes.schema.js';
import * as nodes from './b-nodes.service.js';
import { assignPolicyChecked, putListingGuarded } from '../../flows/guarded-changes.flow.js';
import { perAddressLimit } from '../../platform/http/security.js';
import { OTP_KEY_PURPOSE, openVerifiedShopSession } from '../../flows/shop-sign-in.flow.js';
import { phoneVault } from '../customers/customer-phones.service.js';
import { deriveKey } from '../../platform/secrets.js';
import { customerError } from '../customers/customers.errors.js';

export const bNodeRoutes: RouteModule<Database> = (app, { db, clock, config }) => {
  const tags = ['b-nodes'];
  app.get('/b-nodes', { schema: { tags, operationId: 'listBNodes', summary: 'List B nodes (stores, community leaders); staff and owners get their own', response: { 200: itemsOf(bNodeSchema) } } }, async (req) => ({ items: await nodes.listBNodes(db, requirePermission(req, 'orders.read')) }));
  app.post('/b-nodes', { schema: { tags, operationId: 'createBNode', summary: 'Create a B node and its shop address', body: createBNodeBody, response: { 201: bNodeSchema } } }, async (req, reply) =>
    reply.status(201).send(await nodes.createBNode(db, requirePermission(req, 'b_nodes.manage').tenantId, req.body)));
  app.get('/b-nodes/:id', { schema: { tags, operationId: 'getBNode', summary: 'A B node', params: idParams, response: { 200: bNodeSchema } } }, async (req) => nodes.getBNode(db, requirePermission(req, 'orders.read'), req.params.id));
  app.get('/b-nodes/:id/listings', { schema: { tags, operationId: 'listListings', summary: 'The SKUs a B node lists, with prices and stock', params: idParams, response: { 200: itemsOf(listingSchema) } } }, async (req) =>
    ({ items: await nodes.listListings(db, requirePermission(req, 'listings.read'), req.params.id) }));
  app.put('/b-nodes/:id/listings/:skuId', { schema: { tags, operationId: 'putListing', summary: 'List a SKU at a price inside its band, checked by the economics guard', params: listingParams, body: putListingBody, response: { 200: listingChangeSchema } } }, async (req) =>
    db.transaction().execute((tx) => putListingGuarded(tx, requirePermission(req, 'listings.write'), req.params.id, req.params.skuId, req.body)));

  app.put('/b-nodes/:id/commission-policy', { schema: { tags, operationId: 'setCommissionPolicy', summary: 'Assign or remove a B node\'s commission policy', params: idParams, body: assignPolicyBody, response: { 200: policyAssignmentSchema } } }, async (req) =>
    assignPolicyChecked(db, requirePermission(req, 'policies.write'), req.params.id, req.body.policy_id));

  const shopTags = ['shop'];
  app.get('/shops', { schema: { tags: shopTags, operationId: 'listShops', summary: 'A tenant\'s shops, for the site\'s home page', querystring: shopDirectoryQuery, security: [], response: { 200: shopDirectorySchema } } }, async (req) =>
    nodes.shopDirectory(db, req.query.tenant));
  // The shop's product list and product page: shop-catalog.routes.ts.
  app.post('/shops/:slug/session', { config: perAddressLimit(config.limits, config.limits.shopSession), schema: { tags: shopTags, operationId: 'openShopSession', summary: 'Open a consumer session with the phone and the one-time code sent to it', description: 'With `code` (from POST /shops/{slug}/otp): a wrong code answers 401 otp_invalid with `tries_left`; an expired, used or exhausted one 401 otp_expired. Without `code`: the sandbox\'s phone-only shortcut, refused in live mode with 403 otp_required.', params: slugParams, body: shopSessionBody, security: [], response: { 201: shopSessionSchema } } }, async (req, reply) => {
    const { code, ...who } = req.body;
    if (code !== undefined) return reply.status(201).send(await openVerifiedShopSession(db, clock, deriveKey(config.secretKey, OTP_KEY_PURPOSE), phoneVault(config.secretKey), req.params.slug, { ...who, code }));
    if (config.mode === 'live') throw customerError('otp_required');
    return reply.status(201).send(await nodes.openShopSession(db, clock, phoneVault(config.secretKey), req.params.slug, who));
  });
};
