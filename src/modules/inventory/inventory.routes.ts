import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { createWarehouseBody, setStockBody, stockLevelSchema, stockRowSchema, warehouseSchema } from './inventory.schema.js';
import * as inventory from './inventory.service.js';

const tags = ['inventory'];

export const inventoryRoutes: RouteModule<Database> = (app, { db }) => {
  app.get('/warehouses', { schema: { tags, operationId: 'listWarehouses', summary: 'List warehouses', response: { 200: itemsOf(warehouseSchema) } } }, async (req) =>
    ({ items: await inventory.listWarehouses(db, requirePermission(req, 'stock.read')) }));
  app.post('/warehouses', { schema: { tags, operationId: 'createWarehouse', summary: 'Create a warehouse of the tenant or of a supplier (a supplier operator: its own)', body: createWarehouseBody, response: { 201: warehouseSchema } } }, async (req, reply) =>
    reply.status(201).send(await inventory.createWarehouse(db, requirePermission(req, 'stock.write'), req.body)));
  app.get('/warehouses/:id/stock', { schema: { tags, operationId: 'listStock', summary: 'Stock of every SKU in a warehouse', params: idParams, response: { 200: itemsOf(stockRowSchema) } } }, async (req) =>
    ({ items: await inventory.listStock(db, requirePermission(req, 'stock.read'), req.params.id) }));
  app.put('/stock', { schema: { tags, operationId: 'setStock', summary: 'Set on-hand stock of a SKU in a warehouse', body: setStockBody, response: { 200: stockLevelSchema } } }, async (req) =>
    inventory.setStock(db, requirePermission(req, 'stock.write'), req.body));
};
