import type { Config } from './platform/config.js';
import { systemClock, type Clock } from './platform/clock.js';
import { buildServer, type App } from './platform/http/server.js';
import { drainJobs, type JobHandler } from './platform/jobs/outbox.js';
import { authenticate } from './modules/identity/identity.service.js';
import { identityRoutes } from './modules/identity/identity.routes.js';
import { catalogRoutes } from './modules/catalog/catalog.routes.js';
import { bNodeRoutes } from './modules/b-nodes/b-nodes.routes.js';
import { orderRoutes } from './modules/orders/orders.routes.js';
import { expireDueOrders } from './flows/order-lifecycle.flow.js';
import { inventoryRoutes } from './modules/inventory/inventory.routes.js';
import { paymentRoutes } from './modules/payments/payments.routes.js';
import { economicsRoutes } from './modules/economics/economics.routes.js';
import { campaignRoutes } from './modules/campaigns/campaigns.routes.js';
import { submitRefund, type Providers } from './modules/payments/payments.service.js';
import { sandboxPayUnit, type PaymentProviderUnit } from './providers/sandboxpay.unit.js';
import type { Database, Db } from './database.js';

export interface Siyu {
  server: App;
  providers: Providers;
  /** Runs due jobs and expires overdue orders once; the background loop calls this, tests call it directly. */
  tick(): Promise<{ jobs: number; expired: number }>;
  startBackground(intervalMs?: number): void;
  /** Stops the background loop, waits for a tick in flight, closes the server, then calls closeDb. */
  close(): Promise<void>;
}

export interface SiyuOptions {
  clock?: Clock;
  logger?: boolean | object;
  /** Called last by close(), once the loop and the server are done with the database. */
  closeDb?: () => Promise<void>;
  /** One of several node:cluster workers: /metrics then answers for all of them. */
  clusterWorker?: boolean;
}

export async function createSiyu(db: Db, config: Config, options: SiyuOptions = {}): Promise<Siyu> {
  const clock = options.clock ?? systemClock;
  // Payment providers, each one unit (adapter, routes, jobs). Only the sandbox exists so far.
  const units: PaymentProviderUnit[] = [sandboxPayUnit(config, clock)];
  const providers: Providers = Object.fromEntries(units.map((u) => [u.provider.name, u.provider]));

  const jobHandlers: Record<string, JobHandler<Database>> = {
    'payments.refund.submit': (tx, job) => submitRefund(tx, providers, job.tenant_id, job.payload.refund_id),
    ...Object.assign({}, ...units.map((u) => u.jobs)),
  };

  const server = await buildServer(
    { db, config, clock, authenticate: (token) => authenticate(db, clock, token) },
    [identityRoutes, catalogRoutes, inventoryRoutes, bNodeRoutes, orderRoutes, paymentRoutes(providers), economicsRoutes, campaignRoutes, ...units.map((u) => u.routes)],
    { logger: options.logger ?? false, metrics: { clusterWorker: options.clusterWorker ?? false } },
  );

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let closing: Promise<void> | undefined;
  const tick = async () => {
    const expired = await expireDueOrders(db, clock);
    const jobs = await drainJobs(db, jobHandlers);
    return { jobs, expired };
  };
  return {
    server,
    providers,
    tick,
    startBackground(intervalMs = 500) {
      if (closing || timer || running) return;
      const loop = () => {
        timer = undefined;
        running = tick()
          .catch((err) => server.log.error({ err }, 'background tick failed'))
          // A tick that was in flight when close() began must not schedule another.
          .finally(() => { running = undefined; if (!closing) timer = setTimeout(loop, intervalMs); });
      };
      timer = setTimeout(loop, intervalMs);
    },
    close() {
      // Stop the loop, let a running tick finish, stop serving and let the requests in flight
      // finish, all within the shutdown timeout; only then release the database both were using.
      closing ??= (async () => {
        clearTimeout(timer);
        timer = undefined;
        const drained = (async () => { await running; await server.close(); })()
          .catch((err: unknown) => server.log.error({ err }, 'closing the server failed'));
        let overdue: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => { overdue = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs); });
        try {
          if (await Promise.race([drained, timedOut]) === 'timeout') {
            server.log.warn({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timeout: closing the database under work still in flight');
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
