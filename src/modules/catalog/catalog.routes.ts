import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor } from '../../platform/http/auth.js';
import { createProductBody, createSupplierBody, idParams, skuFields, updateSkuBody } from './catalog.schema.js';
import * as catalog from './catalog.service.js';
import { updateSkuGuarded } from '../../flows/guarded-changes.flow.js';

const CATALOG_EDITORS = [...ADMIN_ROLES, 'supplier_operator'] as const;
const tags = ['catalog'];

export const catalogRoutes: RouteModule<Database> = (app, { db }) => {
  app.get('/suppliers', { schema: { tags } }, async (req) => ({ items: await catalog.listSuppliers(db, requireActor(req, [...STAFF_ROLES, 'supplier_operator']).tenantId) }));
  app.post('/suppliers', { schema: { tags, body: createSupplierBody } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSupplier(db, requireActor(req, ADMIN_ROLES).tenantId, req.body)));

  app.get('/products', { schema: { tags } }, async (req) => ({ items: await catalog.listProducts(db, requireActor(req, [...STAFF_ROLES, 'supplier_operator'])) }));
  app.get('/products/:id', { schema: { tags, params: idParams } }, async (req) =>
    catalog.getProduct(db, requireActor(req, [...STAFF_ROLES, 'supplier_operator']).tenantId, req.params.id));
  app.post('/products', { schema: { tags, body: createProductBody } }, async (req, reply) =>
    reply.status(201).send(await catalog.createProduct(db, requireActor(req, CATALOG_EDITORS), req.body)));
  app.post('/products/:id/skus', { schema: { tags, params: idParams, body: skuFields } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSku(db, requireActor(req, CATALOG_EDITORS), req.params.id, req.body)));
  app.patch('/skus/:id', { schema: { tags, params: idParams, body: updateSkuBody } }, async (req) =>
    inTransaction(db, (tx) => updateSkuGuarded(tx, requireActor(req, CATALOG_EDITORS), req.params.id, req.body)));

};
