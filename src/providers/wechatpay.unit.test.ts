/**
 * WeChat Pay end to end against the sandbox's simulator over real sockets: prepay and the pay
 * sheet, signed and encrypted notifications to /hooks/wechatpay/{tenant}, the query job, refunds
 * and their notifications, and what is refused: forged, stale, replayed or mismatched
 * notifications, refunds above what remains, and any simulator in live mode.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createSiyu } from '../app.js';
import { wechatpayUnit } from './wechatpay.unit.js';
import { loadConfig } from '../platform/config.js';
import { testConfig } from '../../test/fixtures.js';
import { raceHarness } from '../../test/race/harness.js';
import { expectProblem, orderRow, paymentRow, placeOrder, rowCounts } from '../../test/race/helpers.js';
import { connectSimulatorMerchant, giveOpenid, merchantPrivateKey, TEST_APIV3_KEY, TEST_APPID } from '../../test/wechatpay.js';
import { createTestDatabase } from '../../test/test-db.js';
import { buildNotification } from '../simulators/wechatpay/simulator.notify.js';
import { SIMULATOR_PLATFORM } from '../simulators/wechatpay/simulator.keys.js';
import { saveWechatpayMerchant, setWechatpayProfitSharing, wechatpayMerchants } from '../modules/payments/wechatpay-merchant.service.js';
import { wechatpayCall, WechatpayForgedResponseError } from '../adapters/wechatpay/wechatpay.client.js';
import { signedHeaders } from '../adapters/wechatpay/wechatpay.crypto.js';
import { createPrivateKey } from 'node:crypto';
import vectors from '../adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WeChat Pay through the simulator', async () => {
  const race = await raceHarness({ pool: 20 });
  const { db, clock, siyu, api } = race;
  const world = await race.shop({ skuCount: 1, stock: 100, buyers: 3 });
  const mchid = await connectSimulatorMerchant(db, testConfig, world.tenantId);
  // Deliveries and refunds as fast as the queue goes.
  expect((await api.post('/simulators/wechatpay/control', { mchid, time_scale: 100_000 }, { key: false })).status).toBe(200);
  const customers = await db.selectFrom('customers').select(['id', 'phone_masked']).where('tenant_id', '=', world.tenantId).orderBy('phone_masked').execute();
  const [buyer, noWechat] = [world.tokens[0]!, world.tokens[2]!];
  const openid = await giveOpenid(db, world.tenantId, customers[0]!.id);
  await giveOpenid(db, world.tenantId, customers[1]!.id);

  /** Runs due jobs until the queue stays quiet (deliveries are a few milliseconds apart). */
  async function drain() {
    for (let quiet = 0, i = 0; quiet < 3 && i < 200; i++) {
      const { jobs } = await siyu.tick();
      quiet = jobs === 0 ? quiet + 1 : 0;
      if (jobs === 0) await sleep(30);
    }
  }

  async function prepaid(token = buyer) {
    const order = await placeOrder(api, token, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }]);
    const res = await api.post(`/api/v1/orders/${order.id}/payments`, { provider: 'wechatpay' }, { token });
    expect(res.status, res.text).toBe(201);
    return { order, start: res.json() as { payment_id: string; amount: number; pay_url: string; params: Record<string, string> } };
  }

  async function confirm(payUrl: string, notify: 'normal' | 'duplicate' | 'drop') {
    const sheet = await api.get(payUrl, { key: false });
    expect(sheet.status, sheet.text).toBe(200);
    const form = new URLSearchParams(new URL(payUrl, 'http://x').search);
    form.set('notify', notify);
    const res = await api.request('POST', '/simulators/wechatpay/pay-sheet', { raw: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, key: false });
    expect(res.status, res.text).toBe(200);
  }

  const events = async (paymentId: string) => (await sql<{ outcome: string }>`SELECT outcome FROM payment_events WHERE tenant_id = ${world.tenantId} AND payment_id = ${paymentId} ORDER BY received_at`.execute(db)).rows.map((r) => r.outcome);

  it('prepay gives the JSAPI pay parameters with a paySign and the time_expire of the order', async () => {
    const { order, start } = await prepaid();
    expect(start.params).toMatchObject({ appId: TEST_APPID, signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });
    const tx = await sql<{ payer_openid: string; time_expire: Date; amount_total: number }>`SELECT payer_openid, time_expire, amount_total FROM wechatpay_sim_transactions WHERE out_trade_no = ${start.payment_id}`.execute(db);
    expect(tx.rows[0]).toMatchObject({ payer_openid: openid, amount_total: order.total });
    expect(tx.rows[0]!.time_expire.getTime()).toBe((await orderRow(db, world.tenantId, order.id)).expires_at.getTime());
    expect((await paymentRow(db, world.tenantId, start.payment_id)).wechatpay_prepay_id).toBe(start.params.package!.slice('prepay_id='.length));
  });

  it('with profit sharing on, prepay asks WeChat Pay to hold the funds for sharing (settle_info)', async () => {
    await setWechatpayProfitSharing(db, world.tenantId, true);
    try {
      const { start } = await prepaid();
      const tx = await sql<{ profit_sharing: boolean; request: { settle_info?: unknown } }>`SELECT profit_sharing, request FROM wechatpay_sim_transactions WHERE out_trade_no = ${start.payment_id}`.execute(db);
      expect(tx.rows[0]).toMatchObject({ profit_sharing: true, request: { settle_info: { profit_sharing: true } } });
    } finally {
      await setWechatpayProfitSharing(db, world.tenantId, false);
    }
    const { start } = await prepaid();
    const off = await sql<{ profit_sharing: boolean }>`SELECT profit_sharing FROM wechatpay_sim_transactions WHERE out_trade_no = ${start.payment_id}`.execute(db);
    expect(off.rows[0]!.profit_sharing).toBe(false);
  });

  it('a buyer without a WeChat identity gets 409 wechat_identity_required', async () => {
    const order = await placeOrder(api, noWechat, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 1 }]);
    expectProblem(await api.post(`/api/v1/orders/${order.id}/payments`, { provider: 'wechatpay' }, { token: noWechat }), 409, 'wechat_identity_required');
  });

  it('pay → the notification delivered twice → one paid order', async () => {
    const { order, start } = await prepaid();
    const nonces = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM payment_notification_nonces WHERE tenant_id = ${world.tenantId} AND provider = 'wechatpay'`.execute(db)).rows[0]!.n;
    const before = await nonces();
    await confirm(start.pay_url, 'duplicate');
    await drain();
    // Both deliveries were accepted (each signed afresh), the event applied once.
    expect(await nonces()).toBe(before + 2);
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
    expect((await paymentRow(db, world.tenantId, start.payment_id)).status).toBe('succeeded');
    expect(await events(start.payment_id)).toEqual(['order_paid']);
  });

  it('no notification → the query job finds the payment and applies it once', async () => {
    const { order, start } = await prepaid();
    await confirm(start.pay_url, 'drop');
    await drain();
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('pending_payment');
    expect(await siyu.wechatpayQuery()).toBe(0); // too early: asked only minutes after prepay
    clock.advance(3 * 60_000);
    await siyu.wechatpayQuery();
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
    await siyu.wechatpayQuery();
    expect(await events(start.payment_id)).toEqual(['order_paid']);
  });

  it("an expired order's WeChat Pay order is closed by the query job, and paying it is refused", async () => {
    const { order, start } = await prepaid();
    clock.advance(16 * 60_000);
    await siyu.tick();
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('expired');
    await siyu.wechatpayQuery();
    const state = await sql<{ trade_state: string }>`SELECT trade_state FROM wechatpay_sim_transactions WHERE out_trade_no = ${start.payment_id}`.execute(db);
    expect(state.rows[0]!.trade_state).toBe('CLOSED');
    expect((await paymentRow(db, world.tenantId, start.payment_id)).closed_at).not.toBeNull();
  });

  it('refund → WeChat Pay → REFUND.SUCCESS → order refunded and its waterfall updated', async () => {
    const { order, start } = await prepaid();
    await confirm(start.pay_url, 'normal');
    await drain();
    const before = await db.selectFrom('order_line_economics').select(['refunds']).where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
    expect(before.every((l) => l.refunds === 0)).toBe(true);
    const res = await api.post(`/api/v1/orders/${order.id}/refunds`, { reason: 'test' }, { token: world.adminToken });
    expect(res.status, res.text).toBe(201);
    await drain();
    const refund = await db.selectFrom('refunds').selectAll().where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(refund.status).toBe('succeeded');
    expect((await orderRow(db, world.tenantId, order.id)).status).toBe('refunded');
    expect((await paymentRow(db, world.tenantId, start.payment_id)).status).toBe('refunded');
    const after = await db.selectFrom('order_line_economics').select(['refunds']).where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
    expect(after.reduce((s, l) => s + l.refunds, 0)).toBe(order.total);
    const sim = await sql<{ status: string; amount_refund: number }>`SELECT status, amount_refund FROM wechatpay_sim_refunds WHERE out_refund_no = ${refund.id}`.execute(db);
    expect(sim.rows[0]).toEqual({ status: 'SUCCESS', amount_refund: order.total });
  });

  it('REFUND.CLOSED puts the order back; REFUND.ABNORMAL is recorded and raised, not final', async () => {
    for (const outcome of ['CLOSED', 'ABNORMAL'] as const) {
      const { order, start } = await prepaid();
      await confirm(start.pay_url, 'normal');
      await drain();
      await api.post('/simulators/wechatpay/control', { mchid, refund_outcome: outcome }, { key: false });
      expect((await api.post(`/api/v1/orders/${order.id}/refunds`, { reason: outcome }, { token: world.adminToken })).status).toBe(201);
      await drain();
      const refund = await db.selectFrom('refunds').selectAll().where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).executeTakeFirstOrThrow();
      const action = await db.selectFrom('after_sales_actions').select('kind').where('tenant_id', '=', world.tenantId).where('refund_id', '=', refund.id).executeTakeFirst();
      if (outcome === 'CLOSED') {
        expect(refund.status).toBe('failed');
        expect((await orderRow(db, world.tenantId, order.id)).status).toBe('paid');
        expect(action?.kind).toBe('refund_failed');
      } else {
        expect(refund).toMatchObject({ status: 'pending', provider_status: 'ABNORMAL' });
        expect(action?.kind).toBe('refund_abnormal');
      }
    }
    await api.post('/simulators/wechatpay/control', { mchid, refund_outcome: 'SUCCESS' }, { key: false });
  });

  it('a refund above what remains is refused before WeChat Pay is called', async () => {
    const { order, start } = await prepaid();
    await confirm(start.pay_url, 'normal');
    await drain();
    // Written behind the refund flow's back: only the job's own check stands between it and WeChat.
    await db.insertInto('refunds').values({ tenant_id: world.tenantId, id: 'rfd_too_much', order_id: order.id, payment_id: start.payment_id, amount: order.total + 1, status: 'pending', restocked: false, lines: JSON.stringify([]), created_by: null, settled_at: null }).execute();
    await sql`SELECT graphile_worker.add_job('payments.refund.submit', ${JSON.stringify({ tenant_id: world.tenantId, data: { refund_id: 'rfd_too_much' } })}::json)`.execute(db);
    await drain();
    expect((await db.selectFrom('refunds').select('status').where('tenant_id', '=', world.tenantId).where('id', '=', 'rfd_too_much').executeTakeFirstOrThrow()).status).toBe('failed');
    const sim = await sql<{ n: number }>`SELECT count(*)::int AS n FROM wechatpay_sim_refunds WHERE out_refund_no = 'rfd_too_much'`.execute(db);
    expect(sim.rows[0]!.n).toBe(0);
    const audit = await sql<{ details: { code: string } }>`SELECT details FROM audit_log WHERE tenant_id = ${world.tenantId} AND entity_id = 'rfd_too_much' AND action = 'refund.failed'`.execute(db);
    expect(audit.rows[0]!.details.code).toBe('refund_exceeds_remaining');
  });

  describe('notifications that are refused, changing nothing', async () => {
    const paidResource = (p: { start: { payment_id: string; amount: number } }, over: Record<string, unknown> = {}) => ({
      appid: TEST_APPID, mchid, out_trade_no: p.start.payment_id, transaction_id: `42000${Date.now()}`, trade_type: 'JSAPI', trade_state: 'SUCCESS',
      success_time: '2026-11-01T16:00:00+08:00', payer: { openid }, amount: { total: p.start.amount, payer_total: p.start.amount, currency: 'CNY' }, ...over,
    });
    const job = (resource: Record<string, unknown>, eventId = `ev-${Math.random()}`) => ({
      mchid, notify_url: '', event_id: eventId, event_type: 'TRANSACTION.SUCCESS' as const, original_type: 'transaction' as const, summary: '支付成功', resource, attempt: 1,
    });
    const post = (n: { headers: Record<string, string>; body: string }) =>
      api.request('POST', `/hooks/wechatpay/${world.tenantId}`, { raw: n.body, headers: { ...n.headers, 'content-type': 'application/json' }, key: false });
    const platform = { platform: { serial: SIMULATOR_PLATFORM.serial, privateKey: SIMULATOR_PLATFORM.privateKey, publicKey: SIMULATOR_PLATFORM.publicKey } };

    it('forged (another key), stale (10 minutes old) or replayed (nonce reused) → 401 FAIL', async () => {
      const p = await prepaid();
      const before = await rowCounts(db);
      const good = buildNotification(platform, TEST_APIV3_KEY, job(paidResource(p)), clock.now());
      const forged = buildNotification({ platform: { ...platform.platform, privateKey: createPrivateKey(merchantPrivateKey()) } }, TEST_APIV3_KEY, job(paidResource(p)), clock.now());
      const stale = buildNotification(platform, TEST_APIV3_KEY, job(paidResource(p)), new Date(clock.now().getTime() - 10 * 60_000));
      const unsigned = { headers: {}, body: good.body };
      for (const bad of [forged, stale, unsigned]) {
        const res = await post(bad);
        expect(res.status, res.text).toBe(401);
        expect(res.json().code).toBe('FAIL');
      }
      expect(await rowCounts(db)).toEqual(before);
      // The same nonce on another message: refused even though its signature is good.
      const other = await prepaid();
      const first = buildNotification(platform, TEST_APIV3_KEY, job(paidResource(other)), clock.now());
      const replayBody = JSON.stringify({ ...JSON.parse(good.body) });
      const reuse = { headers: signedHeaders(platform.platform, replayBody, first.headers['wechatpay-timestamp']!, first.headers['wechatpay-nonce']!), body: replayBody };
      expect((await post(first)).status).toBe(204);
      const replayed = await post(reuse);
      expect(replayed.status, replayed.text).toBe(401);
      expect((await paymentRow(db, world.tenantId, p.start.payment_id)).status).toBe('pending');
      expect((await paymentRow(db, world.tenantId, other.start.payment_id)).status).toBe('succeeded');
    });

    it('amount, mchid or appid mismatch → refused, nothing paid, an audit row raised', async () => {
      for (const [field, over] of [['amount', { amount: { total: 1, payer_total: 1, currency: 'CNY' } }], ['mchid', { mchid: '1999999999' }], ['appid', { appid: 'wx0000000000000000' }]] as const) {
        const p = await prepaid();
        const res = await post(buildNotification(platform, TEST_APIV3_KEY, job(paidResource(p, over)), clock.now()));
        expect(res.status, `${field}: ${res.text}`).toBe(422);
        expect(res.json().code).toBe('FAIL');
        expect((await paymentRow(db, world.tenantId, p.start.payment_id)).status).toBe('pending');
        expect((await orderRow(db, world.tenantId, p.order.id)).status).toBe('pending_payment');
        const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE tenant_id = ${world.tenantId} AND entity_id = ${p.start.payment_id}`.execute(db);
        expect(audit.rows.map((r) => r.action)).toContain(field === 'amount' ? 'payment.amount_mismatch' : 'payment.notification_mismatch');
      }
    });
  });

  it('callAs: a signed call as the tenant\'s merchant, its answer verified (what profit sharing and bills use)', async () => {
    const unit = wechatpayUnit({
      db, config: testConfig, clock, selfUrl: () => (api as unknown as { base: string }).base, log: () => siyu.server.log,
      simulatorPost: async () => ({ status: 204, body: '' }), settle: async () => 'unused', settleMany: async () => [], refundSettled: async () => {},
    });
    const { start } = await prepaid();
    const t = await unit.callAs<{ trade_state: string; amount: { total: number } }>(world.tenantId, 'GET', `/v3/pay/transactions/out-trade-no/${start.payment_id}?mchid=${mchid}`);
    expect(t).toMatchObject({ trade_state: 'NOTPAY', amount: { total: start.amount } });
    await expect(unit.callAs(world.tenantId, 'GET', `/v3/pay/transactions/out-trade-no/nope?mchid=${mchid}`)).rejects.toMatchObject({ status: 404, code: 'ORDER_NOT_EXIST' });
    await expect(unit.callAs('ten_nobody', 'GET', '/v3/pay/transactions/out-trade-no/x')).rejects.toMatchObject({ code: 'wechatpay_not_configured' });
  });

  it("the client refuses a 2xx answer whose signature does not verify", async () => {
    const merchant = (await wechatpayMerchants({ secretKey: testConfig.secretKey, mode: 'sandbox', selfUrl: () => 'http://127.0.0.1:1' }).ofTenant(db, world.tenantId))!;
    const body = '{"prepay_id":"wx1"}';
    const now = clock.now();
    const signedByOther = signedHeaders({ serial: SIMULATOR_PLATFORM.serial, privateKey: createPrivateKey(merchantPrivateKey()) }, body, String(Math.floor(now.getTime() / 1000)));
    for (const headers of [{}, signedByOther]) {
      await expect(wechatpayCall(merchant, 'POST', '/v3/pay/transactions/jsapi', {}, { now, transport: async () => ({ status: 200, headers, body }) })).rejects.toBeInstanceOf(WechatpayForgedResponseError);
    }
  });
});

describe('live mode', () => {
  it('mounts no simulator route and refuses settings that point at one', async () => {
    const { db } = await createTestDatabase({ max: 4 });
    const live = loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48), DATABASE_URL: 'postgres://unused', SIYU_RATE_LIMITS: 'off' });
    const siyu = await createSiyu(db, live, {});
    try {
      for (const [method, url] of [['POST', '/simulators/wechatpay/v3/pay/transactions/jsapi'], ['GET', '/simulators/wechatpay/pay-sheet'], ['POST', '/simulators/wechatpay/control']] as const) {
        const res = await siyu.server.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: method === 'POST' ? '{}' : undefined });
        expect(res.statusCode, url).toBe(404);
      }
      const tenant = await db.selectFrom('tenants').select('id').executeTakeFirst();
      const tenantId = tenant?.id ?? (await sql<{ id: string }>`INSERT INTO tenants (id, slug, name) VALUES ('ten_live', 'live', 'Live') RETURNING id`.execute(db)).rows[0]!.id;
      const input = {
        mchid: '1900000109', appids: [TEST_APPID], serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', privateKeyPem: merchantPrivateKey(), apiv3Key: TEST_APIV3_KEY,
        platformKeys: [{ serial: 'PUB_KEY_ID_0114232', kind: 'public_key' as const, pem: vectors.test_keypair.certificate_pem }],
      };
      for (const apiBase of ['simulator', 'https://shop.example.com/simulators/wechatpay']) {
        await expect(saveWechatpayMerchant(db, live.secretKey, 'live', tenantId, { ...input, apiBase })).rejects.toMatchObject({ code: 'invalid_wechatpay_settings' });
      }
      // Settings written by a sandbox before are refused when a live server loads them.
      await saveWechatpayMerchant(db, live.secretKey, 'sandbox', tenantId, { ...input, apiBase: 'simulator' });
      await expect(wechatpayMerchants({ secretKey: live.secretKey, mode: 'live', selfUrl: () => 'https://x' }).ofTenant(db, tenantId)).rejects.toMatchObject({ code: 'invalid_wechatpay_settings' });
      // And an APIv3 key of any length but 32 bytes is refused.
      await expect(saveWechatpayMerchant(db, live.secretKey, 'live', tenantId, { ...input, apiv3Key: '0123456789abcdef' })).rejects.toMatchObject({ code: 'invalid_wechatpay_settings' });
    } finally {
      await siyu.close();
    }
  });
});

describe('the merchant settings route', async () => {
  const race = await raceHarness({ pool: 6, transport: 'inject' });
  const world = await race.shop({ skuCount: 1, stock: 1, buyers: 1 });
  const mchid = await connectSimulatorMerchant(race.db, testConfig, world.tenantId);

  it('admins read the settings without any secret; consumers are refused', async () => {
    const res = await race.api.get('/api/v1/payments/wechatpay/settings', { token: world.adminToken });
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toMatchObject({ configured: true, mchid, appids: [TEST_APPID], simulator: true, private_key_set: true, apiv3_key_set: true });
    expect(res.text).not.toContain(TEST_APIV3_KEY);
    expect(res.text).not.toContain('PRIVATE KEY');
    expect((await race.api.get('/api/v1/payments/wechatpay/settings', { token: world.tokens[0]! })).status).toBe(403);
  });
});
