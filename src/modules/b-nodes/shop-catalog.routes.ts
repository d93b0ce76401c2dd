import { z } from 'zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { storageFor } from '../../platform/storage/open-storage.js';
import { idParams } from '../catalog/catalog.schema.js';
import { shopCatalogSchema, shopProductPageSchema, shopProductParams, slugParams } from './b-nodes.schema.js';
import { listingOrderBody, shopCatalogQuery } from './shop-catalog.schema.js';
import * as shop from './shop-catalog.service.js';

/** The public shop's read side (browse, search, product page) and the owner's order of it. */
export const shopCatalogRoutes: RouteModule<Database> = (app, { db, config }) => {
  const storage = storageFor(config.storage);
  const publicUrl = (key: string) => storage.publicUrl(key);
  const tags = ['shop'];
  app.get('/shops/:slug', { schema: { tags, operationId: 'getShop', summary: 'A shop and what it sells now: categories, search, sort', params: slugParams, querystring: shopCatalogQuery, security: [], response: { 200: shopCatalogSchema } } }, async (req) =>
    shop.browseShop(db, req.params.slug, req.query, publicUrl));
  app.get('/shops/:slug/products/:productId', { schema: { tags, operationId: 'getShopProduct', summary: 'One product of a shop, with its images and each SKU\'s own stock', params: shopProductParams, security: [], response: { 200: shopProductPageSchema } } }, async (req) =>
    shop.shopProductPage(db, req.params.slug, req.params.productId, publicUrl));
  app.put('/b-nodes/:id/listing-order', { schema: { tags: ['b-nodes'], operationId: 'orderListings', summary: 'Set the order in which a shop shows its products', params: idParams, body: listingOrderBody, response: { 204: z.null() } } }, async (req, reply) => {
    await shop.orderShopListings(db, requirePermission(req, 'listings.write'), req.params.id, req.body.product_ids);
    return reply.status(204).send(null);
  });
};
