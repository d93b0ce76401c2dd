import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { createFlashSaleBody, flashSaleResultsSchema, flashSaleSchema, shopFlashSaleSchema } from './flash-sales.schema.js';
import * as flash from './flash-sales.service.js';

export const flashSaleRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['campaigns'];
  app.get('/flash-sales', { schema: { tags, operationId: 'listFlashSales', summary: 'List flash sales, newest first', response: { 200: itemsOf(flashSaleSchema) } } }, async (req) =>
    ({ items: await flash.listFlashSales(db, requirePermission(req, 'campaigns.read')) }));
  app.get('/flash-sales/:id', { schema: { tags, operationId: 'getFlashSale', summary: 'A flash sale with its results', params: idParams, response: { 200: flashSaleResultsSchema } } }, async (req) =>
    flash.flashSaleResults(db, requirePermission(req, 'campaigns.read'), req.params.id));
  app.post('/flash-sales', { schema: { tags, operationId: 'createFlashSale', summary: 'Start a flash sale on a listed SKU, its price checked by the economics guard', body: createFlashSaleBody, response: { 201: flashSaleSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => flash.createFlashSale(tx, actor, req.body)));
  });
  app.post('/flash-sales/:id/end', { schema: { tags, operationId: 'endFlashSale', summary: 'End a flash sale now; orders placed stand', params: idParams, response: { 200: flashSaleResultsSchema } } }, async (req) => {
    const actor = requirePermission(req, 'campaigns.write');
    return inTransaction(db, (tx) => flash.endFlashSale(tx, actor, req.params.id));
  });
  app.get('/shops/:slug/flash-sales', { schema: { tags: ['shop'], operationId: 'getShopFlashSales', summary: 'A shop\'s flash sales running or starting within a day', params: slugParams, security: [], response: { 200: itemsOf(shopFlashSaleSchema) } } }, async (req) =>
    ({ items: await flash.shopFlashSales(db, req.params.slug, clock.now()) }));
};
