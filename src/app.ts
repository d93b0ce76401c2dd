import type { Config } from './platform/config.js';
import { systemClock, type Clock } from './platform/clock.js';
import { crmJobs, type WecomApiFor } from './flows/crm-sync.flow.js';
import { crmWecomEventHandler } from './flows/crm-events.flow.js';
import { crmRoutes } from './modules/crm/crm.routes.js';
import { buildServer, type App } from './platform/http/server.js';
import type { JobHandler } from './platform/jobs/outbox.js';
import { runDueJobs, startJobRunner, type JobRunner } from './platform/jobs/runner.js';
import { jobRoutes } from './platform/jobs/jobs.routes.js';
import { inTransaction, newClient, poolOf } from './platform/db/database.js';
import { createNotificationHub } from './platform/db/notifications.js';
import { ORDER_STATUS_CHANNEL } from './modules/orders/order-status.service.js';
import { pruneIdempotencyKeys } from './platform/http/idempotency.js';
import { authenticate } from './modules/identity/identity.service.js';
import { ACTORS_CHANNEL, createActorCache } from './modules/identity/identity.cache.js';
import { identityRoutes } from './modules/identity/identity.routes.js';
import { catalogRoutes } from './modules/catalog/catalog.routes.js';
import { bNodeRoutes } from './modules/b-nodes/b-nodes.routes.js';
import { hierarchyRoutes } from './modules/b-nodes/hierarchy.routes.js';
import { catalogIoRoutes } from './modules/catalog-io/catalog-io.routes.js';
import { IMPORT_JOB, runImportJob } from './modules/catalog-io/catalog-io.service.js';
import { listingRoutes } from './modules/b-nodes/listings.routes.js';
import { supplierRoutes } from './modules/catalog/suppliers.routes.js';
import { assortmentRoutes } from './modules/assortments/assortments.routes.js';
import { expireAssortments } from './flows/assortment-changes.flow.js';
import { shopCatalogRoutes } from './modules/b-nodes/shop-catalog.routes.js';
import { refreshSalesCounts } from './flows/sales-counts.flow.js';
import { orderRoutes } from './modules/orders/orders.routes.js';
import { expireDueOrders } from './flows/order-lifecycle.flow.js';
import { refundOutcome } from './flows/refund-outcome.flow.js';
import { inventoryRoutes } from './modules/inventory/inventory.routes.js';
import { paymentRoutes } from './modules/payments/payments.routes.js';
import { economicsRoutes } from './modules/economics/economics.routes.js';
import { campaignRoutes } from './modules/campaigns/campaigns.routes.js';
import { flashSaleRoutes } from './modules/flash-sales/flash-sales.routes.js';
import { groupBuyRoutes } from './modules/group-buys/group-buys.routes.js';
import { settleDueGroupBuys } from './flows/group-settlement.flow.js';
import { couponRoutes } from './modules/coupons/coupons.routes.js';
import { referralRoutes } from './modules/referrals/referrals.routes.js';
import { afterSalesRoutes } from './modules/after-sales/after-sales.routes.js';
import { fulfilmentRoutes } from './modules/fulfilment/fulfilment.routes.js';
import { runDueCutoffs } from './flows/cutoff.flow.js';
import { presaleRoutes } from './modules/presales/presales.routes.js';
import { bargainRoutes } from './modules/bargains/bargains.routes.js';
import { settleNoShows } from './flows/pickup-day.flow.js';
import { pruneNotificationNonces, submitRefundOutside, type Providers } from './modules/payments/payments.service.js';
import { settlePaidOrder, settlePaidOrders } from './flows/payment-settlement.flow.js';
import type { WechatpayTransport } from './adapters/wechatpay/wechatpay.client.js';
import { httpPost, sandboxPayUnit, type NotifyPost, type PaymentProviderUnit } from './providers/sandboxpay.unit.js';
import { smsUnit } from './providers/sms.unit.js';
import { wechatpayUnit } from './providers/wechatpay.unit.js';
import { injectTransports, moneySimulatorExtensions, wechatpayMoneyUnit, type MoneyTransports } from './providers/wechatpay-money.unit.js';
import { reconciliationRoutes } from './modules/reconciliation/reconciliation.routes.js';
import { profitSharingRoutes } from './modules/profit-sharing/profit-sharing.routes.js';
import type { ReportDetail } from './modules/reconciliation/reconciliation.schema.js';
import { httpSimPost } from './simulators/wechatpay/simulator.delivery.js';
import type { SmsProvider } from './modules/messaging/messaging.provider.js';
import { messagingRoutes } from './modules/messaging/messaging.routes.js';
import { customerRoutes } from './modules/customers/customers.routes.js';
import { pruneOtpChallenges } from './modules/customers/otp.service.js';
import { metaRoutes } from './platform/http/meta.routes.js';
import { sharingRoutes, shortLinkRoutes } from './modules/sharing/sharing.routes.js';
import { subscribeMessageRoutes } from './modules/subscribe-messages/subscribe-messages.routes.js';
import { deliverSubscribeMessage, SUBSCRIBE_SEND_JOB } from './modules/subscribe-messages/subscribe-messages.service.js';
import type { SubscribeSender } from './modules/subscribe-messages/subscribe-messages.provider.js';
import { wechatReachUnit } from './providers/wechat-reach.unit.js';
import type { BinaryFetch } from './adapters/wechat/reach.api.js';
import { wechatRoutes } from './modules/wechat/wechat.routes.js';
import { wechatUnit } from './providers/wechat.unit.js';
import { pruneOauthStates } from './modules/wechat/sign-in.service.js';
import type { WechatApi } from './modules/wechat/wechat.provider.js';
import type { Database, Db } from './database.js';
import type { SimPost } from './simulators/wechatpay/simulator.core.js';
import { wecomUnit } from './providers/wecom.unit.js';
import { wecomRoutes } from './modules/wecom/wecom.routes.js';
import type { HttpFetch as WecomFetch } from './adapters/wecom/wecom.api.js';
import type { SimPost as WecomSimPost } from './simulators/wecom/wecom.sim-state.js';
import type { WecomEventHandler } from './modules/wecom/wecom.service.js';
import type { WecomApi } from './modules/wecom/wecom.provider.js';
import { broadcastRoutes } from './modules/broadcasts/broadcasts.routes.js';
import { broadcastJobs } from './modules/broadcasts/broadcasts.jobs.js';
import { liveCodeRoutes } from './modules/live-codes/live-codes.routes.js';
import { reachPickerRoutes } from './modules/live-codes/pickers.routes.js';
import { liveCodeJobs } from './modules/live-codes/live-codes.jobs.js';
import { liveCodeWecomEventHandler } from './modules/live-codes/live-codes.service.js';
import { handoverRoutes } from './modules/handovers/handovers.routes.js';
import { handoverJobs } from './modules/handovers/handovers.jobs.js';
import { handoverWecomEventHandler } from './modules/handovers/handovers.service.js';

/**
 * What a WeCom callback event does, in order, in the wecom.event job's one transaction: the CRM's
 * handler first (customer, identity, follow, timeline), then reach's (live code, welcome job).
 * Handlers never call WeCom: they enqueue jobs that do after commit.
 */
export const wecomEventHandlers: WecomEventHandler[] = [crmWecomEventHandler, liveCodeWecomEventHandler, handoverWecomEventHandler];

export interface Siyu {
  server: App;
  providers: Providers;
  /** Expires overdue orders and runs due jobs once, without the background runner: for tests and tools. */
  tick(): Promise<{ jobs: number; expired: number }>;
  /**
   * Starts the job queue's runner in this process: jobs as soon as they commit, order expiry every
   * `intervalMs` and pruning of old notification nonces every minute (each once across all
   * processes), daily pruning of idempotency keys.
   */
  startBackground(intervalMs?: number): void;
  /** Reconciles one tenant's day against its WeChat Pay bills now (the CLI; the morning job does the same). */
  reconcileWechatpay(tenantId: string, date: string): Promise<ReportDetail>;
  /** The tenant's WeCom API (the simulator's in the sandbox): for jobs, tests and tools. */
  wecomApi(tenantId: string): Promise<WecomApi>;
  /** Runs the WeChat Pay query job once (payments pending past the wait): for tests and tools. */
  wechatpayQuery(): Promise<number>;
  /** Stops the runner, waiting for jobs in flight, closes the server, then calls closeDb. */
  close(): Promise<void>;
}

export interface SiyuOptions {
  clock?: Clock;
  logger?: boolean | object;
  /** Called last by close(), once the loop and the server are done with the database. */
  closeDb?: () => Promise<void>;
  /** One of several node:cluster workers: /metrics then answers for all of them. */
  clusterWorker?: boolean;
  /**
   * How the sandbox payment provider delivers its notifications to this server: by default an
   * HTTP POST to the public URL (or the address the server listens on); tests pass the server's
   * in-process `inject`, which goes through the same route.
   */
  sandboxNotifyPost?: (server: App) => NotifyPost;
  /** How WeChat Pay API calls leave (tests: the server's inject, reaching its own simulator). */
  wechatpayTransport?: (server: App) => WechatpayTransport;
  /** How the WeChat Pay simulator posts its notifications (tests: the server's inject). */
  wechatpaySimulatorPost?: (server: App) => SimPost;
  /**
   * Reach WeChat Pay (profit sharing, bills) through the server's own inject instead of HTTP: tests,
   * and the CLI talking to the sandbox's simulator without a listening server.
   */
  wechatpayInject?: boolean;
  /** Stand-ins for the real SMS providers (tests: no network). */
  smsProviders?: Partial<Record<'aliyun' | 'tencent', SmsProvider>>;
  /** A stand-in for WeChat's subscribe-message sending (tests). */
  subscribeSender?: SubscribeSender;
  /** How reach calls (mini-program codes, subscribe messages) reach WeChat: by default HTTP; tests pass the server's inject, to reach the simulator in-process. */
  wechatFetch?: (server: App) => BinaryFetch;
  /** A stand-in for WeChat's server API (tests: the simulator through `inject`, or a fake). */
  wechatApi?: (server: App) => WechatApi;
  /** How WeCom API calls leave (tests: the server's inject, reaching its own WeCom simulator). */
  wecomFetch?: (server: App) => WecomFetch;
  /** How the WeCom simulator posts its callbacks (tests: the server's inject). */
  wecomSimPost?: (server: App) => WecomSimPost;
  /** Handlers of WeCom events instead of wecomEventHandlers (tests). */
  wecomHandlers?: readonly WecomEventHandler[];
  /** The tenant's WeCom API for the CRM's jobs (tests: a fake; the wecom unit's client otherwise). */
  wecomApi?: WecomApiFor;
}

/** The server's own base URL: configured, or where it listens (a wildcard address reached over loopback). */
export function selfUrl(config: Config, server: App): string {
  if (config.publicUrl) return config.publicUrl;
  const address = server.server.address();
  const bound = address && typeof address === 'object' ? address : undefined;
  const port = bound?.port ?? config.port;
  let host = bound?.address ?? config.host;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function createSiyu(db: Db, config: Config, options: SiyuOptions = {}): Promise<Siyu> {
  const clock = options.clock ?? systemClock;
  // The server is built after the units whose routes it serves; their jobs reach it once it exists.
  let server: App | undefined = undefined;
  const built = () => { if (!server) throw new Error('server not built yet'); return server; };
  let notifyPost: NotifyPost | undefined;
  const post: NotifyPost = (headers, body) => {
    notifyPost ??= options.sandboxNotifyPost?.(built()) ?? httpPost(() => `${selfUrl(config, built())}/api/v1/payments/notify/sandbox`);
    return notifyPost(headers, body);
  };
  // Payment providers, each one unit (adapter, routes, jobs). Only the sandbox exists so far, and
  // live mode mounts none of it: no cashier, no notify key, no sandbox route.
  const units: PaymentProviderUnit[] = config.mode === 'sandbox' ? [sandboxPayUnit({ db, clock, post, log: () => built().log })] : [];
  let simPost: SimPost | undefined;
  const wechatpay = wechatpayUnit({
    db, config, clock, selfUrl: () => selfUrl(config, built()), log: () => built().log,
    simulatorExtensions: moneySimulatorExtensions(() => selfUrl(config, built())),
    settle: settlePaidOrder(clock), settleMany: settlePaidOrders(clock), refundSettled: refundOutcome(clock),
    transport: () => options.wechatpayTransport?.(built()),
    simulatorPost: (url, headers, body) => { simPost ??= options.wechatpaySimulatorPost?.(built()) ?? httpSimPost(); return simPost(url, headers, body); },
  });
  let moneyTransports: MoneyTransports | undefined;
  const money = wechatpayMoneyUnit({
    db, clock, secretKey: config.secretKey, merchants: wechatpay.merchants, log: () => built().log,
    transports: () => (moneyTransports ??= options.wechatpayInject ? injectTransports(built()) : {}),
  });
  const sms = smsUnit({ mode: config.mode, secretKey: config.secretKey, clock, ...(options.smsProviders ? { overrides: options.smsProviders } : {}) });
  const providers: Providers = { ...Object.fromEntries(units.map((u) => [u.provider.name, u.provider])), ...wechatpay.providers };
  // The adapter reaches the server lazily: a test's stand-in may call the server's own simulator.
  let api: WechatApi | undefined;
  const lazyApi: WechatApi = {
    fetchAccessToken: (...a) => (api ??= options.wechatApi!(built())).fetchAccessToken(...a),
    oauthAccessToken: (...a) => (api ??= options.wechatApi!(built())).oauthAccessToken(...a),
    code2Session: (...a) => (api ??= options.wechatApi!(built())).code2Session(...a),
    phoneNumber: (...a) => (api ??= options.wechatApi!(built())).phoneNumber(...a),
  };
  const wechat = wechatUnit({ db, clock, mode: config.mode, secretKey: config.secretKey, ...(options.wechatApi ? { api: lazyApi } : {}) });
  let wechatFetch: BinaryFetch | undefined;
  const reach = wechatReachUnit({
    deps: wechat.deps, mode: config.mode,
    ...(options.wechatFetch ? { fetch: (url, init) => { wechatFetch ??= options.wechatFetch!(built()); return wechatFetch(url, init); } } : {}),
  });
  const subscribeSender = options.subscribeSender ?? reach.sender;
  let wecomFetch: WecomFetch | undefined;
  let wecomSimPost: WecomSimPost | undefined;
  const wecom = wecomUnit({
    db, clock, mode: config.mode, secretKey: config.secretKey, handlers: options.wecomHandlers ?? wecomEventHandlers,
    fetch: () => (options.wecomFetch ? (wecomFetch ??= options.wecomFetch(built())) : undefined),
    simPost: () => (options.wecomSimPost ? (url, body, timeoutMs) => (wecomSimPost ??= options.wecomSimPost!(built()))(url, body, timeoutMs) : undefined),
  });

  // Reach's jobs and the live-code console call WeCom through the tenant's client (a test's own when given).
  const reachApi = (tenantId: string) => (options.wecomApi ? options.wecomApi(db, tenantId) : wecom.apiFor(tenantId));
  const jobHandlers: Record<string, JobHandler<Database>> = {
    // Idempotent: a refund already submitted is left alone. One the provider refuses fails at once
    // and puts its order back, as a failure notification would.
    // A provider whose refund is a network call (WeChat Pay) is called with no transaction open.
    'payments.refund.submit': (jobDb, job) => submitRefundOutside(jobDb, clock, providers, job.tenant_id, job.payload.refund_id, refundOutcome(clock)),
    ...Object.assign({}, ...units.map((u) => u.jobs)),
    ...wechatpay.jobs,
    ...money.jobs,
    ...sms.jobs,
    ...wecom.jobs,
    ...broadcastJobs(clock, reachApi),
    ...liveCodeJobs(clock, reachApi),
    ...handoverJobs(clock, reachApi),
    // Takes the buyer's opt-in once, calls WeChat outside any transaction, records the outcome.
    // Reads a stored upload, checks and applies it, writing progress as it goes; a run already taken is left alone.
    [IMPORT_JOB]: (jobDb, job) => runImportJob(jobDb, job.tenant_id, job.payload.run_id),
    [SUBSCRIBE_SEND_JOB]: async (jobDb, job) => { await deliverSubscribeMessage(jobDb, clock, subscribeSender, job.tenant_id, job.payload.message_id); },
    // Contacts, groups and tags refreshed from WeCom, console tags pushed to it: WeCom called outside any transaction.
    ...crmJobs(clock, options.wecomApi ?? ((_db, tenantId) => wecom.apiFor(tenantId))),
  };
  /** What the wecom.event job hands each WeCom callback to, in order, in its one transaction: the CRM first. */

  // One listening connection per process: for requests that wait on an order's status, and to
  // hear that cached actors went stale.
  const connectionString = poolOf(db)?.options.connectionString;
  const notifications = connectionString ? createNotificationHub(() => newClient(connectionString), [ORDER_STATUS_CHANNEL, ACTORS_CHANNEL]) : undefined;
  const actors = notifications ? createActorCache(notifications) : undefined;

  server = await buildServer(
    {
      db, config, clock,
      authenticate: (token) => authenticate(db, clock, token, actors),
      forgetActors: () => actors?.clear(),
      ...(notifications ? { notifications } : {}),
    },
    [metaRoutes, identityRoutes, catalogRoutes, supplierRoutes, inventoryRoutes, bNodeRoutes, shopCatalogRoutes, hierarchyRoutes, listingRoutes, assortmentRoutes, catalogIoRoutes, customerRoutes(sms.messaging), orderRoutes, paymentRoutes(providers), economicsRoutes, campaignRoutes, flashSaleRoutes, groupBuyRoutes, couponRoutes, referralRoutes, afterSalesRoutes, fulfilmentRoutes, presaleRoutes, bargainRoutes, messagingRoutes(sms.messaging), wechatRoutes(wechat.deps), wecomRoutes, jobRoutes, reconciliationRoutes, profitSharingRoutes, sharingRoutes(reach.wxacodes), subscribeMessageRoutes(reach.sandboxGrant), crmRoutes, broadcastRoutes, liveCodeRoutes(reachApi), reachPickerRoutes, handoverRoutes, ...units.map((u) => u.routes)],
    {
      logger: options.logger ?? false, metrics: { clusterWorker: options.clusterWorker ?? false },
      // Short links (/s/{code}) live beside the shop's pages, not under the API prefix.
      rootRoutes: [shortLinkRoutes, ...wechatpay.rootRoutes, ...wecom.rootRoutes],
    },
  );
  // Simulators answer outside /api/v1, where their real counterparts' paths would be; sandbox only.
  for (const sim of [...wechat.simulators, ...wecom.simulators]) {
    await server.register(async (scope) => { await sim.routes(scope as App, { db, config, clock, authenticate: (token) => authenticate(db, clock, token, actors) }); }, { prefix: sim.prefix });
  }

  let runner: Promise<JobRunner | undefined> | undefined;
  let closing: Promise<void> | undefined;
  const tick = async () => {
    const expired = await expireDueOrders(db, clock);
    await pruneNotificationNonces(db, clock);
    await expireAssortments(db, clock);
    const jobs = await runDueJobs(db, jobHandlers, built().log);
    return { jobs, expired };
  };
  return {
    server,
    providers,
    tick,
    reconcileWechatpay: money.reconcile,
    wecomApi: (tenantId) => wecom.apiFor(tenantId),
    wechatpayQuery: () => wechatpay.queryPending(db),
    startBackground(intervalMs = config.jobsPollMs) {
      if (closing || runner) return;
      runner = startJobRunner({
        db,
        handlers: jobHandlers,
        periodic: [
          { name: 'orders.expire', everyMs: intervalMs, run: (jobDb) => expireDueOrders(jobDb, clock) },
          { name: 'payments.nonces.prune', everyMs: 60_000, run: (jobDb) => pruneNotificationNonces(jobDb, clock) },
          { name: 'wechatpay.query', everyMs: 30_000, run: (jobDb) => wechatpay.queryPending(jobDb) },
          // Assortments past their validity expire and their listings pause by themselves.
          { name: 'assortments.expire', everyMs: 60_000, run: (jobDb) => expireAssortments(jobDb, clock) },
          { name: 'shops.sales.refresh', everyMs: 60_000, run: (jobDb) => refreshSalesCounts(jobDb) },
          // Sales windows past their cutoff: aggregated within 15 s, each once across processes.
          { name: 'sales-windows.cutoff', everyMs: 15_000, run: (jobDb) => runDueCutoffs(jobDb, clock) },
          // Group buys past their timer or campaign: formed or failed (members refunded), each once across processes.
          { name: 'group-buys.settle', everyMs: 5_000, run: (jobDb) => settleDueGroupBuys(jobDb, clock) },
          // Goods not picked up N days after arrival, under the tenant's refund rule: refunded once.
          { name: 'pickups.no-shows', everyMs: 60_000, run: (jobDb) => settleNoShows(jobDb, clock, 100, (err, orderId) => server.log.error({ err, order_id: orderId }, 'a no-show could not be settled')) },
        ],
        cron: [
          { name: 'idempotency.prune', match: '17 3 * * *', run: (jobDb) => pruneIdempotencyKeys(jobDb, config.idempotencyRetentionHours) },
          { name: 'otp.prune', match: '27 3 * * *', run: (jobDb) => pruneOtpChallenges(jobDb, clock) },
          ...money.cron,
          { name: 'wechat.oauth-states.prune', match: '37 3 * * *', run: (jobDb) => pruneOauthStates(jobDb, clock) },
        ],
        concurrency: config.jobsConcurrency,
        pollMs: Math.max(50, intervalMs),
        log: server.log,
      }).catch((err) => { server.log.error({ err }, 'the job runner failed to start'); return undefined; });
    },
    close() {
      // Stop the runner (jobs in flight finish), stop serving and let the requests in flight
      // finish, all within the shutdown timeout; only then release the database both were using.
      closing ??= (async () => {
        const drained = (async () => { await (await runner)?.stop(); await built().close(); })()
          .catch((err: unknown) => built().log.error({ err }, 'closing the server failed'));
        let overdue: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => { overdue = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs); });
        try {
          if (await Promise.race([drained, timedOut]) === 'timeout') {
            built().log.warn({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timeout: closing the database under work still in flight');
          }
        } finally {
          clearTimeout(overdue);
        }
        await options.closeDb?.();
      })();
      return closing;
    },
  };
}
