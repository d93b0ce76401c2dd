import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { customerIdOf, requireActor, requirePermission, rolesFor } from '../../platform/http/auth.js';
import { idempotent } from '../../platform/http/idempotency.js';
import { refusePaymentAfterCutoff, settlePaidOrder, settlePaidOrders } from '../../flows/payment-settlement.flow.js';
import { refundOutcome } from '../../flows/refund-outcome.flow.js';
import { paymentError } from './payments.errors.js';
import { createPaymentBody, notificationAckSchema, paymentStartSchema, providerParams, wechatpaySettingsSchema } from './payments.schema.js';
import { wechatpayMerchantView } from './wechatpay-merchant.service.js';
import { createPayment, preparePayment, providerOf, type Providers } from './payments.service.js';
import { orderParams } from '../orders/orders.schema.js';
import { notificationApplier } from './notification-batch.service.js';

export function paymentRoutes(providers: Providers): RouteModule<Database> {
  return async (app, { db, clock }) => {
    const tags = ['payments'];
    const settlement = { settle: settlePaidOrder(clock), settleMany: settlePaidOrders(clock), refundSettled: refundOutcome(clock) };
    const appliers = new Map<string, ReturnType<typeof notificationApplier>>();
    const applierOf = (provider: ReturnType<typeof providerOf>) => {
      let applier = appliers.get(provider.name);
      if (!applier) appliers.set(provider.name, applier = notificationApplier(db, clock, provider, settlement));
      return applier;
    };

    app.post('/orders/:id/payments', { schema: { tags, operationId: 'createPayment', summary: 'Start paying an order (Idempotency-Key)', params: orderParams, body: createPaymentBody, response: { 201: paymentStartSchema } } }, async (req, reply) => {
      const actor = requireActor(req, ['consumer', ...rolesFor('orders.read')]);
      const customerId = customerIdOf(actor);
      const provider = providerOf(providers, req.body.provider);
      return idempotent(db, req, reply, actor, `payments.create:${req.params.id}`, async (tx) => {
        await refusePaymentAfterCutoff(tx, clock, actor.tenantId, req.params.id);
        return { status: 201, body: await createPayment(tx, provider, actor, req.params.id, customerId) };
      }, provider.callsOutsideTransaction
        ? (started) => preparePayment(db, clock, provider, started as Parameters<typeof preparePayment>[3], actor.tenantId, customerId)
        : undefined);
    });

    app.get('/payments/wechatpay/settings', { schema: { tags, operationId: 'getWechatpaySettings', summary: 'The tenant\'s WeChat Pay merchant (set with `siyu wechatpay connect`; keys are never returned)', response: { 200: wechatpaySettingsSchema } } }, async (req) =>
      wechatpayMerchantView(db, requirePermission(req, 'tenant.manage').tenantId));

    // Provider callbacks: the signature covers the exact bytes, so this route keeps the raw body.
    await app.register(async (plain) => {
      const hooks = plain.withTypeProvider<ZodTypeProvider>();
      // Replaces the server's JSON parser in this scope only (it parses and checks the text).
      hooks.removeContentTypeParser('application/json');
      hooks.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      hooks.post('/payments/notify/:provider', { schema: { tags, operationId: 'receivePaymentNotification', summary: 'A payment provider\'s signed notification', description: 'The exact signed bytes. The sandbox provider sends siyu-sandbox-timestamp (Unix seconds, within 300 s of the server clock), siyu-sandbox-nonce (one message per nonce) and siyu-sandbox-signature (base64 HMAC-SHA256 with the tenant\'s key over "timestamp\\nnonce\\nbody\\n"). Refused: 401 invalid_signature, stale_notification, replayed_nonce; 400 malformed_notification.', params: providerParams, security: [], response: { 200: notificationAckSchema } } }, async (req, reply) => {
        const provider = providerOf(providers, req.params.provider);
        const notification = await provider.parseNotification(req.headers, typeof req.body === 'string' ? req.body : '');
        const result = await applierOf(provider).submit(notification);
        if (result.rejected) throw paymentError(result.rejected, { event_id: notification.eventId });
        return reply.send({ code: 'SUCCESS', outcome: result.outcome, duplicate: result.duplicate });
      });
    });
  };
}
