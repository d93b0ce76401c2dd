import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { createSiyu } from '../src/app.js';
import { checkout } from '../src/flows/checkout.flow.js';
import { systemClock } from '../src/platform/clock.js';
import { loadConfig, withoutPerAddressLimits } from '../src/platform/config.js';
import { inTransaction, SERVER_POOL_MAX } from '../src/platform/db/database.js';
import type { Database, Db } from '../src/database.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { AppError } from '../src/platform/errors.js';
import { newId, newSecret, sha256 } from '../src/platform/ids.js';
import { integerAtLeast } from './options.js';
import { quantile, round } from './checkout.bench.js';

export interface FlashBenchOptions { buyers: number; stock: number; clients: number; pool: number; http: boolean; json: boolean }
export interface FlashBenchResult {
  buyers: number; stock: number; clients: number; pool: number; mode: 'service' | 'http';
  sold: number; oversold: number; refused: number; attempts_per_s: number; p50_ms: number; p99_ms: number; seconds: number;
}

export function registerFlashBench(bench: Command) {
  bench.command('flash')
    .description('a burst of purchase attempts on one flash-sale SKU: units sold against the cap, oversell, attempts/s and p99')
    .option('--buyers <n>', 'purchase attempts, one per distinct buyer', integerAtLeast(1), 10_000)
    .option('--stock <n>', 'the flash sale\'s unit cap', integerAtLeast(1), 100)
    .option('--clients <n>', 'attempts in flight at once', integerAtLeast(1), 64)
    .option('--pool <n>', 'connections to PostgreSQL (a server process keeps this many by default)', integerAtLeast(1), SERVER_POOL_MAX)
    .option('--http', 'go through the HTTP server over loopback instead of calling checkout in-process')
    .option('--json', 'print one JSON line')
    .action(async (opts: { buyers: number; stock: number; clients: number; pool: number; http?: boolean; json?: boolean }) => {
      await runFlashBench({ buyers: opts.buyers, stock: opts.stock, clients: opts.clients, pool: opts.pool, http: opts.http ?? false, json: opts.json ?? false });
    });
}

interface World { tenantId: string; shop: string; skuId: string; saleId: string; warehouseId: string; buyers: { customerId: string; token: string }[] }

export async function runFlashBench(opts: FlashBenchOptions): Promise<FlashBenchResult> {
  const say = (m: string) => process.stderr.write(`${m}\n`);
  const config = withoutPerAddressLimits(loadConfig());
  const scratch = await openScratchDatabase<Database>(config, { poolMax: opts.pool });
  let siyu: Awaited<ReturnType<typeof createSiyu>> | undefined;
  try {
    say(`seeding a shop, one SKU with ${opts.stock * 10} units on hand, a flash sale of ${opts.stock} and ${opts.buyers} buyers…`);
    const w = await seedWorld(scratch.db, opts);
    let attempt = (i: number) => attemptService(scratch.db, w, i);
    if (opts.http) {
      siyu = await createSiyu(scratch.db, config, { logger: false });
      await siyu.server.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}/api/v1/orders`;
      attempt = (i) => attemptHttp(url, w, i);
    }
    // A running server's connections are open before its buyers arrive; opening them is not part of the burst.
    await Promise.all(Array.from({ length: opts.pool }, () => sql`SELECT pg_sleep(0.05)`.execute(scratch.db)));
    say(`${opts.buyers} attempts, ${opts.clients} in flight at once over ${opts.pool} connections…`);
    const latencies = new Array<number>(opts.buyers);
    let next = 0;
    let sold = 0;
    let refused = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.min(opts.clients, opts.buyers) }, async () => {
      for (let i = next++; i < opts.buyers; i = next++) {
        const t0 = performance.now();
        if (await attempt(i)) sold++; else refused++;
        latencies[i] = performance.now() - t0;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const books = await flashBooks(scratch.db, w);
    if (books.orders !== sold) throw new Error(`accepted ${sold} attempts but ${books.orders} orders exist`);
    const result: FlashBenchResult = {
      buyers: opts.buyers, stock: opts.stock, clients: opts.clients, pool: opts.pool, mode: opts.http ? 'http' : 'service',
      sold: books.units, oversold: Math.max(0, books.units - opts.stock) + Math.max(0, books.counter - opts.stock) + books.stockBroken, refused,
      attempts_per_s: round(opts.buyers / seconds), p50_ms: round(quantile(latencies, 0.5), 2), p99_ms: round(quantile(latencies, 0.99), 2), seconds: round(seconds, 2),
    };
    console.log(opts.json ? JSON.stringify(result) : [
      `flash: ${r(result.buyers)} buyers for ${result.stock} units, ${result.clients} in flight over ${result.pool} connections, ${result.mode === 'http' ? 'HTTP over loopback' : 'checkout in-process'}`,
      `  sold      ${result.sold}   oversold ${result.oversold}   refused ${result.refused}`,
      `  ${result.attempts_per_s} attempts/s   p50 ${result.p50_ms} ms   p99 ${result.p99_ms} ms   (${result.seconds} s)`,
    ].join('\n'));
    return result;
  } finally {
    await siyu?.close().catch(() => undefined);
    await scratch.close();
  }
}

const r = (n: number) => n.toLocaleString('en');

const input = (w: World) => ({ shop: w.shop, lines: [{ sku_id: w.skuId, quantity: 1 }], fulfillment: 'pickup' as const, note: '', campaign: { kind: 'flash_sale' as const, ref: w.saleId } });
const refusals = new Set(['flash_sale_sold_out', 'out_of_stock']);

async function attemptService(db: Db, w: World, i: number): Promise<boolean> {
  try {
    await inTransaction(db, (tx) => checkout(tx, systemClock, { tenantId: w.tenantId, customerId: w.buyers[i]!.customerId }, input(w)));
    return true;
  } catch (err) {
    if (err instanceof AppError && refusals.has(err.code)) return false;
    throw err;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function attemptHttp(url: string, w: World, i: number): Promise<boolean> {
  const body = JSON.stringify(input(w));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: `Bearer ${w.buyers[i]!.token}`, 'content-type': 'application/json', 'idempotency-key': `flash-${i}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => {
        if (res.statusCode === 201) resolve(true);
        else if (res.statusCode === 409 && [...refusals].some((c) => text.includes(c))) resolve(false);
        else reject(new Error(`checkout over HTTP answered ${res.statusCode}: ${text.slice(0, 300)}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What the database says was sold: the sale's counter, units on its orders, and any stock row whose books do not balance. */
async function flashBooks(db: Db, w: World) {
  const { rows } = await sql<{ orders: number; units: number; counter: number; stock_broken: number }>`
    SELECT (SELECT count(*) FROM orders WHERE tenant_id = ${w.tenantId} AND campaign_ref = ${w.saleId})::int AS orders,
           (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
             WHERE o.tenant_id = ${w.tenantId} AND o.campaign_ref = ${w.saleId})::int AS units,
           (SELECT sold FROM flash_sales WHERE tenant_id = ${w.tenantId} AND id = ${w.saleId}) AS counter,
           (SELECT count(*) FROM stock WHERE tenant_id = ${w.tenantId} AND (reserved > on_hand OR reserved <> (SELECT coalesce(sum(quantity), 0) FROM stock_reservations
              WHERE tenant_id = ${w.tenantId} AND sku_id = stock.sku_id AND status = 'active')))::int AS stock_broken`.execute(db);
  return { orders: rows[0]!.orders, units: rows[0]!.units, counter: rows[0]!.counter, stockBroken: rows[0]!.stock_broken };
}

/** One tenant, shop and SKU (ten times the cap on hand, so the sale's cap is what runs out), a running flash sale, and buyers with sessions. */
async function seedWorld(db: Db, opts: FlashBenchOptions): Promise<World> {
  const tenantId = newId('ten');
  const slug = `flash-${newSecret(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const supplierId = newId('sup');
  const warehouseId = newId('wh');
  const productId = newId('prd');
  const skuId = newId('sku');
  const bNodeId = newId('bn');
  const saleId = newId('fls');
  await db.insertInto('tenants').values({ id: tenantId, slug, name: slug }).execute();
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id: supplierId, name: 'Bench Supplier' }).execute();
  await db.insertInto('warehouses').values({ tenant_id: tenantId, id: warehouseId, name: 'Bench Warehouse' }).execute();
  await db.insertInto('products').values({ tenant_id: tenantId, id: productId, supplier_id: supplierId, title: 'Flash product', image_url: null }).execute();
  await db.insertInto('skus').values({ tenant_id: tenantId, id: skuId, product_id: productId, code: 'FLASH-1', name: '1 kg', supply_price: 600, suggested_price: 1000, retail_floor: 800, retail_ceiling: 1500 }).execute();
  await db.insertInto('stock').values({ tenant_id: tenantId, warehouse_id: warehouseId, sku_id: skuId, on_hand: opts.stock * 10 }).execute();
  await db.insertInto('b_nodes').values({ tenant_id: tenantId, id: bNodeId, kind: 'leader', name: 'Leader', slug: `${slug}-shop`, warehouse_id: warehouseId }).execute();
  await db.insertInto('shop_routes').values({ slug: `${slug}-shop`, tenant_id: tenantId, b_node_id: bNodeId }).execute();
  await db.insertInto('listings').values({ tenant_id: tenantId, b_node_id: bNodeId, sku_id: skuId, retail_price: 1000 }).execute();
  const now = Date.now();
  await db.insertInto('flash_sales').values({
    tenant_id: tenantId, id: saleId, name: 'Bench flash sale', b_node_id: bNodeId, sku_id: skuId, price: 900, stock_cap: opts.stock, per_customer_limit: 1,
    starts_at: new Date(now - 60_000), ends_at: new Date(now + 3_600_000), status: 'active', verdict: 'accept', guard: JSON.stringify(null), override_reason: null, created_by: null,
  }).execute();
  const buyers = Array.from({ length: opts.buyers }, (_, i) => ({ customerId: newId('cus'), userId: newId('usr'), phone: `13${String(i).padStart(9, '0')}`, token: `ses_${newSecret()}` }));
  for (let i = 0; i < buyers.length; i += 2000) {
    const part = buyers.slice(i, i + 2000);
    await db.insertInto('users').values(part.map((c) => ({ tenant_id: tenantId, id: c.userId, login: `consumer:${c.phone}`, display_name: `C${c.phone.slice(-4)}`, role: 'consumer' as const, password_hash: null, supplier_id: null, b_node_id: null }))).execute();
    await db.insertInto('customers').values(part.map((c) => ({ tenant_id: tenantId, id: c.customerId, user_id: c.userId, b_node_id: bNodeId, name: `C${c.phone.slice(-4)}` }))).execute();
    await db.insertInto('auth_tokens').values(part.map((c) => ({ tenant_id: tenantId, token_hash: sha256(c.token), user_id: c.userId, kind: 'session' as const, name: null, expires_at: new Date(now + 86_400_000), revoked_at: null }))).execute();
  }
  await sql`ANALYZE`.execute(db);
  return { tenantId, shop: `${slug}-shop`, skuId, saleId, warehouseId, buyers };
}
