/**
 * `siyu bench notify`: WeChat Pay notifications applied per second over HTTP. A server this process
 * starts on a scratch database, a tenant whose merchant is the sandbox's simulator, payments
 * created ahead; then TRANSACTION.SUCCESS notifications — signed with the platform key, the
 * resource encrypted with the APIv3 key, as WeChat Pay sends them — POSTed to
 * /hooks/wechatpay/{tenant}, a quarter of them duplicates (the same event again, signed afresh, in
 * random order so some race their original). Each answer is the notification verified, decrypted
 * and applied. `double_applied` counts, from the database, payments applied more than once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import type { Command } from 'commander';
import { sql } from 'kysely';
import { createSiyu, type Siyu } from '../src/app.js';
import type { Database, Db } from '../src/database.js';
import { loadConfig, withoutPerAddressLimits } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import { newId } from '../src/platform/ids.js';
import { saveWechatpayMerchant } from '../src/modules/payments/wechatpay-merchant.service.js';
import { buildNotification, type SimNotifyJob } from '../src/simulators/wechatpay/simulator.notify.js';
import { SIMULATOR_PLATFORM } from '../src/simulators/wechatpay/simulator.keys.js';
import { wechatTime } from '../src/simulators/wechatpay/simulator.core.js';
import { seedRng } from '../src/cli/seed/rng.js';
import { quantile, round } from './checkout.bench.js';
import { postgresCpuMs, processCpuMs } from './cpu-usage.js';
import { integerAtLeast } from './options.js';

const positiveInt = integerAtLeast(4);

export interface NotifyBenchResult {
  events: number; unique: number; duplicates: number; clients: number; seconds: number;
  per_s: number; p50_ms: number; p99_ms: number;
  /** Payments paid after the run, and payments applied more than once (must be 0). */
  paid: number; double_applied: number;
  /** Answers other than 204. */
  failed: number;
  load_average: number[];
  /**
   * CPU per event, this process (server and clients) and PostgreSQL: the load-independent cost.
   * `cpu_bound_per_s` is what two cores would apply if nothing else ran: 2000 / the sum.
   */
  cpu_ms_per_event: { node: number; postgres: number | null }; cpu_bound_per_s: number | null;
}

const APPID = 'wx5151515151515151';
const APIV3 = 'bench-apiv3-key-of-32-bytes-abc!';
const MCHID = '1900009991';

/** A tenant with one shop, one SKU and `count` orders awaiting payment, each with a pending WeChat Pay payment. */
async function seed(db: Db, count: number) {
  const tenantId = newId('ten');
  const wh = newId('wh');
  const node = newId('bn');
  const sku = newId('sku');
  const product = newId('prd');
  const customer = newId('cus');
  const supplier = newId('sup');
  await db.insertInto('tenants').values({ id: tenantId, slug: 'bench-notify', name: 'Bench Notify' }).execute();
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id: supplier, name: 'S' }).execute();
  await db.insertInto('warehouses').values({ tenant_id: tenantId, id: wh, name: 'W' }).execute();
  await db.insertInto('products').values({ tenant_id: tenantId, id: product, supplier_id: supplier, title: 'P', category: 'general', image_url: null }).execute();
  await db.insertInto('skus').values({ tenant_id: tenantId, id: sku, product_id: product, code: 'N-1', name: '1 kg', supply_price: 700, suggested_price: 1000, retail_floor: 1000, retail_ceiling: 2000 }).execute();
  await db.insertInto('b_nodes').values({ tenant_id: tenantId, id: node, kind: 'leader', name: 'L', slug: 'bench-notify-0', warehouse_id: wh }).execute();
  await db.insertInto('customers').values({ tenant_id: tenantId, id: customer, name: 'C' } as never).execute();
  // Orders, their one line and their pending payment, in three statements.
  await sql`INSERT INTO orders (tenant_id, id, number, b_node_id, customer_id, warehouse_id, status, pickup_code, subtotal, total, supply_cost, expires_at)
            SELECT ${tenantId}, 'ord_bench_' || g, 'N' || g, ${node}, ${customer}, ${wh}, 'pending_payment', '000000', 1000, 1000, 700, now() + interval '1 day'
              FROM generate_series(1, ${count}) g`.execute(db);
  await sql`INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, title, quantity, unit_price, unit_supply_cost, line_total)
            SELECT ${tenantId}, 'ord_bench_' || g, 1, ${sku}, 'N-1', 'P 1 kg', 1, 1000, 700, 1000 FROM generate_series(1, ${count}) g`.execute(db);
  await sql`INSERT INTO payments (tenant_id, id, order_id, provider, amount, status, wechatpay_appid, prepaid_at)
            SELECT ${tenantId}, 'pay_bench_' || g, 'ord_bench_' || g, 'wechatpay', 1000, 'pending', ${APPID}, now() FROM generate_series(1, ${count}) g`.execute(db);
  await sql`ANALYZE`.execute(db);
  return tenantId;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
function post(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runNotifyBench(opts: { events: number; clients: number; json: boolean }): Promise<NotifyBenchResult> {
  const say = (m: string) => { if (!opts.json) process.stderr.write(`${m}\n`); };
  const config = withoutPerAddressLimits(loadConfig());
  const scratch = await openScratchDatabase<Database>(config, { poolMax: opts.clients + 4 });
  let siyu: Siyu | undefined;
  try {
    const duplicates = Math.floor(opts.events / 4);
    const unique = opts.events - duplicates;
    say(`seeding ${unique} payments…`);
    const tenantId = await seed(scratch.db, unique);
    await saveWechatpayMerchant(scratch.db, config.secretKey, config.mode, tenantId, {
      mchid: MCHID, appids: [APPID], serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiv3Key: APIV3, platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }], apiBase: 'simulator',
    });
    siyu = await createSiyu(scratch.db, config, { logger: false });
    await siyu.server.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(siyu.server.server.address() as AddressInfo).port}/hooks/wechatpay/${tenantId}`;

    // Built ahead (signing is WeChat Pay's cost, not ours), duplicates re-signed with their own nonce.
    say(`signing and encrypting ${opts.events} notifications…`);
    const rng = seedRng(11);
    const platform = { platform: { serial: SIMULATOR_PLATFORM.serial, privateKey: SIMULATOR_PLATFORM.privateKey, publicKey: SIMULATOR_PLATFORM.publicKey } };
    const jobOf = (g: number): SimNotifyJob => ({
      mchid: MCHID, notify_url: url, event_id: `bench-event-${g}`, event_type: 'TRANSACTION.SUCCESS', original_type: 'transaction', summary: '支付成功', attempt: 1,
      resource: {
        appid: APPID, mchid: MCHID, out_trade_no: `pay_bench_${g}`, transaction_id: `4200000${String(g).padStart(12, '0')}`, trade_type: 'JSAPI', trade_state: 'SUCCESS',
        trade_state_desc: '支付成功', bank_type: 'OTHERS', success_time: wechatTime(new Date()), payer: { openid: 'obench' }, amount: { total: 1000, payer_total: 1000, currency: 'CNY', payer_currency: 'CNY' },
      },
    });
    const targets = [...Array.from({ length: unique }, (_, i) => i + 1), ...Array.from({ length: duplicates }, () => rng.int(1, unique))];
    for (let i = targets.length - 1; i > 0; i--) { const j = rng.int(0, i); [targets[i], targets[j]] = [targets[j]!, targets[i]!]; }
    const notes = targets.map((g) => buildNotification(platform, APIV3, jobOf(g), new Date()));

    // Warm-up: a few hundred requests on payments outside the measured set would need more seeding;
    // the first requests instead pay the JIT and pool costs, which the figure includes.
    say(`posting ${opts.events} notifications from ${opts.clients} clients…`);
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const pgBefore = await postgresCpuMs(scratch.db);
    const nodeBefore = processCpuMs();
    const started = performance.now();
    await Promise.all(Array.from({ length: opts.clients }, async () => {
      for (let i = next++; i < notes.length; i = next++) {
        const t = performance.now();
        const status = await post(url, notes[i]!.headers, notes[i]!.body);
        latencies.push(performance.now() - t);
        if (status !== 204) failed++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const nodeMs = (processCpuMs() - nodeBefore) / opts.events;
    const pgAfter = await postgresCpuMs(scratch.db);
    const pgMs = pgBefore !== undefined && pgAfter !== undefined ? (pgAfter - pgBefore) / opts.events : null;
    latencies.sort((a, b) => a - b);
    const { rows: [counts] } = await sql<{ paid: number; double_applied: number }>`
      SELECT (SELECT count(*)::int FROM payments WHERE tenant_id = ${tenantId} AND status = 'succeeded') AS paid,
             (SELECT count(*)::int FROM (SELECT payment_id FROM payment_events WHERE tenant_id = ${tenantId} AND outcome IN ('order_paid', 'order_revived')
                GROUP BY payment_id HAVING count(*) > 1) d)
           + (SELECT count(*)::int FROM audit_log WHERE tenant_id = ${tenantId} AND action = 'payment.auto_refunded') AS double_applied`.execute(scratch.db);
    const result: NotifyBenchResult = {
      events: opts.events, unique, duplicates, clients: opts.clients, seconds: round(seconds, 2),
      per_s: round(opts.events / seconds, 1), p50_ms: round(quantile(latencies, 0.5), 2), p99_ms: round(quantile(latencies, 0.99), 2),
      paid: counts!.paid, double_applied: counts!.double_applied, failed,
      load_average: (await import('node:os')).loadavg().map((l) => round(l, 2)),
      cpu_ms_per_event: { node: round(nodeMs, 3), postgres: pgMs === null ? null : round(pgMs, 3) },
      cpu_bound_per_s: pgMs === null ? null : round(2000 / (nodeMs + pgMs), 0),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write([
        `notify: ${result.events} WeChat Pay notifications (${result.duplicates} duplicates) from ${result.clients} clients in ${result.seconds} s`,
        `  applied          ${result.per_s} events/s`,
        `  answer           p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms`,
        `  paid             ${result.paid} of ${result.unique}`,
        `  double applied   ${result.double_applied}`,
        `  failed answers   ${result.failed}`,
        `  CPU per event    ${result.cpu_ms_per_event.node} ms this process (server and clients), ${result.cpu_ms_per_event.postgres ?? '–'} ms PostgreSQL → ${result.cpu_bound_per_s ?? '–'}/s on two idle cores`,
        `  load average     ${result.load_average.join(' ')}`,
        '',
      ].join('\n'));
    }
    return result;
  } finally {
    await siyu?.close();
    await scratch.close();
  }
}


export function registerNotifyBench(bench: Command): void {
  bench
    .command('notify')
    .description('WeChat Pay notifications verified, decrypted and applied per second over HTTP, a quarter duplicates')
    .option('--events <n>', 'notifications posted', positiveInt, 20_000)
    .option('--clients <n>', 'concurrent HTTP clients', positiveInt, 32)
    .option('--json', 'print one JSON line')
    .action(async (opts: { events: number; clients: number; json?: boolean }) => {
      await runNotifyBench({ events: opts.events, clients: opts.clients, json: opts.json === true });
    });
}
