import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { listingChangeSchema } from '../b-nodes/b-nodes.schema.js';
import {
  assortmentChangeSchema, assortmentItemParams, assortmentListQuery, assortmentParams, assortmentSchema, createAssortmentBody, curateBody,
  itemFields, nodeSkuParams, offerSchema, reachedNodeSchema, targetOptionsSchema, updateAssortmentBody,
} from './assortments.schema.js';
import * as assortments from './assortments.service.js';
import { setItemPropagated, updateAssortmentPropagated, withdrawPropagated } from '../../flows/assortment-changes.flow.js';
import { curateListing, nodeOffers } from '../../flows/curation.flow.js';

const tags = ['assortments'];

export const assortmentRoutes: RouteModule<Database> = (app, { db, clock }) => {
  app.get('/assortments', { schema: { tags, operationId: 'listAssortments', summary: 'Assortments (a supplier operator: its own supplier\'s), newest first', querystring: assortmentListQuery, response: { 200: itemsOf(assortmentSchema) } } }, async (req) =>
    ({ items: await assortments.listAssortments(db, requirePermission(req, 'assortments.read'), req.query.status) }));
  app.post('/assortments', { schema: { tags, operationId: 'createAssortment', summary: 'Draft an assortment: own SKUs with supply price, retail band, commission and cap, a validity and a targeting', description: 'A targeting that reaches no B node is saved with the warning `targets_nobody`.', body: createAssortmentBody, response: { 201: assortmentSchema } } }, async (req, reply) =>
    reply.status(201).send(await db.transaction().execute((tx) => assortments.createAssortment(tx, requirePermission(req, 'assortments.write'), req.body))));
  app.get('/assortments/targets', { schema: { tags, operationId: 'listAssortmentTargets', summary: 'The regions and B nodes a targeting may name', response: { 200: targetOptionsSchema } } }, async (req) =>
    assortments.targetOptions(db, requirePermission(req, 'assortments.write')));
  app.get('/assortments/:id', { schema: { tags, operationId: 'getAssortment', summary: 'An assortment with its items and reach', params: assortmentParams, response: { 200: assortmentSchema } } }, async (req) =>
    assortments.getAssortment(db, requirePermission(req, 'assortments.read'), req.params.id));
  app.patch('/assortments/:id', { schema: { tags, operationId: 'updateAssortment', summary: 'Rename, retarget or extend an open assortment; listings of nodes it no longer aims at pause', params: assortmentParams, body: updateAssortmentBody, response: { 200: assortmentChangeSchema } } }, async (req) =>
    db.transaction().execute((tx) => updateAssortmentPropagated(tx, requirePermission(req, 'assortments.write'), req.params.id, req.body)));
  app.put('/assortments/:id/items/:skuId', { schema: { tags, operationId: 'setAssortmentItem', summary: 'Set a SKU\'s terms; in a published assortment, listings outside a new band pause and their owners are told', params: assortmentItemParams, body: itemFields, response: { 200: assortmentChangeSchema } } }, async (req) =>
    db.transaction().execute((tx) => setItemPropagated(tx, requirePermission(req, 'assortments.write'), req.params.id, req.params.skuId, req.body)));
  app.post('/assortments/:id/publish', { schema: { tags, operationId: 'publishAssortment', summary: 'Publish a draft: the B nodes it reaches may list its SKUs', params: assortmentParams, response: { 200: assortmentSchema } } }, async (req) =>
    assortments.publishAssortment(db, requirePermission(req, 'assortments.write'), clock, req.params.id));
  app.post('/assortments/:id/withdraw', { schema: { tags, operationId: 'withdrawAssortment', summary: 'Withdraw an assortment: every listing from it pauses and its owner is told', params: assortmentParams, response: { 200: assortmentChangeSchema } } }, async (req) =>
    db.transaction().execute((tx) => withdrawPropagated(tx, clock, requirePermission(req, 'assortments.write'), req.params.id)));
  app.get('/assortments/:id/reach', { schema: { tags, operationId: 'getAssortmentReach', summary: 'The B nodes the targeting reaches now', params: assortmentParams, response: { 200: itemsOf(reachedNodeSchema) } } }, async (req) =>
    ({ items: await assortments.assortmentReach(db, requirePermission(req, 'assortments.read'), req.params.id) }));

  // A B node's side: the offers aimed at it, and listing from them.
  app.get('/b-nodes/:id/offers', { schema: { tags, operationId: 'listNodeOffers', summary: 'What a B node may list now: SKUs of live assortments aimed at it', params: assortmentParams, response: { 200: itemsOf(offerSchema) } } }, async (req) =>
    ({ items: await nodeOffers(db, clock, requirePermission(req, 'listings.write'), req.params.id) }));
  app.put('/b-nodes/:id/offers/:skuId', { schema: { tags, operationId: 'curateListing', summary: 'List (re-price, resume) an offered SKU at a price inside the assortment\'s band, checked by the economics guard', params: nodeSkuParams, body: curateBody, response: { 200: listingChangeSchema } } }, async (req) =>
    db.transaction().execute((tx) => curateListing(tx, clock, requirePermission(req, 'listings.write'), req.params.id, req.params.skuId, req.body)));
};
