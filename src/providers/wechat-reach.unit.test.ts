import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, testConfig, testPhones } from '../../test/fixtures.js';
import { loadConfig } from '../platform/config.js';
import { deriveKey } from '../platform/secrets.js';
import { createUser, issueToken } from '../modules/identity/identity.service.js';
import { connectWechatApp, WECHAT_SEAL_PURPOSE } from '../modules/wechat/wechat.service.js';
import { WechatApiError } from '../modules/wechat/wechat.provider.js';
import { recordOptIns } from '../modules/subscribe-messages/subscribe-messages.service.js';
import { getUnlimitedCode, sendSubscribeMessage, sendSubscriptionNotice, type BinaryFetch } from '../adapters/wechat/reach.api.js';
import { simulatedMessages, simulatedOptInsLeft } from '../simulators/wechat/reach.simulator.js';
import { injectBinaryFetch } from './wechat-reach.unit.js';
import { injectFetch } from './wechat.unit.js';
import { wechatApi } from '../adapters/wechat/wechat.api.js';
import { issueSimToken } from '../simulators/wechat/wechat.simulator.js';
import type { App } from '../platform/http/server.js';

const APPID = 'wxmini0000000001';
const SIM = 'http://sandbox.local/simulators/wechat';

describe('WeChat reach against the simulator: mini-program codes and subscribe messages', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const calls: string[] = [];
  const counting = (server: App): BinaryFetch => { const inner = injectBinaryFetch(server); return (url, init) => { calls.push(new URL(url).pathname); return inner(url, init); }; };
  const siyu = await startSiyu(db, clock, testConfig, { wechatFetch: counting, wechatApi: (server) => wechatApi(injectFetch(server)) });
  const world = await seedWorld(db, clock, { stock: 50 });
  const sealKey = deriveKey(testConfig.secretKey, WECHAT_SEAL_PURPOSE);
  await connectWechatApp(db, sealKey, world.tenantId, { app: 'mini_program', appid: APPID, secret: 'mini-secret', apiBase: SIM });
  // A token the simulator issued, for calling the simulator directly (the server's own calls fetch theirs through the token cache).
  const TOKEN = (await issueSimToken(db, clock.now(), APPID, false)).access_token;
  const simFetch = injectBinaryFetch(siyu.server);
  const leader = await createUser(db, world.tenantId, { login: 'leader', display_name: 'Leader Wang', role: 'b_owner', password: 'leader-password', b_node_id: world.bNodeId });
  const leaderToken = (await issueToken(db, clock, world.tenantId, leader.id, 'api', 'tests')).token;
  let key = 0;
  const request = (method: 'POST' | 'PUT' | 'GET', url: string, token: string, payload?: unknown) =>
    siyu.server.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers: auth(token, { 'idempotency-key': `k-${++key}` }) });
  const drain = async () => { for (let i = 0; i < 5; i++) if ((await siyu.tick()).jobs === 0) break; };
  /** A shop buyer whose customer has a WeChat openid issued by `appid`. */
  const buyer = async (phone: string, openid: string, appid = APPID) => {
    const token = await consumerToken(siyu, world.shop, phone);
    const customer = await db.selectFrom('customers').select('id').where('tenant_id', '=', world.tenantId).where('phone_index', '=', testPhones.index(phone)).executeTakeFirstOrThrow();
    await db.insertInto('customer_identities').values({ tenant_id: world.tenantId, provider: 'wechat_openid', subject: openid, app_id: appid, customer_id: customer.id }).execute();
    return { token, customerId: customer.id };
  };
  /** One unit ordered and paid in the sandbox, its jobs run: the order's id. */
  const pay = async (token: string) => {
    const order = (await request('POST', '/api/v1/orders', token, { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] })).json();
    const payment = (await request('POST', `/api/v1/orders/${order.id}/payments`, token, {})).json();
    await request('POST', `/api/v1/sandbox/payments/${payment.payment_id}/pay`, token, {});
    await drain();
    return order.id as string;
  };
  const message = (orderId: string, event: 'order_paid' | 'ready_for_pickup' = 'order_paid') =>
    db.selectFrom('subscribe_messages').selectAll().where('order_id', '=', orderId).where('event', '=', event).executeTakeFirstOrThrow();

  it('draws a share code\'s mini-program code once, through the cached token, and serves the stored PNG after', async () => {
    const code = (await request('POST', '/api/v1/share-codes', leaderToken, {})).json().code;
    const first = await request('GET', `/api/v1/share-codes/${code}/wxacode.png`, leaderToken);
    expect(first.statusCode).toBe(200);
    expect((await sharp(first.rawPayload).metadata()).format).toBe('png');
    const again = await request('GET', `/api/v1/share-codes/${code}/wxacode.png`, leaderToken);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(calls.filter((c) => c.endsWith('/wxa/getwxacodeunlimit'))).toHaveLength(1);
    expect((await db.selectFrom('share_codes').select('wxacode_png').where('code', '=', code).executeTakeFirstOrThrow()).wxacode_png).not.toBeNull();
  });

  it('gets WeChat\'s refusals from the simulator: 41030 for an unknown page, 40001 for a bad token', async () => {
    await expect(getUnlimitedCode(simFetch, SIM, TOKEN, { scene: 'Aabcdefghijklmno', page: 'pages/missing/missing', width: 430, checkPath: true }))
      .rejects.toMatchObject({ errcode: 41030 });
    const bad = getUnlimitedCode(simFetch, SIM, 'forged', { scene: 'Aabcdefghijklmno', page: 'pages/index/index', width: 430 });
    await expect(bad).rejects.toBeInstanceOf(WechatApiError);
    await expect(bad).rejects.toMatchObject({ errcode: 40001 });
    await expect(sendSubscribeMessage(simFetch, SIM, 'forged', { touser: 'o-someone-000000', template_id: 'T', page: '', data: { thing1: { value: 'x' } } })).rejects.toMatchObject({ errcode: 40001 });
  });

  it('sends through the simulator only with an opt-in the shop\'s subscribe step granted on both sides', async () => {
    await request('PUT', '/api/v1/subscribe-messages/templates/order_paid', world.adminToken, { template_id: 'TPL_PAID', page: 'pages/order/order', fields: { character_string1: 'order_number', amount2: 'amount', thing3: 'event_text' } });
    await request('PUT', '/api/v1/subscribe-messages/templates/ready_for_pickup', world.adminToken, { template_id: 'TPL_READY', page: 'pages/order/order', fields: { character_string1: 'pickup_address' } });

    const happy = await buyer('13600000001', 'oHappyBuyer0000000000000001');
    const opted = await request('POST', '/api/v1/subscribe-messages/opt-ins', happy.token, { results: { TPL_PAID: 'accept', TPL_READY: 'accept' } });
    expect(opted.json().templates).toHaveLength(2);
    expect(await simulatedOptInsLeft(db, APPID, 'oHappyBuyer0000000000000001', 'TPL_PAID')).toBe(1);
    const paid = await pay(happy.token);
    expect(await message(paid)).toMatchObject({ status: 'sent', errcode: null });
    expect(await simulatedOptInsLeft(db, APPID, 'oHappyBuyer0000000000000001', 'TPL_PAID')).toBe(0);

    // Template data WeChat refuses (a Chinese address in a character_string key): 47003, recorded as failed.
    expect((await request('POST', `/api/v1/orders/${paid}/ready`, world.adminToken)).statusCode).toBe(200);
    await db.updateTable('b_nodes').set({ pickup_address: '幸福里 3 号楼' }).where('id', '=', world.bNodeId).execute();
    await drain();
    expect(await message(paid, 'ready_for_pickup')).toMatchObject({ status: 'failed', errcode: 47003 });

    // Our count says yes but WeChat's says no (the opt-in was not granted there): 43101, recorded, not retried.
    const outOfSync = await buyer('13600000002', 'oOutOfSync00000000000000002');
    await recordOptIns(db, world.tenantId, outOfSync.customerId, { TPL_PAID: 'accept' });
    const before = calls.length;
    const refused = await pay(outOfSync.token);
    expect(await message(refused)).toMatchObject({ status: 'failed', errcode: 43101, opt_in_taken: true });
    await drain();
    expect(calls.slice(before).filter((c) => c.endsWith('/subscribe/send'))).toHaveLength(1);

    // An openid WeChat does not know: 40003.
    const stranger = await buyer('13600000003', 'not an openid!');
    await request('POST', '/api/v1/subscribe-messages/opt-ins', stranger.token, { results: { TPL_PAID: 'accept' } });
    expect(await message(await pay(stranger.token))).toMatchObject({ status: 'failed', errcode: 40003 });
  });

  it('writes to each buyer through the app that issued their openid: the official account\'s bizsend, the mini-program\'s send', async () => {
    const OA = 'wxoffi0000000001';
    await connectWechatApp(db, sealKey, world.tenantId, { app: 'official_account', appid: OA, secret: 'oa-secret', apiBase: SIM });
    await request('PUT', '/api/v1/subscribe-messages/templates/order_paid', world.adminToken, { template_id: 'TPL_PAID', page: 'pages/order/order', fields: { character_string1: 'order_number', amount2: 'amount', thing3: 'event_text' } });

    // An H5 buyer inside WeChat: the shop's subscribe step grants the opt-in in the official account, and the notice goes there.
    const h5 = await buyer('13600000011', 'oOfficialBuyer0000000000011', OA);
    await request('POST', '/api/v1/subscribe-messages/opt-ins', h5.token, { results: { TPL_PAID: 'accept' } });
    expect(await simulatedOptInsLeft(db, OA, 'oOfficialBuyer0000000000011', 'TPL_PAID')).toBe(1);
    expect(await simulatedOptInsLeft(db, APPID, 'oOfficialBuyer0000000000011', 'TPL_PAID')).toBe(0);
    const before = calls.length;
    const h5Order = await pay(h5.token);
    expect(await message(h5Order)).toMatchObject({ status: 'sent', touser: 'oOfficialBuyer0000000000011' });
    expect(calls.slice(before).filter((c) => c.includes('/cgi-bin/message/subscribe/'))).toEqual(['/simulators/wechat/cgi-bin/message/subscribe/bizsend']);
    const [notice] = await simulatedMessages(db, { limit: 1 });
    expect(notice).toMatchObject({ appid: OA, openid: 'oOfficialBuyer0000000000011', api: 'bizsend', template_id: 'TPL_PAID' });

    // A mini-program buyer of the same tenant: subscribe/send, through the mini-program.
    const mini = await buyer('13600000012', 'oMiniBuyer00000000000000012', APPID);
    await request('POST', '/api/v1/subscribe-messages/opt-ins', mini.token, { results: { TPL_PAID: 'accept' } });
    const miniOrder = await pay(mini.token);
    expect(await message(miniOrder)).toMatchObject({ status: 'sent', touser: 'oMiniBuyer00000000000000012' });
    expect((await simulatedMessages(db, { limit: 1 }))[0]).toMatchObject({ appid: APPID, openid: 'oMiniBuyer00000000000000012', api: 'send' });

    // The official account without the opt-in on WeChat's side: 43101 from bizsend, recorded and not retried.
    const outOfSync = await buyer('13600000013', 'oOfficialOutOfSync000000013', OA);
    await recordOptIns(db, world.tenantId, outOfSync.customerId, { TPL_PAID: 'accept' });
    const refusedAt = calls.length;
    expect(await message(await pay(outOfSync.token))).toMatchObject({ status: 'failed', errcode: 43101 });
    await drain();
    expect(calls.slice(refusedAt).filter((c) => c.endsWith('/subscribe/bizsend'))).toHaveLength(1);
    await expect(sendSubscriptionNotice(simFetch, SIM, 'forged', { touser: 'o-someone-000000', template_id: 'T', page: '', data: { thing1: { value: 'x' } } })).rejects.toMatchObject({ errcode: 40001 });
  });

  it('mounts no simulator in live mode', async () => {
    const live = await startSiyu(db, clock, loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'k'.repeat(48), DATABASE_URL: 'postgres://unused/siyu', SIYU_RATE_LIMITS: 'off' }), {});
    for (const url of ['/simulators/wechat/wxa/getwxacodeunlimit', '/simulators/wechat/cgi-bin/message/subscribe/send']) {
      const res = await live.server.inject({ method: 'POST', url: `${url}?access_token=${TOKEN}`, payload: { scene: 'Aabcdefghijklmno', touser: 'oX00000000', template_id: 'T', data: { thing1: { value: 'x' } } } });
      expect(res.statusCode).toBe(404);
    }
    const sandboxed = await siyu.server.inject({ method: 'POST', url: `/simulators/wechat/wxa/getwxacodeunlimit?access_token=${TOKEN}`, payload: { scene: 'Aabcdefghijklmno', page: 'pages/index/index' } });
    expect(sandboxed.statusCode).toBe(200);
    await live.close();
  });
});
