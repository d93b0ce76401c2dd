import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu, testConfig, testPhones } from '../../../test/fixtures.js';
import type { SendOutcome, SubscribeSender } from './subscribe-messages.provider.js';
import { deliverSubscribeMessage } from './subscribe-messages.service.js';

/** WeChat as the tests need it: answers set per call, every call recorded. */
function fakeWeChat() {
  const calls: { touser: string; template_id: string; data: Record<string, { value: string }> }[] = [];
  const answers: (SendOutcome | Error)[] = [];
  const sender: SubscribeSender = {
    async send(_tenantId, message) {
      calls.push(message);
      const answer = answers.shift() ?? { ok: true, msgid: `msg-${calls.length}` };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { sender, calls, answers };
}

describe('subscribe messages on order events', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const wechat = fakeWeChat();
  const siyu = await startSiyu(db, clock, testConfig, { subscribeSender: wechat.sender });
  const world = await seedWorld(db, clock, { stock: 100 });
  const sku = world.skus[0]!;
  let key = 0;
  const request = (method: 'POST' | 'PUT' | 'GET', url: string, token: string, payload?: unknown) =>
    siyu.server.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers: auth(token, { 'idempotency-key': `k-${++key}` }) });
  const drain = async () => { for (let i = 0; i < 5; i++) if ((await siyu.tick()).jobs === 0) break; };

  const TEMPLATES = { order_paid: 'TPL_PAID_001', ready_for_pickup: 'TPL_READY_002', refund_done: 'TPL_REFUND_003' } as const;
  for (const [event, template_id] of Object.entries(TEMPLATES)) {
    const put = await request('PUT', `/api/v1/subscribe-messages/templates/${event}`, world.adminToken, { template_id, page: 'pages/order/order', fields: { character_string1: 'order_number', amount2: 'amount', thing3: 'pickup_address', thing4: 'event_text' } });
    expect(put.statusCode).toBe(200);
  }

  /** A buyer who signed in through WeChat (an openid on file), with an order paid in the sandbox. */
  const buyer = async (phone: string, openid: string | null) => {
    const token = await consumerToken(siyu, world.shop, phone);
    const me = await db.selectFrom('customers').select('id').where('tenant_id', '=', world.tenantId).where('phone_index', '=', testPhones.index(phone)).executeTakeFirstOrThrow();
    if (openid) await db.insertInto('customer_identities').values({ tenant_id: world.tenantId, provider: 'wechat_openid', subject: openid, app_id: 'wxMiniProgramTest01', customer_id: me.id }).execute();
    return { token, customerId: me.id };
  };
  const paidOrder = async (token: string) => {
    const order = (await request('POST', '/api/v1/orders', token, { shop: world.shop, lines: [{ sku_id: sku.id, quantity: 1 }] })).json();
    const pay = (await request('POST', `/api/v1/orders/${order.id}/payments`, token, {})).json();
    expect((await request('POST', `/api/v1/sandbox/payments/${pay.payment_id}/pay`, token, {})).statusCode).toBe(200);
    await drain();
    return order.id as string;
  };
  const messagesOf = (orderId: string) => db.selectFrom('subscribe_messages').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
  const optIns = async (customerId: string, template: string) =>
    (await db.selectFrom('subscribe_opt_ins').select(['remaining', 'accepted']).where('customer_id', '=', customerId).where('template_id', '=', template).executeTakeFirst()) ?? { remaining: 0, accepted: 0 };

  it('refuses bad templates and leaves the template list to admins', async () => {
    const bad = await request('PUT', '/api/v1/subscribe-messages/templates/order_paid', world.adminToken, { template_id: 'x y', fields: {} });
    expect(bad.statusCode).toBe(400);
    expect((await request('PUT', '/api/v1/subscribe-messages/templates/shipped', world.adminToken, { template_id: 'T', fields: { thing1: 'order_number' } })).statusCode).toBe(400);
    const { token } = await buyer('13700000001', null);
    expect((await request('GET', '/api/v1/subscribe-messages', token)).statusCode).toBe(403);
    const templates = await request('GET', '/api/v1/subscribe-messages/templates', world.adminToken);
    expect(templates.json().items.map((t: { template_id: string }) => t.template_id)).toEqual([TEMPLATES.order_paid, TEMPLATES.ready_for_pickup, TEMPLATES.refund_done]);
  });

  it('never sends without an opt-in: the message is skipped and WeChat is not called', async () => {
    const { token } = await buyer('13700000002', 'o-no-opt-in-000000000000000');
    const before = wechat.calls.length;
    const orderId = await paidOrder(token);
    const [message] = await messagesOf(orderId);
    expect(message).toMatchObject({ event: 'order_paid', status: 'skipped', opt_in_taken: false, error: 'no opt-in left for this template' });
    expect(wechat.calls.length).toBe(before);
  });

  it('counts opt-ins per customer and template, and spends one per message sent', async () => {
    const { token, customerId } = await buyer('13700000003', 'o-opted-in-0000000000000000');
    const opted = await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept', [TEMPLATES.ready_for_pickup]: 'accept', TPL_UNKNOWN: 'accept' } });
    expect(opted.statusCode).toBe(200);
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept', [TEMPLATES.refund_done]: 'reject' } });
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 2, accepted: 2 });
    expect(await optIns(customerId, 'TPL_UNKNOWN')).toEqual({ remaining: 0, accepted: 0 });
    expect(await optIns(customerId, TEMPLATES.refund_done)).toEqual({ remaining: 0, accepted: 0 });

    const orderId = await paidOrder(token);
    expect((await messagesOf(orderId))[0]).toMatchObject({ status: 'sent', opt_in_taken: true, touser: 'o-opted-in-0000000000000000' });
    const sent = wechat.calls.at(-1)!;
    expect(sent).toMatchObject({ touser: 'o-opted-in-0000000000000000', template_id: TEMPLATES.order_paid });
    expect(sent.data.amount2!.value).toBe(`¥${(sku.price / 100).toFixed(2)}`);
    expect(sent.data.thing4!.value.length).toBeLessThanOrEqual(20);
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 1, accepted: 2 });

    // Ready for pickup: its own template and opt-in.
    expect((await request('POST', `/api/v1/orders/${orderId}/ready`, world.adminToken)).statusCode).toBe(200);
    await drain();
    expect((await messagesOf(orderId)).map((m) => [m.event, m.status])).toEqual([['order_paid', 'sent'], ['ready_for_pickup', 'sent']]);
    expect(await optIns(customerId, TEMPLATES.ready_for_pickup)).toEqual({ remaining: 0, accepted: 1 });
  });

  it('sends once when the job runs again, taking the opt-in once even across a failed attempt', async () => {
    const { token, customerId } = await buyer('13700000004', 'o-retried-00000000000000000');
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    const before = wechat.calls.length;
    wechat.answers.push(new Error('socket hang up'));
    const orderId = await paidOrder(token);
    const [message] = await messagesOf(orderId);
    // The first attempt failed in the network: still sending, the opt-in taken once.
    expect(message).toMatchObject({ status: 'sending', opt_in_taken: true });
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 1, accepted: 2 });
    // The queue's retry (run here directly) sends, without taking another opt-in.
    expect(await deliverSubscribeMessage(db, clock, wechat.sender, world.tenantId, message!.id)).toBe('sent');
    // Any further run finds it sent and does nothing.
    expect(await deliverSubscribeMessage(db, clock, wechat.sender, world.tenantId, message!.id)).toBe('sent');
    expect(wechat.calls.length - before).toBe(2);
    expect(wechat.calls.slice(before).every((c) => c.touser === 'o-retried-00000000000000000')).toBe(true);
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 1, accepted: 2 });
    // One message per event and order, however often the event is announced.
    expect(await messagesOf(orderId)).toHaveLength(1);
  });

  it('records 43101 without retrying and zeroes the count; 47003 and 40003 fail and give the opt-in back', async () => {
    const { token, customerId } = await buyer('13700000005', 'o-refused-00000000000000000');
    for (let i = 0; i < 3; i++) await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    wechat.answers.push({ ok: false, kind: 'no_opt_in', errcode: 43101, errmsg: 'user refuse to accept the msg' });
    const before = wechat.calls.length;
    const refused = await paidOrder(token);
    expect((await messagesOf(refused))[0]).toMatchObject({ status: 'failed', errcode: 43101, opt_in_taken: true });
    expect(wechat.calls.length - before).toBe(1);
    // Final: the job completed instead of failing, so the queue holds nothing to retry for it.
    const messageId = (await messagesOf(refused))[0]!.id;
    const { rows: left } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload::text LIKE ${`%${messageId}%`}`.execute(db);
    expect(left[0]!.n).toBe(0);
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 0, accepted: 3 });

    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    for (const [errcode, errmsg] of [[47003, 'argument invalid! data.thing3.value'], [40003, 'invalid openid']] as const) {
      wechat.answers.push({ ok: false, kind: 'invalid', errcode, errmsg });
      const orderId = await paidOrder(token);
      expect((await messagesOf(orderId))[0]).toMatchObject({ status: 'failed', errcode, error: errmsg });
      expect((await optIns(customerId, TEMPLATES.order_paid)).remaining).toBe(1);
    }

    const list = await request('GET', '/api/v1/subscribe-messages?limit=200', world.adminToken);
    const statuses = new Set(list.json().items.map((m: { status: string }) => m.status));
    expect(statuses).toEqual(new Set(['sent', 'failed', 'skipped']));
    expect(list.json().items[0]).toMatchObject({ order_number: expect.any(String), errcode: 40003 });
    expect((await request('GET', '/api/v1/subscribe-messages?status=failed', world.adminToken)).json().items.every((m: { status: string }) => m.status === 'failed')).toBe(true);
  });

  it('skips a buyer without a WeChat openid, leaving their opt-ins untouched', async () => {
    const { token, customerId } = await buyer('13700000006', null);
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    const orderId = await paidOrder(token);
    expect((await messagesOf(orderId))[0]).toMatchObject({ status: 'skipped', opt_in_taken: false, error: 'the buyer has no WeChat openid' });
    expect(await optIns(customerId, TEMPLATES.order_paid)).toEqual({ remaining: 1, accepted: 1 });
  });

  it('writes to the buyer\'s mini-program openid, not a newer official-account one', async () => {
    const { token, customerId } = await buyer('13700000008', 'oMiniProgramOpenid000000001');
    await db.insertInto('wechat_mini_program_sessions').values({ tenant_id: world.tenantId, openid: 'oMiniProgramOpenid000000001', session_key: 'sealed' }).execute();
    clock.advance(1000);
    await db.insertInto('customer_identities').values({ tenant_id: world.tenantId, provider: 'wechat_openid', subject: 'oOfficialAccount00000000001', app_id: 'wxOfficialAccount01', customer_id: customerId, created_at: new Date(Date.now() + 60_000) }).execute();
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.order_paid]: 'accept' } });
    const orderId = await paidOrder(token);
    expect((await messagesOf(orderId))[0]).toMatchObject({ status: 'sent', touser: 'oMiniProgramOpenid000000001' });
  });

  it('asks for a refund-done message when a refund succeeds', async () => {
    const { token, customerId } = await buyer('13700000007', 'o-refunded-0000000000000000');
    await request('POST', '/api/v1/subscribe-messages/opt-ins', token, { results: { [TEMPLATES.refund_done]: 'accept' } });
    const orderId = await paidOrder(token);
    const refund = await request('POST', `/api/v1/orders/${orderId}/refunds`, world.adminToken, { reason: 'test' });
    expect(refund.statusCode).toBe(201);
    await drain();
    const done = (await messagesOf(orderId)).find((m) => m.event === 'refund_done');
    expect(done).toMatchObject({ status: 'sent', subject_id: refund.json().refund_id ?? refund.json().id });
    expect(wechat.calls.at(-1)!.data.amount2!.value).toBe(`¥${(sku.price / 100).toFixed(2)}`);
    expect(await optIns(customerId, TEMPLATES.refund_done)).toEqual({ remaining: 0, accepted: 1 });
  });
});
