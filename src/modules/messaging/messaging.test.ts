/**
 * Each tenant's SMS provider: credentials stored sealed and never returned, messages sent by the
 * job outside the business transaction through the tenant's provider, the code cleared once sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiyu, type Siyu } from '../../app.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig, type World } from '../../../test/fixtures.js';
import { SmsSendError, type SmsAccount, type SmsProvider, type SmsRequest } from './messaging.provider.js';

describe('SMS settings and sending', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const sent: { account: SmsAccount; request: SmsRequest }[] = [];
  let refuse = false;
  const fakeAliyun: SmsProvider = {
    name: 'aliyun',
    async send(account, request) {
      if (refuse) throw new SmsSendError('isv.MOBILE_NUMBER_ILLEGAL', 'bad number', false);
      sent.push({ account, request });
      return { providerMessageId: `biz-${sent.length}` };
    },
  };
  let siyu: Siyu;
  let world: World;
  beforeAll(async () => {
    siyu = await createSiyu(db, testConfig, { clock, smsProviders: { aliyun: fakeAliyun } });
    world = await seedWorld(db, clock);
  });
  afterAll(() => siyu.close());
  const settings = (payload?: object) => siyu.server.inject({ method: payload ? 'PUT' : 'GET', url: '/api/v1/messaging/sms-settings', headers: auth(world.adminToken), ...(payload ? { payload } : {}) });

  it('stores the secret sealed and never returns it; an incomplete real provider is refused', async () => {
    expect((await settings()).json()).toMatchObject({ provider: null, has_secret: false, available: ['sandbox', 'aliyun', 'tencent'] });
    const incomplete = await settings({ provider: 'aliyun', access_key_id: 'LTAIkey' });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json()).toMatchObject({ code: 'sms_settings_incomplete', missing: ['access_key_secret', 'sign_name', 'template_code'] });

    const put = await settings({ provider: 'aliyun', access_key_id: 'LTAIkey', access_key_secret: 'the-real-secret', sign_name: '私域', template_code: 'SMS_1' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.body).not.toContain('the-real-secret');
    expect(put.json()).toMatchObject({ provider: 'aliyun', access_key_id: 'LTAIkey', has_secret: true });
    expect((await settings()).body).not.toContain('the-real-secret');
    const row = await db.selectFrom('sms_settings').select('access_key_secret').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow();
    expect(row.access_key_secret).toMatch(/^v1\./);
    expect(row.access_key_secret).not.toContain('the-real-secret');
    // Leaving the secret out keeps it.
    expect((await settings({ provider: 'aliyun', access_key_id: 'LTAIkey2', sign_name: '私域', template_code: 'SMS_2' })).json()).toMatchObject({ has_secret: true, template_code: 'SMS_2' });
  });

  it('the job sends through the tenant\'s provider with the unsealed secret, then forgets the code', async () => {
    const phone = '13700000001';
    const asked = await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone }, remoteAddress: '10.9.0.1' });
    expect(asked.statusCode, asked.body).toBe(202);
    // Nothing is sent inside the request: the job does it.
    expect(sent).toHaveLength(0);
    await siyu.tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.account).toMatchObject({ accessKeyId: 'LTAIkey2', accessKeySecret: 'the-real-secret', templateCode: 'SMS_2' });
    expect(sent[0]!.request.phone).toBe(phone);
    expect(sent[0]!.request.params[0]!.value).toMatch(/^\d{6}$/);
    const message = await db.selectFrom('sms_messages').selectAll().where('tenant_id', '=', world.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ provider: 'aliyun', status: 'sent', provider_message_id: 'biz-1', params: null, body: null });

    const list = await siyu.server.inject({ method: 'GET', url: '/api/v1/messages', headers: auth(world.adminToken) });
    expect(list.json().items[0]).toMatchObject({ phone, provider: 'aliyun', status: 'sent', body: null });
  });

  it('a final refusal is recorded as failed; a message whose code expired is not sent', async () => {
    refuse = true;
    await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone: '13700000002' }, remoteAddress: '10.9.0.2' });
    await siyu.tick();
    const failed = await db.selectFrom('sms_messages').selectAll().where('phone', '=', '13700000002').executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'failed', params: null });
    expect(failed.error).toContain('isv.MOBILE_NUMBER_ILLEGAL');

    refuse = false;
    const before = sent.length;
    await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone: '13700000003' }, remoteAddress: '10.9.0.3' });
    clock.advance(5 * 60_000 + 1);
    await siyu.tick();
    expect(sent).toHaveLength(before);
    expect((await db.selectFrom('sms_messages').select(['status', 'error']).where('phone', '=', '13700000003').executeTakeFirstOrThrow()))
      .toEqual({ status: 'failed', error: 'expired before it could be sent' });
  });

  it('only admins read the outbox and the settings', async () => {
    const consumer = await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { phone: '13700000009' } });
    const token = consumer.json().token as string;
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/messages', headers: auth(token) })).statusCode).toBe(403);
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/messaging/sms-settings', headers: auth(token) })).statusCode).toBe(403);
  });
});
