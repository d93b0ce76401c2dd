import type { FastifyRequest } from 'fastify';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { customerIdOf, requireActor, requirePermission, rolesFor } from '../../platform/http/auth.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { refundOrder } from '../../flows/refund.flow.js';
import { askForRefund } from '../../flows/after-sales.flow.js';
import { checkout, checkoutEarlyRefusal, quote } from '../../flows/checkout.flow.js';
import { resolveShop } from '../b-nodes/b-nodes.service.js';
import { getOrder } from '../../flows/order-detail.flow.js';
import { phoneVault } from '../customers/customer-phones.service.js';
import { cancelOrder, completePickup, markReady } from '../../flows/order-lifecycle.flow.js';
import { refundStartSchema } from '../payments/payments.schema.js';
import { checkoutBody, listOrdersQuery, orderListSchema, orderParams, orderSchema, orderStatusQuery, orderStatusResponse, pickupBody, quoteSchema, refundBody } from './orders.schema.js';
import { orderStatus } from './order-status.service.js';
import * as orders from './orders.service.js';
import { perAddressLimit } from '../../platform/http/security.js';

export const orderRoutes: RouteModule<Database> = (app, { db, clock, config, notifications }) => {
  const phones = phoneVault(config.secretKey);
  const tags = ['orders'];
  const viewer = (req: FastifyRequest) => requireActor(req, [...rolesFor('orders.read'), 'consumer']);

  app.post('/orders', { schema: { tags, operationId: 'checkout', summary: 'Place an order: price the cart and reserve its stock (Idempotency-Key)', body: checkoutBody, response: { 201: orderSchema } } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const customerId = (customerIdOf(actor))!;
    return idempotent(db, req, reply, actor, 'orders.create', async (tx) => ({
      status: 201,
      body: await checkout(tx, clock, { tenantId: actor.tenantId, customerId }, req.body),
    }), undefined, checkoutEarlyRefusal(actor.tenantId, req.body));
  });

  // Signed out: the shop's prices and running subsidy; signed in as its buyer, also their coupons and share attribution.
  app.post('/orders/quote', { schema: { tags, operationId: 'quoteCheckout', summary: 'What checkout would charge for this cart now, with every discount; writes nothing', description: 'Priced by the same code as POST /orders, so the total shown is the total charged (until stock, budgets or prices move). Coupons need the buyer\'s token.', body: checkoutBody, security: [{ bearer: [] }, {}], response: { 200: quoteSchema } } }, async (req) => {
    const actor = req.actor;
    const customerId = actor?.role === 'consumer' ? customerIdOf(actor)! : null;
    const tenantId = customerId ? actor!.tenantId : (await resolveShop(db, req.body.shop)).tenant_id;
    return quote(db, clock, { tenantId, customerId }, req.body);
  });

  app.get('/orders', { schema: { tags, operationId: 'listOrders', summary: 'List orders, newest first, a page at a time', querystring: listOrdersQuery, response: { 200: orderListSchema } } }, async (req) => {
    const actor = viewer(req);
    return orders.listOrders(db, phones, actor, req.query, customerIdOf(actor));
  });

  app.get('/orders/:id', { schema: { tags, operationId: 'getOrder', summary: 'An order with its shop, customer, payments and refunds', params: orderParams, response: { 200: orderSchema } } }, async (req) => {
    const actor = viewer(req);
    return getOrder(db, phones, actor, req.params.id, customerIdOf(actor));
  });

  app.get('/orders/:id/status', { schema: { tags, operationId: 'getOrderStatus', summary: 'An order\'s status; with changed_from, held until it changes (long poll, at most wait_ms)', params: orderParams, querystring: orderStatusQuery, response: { 200: orderStatusResponse } } }, async (req) => {
    const actor = viewer(req);
    return orderStatus(db, notifications, actor, req.params.id, customerIdOf(actor), { changedFrom: req.query.changed_from, waitMs: req.query.wait_ms });
  });

  app.post('/orders/:id/cancel', { schema: { tags, operationId: 'cancelOrder', summary: 'Cancel an unpaid order and release its stock', params: orderParams, response: { 200: orderSchema } } }, async (req) => {
    const actor = viewer(req);
    const customerId = customerIdOf(actor);
    await inTransaction(db, (tx) => cancelOrder(tx, clock, actor, req.params.id, customerId));
    return getOrder(db, phones, actor, req.params.id, customerId);
  });

  app.post('/orders/:id/ready', { schema: { tags, operationId: 'markOrderReady', summary: 'Ship the goods to the pickup point', params: orderParams, response: { 200: orderSchema } } }, async (req) => {
    const actor = requirePermission(req, 'orders.fulfil');
    await inTransaction(db, (tx) => markReady(tx, clock, actor, req.params.id));
    return getOrder(db, phones, actor, req.params.id);
  });

  app.post('/orders/:id/pickup', { config: perAddressLimit(config.limits, config.limits.pickup), schema: { tags, operationId: 'completePickup', summary: 'Verify the pickup code the buyer shows and complete the order', description: 'After repeated wrong codes the order\'s code verification is locked for a while: 429 pickup_code_locked with Retry-After.', params: orderParams, body: pickupBody, response: { 200: orderSchema } } }, async (req) => {
    const actor = requirePermission(req, 'orders.fulfil');
    await orders.withPickupAttempts(db, clock, config.limits, actor, req.params.id, () =>
      inTransaction(db, (tx) => completePickup(tx, clock, actor, req.params.id, req.body.code)));
    return getOrder(db, phones, actor, req.params.id);
  });

  app.post('/orders/:id/refunds', { schema: { tags, operationId: 'refundOrder', summary: 'Refund an order in full or by line and quantity (Idempotency-Key)', description: 'A buyer may refund here only what the tenant approves at once (goods still in the warehouse, auto-approval on); it is recorded as an approved after-sales request. Otherwise a buyer gets 409 refund_request_required and asks with POST /orders/{id}/after-sales.', params: orderParams, body: refundBody, response: { 201: refundStartSchema } } }, async (req, reply) => {
    const actor = requireActor(req, [...rolesFor('orders.refund'), 'consumer']);
    const customerId = customerIdOf(actor);
    return idempotent(db, req, reply, actor, `orders.refund:${req.params.id}`, async (tx) => ({
      status: 201,
      // Buyers go through after-sales requests, so picked-up goods are never refunded unasked.
      body: customerId
        ? (await askForRefund(tx, clock, actor, req.params.id, customerId, { lines: req.body.lines, reason: req.body.reason }, true)).refund!
        : await refundOrder(tx, clock, actor, req.params.id, req.body),
    }));
  });
};
