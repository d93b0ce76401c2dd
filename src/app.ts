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
  close(): Promise<void>;
}

export async function createSiyu(db: Db, config: Config, options: { clock?: Clock; logger?: boolean | object } = {}): Promise<Siyu> {
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
    { logger: options.logger ?? false },
  );

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
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
      const loop = () => {
        running = tick().catch((err) => server.log.error({ err }, 'background tick failed')).finally(() => { timer = setTimeout(loop, intervalMs); });
      };
      timer = setTimeout(loop, intervalMs);
    },
    async close() {
      if (timer) clearTimeout(timer);
      await running;
      await server.close();
    },
  };
}
