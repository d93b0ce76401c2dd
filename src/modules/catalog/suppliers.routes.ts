import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { createUser, supplierOperators } from '../identity/identity.service.js';
import { supplierSchema } from './catalog.schema.js';
import { createOperatorBody, operatorSchema, supplierParams, updateSupplierBody } from './suppliers.schema.js';
import * as suppliers from './suppliers.service.js';

const tags = ['catalog'];

/** Suppliers as parties (tenant admins manage them and their operators' logins); a supplier reads its own. */
export const supplierRoutes: RouteModule<Database> = (app, { db }) => {
  app.get('/suppliers/:id', { schema: { tags, operationId: 'getSupplier', summary: 'A supplier (a supplier operator: its own only)', params: supplierParams, response: { 200: supplierSchema } } }, async (req) =>
    suppliers.getSupplier(db, requirePermission(req, 'catalog.read'), req.params.id));
  app.patch('/suppliers/:id', { schema: { tags, operationId: 'updateSupplier', summary: 'Rename a supplier or change its kind', params: supplierParams, body: updateSupplierBody, response: { 200: supplierSchema } } }, async (req) =>
    suppliers.updateSupplier(db, requirePermission(req, 'tenant.manage').tenantId, req.params.id, req.body));
  app.get('/suppliers/:id/operators', { schema: { tags, operationId: 'listSupplierOperators', summary: 'A supplier\'s operator logins', params: supplierParams, response: { 200: itemsOf(operatorSchema) } } }, async (req) => {
    const actor = requirePermission(req, 'tenant.manage');
    await suppliers.assertSupplier(db, actor.tenantId, req.params.id);
    return { items: await supplierOperators(db, actor.tenantId, req.params.id) };
  });
  app.post('/suppliers/:id/operators', { schema: { tags, operationId: 'createSupplierOperator', summary: 'Create a login for a supplier\'s operator: it signs in to the supplier portal and sees that supplier\'s data only', params: supplierParams, body: createOperatorBody, response: { 201: operatorSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'tenant.manage');
    await suppliers.assertSupplier(db, actor.tenantId, req.params.id);
    const user = await createUser(db, actor.tenantId, { ...req.body, role: 'supplier_operator', supplier_id: req.params.id });
    return reply.status(201).send({ id: user.id, login: user.login, display_name: user.display_name, supplier_id: user.supplier_id });
  });
};
