import type { FastifyRequest } from 'fastify';
import type { RouteModule } from '../../platform/http/server.js';
import { inTransaction, type Conn } from '../../platform/db/database.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor, type Actor } from '../../platform/http/auth.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { platformError } from '../../platform/errors.js';
import { customerOfUser } from '../customers/customers.service.js';
import { refundOrder } from '../../flows/refund.flow.js';
import { checkoutBody, listOrdersQuery, orderParams, pickupBody, refundBody } from './orders.schema.js';
import * as orders from './orders.service.js';

/** A consumer acts as their customer record; other roles act as themselves. */
export async function customerIdOf(db: Conn, actor: Actor): Promise<string | undefined> {
  if (actor.role !== 'consumer') return undefined;
  if (actor.customerId) return actor.customerId;
  const customer = await customerOfUser(db, actor.tenantId, actor.userId);
  if (!customer) throw platformError('forbidden');
  return customer.id;
}

export const orderRoutes: RouteModule = (app, { db, clock }) => {
  const tags = ['orders'];
  const viewer = (req: FastifyRequest) => requireActor(req, [...STAFF_ROLES, 'consumer']);

  app.post('/orders', { schema: { tags, body: checkoutBody } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = (await customerIdOf(db, actor))!;
    return idempotent(db, req, reply, actor, 'orders.create', async (tx) => ({
      status: 201,
      body: await orders.checkout(tx, clock, { tenantId: actor.tenantId, customerId }, req.body),
    }));
  });

  app.get('/orders', { schema: { tags, querystring: listOrdersQuery } }, async (req) => {
    const actor = viewer(req);
    return orders.listOrders(db, actor, req.query, await customerIdOf(db, actor));
  });

  app.get('/orders/:id', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = viewer(req);
    return orders.getOrder(db, actor, req.params.id, await customerIdOf(db, actor));
  });

  app.post('/orders/:id/cancel', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = viewer(req);
    const customerId = await customerIdOf(db, actor);
    await inTransaction(db, (tx) => orders.cancelOrder(tx, clock, actor, req.params.id, customerId));
    return orders.getOrder(db, actor, req.params.id, customerId);
  });

  app.post('/orders/:id/ready', { schema: { tags, params: orderParams } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    await inTransaction(db, (tx) => orders.markReadyForPickup(tx, actor, req.params.id));
    return orders.getOrder(db, actor, req.params.id);
  });

  app.post('/orders/:id/pickup', { schema: { tags, params: orderParams, body: pickupBody } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    await inTransaction(db, (tx) => orders.completePickup(tx, clock, actor, req.params.id, req.body.code));
    return orders.getOrder(db, actor, req.params.id);
  });

  app.post('/orders/:id/refunds', { schema: { tags, params: orderParams, body: refundBody } }, async (req, reply) => {
    const actor = requireActor(req, [...ADMIN_ROLES, 'b_owner', 'consumer']);
    const customerId = await customerIdOf(db, actor);
    return idempotent(db, req, reply, actor, `orders.refund:${req.params.id}`, async (tx) => ({
      status: 201,
      body: await refundOrder(tx, clock, actor, req.params.id, req.body, customerId),
    }));
  });
};
