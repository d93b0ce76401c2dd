import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { createProductBody, createSupplierBody, idParams, productSchema, skuFields, skuSchema, supplierSchema, updateSkuBody } from './catalog.schema.js';
import * as catalog from './catalog.service.js';
import { updateSkuGuarded } from '../../flows/guarded-changes.flow.js';

const tags = ['catalog'];

export const catalogRoutes: RouteModule<Database> = (app, { db }) => {
  app.get('/suppliers', { schema: { tags, operationId: 'listSuppliers', summary: 'List suppliers', response: { 200: itemsOf(supplierSchema) } } }, async (req) => ({ items: await catalog.listSuppliers(db, requirePermission(req, 'catalog.read')) }));
  app.post('/suppliers', { schema: { tags, operationId: 'createSupplier', summary: 'Create a supplier', body: createSupplierBody, response: { 201: supplierSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSupplier(db, requirePermission(req, 'tenant.manage').tenantId, req.body)));

  app.get('/products', { schema: { tags, operationId: 'listProducts', summary: 'List products with their SKUs', response: { 200: itemsOf(productSchema) } } }, async (req) => ({ items: await catalog.listProducts(db, requirePermission(req, 'catalog.read')) }));
  app.get('/products/:id', { schema: { tags, operationId: 'getProduct', summary: 'A product with its SKUs', params: idParams, response: { 200: productSchema } } }, async (req) =>
    catalog.getProduct(db, requirePermission(req, 'catalog.read'), req.params.id));
  app.post('/products', { schema: { tags, operationId: 'createProduct', summary: 'Create a product of a supplier', body: createProductBody, response: { 201: productSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createProduct(db, requirePermission(req, 'catalog.write'), req.body)));
  app.post('/products/:id/skus', { schema: { tags, operationId: 'createSku', summary: 'Add a SKU with its supply price and retail band', params: idParams, body: skuFields, response: { 201: skuSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSku(db, requirePermission(req, 'catalog.write'), req.params.id, req.body)));
  app.patch('/skus/:id', { schema: { tags, operationId: 'updateSku', summary: 'Change a SKU; a new supply price is checked against every shop listing it', params: idParams, body: updateSkuBody, response: { 200: skuSchema } } }, async (req) =>
    inTransaction(db, (tx) => updateSkuGuarded(tx, requirePermission(req, 'catalog.write'), req.params.id, req.body)));
};
