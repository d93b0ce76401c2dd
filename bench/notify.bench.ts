/**
 * `siyu bench notify`: WeChat Pay notifications applied per second over HTTP. A server this process
 * starts on a scratch database, a tenant whose merchant is the sandbox's simulator, payments
 * created ahead; then TRANSACTION.SUCCESS notifications — signed with the platform key, the
 * resource encrypted with the APIv3 key, as WeChat Pay sends them — POSTed to
 * /hooks/wechatpay/{tenant}, a quarter of them duplicates (the same event again, signed afresh, in
 * random order so some race their original). Each answer is the notification verified, decrypted
 * and applied. `double_applied` counts, from the database, payments applied more than once.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Command } from 'commander';
import { sql } from 'kysely';
import type { Db } from '../src/database.js';
import { newId } from '../src/platform/ids.js';
import { saveWechatpayMerchant } from '../src/modules/payments/wechatpay-merchant.service.js';
import { buildNotification, type SimNotifyJob } from '../src/simulators/wechatpay/simulator.notify.js';
import { SIMULATOR_PLATFORM } from '../src/simulators/wechatpay/simulator.keys.js';
import { wechatTime } from '../src/simulators/wechatpay/simulator.core.js';
import { seedRng } from '../src/cli/seed/rng.js';
import { eventRateLines, postConcurrently, registerEventRateBench, withBenchServer, shuffledTargets, splitDuplicates, type EventRateFigures } from './http-load.js';
import { printFigures, progress } from './report.js';

export interface NotifyBenchResult extends EventRateFigures {
  /** Payments paid after the run, and payments applied more than once (must be 0). */
  paid: number; double_applied: number;
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

export async function runNotifyBench(opts: { events: number; clients: number; json: boolean }): Promise<NotifyBenchResult> {
  const say = progress(opts.json);
  const { unique, duplicates } = splitDuplicates(opts.events);
  return withBenchServer({
    clients: opts.clients,
    server: {},
    prepare: async (db, config) => {
      say(`seeding ${unique} payments…`);
      const tenantId = await seed(db, unique);
      await saveWechatpayMerchant(db, config.secretKey, config.mode, tenantId, {
        mchid: MCHID, appids: [APPID], serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
        privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        apiv3Key: APIV3, platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }], apiBase: 'simulator',
      });
      return tenantId;
    },
    run: async ({ db, origin, prepared: tenantId }) => {
      const url = `${origin}/hooks/wechatpay/${tenantId}`;

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
      const targets = shuffledTargets(unique, duplicates, rng);
      const notes = targets.map((g) => buildNotification(platform, APIV3, jobOf(g), new Date()));

      // Warm-up: a few hundred requests on payments outside the measured set would need more seeding;
      // the first requests instead pay the JIT and pool costs, which the figure includes.
      say(`posting ${opts.events} notifications from ${opts.clients} clients…`);
      const rate = await postConcurrently(db, notes.map((n) => ({ url, headers: { ...n.headers, 'content-type': 'application/json' }, body: n.body })), { clients: opts.clients, duplicates, expectStatus: 204 });
      const { rows: [counts] } = await sql<{ paid: number; double_applied: number }>`
        SELECT (SELECT count(*)::int FROM payments WHERE tenant_id = ${tenantId} AND status = 'succeeded') AS paid,
               (SELECT count(*)::int FROM (SELECT payment_id FROM payment_events WHERE tenant_id = ${tenantId} AND outcome IN ('order_paid', 'order_revived')
                  GROUP BY payment_id HAVING count(*) > 1) d)
             + (SELECT count(*)::int FROM audit_log WHERE tenant_id = ${tenantId} AND action = 'payment.auto_refunded') AS double_applied`.execute(db);
      return printFigures(opts.json, { ...rate, paid: counts!.paid, double_applied: counts!.double_applied }, (f) => eventRateLines(f, { title: 'notify', events: 'WeChat Pay notifications', rate: 'applied' }, [
        `  paid             ${f.paid} of ${f.unique}`,
        `  double applied   ${f.double_applied}`,
      ]));
    },
  });
}

export function registerNotifyBench(bench: Command): void {
  registerEventRateBench(bench, {
    name: 'notify',
    description: 'WeChat Pay notifications verified, decrypted and applied per second over HTTP, a quarter duplicates',
    posts: 'notifications',
    run: runNotifyBench,
  });
}
