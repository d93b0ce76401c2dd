import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import pg from 'pg';
import { sql } from 'kysely';
import { createSiyu } from '../src/app.js';
import { seedRng } from '../src/cli/seed/rng.js';
import { checkout } from '../src/flows/checkout.flow.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig, withoutPerAddressLimits } from '../src/platform/config.js';
import { inTransaction } from '../src/platform/db/database.js';
import type { Database, Db } from '../src/database.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { AppError } from '../src/platform/errors.js';
import { newId, newSecret, sha256 } from '../src/platform/ids.js';
import { startCluster, type ServerCluster } from '../src/cli/cluster.js';

export interface CheckoutBenchOptions {
  clients: number; orders: number; http: boolean; json: boolean;
  /** HTTP mode: serve from this many node:cluster worker processes instead of this process. */
  workers?: number | undefined;
}

export interface CheckoutBenchResult {
  mode: 'service' | 'http'; clients: number; orders: number; workers: number | null;
  orders_per_s: number; baseline_per_s: number; ratio: number;
  p50_ms: number; p99_ms: number; baseline_p50_ms: number; baseline_p99_ms: number;
  refused: number; baseline_refused: number;
  /** null with --workers: the server's statements and CPU are spent in other processes. */
  statements_per_order: number | null; baseline_statements_per_order: number;
  node_cpu_ms_per_order: number | null; baseline_node_cpu_ms_per_order: number;
  rss_mb: number; oversold: number; phantom_orders: number;
}

const SKUS = 2000;
const SHOPS = 4;
const CONSUMERS = 1000;
// SKU 0 is in one cart in ten with ample stock: row-lock contention. SKU 1 is in one cart in
// twenty with stock for a fraction of them: out-of-stock refusals under concurrency.
const HOT = 0;
const SCARCE = 1;

interface Cart { shop: number; consumer: number; lines: { sku: number; qty: number }[] }
interface World {
  tenantId: string; warehouseId: string;
  shops: { id: string; slug: string }[];
  skus: { id: string; code: string; title: string; price: number; supply: number }[];
  consumers: { customerId: string; token: string }[];
}
type Outcome = 'ok' | 'refused';

export function registerCheckoutBench(bench: Command) {
  const int = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${v}`);
    return n;
  };
  bench.command('checkout')
    .description('orders/s of real checkouts against a raw-SQL baseline doing the same writes, at fixed concurrency')
    .option('--clients <n>', 'concurrent workers', int, 16)
    .option('--orders <n>', 'orders placed by each path', int, 5000)
    .option('--http', 'go through the HTTP server over loopback instead of calling the service')
    .option('--workers <n>', 'with --http: serve from N node:cluster worker processes (default: this process)', int)
    .option('--json', 'print one JSON line')
    .action(async (opts: { clients: number; orders: number; http?: boolean; json?: boolean; workers?: number }) => {
      if (opts.workers !== undefined && !opts.http) throw new Error('--workers needs --http: it runs the HTTP server in worker processes');
      await runCheckoutBench({ clients: opts.clients, orders: opts.orders, http: opts.http ?? false, json: opts.json ?? false, workers: opts.workers });
    });
}

export async function runCheckoutBench(opts: CheckoutBenchOptions): Promise<CheckoutBenchResult> {
  const say = (m: string) => process.stderr.write(`${m}\n`);
  // Sixteen clients on one loopback address: per-address request limits would throttle the run.
  const config = withoutPerAddressLimits(loadConfig());
  // Round trips to PostgreSQL per path, counted during the measured run only (BEGIN/COMMIT included).
  const statements = { counting: false, service: 0, baseline: 0 };
  const scratch = await openScratchDatabase<Database>(config, { poolMax: opts.clients + 4, onStatement: () => { if (statements.counting) statements.service++; } });
  const raw = new pg.Pool({ connectionString: scratch.url, max: opts.clients });
  raw.on('error', () => undefined); // dropping the scratch database terminates idle connections; that is not a failure
  let siyu: Awaited<ReturnType<typeof createSiyu>> | undefined;
  let workers: ServerCluster | undefined;
  try {
    say('seeding two identical tenants…');
    const svc = await seedWorld(scratch.db, 'bench-svc', opts.orders);
    const base = await seedWorld(scratch.db, 'bench-raw', opts.orders);
    const warmup = Math.min(500, Math.max(50, Math.round(opts.orders / 10)));
    const carts = makeCarts(opts.orders, warmup);

    let place: (cart: Cart, i: number) => Promise<Outcome> = (cart) => placeService(scratch.db, svc, cart);
    if (opts.http && opts.workers) {
      // `siyu start` worker processes on the scratch database, each with the pool this process would have.
      const port = await freePort();
      say(`starting ${opts.workers} server worker process(es)…`);
      workers = await startCluster({
        workers: opts.workers,
        args: ['start', '--no-demo', '--host', '127.0.0.1', '--port', String(port), '--workers', String(opts.workers)],
        env: { SIYU_WORKER_DATABASE_URL: scratch.url, SIYU_WORKER_POOL_MAX: String(opts.clients + 4), LOG_LEVEL: 'silent', SIYU_RATE_LIMITS: 'off' },
        log: say,
      });
      const url = `http://127.0.0.1:${port}/api/v1/orders`;
      place = (cart, i) => placeHttp(url, svc, cart, i);
    } else if (opts.http) {
      siyu = await createSiyu(scratch.db, config, { logger: false });
      await siyu.server.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}/api/v1/orders`;
      place = (cart, i) => placeHttp(url, svc, cart, i);
    }
    const placeRaw = (cart: Cart) => placeBaseline(raw, base, cart, () => { if (statements.counting) statements.baseline++; });

    say(`warming up (${warmup} orders each)…`);
    const warmSvc = await runWorkers(opts.clients, carts.slice(0, warmup), place, 0);
    const warmRaw = await runWorkers(opts.clients, carts.slice(0, warmup), placeRaw, 0);
    // Foreign-key checks cache their plans per connection; planned against the empty orders table
    // they scan it, and keep scanning until statistics change. A live database has statistics.
    await sql`ANALYZE`.execute(scratch.db);

    // Service and baseline alternate in halves (A B B A) so drift on a shared machine hits both alike.
    const measured = carts.slice(warmup);
    const half = Math.ceil(measured.length / 2);
    const svcRuns: Run[] = [];
    const rawRuns: Run[] = [];
    statements.counting = true;
    for (const [label, part, offset] of [['service', 0, warmup], ['baseline', 0, 0], ['baseline', 1, 0], ['service', 1, warmup + half]] as const) {
      const slice = measured.slice(part * half, (part + 1) * half);
      say(`${label} half ${part + 1}: ${slice.length} orders…`);
      if (label === 'service') svcRuns.push(await runWorkers(opts.clients, slice, place, offset));
      else rawRuns.push(await runWorkers(opts.clients, slice, placeRaw, 0));
    }
    statements.counting = false;
    const s = merge(svcRuns);
    const b = merge(rawRuns);

    const oversold = (await oversoldSkus(scratch.db, svc.tenantId, true)) + (await oversoldSkus(scratch.db, base.tenantId, false));
    const phantom = Math.abs((await orderCount(scratch.db, svc.tenantId)) - (s.ok + warmSvc.ok))
      + Math.abs((await orderCount(scratch.db, base.tenantId)) - (b.ok + warmRaw.ok));
    const inProcess = !workers;
    const result: CheckoutBenchResult = {
      mode: opts.http ? 'http' : 'service', clients: opts.clients, orders: opts.orders, workers: opts.workers ?? null,
      orders_per_s: round(s.count / s.seconds), baseline_per_s: round(b.count / b.seconds), ratio: round((s.count / s.seconds) / (b.count / b.seconds), 3),
      p50_ms: round(quantile(s.latencies, 0.5), 2), p99_ms: round(quantile(s.latencies, 0.99), 2),
      baseline_p50_ms: round(quantile(b.latencies, 0.5), 2), baseline_p99_ms: round(quantile(b.latencies, 0.99), 2),
      refused: s.refused, baseline_refused: b.refused,
      statements_per_order: inProcess ? round(statements.service / s.count, 2) : null, baseline_statements_per_order: round(statements.baseline / b.count, 2),
      node_cpu_ms_per_order: inProcess ? round(s.cpuMs / s.count, 3) : null, baseline_node_cpu_ms_per_order: round(b.cpuMs / b.count, 3),
      rss_mb: round(process.resourceUsage().maxRSS / 1024), oversold, phantom_orders: phantom,
    };
    console.log(opts.json ? JSON.stringify(result) : describe(result));
    return result;
  } finally {
    // Each step runs even if an earlier one failed: the scratch database must not outlive the run.
    await siyu?.close().catch(() => undefined);
    await workers?.stop().catch(() => undefined);
    await raw.end().catch(() => undefined);
    await scratch.close();
  }
}

function describe(r: CheckoutBenchResult): string {
  const path = r.mode === 'service' ? 'service layer in-process'
    : r.workers ? `HTTP over loopback to ${r.workers} server worker process${r.workers > 1 ? 'es' : ''}` : 'HTTP over loopback';
  return [
    `checkout: ${r.orders} orders per path, ${r.clients} concurrent clients, ${path}`,
    `  siyu      ${r.orders_per_s} orders/s   p50 ${r.p50_ms} ms   p99 ${r.p99_ms} ms   refused ${r.refused}   ${r.statements_per_order ?? 'n/a'} statements/order   ${r.node_cpu_ms_per_order ?? 'n/a'} ms Node CPU/order`,
    `  raw SQL   ${r.baseline_per_s} orders/s   p50 ${r.baseline_p50_ms} ms   p99 ${r.baseline_p99_ms} ms   refused ${r.baseline_refused}   ${r.baseline_statements_per_order} statements/order   ${r.baseline_node_cpu_ms_per_order} ms Node CPU/order`,
    `  ratio     ${r.ratio}`,
    `  peak RSS  ${r.rss_mb} MB (this process)`,
    `  oversold  ${r.oversold} SKUs   phantom orders ${r.phantom_orders}`,
  ].join('\n');
}

/** One tenant: SKUs across products, a warehouse, shops listing every SKU, consumers with session tokens. */
async function seedWorld(db: Db, slug: string, orders: number): Promise<World> {
  const tenantId = newId('ten');
  const supplierId = newId('sup');
  const warehouseId = newId('wh');
  await db.insertInto('tenants').values({ id: tenantId, slug, name: slug }).execute();
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id: supplierId, name: 'Bench Supplier' }).execute();
  await db.insertInto('warehouses').values({ tenant_id: tenantId, id: warehouseId, name: 'Bench Warehouse' }).execute();
  const products = Array.from({ length: SKUS / 10 }, (_, i) => ({ tenant_id: tenantId, id: newId('prd'), supplier_id: supplierId, title: `Product ${i}`, category: 'general', image_url: null }));
  await db.insertInto('products').values(products).execute();
  const skus = Array.from({ length: SKUS }, (_, i) => {
    const price = 500 + (i % 50) * 100;
    return { id: newId('sku'), code: `B-${i}`, title: `Product ${Math.floor(i / 10)} ${i % 10 + 1} kg`, price, supply: Math.round(price * 0.7) };
  });
  await db.insertInto('skus').values(skus.map((s, i) => ({
    tenant_id: tenantId, id: s.id, product_id: products[Math.floor(i / 10)]!.id, code: s.code, name: `${i % 10 + 1} kg`,
    supply_price: s.supply, suggested_price: s.price, retail_floor: s.price, retail_ceiling: s.price * 2,
  }))).execute();
  const scarceStock = Math.max(10, Math.round(orders * 0.01));
  await db.insertInto('stock').values(skus.map((s, i) => ({ tenant_id: tenantId, warehouse_id: warehouseId, sku_id: s.id, on_hand: i === SCARCE ? scarceStock : 1_000_000 }))).execute();
  const shops = Array.from({ length: SHOPS }, (_, i) => ({ id: newId('bn'), slug: `${slug}-shop-${i}` }));
  await db.insertInto('b_nodes').values(shops.map((s, i) => ({ tenant_id: tenantId, id: s.id, kind: 'leader' as const, name: `Leader ${i}`, slug: s.slug, warehouse_id: warehouseId }))).execute();
  await db.insertInto('shop_routes').values(shops.map((s) => ({ slug: s.slug, tenant_id: tenantId, b_node_id: s.id }))).execute();
  await db.insertInto('listings').values(shops.flatMap((sh) => skus.map((s) => ({ tenant_id: tenantId, b_node_id: sh.id, sku_id: s.id, retail_price: s.price })))).execute();

  const consumers = Array.from({ length: CONSUMERS }, (_, i) => ({ customerId: newId('cus'), userId: newId('usr'), phone: `139${String(i).padStart(8, '0')}`, token: `ses_${newSecret()}` }));
  await db.insertInto('users').values(consumers.map((c) => ({ tenant_id: tenantId, id: c.userId, login: `consumer:${c.phone}`, display_name: `C${c.phone.slice(-4)}`, role: 'consumer' as const, password_hash: null, supplier_id: null, b_node_id: null }))).execute();
  await db.insertInto('customers').values(consumers.map((c, i) => ({ tenant_id: tenantId, id: c.customerId, user_id: c.userId, b_node_id: shops[i % SHOPS]!.id, name: `C${c.phone.slice(-4)}` }))).execute();
  const expires = new Date(Date.now() + 86_400_000);
  await db.insertInto('auth_tokens').values(consumers.map((c) => ({ tenant_id: tenantId, token_hash: sha256(c.token), user_id: c.userId, kind: 'session' as const, name: null, expires_at: expires, revoked_at: null }))).execute();
  await sql`ANALYZE`.execute(db);
  return { tenantId, warehouseId, shops, skus, consumers };
}

/** The same carts for both paths (by index into each tenant's SKUs); warm-up carts leave the scarce SKU alone. */
function makeCarts(orders: number, warmup: number): Cart[] {
  const rng = seedRng(42);
  return Array.from({ length: warmup + orders }, (_, i) => {
    const skus = new Set<number>();
    const size = rng.int(1, 4);
    while (skus.size < size) skus.add(rng.int(2, SKUS - 1));
    if (rng.chance(0.1)) skus.add(HOT);
    if (i >= warmup && rng.chance(0.05)) skus.add(SCARCE);
    return { shop: rng.int(0, SHOPS - 1), consumer: rng.int(0, CONSUMERS - 1), lines: [...skus].map((sku) => ({ sku, qty: rng.int(1, 3) })) };
  });
}

const checkoutInput = (w: World, cart: Cart) => ({
  shop: w.shops[cart.shop]!.slug, lines: cart.lines.map((l) => ({ sku_id: w.skus[l.sku]!.id, quantity: l.qty })), fulfillment: 'pickup' as const, note: '',
});

async function placeService(db: Db, w: World, cart: Cart): Promise<Outcome> {
  try {
    await inTransaction(db, (tx) => checkout(tx, systemClock, { tenantId: w.tenantId, customerId: w.consumers[cart.consumer]!.customerId }, checkoutInput(w, cart)));
    return 'ok';
  } catch (err) {
    if (err instanceof AppError && err.code === 'out_of_stock') return 'refused';
    throw err;
  }
}

// node:http with keep-alive rather than fetch: the client shares this process's CPU with the
// server, and fetch's extra machinery would be charged to the path being measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function placeHttp(url: string, w: World, cart: Cart, i: number): Promise<Outcome> {
  const res = await post(url, { authorization: `Bearer ${w.consumers[cart.consumer]!.token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
    JSON.stringify(checkoutInput(w, cart)));
  if (res.status === 201) return 'ok';
  if (res.status === 409 && res.body.includes('out_of_stock')) return 'refused';
  throw new Error(`checkout over HTTP answered ${res.status}: ${res.body.slice(0, 300)}`);
}

/**
 * The least an order needs in SQL: one transaction, a conditional decrement per SKU (in SKU order,
 * so carts sharing SKUs cannot deadlock), the order row and its lines in one insert. Prices are
 * known in memory, so nothing is read first.
 */
async function placeBaseline(pool: pg.Pool, w: World, cart: Cart, counted: () => void): Promise<Outcome> {
  const conn = await pool.connect();
  const client = { query: (text: string, values?: unknown[]) => { counted(); return conn.query(text, values); } };
  try {
    await client.query('BEGIN');
    const wants = cart.lines.map((l) => ({ sku: w.skus[l.sku]!, qty: l.qty })).sort((a, b) => (a.sku.id < b.sku.id ? -1 : 1));
    for (const want of wants) {
      const r = await client.query('UPDATE stock SET reserved = reserved + $1 WHERE tenant_id = $2 AND warehouse_id = $3 AND sku_id = $4 AND on_hand - reserved >= $1',
        [want.qty, w.tenantId, w.warehouseId, want.sku.id]);
      if (r.rowCount === 0) {
        await client.query('ROLLBACK');
        return 'refused';
      }
    }
    const orderId = newId('ord');
    const total = wants.reduce((a, x) => a + x.sku.price * x.qty, 0);
    const cost = wants.reduce((a, x) => a + x.sku.supply * x.qty, 0);
    const now = new Date();
    await client.query(`INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, pickup_code, subtotal, total, supply_cost, expires_at, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, 'pending_payment', $7, $8, $8, $9, $10, $11)`,
    [w.tenantId, orderId, `${Date.now()}${newSecret(6)}`, w.shops[cart.shop]!.id, w.consumers[cart.consumer]!.customerId, w.warehouseId,
      String(Math.floor(Math.random() * 1e6)).padStart(6, '0'), total, cost, new Date(now.getTime() + 15 * 60_000), now]);
    const values: unknown[] = [];
    const rows = wants.map((x, i) => {
      values.push(w.tenantId, orderId, i + 1, x.sku.id, x.sku.code, x.sku.title, x.qty, x.sku.price, x.sku.supply, x.sku.price * x.qty);
      const p = i * 10;
      return `(${Array.from({ length: 10 }, (_, k) => `$${p + k + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total) VALUES ${rows.join(', ')}`, values);
    await client.query('COMMIT');
    return 'ok';
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

interface Run { count: number; ok: number; refused: number; seconds: number; cpuMs: number; latencies: number[] }

async function runWorkers(clients: number, carts: Cart[], place: (cart: Cart, i: number) => Promise<Outcome>, offset: number): Promise<Run> {
  let next = 0;
  const run: Run = { count: carts.length, ok: 0, refused: 0, seconds: 0, cpuMs: 0, latencies: new Array<number>(carts.length) };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < carts.length; i = next++) {
      const t0 = performance.now();
      const outcome = await place(carts[i]!, offset + i);
      run.latencies[i] = performance.now() - t0;
      run[outcome === 'ok' ? 'ok' : 'refused']++;
    }
  }));
  run.seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  run.cpuMs = (used.user + used.system) / 1000;
  return run;
}

function merge(runs: Run[]): Run {
  return runs.reduce((a, r) => ({ count: a.count + r.count, ok: a.ok + r.ok, refused: a.refused + r.refused, seconds: a.seconds + r.seconds, cpuMs: a.cpuMs + r.cpuMs, latencies: a.latencies.concat(r.latencies) }),
    { count: 0, ok: 0, refused: 0, seconds: 0, cpuMs: 0, latencies: [] as number[] });
}

/**
 * SKUs whose books do not balance after the run: reserved beyond on-hand, more ordered than was in
 * stock, reserved not equal to what orders hold, or (service path) to the active reservations.
 */
export async function oversoldSkus(db: Db, tenantId: string, withReservations: boolean): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM stock s
      LEFT JOIN (SELECT sku_id, sum(quantity) AS q FROM order_lines WHERE tenant_id = ${tenantId} GROUP BY 1) d ON d.sku_id = s.sku_id
      LEFT JOIN (SELECT sku_id, sum(quantity) AS q FROM stock_reservations WHERE tenant_id = ${tenantId} AND status = 'active' GROUP BY 1) r ON r.sku_id = s.sku_id
      WHERE s.tenant_id = ${tenantId} AND (s.reserved > s.on_hand OR coalesce(d.q, 0) > s.on_hand OR coalesce(d.q, 0) <> s.reserved
        OR (${withReservations} AND coalesce(r.q, 0) <> s.reserved))`.execute(db);
  return rows[0]!.n;
}

async function orderCount(db: Db, tenantId: string): Promise<number> {
  const row = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return row.n;
}

export function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
