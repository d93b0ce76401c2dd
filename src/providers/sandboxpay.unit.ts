import type { Database } from '../database.js';
import type { Config } from '../platform/config.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { STAFF_ROLES, customerIdOf, requireActor } from '../platform/http/auth.js';
import type { RouteModule } from '../platform/http/server.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { sandboxProvider } from '../adapters/sandboxpay/sandbox.provider.js';
import { buildSandboxNotification, sandboxPay, type SandboxNotifyJob } from '../simulators/sandboxpay/sandbox.psp.js';
import { paymentError } from '../modules/payments/payments.errors.js';
import type { PaymentProvider } from '../modules/payments/payments.provider.js';
import { paymentParams, sandboxPayBody, sandboxPaySchema } from '../modules/payments/payments.schema.js';
import { applyNotification, findPayment } from '../modules/payments/payments.service.js';
import { visibleOrder } from '../modules/orders/orders.service.js';
import { settlePaidOrder } from '../flows/payment-settlement.flow.js';

/** A payment provider as one unit: its adapter, the routes and the jobs it brings. */
export interface PaymentProviderUnit {
  provider: PaymentProvider;
  routes: RouteModule<Database>;
  jobs: Record<string, JobHandler<Database>>;
}

/**
 * The sandbox PSP, for demos and tests: the adapter verifying its signed callbacks, the sandbox
 * cashier route standing in for the buyer confirming payment in WeChat, and the job delivering
 * the PSP's callbacks through the same verification as an HTTP one. Development only.
 */
export function sandboxPayUnit(config: Config, clock: Clock): PaymentProviderUnit {
  const provider = sandboxProvider(config.sandboxPaymentSecret);
  const routes: RouteModule<Database> = (app, { db }) => {
    app.post('/sandbox/payments/:id/pay', { schema: { tags: ['sandbox'], operationId: 'sandboxPay', summary: 'Confirm a sandbox payment as the buyer would in WeChat', params: paymentParams, body: sandboxPayBody, response: { 200: sandboxPaySchema } } }, async (req) => {
      const actor = requireActor(req, ['consumer', ...STAFF_ROLES]);
      const customerId = customerIdOf(actor);
      return inTransaction(db, async (tx) => {
        const payment = await findPayment(tx, actor.tenantId, req.params.id);
        if (payment.provider !== provider.name) throw paymentError('payment_not_found');
        await visibleOrder(tx, actor, payment.order_id, customerId);
        if (payment.status !== 'pending') throw paymentError('payment_not_pending', { payment_status: payment.status });
        const { copies, delay_ms: delayMs, outcome } = req.body;
        return sandboxPay(tx, { tenantId: actor.tenantId, paymentId: payment.id, amount: payment.amount, outcome, copies, delayMs });
      });
    });
  };
  const jobs: Record<string, JobHandler<Database>> = {
    // Idempotent: the notification's event id is stored once; a second delivery changes nothing.
    'sandbox.notify': async (db, job) => {
      const signed = buildSandboxNotification(config.sandboxPaymentSecret, job.payload as SandboxNotifyJob, clock.now());
      await inTransaction(db, (tx) => applyNotification(tx, clock, provider, provider.parseNotification(signed.headers, signed.body), settlePaidOrder(clock)));
    },
  };
  return { provider, routes, jobs };
}
