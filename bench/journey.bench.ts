/**
 * `siyu bench journey`: the whole consumer journey over HTTP, as the shop page drives it, against
 * a server this process starts on a scratch database with its background loop running:
 * shop session → product page → order → payment → sandbox cashier → order status until paid.
 * The time from the cashier call to "paid" is the payment notification's trip through the job
 * queue, so this is the benchmark of background work as much as of requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { createSiyu, type Siyu } from '../src/app.js';
import { seedRng } from '../src/cli/seed/rng.js';
import type { Database, Db } from '../src/database.js';
import { loadConfig, withoutPerAddressLimits, type Config } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { newId } from '../src/platform/ids.js';
import { jobQueueStats } from '../src/platform/jobs/outbox.js';
import { oversoldSkus, quantile, round } from './checkout.bench.js';
import { postgresCpuMs, processCpuMs } from './cpu-usage.js';

export interface JourneyBenchOptions {
  clients: number;
  orders: number;
  json: boolean;
  /** A journey still unpaid after this long is counted in `unpaid` and given up. */
  timeoutMs?: number;
  /** Journeys run before measuring; a tenth of `orders` by default, 30 to 300. */
  warmup?: number;
}

export interface JourneyBenchResult {
  clients: number; orders: number; paid: number; unpaid: number; refused: number; seconds: number;
  orders_per_s: number;
  /** First call (session) to the order seen paid. */
  p50_ms: number; p99_ms: number;
  /** Cashier call to the order seen paid: the notification's trip through the job queue. */
  confirm_p50_ms: number; confirm_p99_ms: number;
  /** Median answer time of each call, and polls per order while waiting for "paid". */
  step_p50_ms: Record<Step, number>; polls_per_order: number;
  /** Most jobs due at once, sampled every 100 ms during the measured run. */
  jobs_max_due: number;
  rss_mb: number; oversold: number;
  /**
   * CPU time per paid order during the measured run: this process (server, background loop and
   * the clients) and the PostgreSQL server (null when it is not on this machine). Unlike the rates,
   * these hold on a machine shared with other work.
   */
  cpu_ms_per_order: { node: number; postgres: number | null };
}

type Step = 'session' | 'product' | 'order' | 'payment' | 'cashier' | 'status';
const STEPS: Step[] = ['session', 'product', 'order', 'payment', 'cashier', 'status'];

const PRODUCTS = 200;
const SKUS_PER_PRODUCT = 3;
const SHOPS = 4;
const CONSUMERS = 1000;
/** Product 0 is in one journey in ten: contention on its stock rows. */
const HOT_PRODUCT = 0;

interface World { tenantId: string; shops: string[]; products: string[] }
interface Journey { shop: number; consumer: number; product: number; lines: { sku: number; qty: number }[] }
interface Trip { outcome: 'paid' | 'unpaid' | 'refused'; totalMs: number; confirmMs: number; polls: number; steps: Partial<Record<Step, number>> }

export function registerJourneyBench(bench: Command) {
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${v}`);
    return n;
  };
  bench.command('journey')
    .description('paid orders/s of the whole consumer journey over HTTP (session, product, order, payment, cashier, status until paid)')
    .option('--clients <n>', 'concurrent consumers', int, 16)
    .option('--orders <n>', 'journeys measured', int, 3000)
    .option('--json', 'print one JSON line')
    .action(async (opts: { clients: number; orders: number; json?: boolean }) => {
      await runJourneyBench({ clients: opts.clients, orders: opts.orders, json: opts.json ?? false });
    });
}

export async function runJourneyBench(opts: JourneyBenchOptions, config: Config = loadConfig()): Promise<JourneyBenchResult> {
  const say = (m: string) => process.stderr.write(`${m}\n`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const scratch = await openScratchDatabase<Database>(config, { poolMax: opts.clients + 4 });
  let siyu: Siyu | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    say('seeding a tenant, its shops and stock…');
    const world = await seedWorld(scratch.db);
    // Every client shares one loopback address: per-address request limits would throttle the run.
    siyu = await createSiyu(scratch.db, withoutPerAddressLimits(config), { logger: false });
    await siyu.server.listen({ port: 0, host: '127.0.0.1' });
    // As `siyu start` runs it: the loop that delivers the sandbox's payment notifications.
    siyu.startBackground();
    const base = `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}/api/v1`;
    const client = journeyClient(base, world, timeoutMs);

    const warmup = opts.warmup ?? Math.min(300, Math.max(30, Math.round(opts.orders / 10)));
    const journeys = makeJourneys(warmup + opts.orders);
    say(`warming up (${warmup} journeys)…`);
    await runClients(opts.clients, journeys.slice(0, warmup), client, 0);
    // Statistics as a live database has them: autovacuum analyzes a table within its first minute
    // of 50-odd new rows, which a run this short never reaches. Without this every statement on
    // orders, payments and idempotency keys keeps the plan made when those tables were empty
    // (foreign-key checks on orders scanning the tenant's every order by another index), and the
    // run measures a cost that grows with its own length rather than the journey's.
    await sql`ANALYZE`.execute(scratch.db);

    let jobsMaxDue = 0;
    let sampling = false;
    sampler = setInterval(() => {
      if (sampling) return;
      sampling = true;
      // The queue's own reading, whatever the queue is: only its exported stats are used here.
      jobQueueStats(scratch.db as unknown as Parameters<typeof jobQueueStats>[0])
        .then((s) => { jobsMaxDue = Math.max(jobsMaxDue, s.due); })
        .catch(() => undefined)
        .finally(() => { sampling = false; });
    }, 100);
    say(`${opts.orders} journeys, ${opts.clients} clients…`);
    const pgCpuBefore = await postgresCpuMs(scratch.db);
    const nodeCpuBefore = processCpuMs();
    const started = performance.now();
    const trips = await runClients(opts.clients, journeys.slice(warmup), client, warmup);
    const seconds = (performance.now() - started) / 1000;
    const nodeCpu = processCpuMs() - nodeCpuBefore;
    const pgCpuAfter = await postgresCpuMs(scratch.db);
    clearInterval(sampler);

    const paid = trips.filter((t) => t.outcome === 'paid');
    const stepP50 = Object.fromEntries(STEPS.map((s) => [s, round(quantile(trips.flatMap((t) => (t.steps[s] === undefined ? [] : [t.steps[s]])), 0.5), 2)])) as Record<Step, number>;
    const result: JourneyBenchResult = {
      clients: opts.clients, orders: opts.orders, paid: paid.length,
      unpaid: trips.filter((t) => t.outcome === 'unpaid').length, refused: trips.filter((t) => t.outcome === 'refused').length,
      seconds: round(seconds, 2), orders_per_s: round(paid.length / seconds, 1),
      p50_ms: round(quantile(paid.map((t) => t.totalMs), 0.5), 1), p99_ms: round(quantile(paid.map((t) => t.totalMs), 0.99), 1),
      confirm_p50_ms: round(quantile(paid.map((t) => t.confirmMs), 0.5), 1), confirm_p99_ms: round(quantile(paid.map((t) => t.confirmMs), 0.99), 1),
      step_p50_ms: stepP50, polls_per_order: round(paid.reduce((a, t) => a + t.polls, 0) / Math.max(1, paid.length), 1),
      jobs_max_due: jobsMaxDue,
      rss_mb: round(process.resourceUsage().maxRSS / 1024),
      oversold: await oversoldSkus(scratch.db, world.tenantId, true),
      cpu_ms_per_order: {
        node: round(nodeCpu / Math.max(1, paid.length), 2),
        postgres: pgCpuBefore === undefined || pgCpuAfter === undefined ? null : round((pgCpuAfter - pgCpuBefore) / Math.max(1, paid.length), 2),
      },
    };
    console.log(opts.json ? JSON.stringify(result) : describe(result));
    return result;
  } finally {
    clearInterval(sampler);
    await siyu?.close().catch(() => undefined);
    await scratch.close();
  }
}

function describe(r: JourneyBenchResult): string {
  return [
    `journey: ${r.orders} journeys over HTTP, ${r.clients} concurrent clients, server and background loop in this process`,
    `  paid          ${r.orders_per_s} orders/s   ${r.paid} paid, ${r.unpaid} unpaid at timeout, ${r.refused} refused in ${r.seconds} s`,
    `  first call → paid    p50 ${r.p50_ms} ms   p99 ${r.p99_ms} ms`,
    `  cashier → paid       p50 ${r.confirm_p50_ms} ms   p99 ${r.confirm_p99_ms} ms   ${r.polls_per_order} status polls/order`,
    `  calls (p50 ms)       ${STEPS.map((s) => `${s} ${r.step_p50_ms[s]}`).join('   ')}`,
    `  job queue            at most ${r.jobs_max_due} jobs due`,
    `  peak RSS             ${r.rss_mb} MB (this process)`,
    `  CPU per paid order   ${r.cpu_ms_per_order.node} ms this process (server and clients), ${r.cpu_ms_per_order.postgres ?? '–'} ms PostgreSQL`,
    `  oversold             ${r.oversold} SKUs`,
  ].join('\n');
}

/** One tenant: products of a few SKUs with ample stock in one warehouse, shops listing them all. Consumers sign in during the run. */
async function seedWorld(db: Db): Promise<World> {
  const tenantId = newId('ten');
  const supplierId = newId('sup');
  const warehouseId = newId('wh');
  await db.insertInto('tenants').values({ id: tenantId, slug: 'bench-journey', name: 'Bench Journey' }).execute();
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id: supplierId, name: 'Bench Supplier' }).execute();
  await db.insertInto('warehouses').values({ tenant_id: tenantId, id: warehouseId, name: 'Bench Warehouse' }).execute();
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({ tenant_id: tenantId, id: newId('prd'), supplier_id: supplierId, title: `Product ${i}`, category: 'general', image_url: null }));
  await db.insertInto('products').values(products).execute();
  const skus = products.flatMap((p, i) => Array.from({ length: SKUS_PER_PRODUCT }, (_, k) => {
    const price = 500 + ((i * SKUS_PER_PRODUCT + k) % 50) * 100;
    return { tenant_id: tenantId, id: newId('sku'), product_id: p.id, code: `J-${i}-${k}`, name: `${k + 1} kg`, supply_price: Math.round(price * 0.7), suggested_price: price, retail_floor: price, retail_ceiling: price * 2 };
  }));
  await db.insertInto('skus').values(skus).execute();
  await db.insertInto('stock').values(skus.map((s) => ({ tenant_id: tenantId, warehouse_id: warehouseId, sku_id: s.id, on_hand: 1_000_000 }))).execute();
  const shops = Array.from({ length: SHOPS }, (_, i) => ({ id: newId('bn'), slug: `bench-journey-${i}` }));
  await db.insertInto('b_nodes').values(shops.map((s, i) => ({ tenant_id: tenantId, id: s.id, kind: 'leader' as const, name: `Leader ${i}`, slug: s.slug, warehouse_id: warehouseId }))).execute();
  await db.insertInto('shop_routes').values(shops.map((s) => ({ slug: s.slug, tenant_id: tenantId, b_node_id: s.id }))).execute();
  await db.insertInto('listings').values(shops.flatMap((sh) => skus.map((s) => ({ tenant_id: tenantId, b_node_id: sh.id, sku_id: s.id, retail_price: s.suggested_price })))).execute();
  await sql`ANALYZE`.execute(db);
  return { tenantId, shops: shops.map((s) => s.slug), products: products.map((p) => p.id) };
}

/** The same journeys every run: a shop, a consumer (by phone), a product and 1–2 of its SKUs. */
function makeJourneys(count: number): Journey[] {
  const rng = seedRng(7);
  return Array.from({ length: count }, () => {
    const product = rng.chance(0.1) ? HOT_PRODUCT : rng.int(1, PRODUCTS - 1);
    const skus = new Set<number>();
    const size = rng.int(1, 2);
    while (skus.size < size) skus.add(rng.int(0, SKUS_PER_PRODUCT - 1));
    return { shop: rng.int(0, SHOPS - 1), consumer: rng.int(0, CONSUMERS - 1), product, lines: [...skus].map((sku) => ({ sku, qty: rng.int(1, 3) })) };
  });
}

// node:http with keep-alive rather than fetch, as in `bench checkout --http`: the clients share
// this process's CPU with the server, and fetch's extra machinery would be charged to the server.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method, agent,
      headers: text === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { answer += chunk; });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: answer ? JSON.parse(answer) : null });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

function journeyClient(base: string, world: World, timeoutMs: number) {
  return async (j: Journey, n: number): Promise<Trip> => {
    const steps: Trip['steps'] = {};
    const expect = async (step: Step, status: number, run: () => Promise<{ status: number; json: any }>) => {
      const t = performance.now();
      const res = await run();
      steps[step] = performance.now() - t;
      if (res.status !== status && !(step === 'order' && res.status === 409)) {
        throw new Error(`${step} answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
      }
      return res;
    };
    const slug = world.shops[j.shop]!;
    const t0 = performance.now();
    const phone = `138${String(j.consumer).padStart(8, '0')}`;
    const session = await expect('session', 201, () => call('POST', `${base}/shops/${slug}/session`, {}, { name: `C${phone.slice(-4)}`, phone }));
    const auth = { authorization: `Bearer ${session.json.token}` };
    const page = await expect('product', 200, () => call('GET', `${base}/shops/${slug}/products/${world.products[j.product]}`, auth));
    const skus = page.json.product.skus as { id: string }[];
    const lines = j.lines.map((l) => ({ sku_id: skus[l.sku]!.id, quantity: l.qty }));
    const order = await expect('order', 201, () => call('POST', `${base}/orders`, { ...auth, 'idempotency-key': `journey-${n}` }, { shop: slug, lines }));
    if (order.status === 409) return { outcome: 'refused', totalMs: 0, confirmMs: 0, polls: 0, steps };
    const orderId = order.json.id as string;
    const payment = await expect('payment', 201, () => call('POST', `${base}/orders/${orderId}/payments`, { ...auth, 'idempotency-key': `journey-pay-${n}` }, {}));
    const cashierAt = performance.now();
    await expect('cashier', 200, () => call('POST', `${base}/sandbox/payments/${payment.json.payment_id}/pay`, auth, {}));
    let polls = 0;
    // As the shop's cashier page waits: one long poll held until the status leaves pending_payment.
    const waitMs = Math.min(25_000, timeoutMs);
    for (;;) {
      const status = await expect('status', 200, () => call('GET', `${base}/orders/${orderId}/status?changed_from=pending_payment&wait_ms=${waitMs}`, auth));
      polls++;
      const now = performance.now();
      if (status.json.status === 'paid') return { outcome: 'paid', totalMs: now - t0, confirmMs: now - cashierAt, polls, steps };
      if (now - cashierAt > timeoutMs) return { outcome: 'unpaid', totalMs: now - t0, confirmMs: now - cashierAt, polls, steps };
      if (status.json.status !== 'pending_payment') return { outcome: 'unpaid', totalMs: now - t0, confirmMs: now - cashierAt, polls, steps };
    }
  };
}

async function runClients(clients: number, journeys: Journey[], client: (j: Journey, n: number) => Promise<Trip>, offset: number): Promise<Trip[]> {
  const trips = new Array<Trip>(journeys.length);
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < journeys.length; i = next++) trips[i] = await client(journeys[i]!, offset + i);
  }));
  return trips;
}
