import type { FastifyRequest } from 'fastify';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { ADMIN_ROLES, STAFF_ROLES, customerIdOf, requireActor } from '../../platform/http/auth.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { refundOrder } from '../../flows/refund.flow.js';
import { checkout } from '../../flows/checkout.flow.js';
import { getOrder } from '../../flows/order-detail.flow.js';
import { cancelOrder, completePickup } from '../../flows/order-lifecycle.flow.js';
import { checkoutBody, listOrdersQuery, orderParams, pickupBody, refundBody } from './orders.schema.js';
import * as orders from './orders.service.js';

export const orderRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['orders'];
  const viewer = (req: FastifyRequest) => requireActor(req, [...STAFF_ROLES, 'consumer']);

  app.post('/orders', { schema: { tags, body: checkoutBody } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = (customerIdOf(actor))!;
    return idempotent(db, req, reply, actor, 'orders.create', async (tx) => ({
      status: 201,
      body: await checkout(tx, clock, { tenantId: actor.tenantId, customerId }, req.body),
    }));
  });

  app.get('/orders', { schema: { tags, querystring: listOrdersQuery } }, async (req) => {
    const actor = viewer(req);
    return orders.listOrders(db, actor, req.query, customerIdOf(actor));
  });

  app.get('/orders/:id', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = viewer(req);
    return getOrder(db, actor, req.params.id, customerIdOf(actor));
  });

  app.post('/orders/:id/cancel', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = viewer(req);
    const customerId = customerIdOf(actor);
    await inTransaction(db, (tx) => cancelOrder(tx, clock, actor, req.params.id, customerId));
    return getOrder(db, actor, req.params.id, customerId);
  });

  app.post('/orders/:id/ready', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    await inTransaction(db, (tx) => orders.markReadyForPickup(tx, actor, req.params.id));
    return getOrder(db, actor, req.params.id);
  });

  app.post('/orders/:id/pickup', { schema: { tags, params: orderParams, body: pickupBody } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    await inTransaction(db, (tx) => completePickup(tx, clock, actor, req.params.id, req.body.code));
    return getOrder(db, actor, req.params.id);
  });

  app.post('/orders/:id/refunds', { schema: { tags, params: orderParams, body: refundBody } }, async (req, reply) => {
    const actor = requireActor(req, [...ADMIN_ROLES, 'b_owner', 'consumer']);
    const customerId = customerIdOf(actor);
    return idempotent(db, req, reply, actor, `orders.refund:${req.params.id}`, async (tx) => ({
      status: 201,
      body: await refundOrder(tx, clock, actor, req.params.id, req.body, customerId),
    }));
  });
};
