import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { STAFF_ROLES, customerIdOf, requireActor, requirePermission, rolesFor } from '../../platform/http/auth.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { approveRequest, askForRefund, cancelRequest, rejectRequest } from '../../flows/after-sales.flow.js';
import { orderParams } from '../orders/orders.schema.js';
import {
  afterSalesActionSchema, afterSalesListSchema, afterSalesRequestSchema, afterSalesSettingsBody, afterSalesSettingsSchema,
  approveBody, createRequestBody, listRequestsQuery, rejectBody, requestParams, resolveBody,
} from './after-sales.schema.js';
import * as afterSales from './after-sales.service.js';

/** Who decides requests: admins, and the owner and staff of the order's own B node. */
const DECIDERS = rolesFor('after_sales.decide');

export const afterSalesRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['after-sales'];

  app.post('/orders/:id/after-sales', { schema: { tags, operationId: 'requestRefund', summary: 'The buyer asks for lines and quantities back, with a reason (Idempotency-Key)', description: 'Refused: 409 return_window_closed (picked up longer ago than the tenant\'s return window), 422 refund_exceeds_order (more than is left after refunds and open requests), 409 nothing_to_refund / order_not_refundable. Approved at once when the tenant auto-approves requests before the goods are ready.', params: orderParams, body: createRequestBody, response: { 201: afterSalesRequestSchema } } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = customerIdOf(actor)!;
    return idempotent(db, req, reply, actor, `after-sales.request:${req.params.id}`, async (tx) => {
      const { requestId } = await askForRefund(tx, clock, actor, req.params.id, customerId, req.body);
      return { status: 201, body: await afterSales.getRequest(tx, actor, requestId) };
    });
  });

  app.get('/after-sales', { schema: { tags, operationId: 'listAfterSalesRequests', summary: 'Refund requests, newest first: a buyer\'s own, a node\'s for its staff and owner, all for admins', querystring: listRequestsQuery, response: { 200: afterSalesListSchema } } }, async (req) =>
    afterSales.listRequests(db, requireActor(req, [...STAFF_ROLES, 'consumer']), req.query));

  app.get('/after-sales/actions', { schema: { tags, operationId: 'listAfterSalesActions', summary: 'What needs action: refunds the provider reported failed, with what was put back', response: { 200: itemsOf(afterSalesActionSchema) } } }, async (req) =>
    afterSales.listActions(db, requireActor(req, DECIDERS), true));

  app.post('/after-sales/actions/:id/resolve', { schema: { tags, operationId: 'resolveAfterSalesAction', summary: 'Mark an item handled, saying what was done', params: requestParams, body: resolveBody, response: { 200: afterSalesActionSchema } } }, async (req) => {
    const actor = requireActor(req, DECIDERS);
    return inTransaction(db, (tx) => afterSales.resolveAction(tx, actor, req.params.id, req.body.note, clock.now()));
  });

  app.get('/after-sales/settings', { schema: { tags, operationId: 'getAfterSalesSettings', summary: 'The tenant\'s after-sales rules', response: { 200: afterSalesSettingsSchema } } }, async (req) =>
    afterSales.settingsOf(db, requireActor(req, STAFF_ROLES).tenantId));

  app.patch('/after-sales/settings', { schema: { tags, operationId: 'updateAfterSalesSettings', summary: 'Change the tenant\'s after-sales rules: auto-approval before the goods are ready, the return window after pickup', body: afterSalesSettingsBody, response: { 200: afterSalesSettingsSchema } } }, async (req) => {
    const actor = requirePermission(req, 'after_sales.settings.write');
    return inTransaction(db, (tx) => afterSales.updateSettings(tx, actor, req.body));
  });

  app.get('/after-sales/:id', { schema: { tags, operationId: 'getAfterSalesRequest', summary: 'A refund request with its lines', params: requestParams, response: { 200: afterSalesRequestSchema } } }, async (req) =>
    afterSales.getRequest(db, requireActor(req, [...STAFF_ROLES, 'consumer']), req.params.id));

  app.post('/after-sales/:id/approve', { schema: { tags, operationId: 'approveAfterSalesRequest', summary: 'Approve a request (or retry a failed one): its refund starts now', params: requestParams, body: approveBody, response: { 200: afterSalesRequestSchema } } }, async (req) => {
    const actor = requireActor(req, DECIDERS);
    return inTransaction(db, async (tx) => {
      await approveRequest(tx, clock, actor, req.params.id, req.body.note);
      return afterSales.getRequest(tx, actor, req.params.id);
    });
  });

  app.post('/after-sales/:id/reject', { schema: { tags, operationId: 'rejectAfterSalesRequest', summary: 'Reject a request, saying why', params: requestParams, body: rejectBody, response: { 200: afterSalesRequestSchema } } }, async (req) => {
    const actor = requireActor(req, DECIDERS);
    return inTransaction(db, async (tx) => {
      await rejectRequest(tx, clock, actor, req.params.id, req.body.note);
      return afterSales.getRequest(tx, actor, req.params.id);
    });
  });

  app.post('/after-sales/:id/cancel', { schema: { tags, operationId: 'cancelAfterSalesRequest', summary: 'The buyer withdraws a request not yet decided', params: requestParams, response: { 200: afterSalesRequestSchema } } }, async (req) => {
    const actor = requireActor(req, ['consumer']);
    return inTransaction(db, async (tx) => {
      await cancelRequest(tx, clock, actor, req.params.id);
      return afterSales.getRequest(tx, actor, req.params.id);
    });
  });
};
