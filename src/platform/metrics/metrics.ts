import client from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { poolStats, type Db } from '../db/database.js';
import { jobQueueStats, type JobQueueStats } from '../jobs/outbox.js';
import { clusterMetricsFromPrimary, shareWithPrimary } from './cluster-metrics.js';

let processRegistry: client.Registry | undefined;

/**
 * Node's own figures (CPU, memory, event-loop lag, GC) once per process: they describe the
 * process, however many servers it builds (tests build dozens).
 */
function processMetrics(): client.Registry {
  if (!processRegistry) {
    processRegistry = new client.Registry();
    client.collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface MetricsOptions {
  /** This process is one cluster worker of several: /metrics answers for all of them, gathered by the primary. */
  clusterWorker?: boolean;
}

/**
 * Prometheus metrics at GET /metrics: request latency by route pattern, the database pool, the job
 * queue, and the process. Registered before the routes so its hook sees every request.
 */
// Any application schema: the metrics read only the platform's jobs table and the pool.
export function registerMetrics(app: FastifyInstance<any, any, any, any, any>, db: Db<any>, options: MetricsOptions = {}): void {
  const registry = new client.Registry();
  const latency = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Each worker has its own pool: these add up across workers.
  const pool = (name: string, help: string, read: (s: NonNullable<ReturnType<typeof poolStats>>) => number) => new client.Gauge({
    name, help, registers: [registry],
    collect() {
      const s = poolStats(db);
      if (s) this.set(read(s));
    },
  });
  pool('siyu_db_pool_clients', 'Connections the database pool holds open', (s) => s.total);
  pool('siyu_db_pool_idle_clients', 'Open pool connections not in use', (s) => s.idle);
  pool('siyu_db_pool_waiting', 'Queries waiting for a pool connection', (s) => s.waiting);
  // The queue is one table seen alike by every worker: aggregated with max, not summed. Both
  // gauges are collected together on a scrape and share one query.
  // While the database is away the scrape still answers, without the queue gauges.
  let reading: Promise<JobQueueStats | undefined> | undefined;
  const queue = () => (reading ??= jobQueueStats(db).catch(() => undefined).finally(() => { reading = undefined; }));
  new client.Gauge({
    name: 'siyu_jobs', help: 'Unfinished jobs: due (run_at passed), scheduled (later), retrying (failed, will retry; also counted as due or scheduled), parked (gave up)',
    labelNames: ['state'] as const, registers: [registry], aggregator: 'max',
    async collect() {
      const s = await queue();
      if (!s) return this.reset();
      for (const state of ['due', 'scheduled', 'retrying', 'parked'] as const) this.set({ state }, s[state]);
    },
  });
  new client.Gauge({
    name: 'siyu_job_lag_seconds', help: 'How long the oldest due job has waited (0 when none is due)', registers: [registry], aggregator: 'max',
    async collect() {
      const s = await queue();
      if (s) this.set(s.oldestDueSeconds);
      else this.reset();
    },
  });

  const local = client.Registry.merge([processMetrics(), registry]);
  if (options.clusterWorker) shareWithPrimary([processMetrics(), registry]);

  app.addHook('onResponse', async (request, reply) => {
    latency.observe({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status_code: reply.statusCode }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = options.clusterWorker ? await clusterMetricsFromPrimary() : await local.metrics();
    return reply.type(local.contentType).send(text);
  });
}
