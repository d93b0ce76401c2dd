import { z } from 'zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf, timestamp } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { listingParams, listingPauseReasonSchema } from './b-nodes.schema.js';
import * as listings from './listings.service.js';

const tags = ['b-nodes'];

const pausedSchema = z.object({ b_node_id: z.string(), sku_id: z.string(), active: z.boolean(), pause_reason: listingPauseReasonSchema.nullable() }).meta({ id: 'ListingPaused' });
const noticeSchema = z.object({
  id: z.string(),
  sku_id: z.string(),
  assortment_id: z.string().nullable(),
  reason: z.enum(['outside_band', 'withdrawn', 'expired', 'untargeted']),
  details: z.record(z.string(), z.unknown()).describe('outside_band: retail_price, retail_floor, retail_ceiling'),
  created_at: timestamp,
}).meta({ id: 'ListingNotice' });

export const listingRoutes: RouteModule<Database> = (app, { db }) => {
  app.post('/b-nodes/:id/listings/:skuId/pause', { schema: { tags, operationId: 'pauseListing', summary: 'Take a listed SKU off sale for now (listing it again resumes it)', params: listingParams, response: { 200: pausedSchema } } }, async (req) =>
    listings.pauseListing(db, requirePermission(req, 'listings.write'), req.params.id, req.params.skuId));
  app.delete('/b-nodes/:id/listings/:skuId', { schema: { tags, operationId: 'removeListing', summary: 'Remove a SKU from the shop; placed orders keep their snapshot', params: listingParams, response: { 204: z.undefined().describe('Removed') } } }, async (req, reply) => {
    await listings.removeListing(db, requirePermission(req, 'listings.write'), req.params.id, req.params.skuId);
    return reply.status(204).send();
  });
  app.get('/b-nodes/:id/listing-notices', { schema: { tags, operationId: 'listListingNotices', summary: 'What suppliers\' changes did to this node\'s listings, and why; newest first', params: idParams, response: { 200: itemsOf(noticeSchema) } } }, async (req) =>
    ({ items: await listings.listingNotices(db, requirePermission(req, 'listings.read'), req.params.id) }));
};
