/**
 * Each tenant's SMS provider: credentials stored sealed and never returned, messages sent by the
 * job outside the business transaction through the tenant's provider, the code cleared once sent;
 * the recipient's number kept sealed, opened only for the provider, shown masked.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiyu, type Siyu } from '../../app.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig, testPhones, type World } from '../../../test/fixtures.js';
import { smsTo, testRecipientPhones } from '../../../test/outbox.js';
import { newId } from '../../platform/ids.js';
import { SmsSendError, type SmsAccount, type SmsProvider, type SmsRequest } from './messaging.provider.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { sealUnsealedSmsPhones, SMS_SEND_JOB } from './messaging.service.js';

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
    const [message] = await smsTo(db, world.tenantId, phone);
    expect(message).toMatchObject({ provider: 'aliyun', status: 'sent', provider_message_id: 'biz-1', params: null, body: null });

    // The outbox shows the number masked, never whole.
    const list = await siyu.server.inject({ method: 'GET', url: '/api/v1/messages', headers: auth(world.adminToken) });
    expect(list.json().items[0]).toMatchObject({ phone: '137****0001', provider: 'aliyun', status: 'sent', body: null });
    expect(list.body).not.toContain(phone);
  });

  it('a final refusal is recorded as failed; a message whose code expired is not sent', async () => {
    refuse = true;
    await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone: '13700000002' }, remoteAddress: '10.9.0.2' });
    await siyu.tick();
    const [failed] = await smsTo(db, world.tenantId, '13700000002');
    expect(failed).toMatchObject({ status: 'failed', params: null });
    expect(failed!.error).toContain('isv.MOBILE_NUMBER_ILLEGAL');

    refuse = false;
    const before = sent.length;
    await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone: '13700000003' }, remoteAddress: '10.9.0.3' });
    clock.advance(5 * 60_000 + 1);
    await siyu.tick();
    expect(sent).toHaveLength(before);
    const [expired] = await smsTo(db, world.tenantId, '13700000003');
    expect({ status: expired?.status, error: expired?.error }).toEqual({ status: 'failed', error: 'expired before it could be sent' });
  });

  it('only admins read the outbox and the settings', async () => {
    const consumer = await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/session`, payload: { phone: '13700000009' } });
    const token = consumer.json().token as string;
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/messages', headers: auth(token) })).statusCode).toBe(403);
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/messaging/sms-settings', headers: auth(token) })).statusCode).toBe(403);
  });

  /** Every text the tenant's message rows (and numbers still waiting to be sealed) hold, as one string to search for a number. */
  const outboxText = async () => (await sql<{ dump: string }>`
    SELECT (SELECT coalesce(string_agg(m::text, '|'), '') FROM sms_messages m WHERE m.tenant_id = ${world.tenantId})
        || (SELECT coalesce(string_agg(u::text, '|'), '') FROM sms_phones_unsealed u WHERE u.tenant_id = ${world.tenantId}) AS dump`.execute(db)).rows[0]!.dump;

  it('the outbox keeps the number sealed: no row holds its digits, the provider still gets it whole', async () => {
    const phone = '13698765432';
    expect((await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${world.shop}/otp`, payload: { phone }, remoteAddress: '10.9.0.4' })).statusCode).toBe(202);
    const queued = await outboxText();
    expect(queued).not.toContain(phone);
    expect(queued).not.toContain(phone.slice(3, 7)); // the digits the mask hides
    const before = sent.length;
    await siyu.tick();
    expect(sent.slice(before).map((s) => s.request.phone)).toEqual([phone]);
    const [row] = await smsTo(db, world.tenantId, phone);
    expect(row).toMatchObject({ status: 'sent', phone_masked: '136****5432' });
    expect(row!.phone_sealed).toMatch(/^v1\./);
    expect(await outboxText()).not.toContain(phone.slice(3, 7));
  });

  it('the database refuses a message without its sealed number, or with a plain one', async () => {
    const insert = (values: Record<string, unknown>) => db.insertInto('sms_messages')
      .values({ tenant_id: world.tenantId, id: newId('sms'), provider: 'aliyun', purpose: 'otp', body: null, params: null, provider_message_id: null, error: null, created_at: new Date(), sent_at: null, ...values } as never).execute();
    await expect(insert({})).rejects.toThrow(/check/i);
    await expect(insert({ phone_sealed: '13900001111', phone_masked: '139****1111' })).rejects.toThrow(/check/i);
    await expect(insert({ phone_sealed: testPhones.seal('13900001111'), phone_masked: '13900001111' })).rejects.toThrow(/check/i);
  });

  it('numbers stored before sealing are sealed by the start step, and the job sends them whole', async () => {
    const phone = '13511112222';
    const id = newId('sms');
    // As migration 037 left a message still queued: the number set aside, the columns empty, the check not yet validated.
    await sql`ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_phone_sealed`.execute(db);
    await db.insertInto('sms_messages').values({ tenant_id: world.tenantId, id, provider: 'aliyun', phone_sealed: null, phone_masked: null, purpose: 'otp', body: null, params: { code: '123456' }, provider_message_id: null, error: null, created_at: clock.now(), sent_at: null }).execute();
    await sql`ALTER TABLE sms_messages ADD CONSTRAINT sms_messages_phone_sealed CHECK (phone_sealed IS NOT NULL) NOT VALID`.execute(db);
    await db.insertInto('sms_phones_unsealed').values({ tenant_id: world.tenantId, message_id: id, phone }).execute();
    expect(await outboxText()).toContain(phone);

    expect(await sealUnsealedSmsPhones(db, testRecipientPhones, 1)).toBe(1);
    expect(await db.selectFrom('sms_phones_unsealed').selectAll().execute()).toEqual([]);
    expect(await outboxText()).not.toContain(phone);
    const row = await db.selectFrom('sms_messages').select(['phone_sealed', 'phone_masked']).where('tenant_id', '=', world.tenantId).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.phone_masked).toBe('135****2222');
    expect(testPhones.open(row.phone_sealed!)).toBe(phone);
    const { rows: [check] } = await sql<{ convalidated: boolean }>`SELECT convalidated FROM pg_constraint WHERE conname = 'sms_messages_phone_sealed'`.execute(db);
    expect(check!.convalidated).toBe(true);
    // A second start finds nothing to do.
    expect(await sealUnsealedSmsPhones(db, testRecipientPhones)).toBe(0);

    const before = sent.length;
    await enqueue(db, world.tenantId, SMS_SEND_JOB, { message_id: id });
    await siyu.tick();
    expect(sent.slice(before).map((s) => s.request.phone)).toEqual([phone]);
  });
});
