import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { createWarehouseBody, setStockBody } from './inventory.schema.js';
import * as inventory from './inventory.service.js';

const STOCK_EDITORS = [...ADMIN_ROLES, 'supplier_operator'] as const;
const VIEWERS = [...STAFF_ROLES, 'supplier_operator'] as const;

export const inventoryRoutes: RouteModule<Database> = (app, { db }) => {
  const tags = ['inventory'];
  app.get('/warehouses', { schema: { tags } }, async (req) => ({ items: await inventory.listWarehouses(db, requireActor(req, VIEWERS).tenantId) }));
  app.post('/warehouses', { schema: { tags, body: createWarehouseBody } }, async (req, reply) =>
    reply.status(201).send(await inventory.createWarehouse(db, requireActor(req, ADMIN_ROLES).tenantId, req.body)));
  app.get('/warehouses/:id/stock', { schema: { tags, params: idParams } }, async (req) =>
    ({ items: await inventory.listStock(db, requireActor(req, VIEWERS).tenantId, req.params.id) }));
  app.put('/stock', { schema: { tags, body: setStockBody } }, async (req) => inventory.setStock(db, requireActor(req, STOCK_EDITORS), req.body));
};
