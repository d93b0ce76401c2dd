import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/test-db.js';
import { auth, consumerToken, seedWorld, testConfig, type World, testPhones } from '../../test/fixtures.js';
import { createSiyu, type Siyu } from '../app.js';
import { injectPost } from './sandboxpay.unit.js';
import { systemClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createUser, issueToken } from '../modules/identity/identity.service.js';
import { saveWechatpayMerchant } from '../modules/payments/wechatpay-merchant.service.js';
import { JOBS } from '../modules/profit-sharing/profit-sharing.service.js';
import { RECONCILE_WECHATPAY_JOB } from '../modules/reconciliation/reconciliation.service.js';
import { SIMULATOR_PLATFORM } from '../simulators/wechatpay/simulator.keys.js';
import { tweakSimulatorBill } from '../simulators/wechatpay/simulator.bills.js';
import { simIds } from '../simulators/wechatpay/simulator.core.js';
import * as ps from '../adapters/wechatpay/wechatpay.profitsharing.js';
import { WechatpayApiError } from '../adapters/wechatpay/wechatpay.client.js';
import { injectTransports } from './wechatpay-money.unit.js';
import { giveOpenid } from '../../test/wechatpay.js';
import vectors from '../adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };

/**
 * Profit sharing and daily reconciliation end to end against the sandbox's WeChat Pay simulator,
 * through the server's inject. Orders are paid through the sandbox provider and then recorded as
 * WeChat Pay payments with a matching simulator transaction, as a JSAPI payment leaves them.
 */
const { db } = await createTestDatabase();
const MCHID = '1900009191';
const APPID = 'wx0123456789abcdef';
// The SDK's published test key, used as this merchant's key: tests only.
const MERCHANT_KEY = vectors.test_keypair.private_key_pkcs8_pem;
const beijingDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('WeChat Pay profit sharing and reconciliation against the simulator', () => {
  let siyu: Siyu;
  let world: World;
  let admin: Record<string, string>;
  let key = 0;
  const today = beijingDay(new Date());
  const inject = (opts: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: unknown }) => siyu.server.inject(opts as never);
  const idem = (token: string) => auth(token, { 'idempotency-key': `m-${++key}` });
  const runJob = async (kind: string, payload: unknown) => {
    await sql`SELECT graphile_worker.add_job(${kind}, ${JSON.stringify({ tenant_id: world.tenantId, data: payload })}::json)`.execute(db);
    await siyu.tick();
  };
  /** Jobs queued for later (a query after PROCESSING) are made due now. */
  const runDelayed = async () => {
    await sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE run_at > now()`.execute(db);
    await siyu.tick();
  };

  beforeAll(async () => {
    siyu = await createSiyu(db, testConfig, {
      clock: systemClock, sandboxNotifyPost: injectPost, wechatpayInject: true,
      // The pay side of WeChat Pay in process too: its API calls and the simulator's notifications.
      wechatpayTransport: (server) => injectTransports(server).json,
      wechatpaySimulatorPost: (server) => async (url, headers, body) => {
        const res = await server.inject({ method: 'POST', url: new URL(url).pathname, headers: { ...headers, 'content-type': 'application/json' }, payload: body });
        return { status: res.statusCode, body: res.body };
      },
    });
    await siyu.server.ready();
    world = await seedWorld(db, systemClock);
    admin = auth(world.adminToken);
    await saveWechatpayMerchant(db, testConfig.secretKey, 'sandbox', world.tenantId, {
      mchid: MCHID, appids: [APPID], serial: vectors.test_keypair.cert_serial, privateKeyPem: MERCHANT_KEY, apiv3Key: 'a'.repeat(32),
      platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }], apiBase: 'simulator', profitSharing: true,
    });
    const policy = (await inject({ method: 'POST', url: '/api/v1/economics/policies', headers: admin, payload: { name: 'Leader 10%', leader_bps: 1000 } })).json();
    expect((await inject({ method: 'PUT', url: `/api/v1/b-nodes/${world.bNodeId}/commission-policy`, headers: admin, payload: { policy_id: policy.id } })).statusCode).toBe(200);
  });
  afterAll(() => siyu.close());

  /** A paid order whose payment is a WeChat Pay transaction the simulator knows (profit sharing as asked). */
  async function wechatPaidOrder(quantity = 2, profitSharing = true) {
    const token = await consumerToken(siyu, world.shop, `1380000${String(++key).padStart(4, '0')}`);
    const order = (await inject({ method: 'POST', url: '/api/v1/orders', payload: { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity }] }, headers: idem(token) })).json();
    const pay = (await inject({ method: 'POST', url: `/api/v1/orders/${order.id}/payments`, payload: {}, headers: idem(token) })).json();
    await inject({ method: 'POST', url: `/api/v1/sandbox/payments/${pay.payment_id}/pay`, payload: {}, headers: auth(token) });
    await siyu.tick();
    const transactionId = simIds.transaction();
    const payment = await db.updateTable('payments').set({ provider: 'wechatpay', provider_trade_no: transactionId })
      .where('tenant_id', '=', world.tenantId).where('id', '=', pay.payment_id).returning(['amount', 'succeeded_at']).executeTakeFirstOrThrow();
    expect(payment.succeeded_at).not.toBeNull();
    await sql`INSERT INTO wechatpay_sim_transactions (mchid, out_trade_no, appid, prepay_id, transaction_id, description, amount_total, payer_openid, notify_url, profit_sharing, request, trade_state, success_time)
              VALUES (${MCHID}, ${pay.payment_id}, ${APPID}, ${simIds.prepay()}, ${transactionId}, 'Apples', ${payment.amount}, 'o_buyer', 'https://example.invalid/hooks', ${profitSharing}, '{}'::jsonb, 'SUCCESS', ${payment.succeeded_at})`.execute(db);
    return { orderId: order.id as string, paymentId: pay.payment_id as string, transactionId, amount: payment.amount };
  }

  /** Runs due jobs until the queue stays quiet (the simulator's deliveries are jobs too). */
  async function drain() {
    for (let quiet = 0, i = 0; quiet < 3 && i < 200; i++) {
      const { jobs } = await siyu.tick();
      quiet = jobs === 0 ? quiet + 1 : 0;
      if (jobs === 0) await new Promise((r) => setTimeout(r, 30));
    }
  }

  /** A buyer with an openid pays by JSAPI on the simulator's pay sheet; the notification settles the order. */
  async function jsapiPaidOrder() {
    const phone = `1370000${String(++key).padStart(4, '0')}`;
    const token = await consumerToken(siyu, world.shop, phone);
    const customer = await db.selectFrom('customers').select('id').where('tenant_id', '=', world.tenantId).where('phone_index', '=', testPhones.index(phone)).executeTakeFirstOrThrow();
    await giveOpenid(db, world.tenantId, customer.id, undefined, APPID);
    const order = (await inject({ method: 'POST', url: '/api/v1/orders', payload: { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }] }, headers: idem(token) })).json();
    const start = await inject({ method: 'POST', url: `/api/v1/orders/${order.id}/payments`, payload: { provider: 'wechatpay' }, headers: idem(token) });
    expect(start.statusCode, start.body).toBe(201);
    const payUrl = start.json().pay_url as string;
    const form = new URLSearchParams(new URL(payUrl, 'http://x').search);
    form.set('notify', 'normal');
    const paid = await siyu.server.inject({ method: 'POST', url: '/simulators/wechatpay/pay-sheet', payload: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(paid.statusCode, paid.body).toBe(200);
    await drain();
    const payment = await db.selectFrom('payments').select(['id', 'status', 'provider_trade_no']).where('tenant_id', '=', world.tenantId).where('id', '=', start.json().payment_id).executeTakeFirstOrThrow();
    expect(payment.status).toBe('succeeded');
    return { orderId: order.id as string, transactionId: payment.provider_trade_no! };
  }

  async function merchantCaller() {
    const { wechatpayMerchants } = await import('../modules/payments/wechatpay-merchant.service.js');
    return (await wechatpayMerchants({ secretKey: testConfig.secretKey, mode: 'sandbox', selfUrl: () => 'http://127.0.0.1' }).ofTenant(db, world.tenantId))!;
  }
  const transport = () => ({ transport: injectTransports(siyu.server).json });

  it('adds a B node owner as receiver: the name reaches WeChat only OAEP-encrypted, and is never returned', async () => {
    const added = await inject({ method: 'POST', url: '/api/v1/profit-sharing/receivers', headers: admin, payload: { b_node_id: world.bNodeId, type: 'MERCHANT_ID', account: '1900000109', name: '李记社区店', relation_type: 'STORE_OWNER' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ status: 'pending', has_name: true });
    expect(added.body).not.toContain('李记');
    await siyu.tick();
    const list = (await inject({ method: 'GET', url: '/api/v1/profit-sharing/receivers', headers: admin })).json().items;
    expect(list[0]).toMatchObject({ status: 'active', account: '1900000109' });
    const sim = await sql<{ name: string }>`SELECT name FROM wechatpay_sim_ps_receivers WHERE mchid = ${MCHID} AND account = '1900000109'`.execute(db);
    expect(sim.rows[0]!.name).toBe('李记社区店');
    const stored = await db.selectFrom('profit_sharing_receivers').select('name_sealed').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
    expect(stored.name_sealed).not.toContain('李记');
    // A CUSTOM relation without its name is bad input: 400, nothing stored, nothing sent.
    const bad = await inject({ method: 'POST', url: '/api/v1/profit-sharing/receivers', headers: admin, payload: { b_node_id: world.bNodeId, type: 'PERSONAL_OPENID', account: 'o_owner', relation_type: 'CUSTOM' } });
    expect(bad.statusCode).toBe(400);
    expect(await db.selectFrom('profit_sharing_receivers').select('id').where('tenant_id', '=', world.tenantId).execute()).toHaveLength(1);
  });

  it('a split asked twice, and sent twice with the same out_order_no, has one effect', async () => {
    const { orderId, transactionId, amount } = await wechatPaidOrder(2);
    const first = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/split`, headers: admin, payload: {} });
    const second = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/split`, headers: admin, payload: {} });
    expect(first.statusCode, first.body).toBe(200);
    expect(second.json().out_order_no).toBe(first.json().out_order_no);
    expect(first.json()).toMatchObject({ amount: 200, status: 'pending' }); // 10% leader commission of 2000
    await siyu.tick();
    // A crash after WeChat answered but before we recorded it: the job runs again with the same out_order_no.
    await db.updateTable('profit_sharing_orders').set({ status: 'pending' }).where('tenant_id', '=', world.tenantId).where('id', '=', first.json().id).execute();
    await runJob(JOBS.orderSubmit, { id: first.json().id });
    const simOrders = await sql<{ n: number }>`SELECT count(*)::int AS n FROM wechatpay_sim_ps_orders WHERE mchid = ${MCHID} AND transaction_id = ${transactionId}`.execute(db);
    expect(simOrders.rows[0]!.n).toBe(1);
    const left = await ps.unsplitAmount(await merchantCaller(), transactionId, transport());
    // unfreeze_unsplit (the default) releases the rest to the merchant: nothing more to split.
    expect(left.unsplit_amount).toBe(0);
    expect(amount).toBe(2000);
    await runDelayed();
    const state = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/profit-sharing`, headers: admin })).json();
    expect(state.items[0]).toMatchObject({ status: 'finished', amount: 200 });
  });

  it('a JSAPI payment made with profit sharing: its commission split twice is split once, and FINISHED after a query', async () => {
    await inject({ method: 'POST', url: '/simulators/wechatpay/control', payload: { mchid: MCHID, time_scale: 100_000 } });
    const { orderId, transactionId } = await jsapiPaidOrder();
    const made = await sql<{ profit_sharing: boolean; amount_total: number }>`SELECT profit_sharing, amount_total FROM wechatpay_sim_transactions WHERE mchid = ${MCHID} AND transaction_id = ${transactionId}`.execute(db);
    expect(made.rows[0]).toEqual({ profit_sharing: true, amount_total: 2000 });
    const [a, b] = await Promise.all([1, 2].map(() => inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/split`, headers: admin, payload: { unfreeze_unsplit: false } })));
    expect(a!.json().out_order_no).toBe(b!.json().out_order_no);
    await drain();
    await runJob(JOBS.orderSubmit, { id: a!.json().id }); // a stray resend changes nothing
    const left = await ps.unsplitAmount(await merchantCaller(), transactionId, transport());
    expect(left.unsplit_amount).toBe(2000 - 200);
    await runDelayed();
    const state = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/profit-sharing`, headers: admin })).json();
    expect(state.items).toHaveLength(1);
    expect(state.items[0]).toMatchObject({ status: 'finished', amount: 200 });
    // The rest released: nothing more to split.
    const unfreeze = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/unfreeze`, headers: admin, payload: {} });
    expect(unfreeze.statusCode, unfreeze.body).toBe(200);
    await siyu.tick();
    expect((await ps.unsplitAmount(await merchantCaller(), transactionId, transport())).unsplit_amount).toBe(0);
  });

  it('the simulator refuses a split beyond the unsplit amount, or of a transaction made without profit_sharing', async () => {
    const caller = await merchantCaller();
    const plain = await wechatPaidOrder(1, false);
    const refused = await ps.split(caller, { appid: APPID, transaction_id: plain.transactionId, out_order_no: 'PS-no-auth-1', unfreeze_unsplit: false, receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 10, description: 'x' }] }, transport()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WechatpayApiError);
    expect((refused as WechatpayApiError).code).toBe('NO_AUTH');
    const open = await wechatPaidOrder(1);
    const tooMuch = await ps.split(caller, { appid: APPID, transaction_id: open.transactionId, out_order_no: 'PS-too-much-1', unfreeze_unsplit: false, receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: open.amount + 1, description: 'x' }] }, transport()).catch((e: unknown) => e);
    expect((tooMuch as WechatpayApiError).code).toBe('NOT_ENOUGH');
    const part = await ps.split(caller, { appid: APPID, transaction_id: open.transactionId, out_order_no: 'PS-part-1', unfreeze_unsplit: false, receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 300, description: 'x' }] }, transport());
    expect(part.state).toBe('PROCESSING');
    expect((await ps.unsplitAmount(caller, open.transactionId, transport())).unsplit_amount).toBe(open.amount - 300);
    const reused = await ps.split(caller, { appid: APPID, transaction_id: open.transactionId, out_order_no: 'PS-part-1', unfreeze_unsplit: false, receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 301, description: 'x' }] }, transport()).catch((e: unknown) => e);
    expect((reused as WechatpayApiError).code).toBe('INVALID_REQUEST');
  });

  it('returns the commission an order no longer carries after a refund', async () => {
    const { orderId } = await wechatPaidOrder(2);
    const split = (await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/split`, headers: admin, payload: {} })).json();
    await siyu.tick();
    const early = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/return`, headers: admin, payload: {} });
    expect(early.json().code).toBe('split_not_finished');
    await runDelayed();
    // One of the two units refunded: the leader's 10% now comes from 1000, so 100 of the 200 is owed back.
    const refund = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, headers: idem(world.adminToken), payload: { lines: [{ line_no: 1, quantity: 1 }] } });
    expect(refund.statusCode).toBe(201);
    // The refund itself asked for the return, in its own transaction.
    const asked = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/profit-sharing`, headers: admin })).json();
    expect(asked.returns).toHaveLength(1);
    expect(asked.returns[0]).toMatchObject({ amount: 100, status: 'pending', split_id: split.id });
    const again = await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/profit-sharing/return`, headers: admin, payload: {} });
    expect(again.json().code).toBe('nothing_to_return');
    await siyu.tick();
    await runDelayed();
    const state = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/profit-sharing`, headers: admin })).json();
    expect(state.returns[0]).toMatchObject({ status: 'succeeded', amount: 100 });
    expect(state.items[0].returned_amount).toBe(100);
    const sim = await sql<{ amount: number; result: string }>`SELECT amount, result FROM wechatpay_sim_ps_returns WHERE mchid = ${MCHID} AND out_order_no = ${split.out_order_no}`.execute(db);
    expect(sim.rows).toEqual([{ amount: 100, result: 'SUCCESS' }]);
    // The last unit refunded too: the rest of the commission comes back, never more than was split.
    expect((await inject({ method: 'POST', url: `/api/v1/orders/${orderId}/refunds`, headers: idem(world.adminToken), payload: { lines: [{ line_no: 1, quantity: 1 }] } })).statusCode).toBe(201);
    await siyu.tick();
    await runDelayed();
    const done = (await inject({ method: 'GET', url: `/api/v1/orders/${orderId}/profit-sharing`, headers: admin })).json();
    expect(done.returns.map((r: { amount: number; status: string }) => [r.amount, r.status])).toEqual([[100, 'succeeded'], [100, 'succeeded']]);
    expect(done.items[0].returned_amount).toBe(200);
  });

  it('reconciles a day against the simulator\'s bills and finds each kind of difference', async () => {
    const kept = await wechatPaidOrder(1);
    const dropped = await wechatPaidOrder(1);
    const changed = await wechatPaidOrder(1);
    await tweakSimulatorBill(db, MCHID, today, { kind: 'drop', out_trade_no: dropped.paymentId });
    await tweakSimulatorBill(db, MCHID, today, { kind: 'amount', out_trade_no: changed.paymentId, amount: changed.amount - 1 });
    await tweakSimulatorBill(db, MCHID, today, { kind: 'extra', out_trade_no: 'pay_not_ours_0001', amount: 4321 });
    const report = await siyu.reconcileWechatpay(world.tenantId, today);
    expect(report.status).toBe('differences');
    const kinds = report.items.map((d) => [d.kind, d.reference]);
    expect(kinds).toContainEqual(['missing_there', dropped.paymentId]);
    expect(kinds).toContainEqual(['amount_mismatch', changed.paymentId]);
    expect(kinds).toContainEqual(['missing_here', 'pay_not_ours_0001']);
    expect(kinds.some(([, ref]) => ref === kept.paymentId)).toBe(false);
    const mismatch = report.items.find((d) => d.kind === 'amount_mismatch')!;
    expect([mismatch.bill_amount, mismatch.our_amount]).toEqual([changed.amount - 1, changed.amount]);
    expect(report.fund_income_total).toBeGreaterThan(0);
    // Ours: every WeChat Pay payment of the day; the bill: all but the dropped one, plus the stranger.
    expect(report.our_payments - report.bill_payments).toBe(0);
    const list = (await inject({ method: 'GET', url: '/api/v1/reconciliation/reports', headers: admin })).json().items;
    expect(list[0]).toMatchObject({ bill_date: today, status: 'differences', differences: report.items.length });
    const detail = (await inject({ method: 'GET', url: `/api/v1/reconciliation/reports/${report.id}`, headers: admin })).json();
    expect(detail.items).toHaveLength(report.items.length);
  });

  it('a day whose bill agrees is matched; a bill whose SHA1 does not match is refused', async () => {
    const clean = '2026-10-01';
    const matched = await siyu.reconcileWechatpay(world.tenantId, clean);
    expect(matched).toMatchObject({ status: 'matched', differences: 0, bill_payments: 0, our_payments: 0 });
    await tweakSimulatorBill(db, MCHID, today, { kind: 'corrupt' });
    const refused = await siyu.reconcileWechatpay(world.tenantId, today);
    expect(refused).toMatchObject({ status: 'failed', error: 'bill_hash_mismatch', differences: 0 });
  });

  it('the morning job queues a run per tenant with WeChat Pay; the API queues one for a day', async () => {
    const queued = await inject({ method: 'POST', url: '/api/v1/reconciliation/wechatpay/runs', headers: admin, payload: { date: '2026-10-02' } });
    expect(queued.statusCode).toBe(202);
    await siyu.tick();
    const list = (await inject({ method: 'GET', url: '/api/v1/reconciliation/reports', headers: admin })).json().items;
    expect(list.map((r: { bill_date: string }) => r.bill_date)).toContain('2026-10-02');
    const { enqueueDailyReconciliations } = await import('../modules/reconciliation/reconciliation.service.js');
    expect(await enqueueDailyReconciliations(db, new Date())).toBeGreaterThanOrEqual(1);
    const jobs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${RECONCILE_WECHATPAY_JOB}`.execute(db);
    expect(jobs.rows[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('staff and leaders get 403 on reconciliation and profit sharing; another tenant\'s report 404', async () => {
    for (const role of ['staff', 'b_owner'] as const) {
      const user = await createUser(db, world.tenantId, { login: `${role}-m`, display_name: role, role, password: 'password-123', b_node_id: world.bNodeId });
      const { token } = await issueToken(db, systemClock, world.tenantId, user.id, 'api', 'tests');
      expect((await inject({ method: 'GET', url: '/api/v1/reconciliation/reports', headers: auth(token) })).statusCode).toBe(403);
      expect((await inject({ method: 'POST', url: '/api/v1/reconciliation/wechatpay/runs', headers: auth(token), payload: { date: today } })).statusCode).toBe(403);
      expect((await inject({ method: 'GET', url: '/api/v1/profit-sharing/receivers', headers: auth(token) })).statusCode).toBe(403);
    }
    const other = await seedWorld(db, systemClock);
    const mine = (await inject({ method: 'GET', url: '/api/v1/reconciliation/reports', headers: admin })).json().items[0];
    expect((await inject({ method: 'GET', url: `/api/v1/reconciliation/reports/${mine.id}`, headers: auth(other.adminToken) })).statusCode).toBe(404);
    const order = await db.selectFrom('profit_sharing_orders').select('order_id').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
    expect((await inject({ method: 'GET', url: `/api/v1/orders/${order.order_id}/profit-sharing`, headers: auth(other.adminToken) })).statusCode).toBe(404);
    expect((await inject({ method: 'POST', url: `/api/v1/orders/${order.order_id}/profit-sharing/split`, headers: auth(other.adminToken), payload: {} })).statusCode).toBe(404);
  });

  it('live mode mounts none of the simulator\'s profit-sharing or bill routes', async () => {
    const live = await createSiyu(db, loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48), DATABASE_URL: 'postgres://unused/siyu', SIYU_RATE_LIMITS: 'off' }), { clock: systemClock });
    try {
      for (const url of ['/simulators/wechatpay/v3/bill/tradebill?bill_date=2026-10-01&bill_type=ALL', '/simulators/wechatpay/v3/profitsharing/transactions/1/amounts', '/simulators/wechatpay/v3/billdownload/file?token=x']) {
        expect((await live.server.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
      expect((await live.server.inject({ method: 'POST', url: '/simulators/wechatpay/v3/profitsharing/orders', payload: {} })).statusCode).toBe(404);
    } finally {
      await live.server.close();
    }
  });
});

