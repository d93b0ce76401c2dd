import multipart from '@fastify/multipart';
import { z } from 'zod';
import type { App, RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { storageFor } from '../../platform/storage/open-storage.js';
import {
  categorySchema, createCategoryBody, createProductBody, createSupplierBody, idParams, imageOrderBody, imageParams, productImageSchema, productQuery,
  productSchema, skuFields, skuSchema, supplierSchema, updateCategoryBody, updateProductBody, updateSkuBody,
} from './catalog.schema.js';
import * as catalog from './catalog.service.js';
import * as categories from './categories.service.js';
import * as images from './product-images.service.js';
import { catalogError } from './catalog.errors.js';
import { updateSkuGuarded } from '../../flows/guarded-changes.flow.js';
import { catalogProduct, searchCatalog } from '../../flows/catalog-search.flow.js';

const tags = ['catalog'];

export const catalogRoutes: RouteModule<Database> = async (app, { db, config }) => {
  const storage = storageFor(config.storage);
  const publicUrl = (key: string) => storage.publicUrl(key);

  app.get('/suppliers', { schema: { tags, operationId: 'listSuppliers', summary: 'List suppliers', response: { 200: itemsOf(supplierSchema) } } }, async (req) => ({ items: await catalog.listSuppliers(db, requirePermission(req, 'catalog.read')) }));
  app.post('/suppliers', { schema: { tags, operationId: 'createSupplier', summary: 'Create a supplier', body: createSupplierBody, response: { 201: supplierSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSupplier(db, requirePermission(req, 'tenant.manage').tenantId, req.body)));

  app.get('/products', { schema: { tags, operationId: 'listProducts', summary: 'List products with their SKUs and images, filtered; a supplier gets its own', description: 'Free stock per SKU (over all warehouses) and the `low_stock` filter only for roles that read stock.', querystring: productQuery, response: { 200: itemsOf(productSchema) } } }, async (req) =>
    ({ items: await searchCatalog(db, requirePermission(req, 'catalog.read'), req.query, publicUrl) }));
  app.get('/products/:id', { schema: { tags, operationId: 'getProduct', summary: 'A product with its SKUs and images', params: idParams, response: { 200: productSchema } } }, async (req) =>
    catalogProduct(db, requirePermission(req, 'catalog.read'), req.params.id, publicUrl));
  app.post('/products', { schema: { tags, operationId: 'createProduct', summary: 'Create a product of a supplier', body: createProductBody, response: { 201: productSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createProduct(db, requirePermission(req, 'catalog.write'), req.body)));
  app.patch('/products/:id', { schema: { tags, operationId: 'updateProduct', summary: 'Change a product\'s title, description, category or attributes', params: idParams, body: updateProductBody, response: { 200: productSchema } } }, async (req) =>
    catalog.updateProduct(db, requirePermission(req, 'catalog.write'), req.params.id, req.body));
  app.post('/products/:id/skus', { schema: { tags, operationId: 'createSku', summary: 'Add a SKU with its supply price and retail band', params: idParams, body: skuFields, response: { 201: skuSchema } } }, async (req, reply) =>
    reply.status(201).send(await catalog.createSku(db, requirePermission(req, 'catalog.write'), req.params.id, req.body)));
  app.patch('/skus/:id', { schema: { tags, operationId: 'updateSku', summary: 'Change a SKU; a new supply price is checked against every shop listing it', params: idParams, body: updateSkuBody, response: { 200: skuSchema } } }, async (req) =>
    inTransaction(db, (tx) => updateSkuGuarded(tx, requirePermission(req, 'catalog.write'), req.params.id, req.body)));

  // Uploads in their own scope, so no other route accepts multipart bodies.
  await app.register(async (scope) => {
    const uploads = scope as unknown as App;
    await uploads.register(multipart, { limits: { files: 1, fields: 5, fileSize: config.imageMaxBytes } });
    uploads.post('/products/:id/images', {
      bodyLimit: config.imageMaxBytes + 64 * 1024,
      schema: {
        tags, operationId: 'addProductImage', summary: 'Upload a product image (multipart field "file")',
        description: `JPEG, PNG, WebP, GIF, AVIF or HEIF up to ${config.imageMaxBytes} bytes (SIYU_IMAGE_MAX_BYTES); stored as a 320 px square thumbnail and a detail image of at most 1080 px, both WebP. Not an image: 415 image_unsupported; too large: 413 image_too_large.`,
        consumes: ['multipart/form-data'], params: idParams, response: { 201: productImageSchema },
      },
    }, async (req, reply) => {
      const actor = requirePermission(req, 'catalog.write');
      await catalog.productOfScope(db, actor, req.params.id);
      const file = await req.file();
      if (!file) throw catalogError('image_required');
      let bytes: Buffer;
      try {
        bytes = await file.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw catalogError('image_too_large', { limit_bytes: config.imageMaxBytes });
        throw error;
      }
      return reply.status(201).send(await images.addProductImage(db, storage, actor, req.params.id, bytes));
    });
  });
  app.delete('/products/:id/images/:imageId', { schema: { tags, operationId: 'deleteProductImage', summary: 'Remove a product image', params: imageParams, response: { 204: z.null() } } }, async (req, reply) => {
    await images.deleteProductImage(db, storage, requirePermission(req, 'catalog.write'), req.params.id, req.params.imageId);
    return reply.status(204).send(null);
  });
  app.put('/products/:id/images/order', { schema: { tags, operationId: 'orderProductImages', summary: 'Put a product\'s images in order (the first is the cover)', params: idParams, body: imageOrderBody, response: { 200: itemsOf(productImageSchema) } } }, async (req) =>
    ({ items: await images.orderProductImages(db, storage, requirePermission(req, 'catalog.write'), req.params.id, req.body.image_ids) }));

  app.get('/categories', { schema: { tags, operationId: 'listCategories', summary: 'The category tree, as rows with their parent', response: { 200: itemsOf(categorySchema) } } }, async (req) =>
    ({ items: await categories.listCategories(db, requirePermission(req, 'catalog.read').tenantId) }));
  app.post('/categories', { schema: { tags, operationId: 'createCategory', summary: 'Add a category, at the top or under another', body: createCategoryBody, response: { 201: categorySchema } } }, async (req, reply) =>
    reply.status(201).send(await categories.createCategory(db, requirePermission(req, 'tenant.manage').tenantId, req.body)));
  app.patch('/categories/:id', { schema: { tags, operationId: 'updateCategory', summary: 'Rename, reorder or move a category (never under itself)', params: idParams, body: updateCategoryBody, response: { 200: categorySchema } } }, async (req) =>
    categories.updateCategory(db, requirePermission(req, 'tenant.manage').tenantId, req.params.id, req.body));
  app.delete('/categories/:id', { schema: { tags, operationId: 'deleteCategory', summary: 'Delete an empty category', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    await categories.deleteCategory(db, requirePermission(req, 'tenant.manage').tenantId, req.params.id);
    return reply.status(204).send(null);
  });

  // Stored files (product images) for stores that do not publish them: public like the shop, and
  // cacheable for a year since a key names one upload forever.
  const segment = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);
  const fileName = z.string().regex(/^[A-Za-z0-9_-]{1,80}\.(webp|jpg)$/);
  app.get('/media/products/:tenantId/:productId/:file', { schema: { hide: true, params: z.object({ tenantId: segment, productId: segment, file: fileName }) } }, async (req, reply) => {
    const { tenantId, productId, file } = req.params;
    const object = await storage.get(`products/${tenantId}/${productId}/${file}`);
    if (!object) throw catalogError('image_not_found');
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(object.contentType).send(object.body);
  });
};
