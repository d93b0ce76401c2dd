import { z } from 'zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from './b-nodes.schema.js';
import {
  createRegionBody, hierarchySchema, pickupPointBody, pickupPointSchema, placeBNodeBody, placementSchema, regionSchema, updateRegionBody,
} from './hierarchy.schema.js';
import * as hierarchy from './hierarchy.service.js';

export const hierarchyRoutes: RouteModule<Database> = (app, { db }) => {
  const tags = ['b-nodes'];
  app.get('/regions', { schema: { tags, operationId: 'listRegions', summary: 'The tenant\'s regions (a tree: each names its parent)', response: { 200: itemsOf(regionSchema) } } }, async (req) =>
    ({ items: await hierarchy.listRegions(db, requirePermission(req, 'hierarchy.read').tenantId) }));
  app.post('/regions', { schema: { tags, operationId: 'createRegion', summary: 'Create a region, at the top or under another', body: createRegionBody, response: { 201: regionSchema } } }, async (req, reply) =>
    reply.status(201).send(await hierarchy.createRegion(db, requirePermission(req, 'hierarchy.manage').tenantId, req.body)));
  app.patch('/regions/:id', { schema: { tags, operationId: 'updateRegion', summary: 'Rename or move a region; under itself or its own subregion is refused (422 region_cycle)', params: idParams, body: updateRegionBody, response: { 200: regionSchema } } }, async (req) =>
    hierarchy.updateRegion(db, requirePermission(req, 'hierarchy.manage').tenantId, req.params.id, req.body));
  app.delete('/regions/:id', { schema: { tags, operationId: 'deleteRegion', summary: 'Delete an empty region (no subregions, no nodes)', params: idParams, response: { 204: z.undefined().describe('Deleted') } } }, async (req, reply) => {
    await hierarchy.deleteRegion(db, requirePermission(req, 'hierarchy.manage').tenantId, req.params.id);
    return reply.status(204).send();
  });
  app.get('/hierarchy', { schema: { tags, operationId: 'getHierarchy', summary: 'Regions, B nodes with their places and staff: the whole tree', response: { 200: hierarchySchema } } }, async (req) =>
    hierarchy.hierarchy(db, requirePermission(req, 'hierarchy.manage').tenantId));
  app.patch('/b-nodes/:id/placement', { schema: { tags, operationId: 'placeBNode', summary: 'Set a node\'s region, its store (leaders and KOCs only) and tier', params: idParams, body: placeBNodeBody, response: { 200: placementSchema } } }, async (req) =>
    hierarchy.placeBNode(db, requirePermission(req, 'hierarchy.manage').tenantId, req.params.id, req.body));
  app.get('/b-nodes/:id/pickup-point', { schema: { tags, operationId: 'getPickupPoint', summary: 'A node\'s pickup point (owners and staff: their own)', params: idParams, response: { 200: pickupPointSchema } } }, async (req) =>
    hierarchy.getPickupPoint(db, requirePermission(req, 'orders.read'), req.params.id));
  app.put('/b-nodes/:id/pickup-point', { schema: { tags, operationId: 'setPickupPoint', summary: 'Set a node\'s pickup point: address, GCJ-02 coordinates, opening hours', description: 'Coordinates outside China answer 422 coordinates_outside_china; an owner naming another node 404.', params: idParams, body: pickupPointBody, response: { 200: pickupPointSchema } } }, async (req) =>
    hierarchy.setPickupPoint(db, requirePermission(req, 'pickup_point.write'), req.params.id, req.body));
  app.get('/shops/:slug/pickup-point', { schema: { tags: ['shop'], operationId: 'getShopPickupPoint', summary: 'Where a shop\'s buyers collect, with a map link', params: slugParams, security: [], response: { 200: pickupPointSchema } } }, async (req) =>
    hierarchy.shopPickupPoint(db, req.params.slug));
};
