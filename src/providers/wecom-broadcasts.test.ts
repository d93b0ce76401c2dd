/**
 * A mass message is never sent twice by a crash, against the WeCom simulator: the send job dies
 * right after WeCom took the task (before its msgid was recorded) — the retry finds the task by
 * get_groupmsg_list_v2 and adopts it, calling add_msg_template no more; it dies before WeCom got
 * anything — the retry leaves the recipients uncertain, and only the operator's resend sends them.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { auth, manualClock, seedWorld, testConfig, type World } from '../../test/fixtures.js';
import { createSiyu, type Siyu } from '../app.js';
import { injectPost } from './sandboxpay.unit.js';
import { injectWecomFetch, injectWecomSimPost } from './wecom.unit.js';
import { registerSimCorp, simScanContactWay } from '../simulators/wecom/wecom.sim-state.js';
import { connectWecom, wecomSealKey } from '../modules/wecom/wecom.service.js';
import { runSendJob } from '../modules/broadcasts/broadcasts.service.js';
import type { WecomApi } from '../modules/wecom/wecom.provider.js';

const CORP = 'wwbroadcastcrash01';
const TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';
const AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const SIM = 'http://sandbox.local/simulators/wecom';

describe('mass-message sends survive a crash without sending twice', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-03-10T02:00:00Z'));
  let siyu: Siyu;
  let w: World;
  const drain = async () => { for (let i = 0; i < 8; i++) if ((await siyu.tick()).jobs === 0) break; };
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers: auth(w.adminToken), ...(payload ? { payload } : {}) });
  const templates = async () => (await sql<{ msgid: string }>`SELECT msgid FROM wecom_sim_msg_templates WHERE corp_id = ${CORP}`.execute(db)).rows;
  let customerId = '';

  beforeAll(async () => {
    siyu = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost, wecomFetch: injectWecomFetch, wecomSimPost: injectWecomSimPost });
    await siyu.server.ready();
    w = await seedWorld(db, clock);
    await connectWecom(db, wecomSealKey(testConfig.secretKey), w.tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: AES_KEY, secret: 'corp-secret', apiBase: SIM });
    await registerSimCorp(db, { corp_id: CORP, secret: 'corp-secret', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: `http://sandbox.local/hooks/wecom/${w.tenantSlug}` });
    await db.insertInto('wecom_members').values({ tenant_id: w.tenantId, userid: 'zhang', name: 'Zhang' }).execute();
    const code = (await api('POST', '/live-codes', { kind: 'member', name: 'Zhang', state: 'crash', userids: ['zhang'] })).json();
    const scan = await simScanContactWay(db, injectWecomSimPost(siyu.server), clock.now(), { corpId: CORP, configId: code.config_id, person: 'amy' }) as { external_userid: string };
    await drain();
    customerId = (await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', w.tenantId).where('subject', '=', scan.external_userid).executeTakeFirstOrThrow()).customer_id;
  });
  afterAll(() => siyu.close());

  /** A planned and confirmed broadcast to the one customer. */
  const confirmed = async (text: string) => {
    const b = (await api('POST', '/broadcasts', { chat_type: 'single', audience: { customer_ids: [customerId] }, content: { text } })).json();
    expect((await api('POST', `/broadcasts/${b.id}/confirm`)).statusCode).toBe(200);
    return b.id as string;
  };
  /** The simulator's API with add_msg_template dying after (or before) WeCom takes the call. */
  const crashing = async (when: 'after' | 'before') => {
    const real = await siyu.wecomApi(w.tenantId);
    return async () => ({
      ...real,
      async addMsgTemplate(request) {
        if (when === 'after') await real.addMsgTemplate(request);
        throw new Error('process killed');
      },
    } satisfies WecomApi);
  };
  const recipient = async (id: string) => db.selectFrom('broadcast_recipients').select(['status', 'msgid']).where('broadcast_id', '=', id).executeTakeFirstOrThrow();

  it('dies after WeCom took the task: the retry adopts its msgid and sends nothing again', async () => {
    const id = await confirmed('第一条');
    await expect(runSendJob(db, clock, await crashing('after'), w.tenantId, id)).rejects.toThrow('process killed');
    expect(await recipient(id)).toEqual({ status: 'submitting', msgid: null });
    expect(await templates()).toHaveLength(1);
    await runSendJob(db, clock, (t) => siyu.wecomApi(t), w.tenantId, id);
    expect(await templates()).toHaveLength(1);
    expect(await recipient(id)).toEqual({ status: 'pending', msgid: (await templates())[0]!.msgid });
    expect((await api('GET', `/broadcasts/${id}`)).json()).toMatchObject({ status: 'sent' });
  });

  it('dies before WeCom got it: the retry leaves it uncertain; only the operator\'s resend sends it, once', async () => {
    const id = await confirmed('第二条');
    await expect(runSendJob(db, clock, await crashing('before'), w.tenantId, id)).rejects.toThrow('process killed');
    await runSendJob(db, clock, (t) => siyu.wecomApi(t), w.tenantId, id);
    expect(await templates()).toHaveLength(1);
    expect(await recipient(id)).toEqual({ status: 'uncertain', msgid: null });
    // Another run never calls WeCom for it blindly.
    await runSendJob(db, clock, (t) => siyu.wecomApi(t), w.tenantId, id);
    expect(await templates()).toHaveLength(1);

    const resent = await api('POST', `/broadcasts/${id}/resend-uncertain`);
    expect(resent.statusCode, resent.body).toBe(200);
    await drain();
    expect(await templates()).toHaveLength(2);
    expect(await recipient(id)).toMatchObject({ status: 'pending', msgid: expect.any(String) });
    expect((await api('POST', `/broadcasts/${id}/resend-uncertain`)).json()).toMatchObject({ code: 'broadcast_nothing_uncertain' });
  });
});
