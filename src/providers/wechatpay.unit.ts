import { createPublicKey } from 'node:crypto';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database, Db, Tx } from '../database.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { inTransaction } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { wechatpayMerchants, SIMULATOR_PATH, type MerchantLoader } from '../modules/payments/wechatpay-merchant.service.js';
import {
  markPaymentClosed, pendingPaymentsOf, submitRefundOutside, type Providers, type SettledRefund,
} from '../modules/payments/payments.service.js';
import { paymentError } from '../modules/payments/payments.errors.js';
import type { PaymentNotification, PaymentProvider } from '../modules/payments/payments.provider.js';
import { notificationApplier, type SettleMany } from '../modules/payments/notification-batch.service.js';
import { wechatPayerOf } from '../modules/customers/wechat-payer.service.js';
import { lockOrder } from '../modules/orders/orders.service.js';
import { wechatpayProvider } from '../adapters/wechatpay/wechatpay.provider.js';
import { wechatpayCall, type WechatpayTransport } from '../adapters/wechatpay/wechatpay.client.js';
import { wechatpaySimulator, type SimPost, type SimulatorExtension } from '../simulators/wechatpay/simulator.core.js';
import { payRoutes, SIM_REFUND_JOB, simRefundJob } from '../simulators/wechatpay/simulator.pay.js';
import { SIM_NOTIFY_JOB, simNotifyJob } from '../simulators/wechatpay/simulator.notify.js';

export interface WechatpayUnitDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** The server's own base URL, once it exists (the simulator's API base and our notify URL are below it). */
  selfUrl: () => string;
  /** How the simulator posts notifications (sandbox only). */
  simulatorPost: SimPost;
  /** How the adapter's API calls leave (tests: the server's inject). */
  transport?: () => WechatpayTransport | undefined;
  log: () => Pick<App['log'], 'warn' | 'error'>;
  /** Simulator parts other units bring (profit sharing, bills). */
  simulatorExtensions?: SimulatorExtension[];
  /** What a paid payment does to its order, and what a settled refund does (flows, given by app.ts). */
  settle: (tx: Tx, payment: { tenant_id: string; id: string; order_id: string; amount: number }) => Promise<string>;
  refundSettled: (tx: Tx, refund: SettledRefund) => Promise<void>;
  /** `settle` for a batch of one tenant's payments, when notifications are applied together. */
  settleMany: SettleMany;
}

/**
 * The simulator's parts, each in its own file: payments and refunds here; profit sharing and
 * bills add theirs to this list.
 */
export const SIMULATOR_EXTENSIONS: SimulatorExtension[] = [payRoutes];

/** A payment still pending this long after prepay is asked about (no notification came). */
export const QUERY_AFTER_MS = 2 * 60_000;
export const QUERY_JOB = 'wechatpay.query';
export const REFUND_SUBMIT_JOB = 'payments.refund.submit';

/** The hook's answer to WeChat Pay on failure: a 4xx/5xx with `{code: FAIL, message}` (it retries). */
function fail(status: number, message: string) {
  return { status, body: { code: 'FAIL', message } };
}

/**
 * WeChat Pay as one unit: the adapter (prepay, notifications, query, close, refunds), the
 * notification hook at /hooks/wechatpay/{tenant}, the query job, and — in the sandbox only — the
 * WeChat Pay simulator at /simulators/wechatpay. Live mode never mounts the simulator, and its
 * merchant loader refuses settings that point at one.
 */
export function wechatpayUnit(deps: WechatpayUnitDeps) {
  const { db, clock } = deps;
  const merchants: MerchantLoader = wechatpayMerchants({ secretKey: deps.config.secretKey, mode: deps.config.mode, selfUrl: deps.selfUrl });
  const simulatorBase = () => `${deps.selfUrl()}${SIMULATOR_PATH}`;
  const provider: PaymentProvider = wechatpayProvider({
    merchantOf: (tenantId, options) => merchants.ofTenant(db, tenantId, options),
    payerOf: (tenantId, customerId, appids) => wechatPayerOf(db, tenantId, customerId, appids),
    notifyUrl: (tenantId) => `${deps.selfUrl()}/hooks/wechatpay/${encodeURIComponent(tenantId)}`,
    paySheetUrl: (merchant) => (deps.config.mode === 'sandbox' && merchant.apiBase === simulatorBase() ? `${SIMULATOR_PATH}/pay-sheet` : null),
    now: () => clock.now(),
    get transport() { return deps.transport?.(); },
  });
  const providers: Providers = { wechatpay: provider };

  /**
   * Applies a verified notification (or a query's answer) exactly once: alone when it comes alone,
   * in one transaction with the others that arrive while one is being written.
   */
  const applier = notificationApplier(db, clock, provider, { settle: deps.settle, settleMany: deps.settleMany, refundSettled: deps.refundSettled });
  const apply = (n: PaymentNotification) => applier.submit(n);

  const hooks: RouteModule<Database> = async (root) => {
    await root.register(async (scope) => {
      const app = scope.withTypeProvider<ZodTypeProvider>();
      app.removeContentTypeParser('application/json');
      app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      app.post('/hooks/wechatpay/:tenant', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (req, reply) => {
        const tenantId = (req.params as { tenant: string }).tenant;
        let answer: { status: number; body?: unknown };
        try {
          const n = await provider.parseNotification(req.headers, typeof req.body === 'string' ? req.body : '', { tenantId });
          const result = await apply(n);
          answer = result.rejected ? fail(422, `${result.rejected}: ${result.outcome}`) : { status: 204 };
        } catch (err) {
          if (err instanceof AppError) answer = fail(err.status >= 500 ? 500 : err.status, err.code);
          else {
            req.log.error({ err }, 'WeChat Pay notification failed');
            answer = fail(500, 'internal error');
          }
        }
        if (answer.body === undefined) return reply.status(answer.status).send();
        return reply.status(answer.status).type('application/json').send(JSON.stringify(answer.body));
      });
    });
  };

  /**
   * The query job: payments still pending a while after prepay are asked about. Paid: applied
   * exactly as its notification would be. Not paid and the order no longer waits for it (expired,
   * cancelled): the WeChat Pay order is closed, and the payment is not asked about again.
   */
  const queryPending = async (jobDb: Db) => {
    const due = await pendingPaymentsOf(jobDb, 'wechatpay', new Date(clock.now().getTime() - QUERY_AFTER_MS));
    let applied = 0;
    for (const p of due) {
      try {
        const n = await provider.queryPayment!(p.tenant_id, p.id);
        if (n) { await apply(n); applied++; continue; }
        const order = await inTransaction(jobDb, (tx) => lockOrder(tx, p.tenant_id, p.order_id));
        if (order && order.status === 'pending_payment') continue;
        const closed = await provider.closePayment!(p.tenant_id, p.id);
        if (closed === 'already_paid') {
          const paid = await provider.queryPayment!(p.tenant_id, p.id);
          if (paid) { await apply(paid); applied++; }
          continue;
        }
        await markPaymentClosed(jobDb, p.tenant_id, p.id, clock.now());
      } catch (err) {
        // One merchant's trouble (not configured, WeChat unavailable) never stops the others.
        deps.log().warn({ err: String(err), payment_id: p.id }, 'WeChat Pay query failed');
      }
    }
    return applied;
  };

  const jobs: Record<string, JobHandler<Database>> = {};
  const rootRoutes: RouteModule<Database>[] = [hooks];
  if (deps.config.mode === 'sandbox') {
    const simulator = wechatpaySimulator({
      db, clock, post: deps.simulatorPost,
      async merchantOf(mchid) {
        const m = await merchants.ofMchid(db, mchid);
        return m && { tenantId: m.tenantId, mchid: m.mchid, appids: m.appids, serial: m.serial, publicKey: createPublicKey(m.privateKey), apiv3Key: m.apiv3Key };
      },
    }, [...SIMULATOR_EXTENSIONS, ...(deps.simulatorExtensions ?? [])]);
    rootRoutes.push(simulator.routes as RouteModule<Database>);
    jobs[SIM_NOTIFY_JOB] = simNotifyJob(simulator.ctx, deps.log);
    jobs[SIM_REFUND_JOB] = simRefundJob(simulator.ctx);
  }
  /**
   * One signed call to WeChat Pay as a tenant's merchant (settings read fresh), its answer
   * verified: for the other WeChat Pay parts (profit sharing, bills). Never inside a transaction.
   */
  const callAs = async <T = unknown>(tenantId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const merchant = await merchants.ofTenant(db, tenantId, { fresh: true });
    if (!merchant) throw paymentError('wechatpay_not_configured');
    return wechatpayCall<T>(merchant, method, path, body, { transport: deps.transport?.(), now: clock.now() });
  };
  return {
    merchants, provider, providers, rootRoutes, jobs, queryPending, callAs,
    /** The refund job for this provider: the call to WeChat Pay with no transaction open. */
    submitRefund: (jobDb: Db, tenantId: string, refundId: string, allProviders: Providers) => submitRefundOutside(jobDb, clock, allProviders, tenantId, refundId, deps.refundSettled),
  };
}
