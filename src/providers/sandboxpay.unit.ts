import type { Conn, Database, Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import { customerIdOf, requireActor } from '../platform/http/auth.js';
import type { App, RouteModule } from '../platform/http/server.js';
import { enqueue, type JobHandler } from '../platform/jobs/outbox.js';
import { sandboxProvider } from '../adapters/sandboxpay/sandbox.provider.js';
import {
  deliverSandboxNotification, nextDeliveryDelay, sandboxPay, type NotifyPost, type SandboxNotifyJob,
} from '../simulators/sandboxpay/sandbox.psp.js';
import { paymentError } from '../modules/payments/payments.errors.js';
import type { PaymentProvider } from '../modules/payments/payments.provider.js';
import { paymentParams, sandboxPayBody, sandboxPaySchema } from '../modules/payments/payments.schema.js';
import { findPaymentWithOwner } from '../modules/payments/payments.service.js';
import { sandboxPaySecretOf } from '../modules/identity/identity.service.js';
import { asVisible } from '../modules/orders/orders.service.js';
import { AppError } from '../platform/errors.js';
import { perAddressLimit } from '../platform/http/security.js';

export { httpPost, type NotifyPost } from '../simulators/sandboxpay/sandbox.psp.js';

/** A payment provider as one unit: its adapter, the routes and the jobs it brings. */
export interface PaymentProviderUnit {
  provider: PaymentProvider;
  routes: RouteModule<Database>;
  jobs: Record<string, JobHandler<Database>>;
}

export interface SandboxPayDeps {
  db: Db;
  clock: Clock;
  /** How the PSP reaches our notify route; resolved per delivery, once the server exists. */
  post: NotifyPost;
  /** Where failed delivery attempts are logged. */
  log: () => Pick<App['log'], 'warn'>;
}

/** The test transport: the notify route through the server's in-process `inject`, same path as HTTP. */
export function injectPost(server: App): NotifyPost {
  return async (headers, body) => {
    const res = await server.inject({ method: 'POST', url: '/api/v1/payments/notify/sandbox', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    return { status: res.statusCode, body: res.body };
  };
}

/**
 * The sandbox PSP, for demos and tests: the adapter verifying its signed callbacks with each
 * tenant's own key, the sandbox cashier route standing in for the buyer confirming payment in
 * WeChat, and the job delivering the PSP's callbacks over HTTP to the notify route, retried on a
 * schedule until it answers 2xx. Development only.
 */
export function sandboxPayUnit({ db, clock, post, log }: SandboxPayDeps): PaymentProviderUnit {
  const secretOf = recentSecrets((tenantId) => sandboxPaySecretOf(db, tenantId));
  const provider = sandboxProvider({ secretOf, now: () => clock.now() });
  const routes: RouteModule<Database> = (app, { config }) => {
    app.post('/sandbox/payments/:id/pay', { config: perAddressLimit(config.limits, config.limits.cashier), schema: { tags: ['sandbox'], operationId: 'sandboxPay', summary: 'Confirm a sandbox payment as its buyer would in WeChat (the buyer only)', description: 'The sandbox provider then posts a signed notification to /payments/notify/sandbox, retried until it is accepted. Only the payment\'s buyer may confirm: another consumer gets 404 payment_not_found, staff and admins 403 forbidden.', params: paymentParams, body: sandboxPayBody, response: { 200: sandboxPaySchema } } }, async (req) => {
      // Only the buyer pays: staff confirming a payment would be a way to mark orders paid.
      const actor = requireActor(req, ['consumer']);
      const customerId = customerIdOf(actor);
      const { copies, delay_ms: delayMs, outcome } = req.body;
      // One notification is one statement and needs no transaction; several go in together.
      const confirm = async (tx: Conn) => {
        const { payment, owner } = await findPaymentWithOwner(tx, actor.tenantId, req.params.id);
        if (payment.provider !== provider.name) throw paymentError('payment_not_found');
        // Another buyer's payment looks like no payment at all.
        try {
          asVisible(owner, actor, customerId);
        } catch (err) {
          throw err instanceof AppError && err.status === 404 ? paymentError('payment_not_found') : err;
        }
        if (payment.status !== 'pending') throw paymentError('payment_not_pending', { payment_status: payment.status });
        return sandboxPay(tx, { tenantId: actor.tenantId, paymentId: payment.id, amount: payment.amount, outcome, copies, delayMs });
      };
      return copies === 1 ? confirm(db) : inTransaction(db, confirm);
    });
  };
  const jobs: Record<string, JobHandler<Database>> = {
    // One delivery attempt: read the key, post outside any transaction of ours (the notify route
    // runs its own), and either finish or schedule the next attempt. A rerun after a crash posts
    // again, which the notify route takes as the duplicate it is.
    'sandbox.notify': async (jobDb, job) => {
      const payload = job.payload as SandboxNotifyJob;
      const secret = await secretOf(payload.tenant_id);
      if (!secret) throw new Error(`no sandbox key for tenant ${payload.tenant_id}`);
      const result = await deliverSandboxNotification(secret, payload, clock.now(), post);
      if (result.delivered) return;
      const attempt = payload.attempt ?? 1;
      const delay = nextDeliveryDelay(attempt);
      const failure = `sandbox notification ${payload.event_id ?? ''} attempt ${attempt}: ${result.status ?? 'no answer'} ${result.error}`;
      // Past the schedule the PSP gives up; the job queue then keeps the failure visible.
      if (delay === undefined) throw new Error(failure);
      log().warn({ event_id: payload.event_id, attempt, status: result.status, next_in_ms: delay }, 'sandbox notification not delivered');
      await enqueue(jobDb, job.tenant_id, 'sandbox.notify', { ...payload, attempt: attempt + 1 } satisfies SandboxNotifyJob, delay);
    },
  };
  return { provider, routes, jobs };
}

/** How long a tenant's key is reused without reading it again. */
const SECRET_TTL_MS = 5_000;

/**
 * Every payment reads the tenant's key twice (signing the notification, verifying it); a few
 * seconds' memory of it saves both statements under load. A key changed in the database is used
 * within SECRET_TTL_MS; a tenant without one is not remembered.
 */
function recentSecrets(read: (tenantId: string) => Promise<string | undefined>) {
  const known = new Map<string, { secret: string; until: number }>();
  return async (tenantId: string): Promise<string | undefined> => {
    const now = Date.now();
    const hit = known.get(tenantId);
    if (hit && hit.until > now) return hit.secret;
    const secret = await read(tenantId);
    if (secret === undefined) known.delete(tenantId);
    else known.set(tenantId, { secret, until: now + SECRET_TTL_MS });
    return secret;
  };
}
