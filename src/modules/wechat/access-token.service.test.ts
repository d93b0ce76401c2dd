/**
 * The server access token on real PostgreSQL: one fetch however many callers, in however many
 * processes (two pools here), none holding a transaction during the fetch; a token refused by
 * WeChat (40001/42001) refreshed once and the call retried; expiry margin; reconnecting forgets it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../platform/db/database.js';
import type { Database, Db } from '../../database.js';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock } from '../../../test/fixtures.js';
import { createTenant } from '../identity/identity.service.js';
import { withServerAccessToken, ACCESS_TOKEN_RULES } from './access-token.service.js';
import { connectWechatApp, listWechatApps, wechatDeps, type WechatDeps } from './wechat.service.js';
import { WechatApiError, type WechatApi } from './wechat.provider.js';

/** A token endpoint that counts its calls and takes a while, as WeChat's does. */
function countingApi(delayMs = 150) {
  const fetched: { appid: string; secret: string; force: boolean }[] = [];
  const api: WechatApi = {
    async fetchAccessToken(app, options) {
      fetched.push({ appid: app.appid, secret: app.secret, force: options?.forceRefresh ?? false });
      await sleep(delayMs);
      return { accessToken: `token-${fetched.length}`, expiresInS: 7200 };
    },
    oauthAccessToken: () => { throw new Error('unused'); },
    code2Session: () => { throw new Error('unused'); },
    phoneNumber: () => { throw new Error('unused'); },
  };
  return { api, fetched };
}

describe('withServerAccessToken', async () => {
  const { db, url } = await createTestDatabase();
  const clock = manualClock();
  const secretKey = 'test-secret-key-for-wechat-tokens-000000';
  let other: Db;
  let tenantId: string;

  beforeAll(async () => {
    other = createDb<Database>(url, { max: 10 });
    tenantId = (await createTenant(db, { slug: 'wx-token', name: 'WeChat tokens' })).id;
  });
  afterAll(async () => { await other.destroy(); });

  async function connect(appid: string, deps: WechatDeps) {
    await connectWechatApp(db, deps.sealKey, tenantId, { app: 'official_account', appid, secret: `secret-of-${appid}`, apiBase: 'http://sim.invalid' });
  }

  it('many concurrent callers in two processes fetch the token once and all use it', async () => {
    const { api, fetched } = countingApi();
    const here = wechatDeps(db, clock, secretKey, api);
    const there = wechatDeps(other, clock, secretKey, api);
    await connect('wx-single-flight', here);
    const seen = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      withServerAccessToken(i % 2 ? there : here, tenantId, 'official_account', async (token, apiBase) => `${token}@${apiBase}`)));
    expect(fetched).toEqual([{ appid: 'wx-single-flight', secret: 'secret-of-wx-single-flight', force: false }]);
    expect(new Set(seen)).toEqual(new Set(['token-1@http://sim.invalid']));
    // Stored sealed, never in clear.
    const row = await db.selectFrom('wechat_access_tokens').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(row.access_token).not.toContain('token-1');
    expect(row.lease_holder).toBeNull();
    // A later call reads the cache.
    await withServerAccessToken(here, tenantId, 'official_account', async () => null);
    expect(fetched).toHaveLength(1);
  });

  it('a token near expiry is replaced once, by one of the callers', async () => {
    const { api, fetched } = countingApi(50);
    const here = wechatDeps(db, clock, secretKey, api);
    const there = wechatDeps(other, clock, secretKey, api);
    await connect('wx-expiry', here);
    await withServerAccessToken(here, tenantId, 'official_account', async () => null);
    clock.advance(7200_000 - ACCESS_TOKEN_RULES.refreshMarginMs + 1);
    const seen = await Promise.all(Array.from({ length: 20 }, (_, i) => withServerAccessToken(i % 2 ? there : here, tenantId, 'official_account', async (t) => t)));
    expect(fetched).toHaveLength(2);
    expect(new Set(seen)).toEqual(new Set(['token-2']));
  });

  it('a token WeChat refuses (40001, 42001) is refreshed once for all the refused callers, and each call retried once', async () => {
    const { api, fetched } = countingApi(50);
    const here = wechatDeps(db, clock, secretKey, api);
    const there = wechatDeps(other, clock, secretKey, api);
    await connect('wx-refused', here);
    await withServerAccessToken(here, tenantId, 'official_account', async () => null);
    const calls: string[] = [];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => withServerAccessToken(i % 2 ? there : here, tenantId, 'official_account', async (token) => {
      calls.push(token);
      if (token === 'token-1') throw new WechatApiError(i % 3 ? 40001 : 42001, 'invalid credential');
      return token;
    })));
    expect(results).toEqual(Array(10).fill('token-2'));
    expect(fetched.map((f) => f.force)).toEqual([false, true]);
    expect(calls.filter((t) => t === 'token-1')).toHaveLength(10);
    expect(calls.filter((t) => t === 'token-2')).toHaveLength(10);
  });

  it('a second refusal is not retried again, and other errors are not retried at all', async () => {
    const { api, fetched } = countingApi(10);
    const here = wechatDeps(db, clock, secretKey, api);
    await connect('wx-twice', here);
    let calls = 0;
    await expect(withServerAccessToken(here, tenantId, 'official_account', async () => { calls++; throw new WechatApiError(40001, 'invalid credential'); }))
      .rejects.toMatchObject({ errcode: 40001 });
    expect(calls).toBe(2);
    expect(fetched).toHaveLength(2);
    calls = 0;
    await expect(withServerAccessToken(here, tenantId, 'official_account', async () => { calls++; throw new WechatApiError(40029, 'invalid code'); }))
      .rejects.toMatchObject({ errcode: 40029 });
    expect(calls).toBe(1);
  });

  it('a failed fetch frees the lease at once and the next caller fetches', async () => {
    let fail = true;
    const { api, fetched } = countingApi(10);
    const flaky: WechatApi = { ...api, fetchAccessToken: async (app, o) => { if (fail) { fail = false; throw new WechatApiError(-1, 'system busy'); } return api.fetchAccessToken(app, o); } };
    const here = wechatDeps(db, clock, secretKey, flaky);
    await connect('wx-flaky', here);
    await expect(withServerAccessToken(here, tenantId, 'official_account', async (t) => t)).rejects.toMatchObject({ errcode: -1 });
    await expect(withServerAccessToken(here, tenantId, 'official_account', async (t) => t)).resolves.toBe('token-1');
    expect(fetched).toHaveLength(1);
  });

  it('reconnecting the app forgets its token; the secret is sealed and never listed', async () => {
    const { api, fetched } = countingApi(10);
    const here = wechatDeps(db, clock, secretKey, api);
    await connect('wx-reconnect', here);
    await withServerAccessToken(here, tenantId, 'official_account', async () => null);
    await connect('wx-reconnect-2', here);
    await withServerAccessToken(here, tenantId, 'official_account', async () => null);
    expect(fetched.map((f) => f.appid)).toEqual(['wx-reconnect', 'wx-reconnect-2']);
    const stored = await db.selectFrom('wechat_apps').select('secret').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain('secret-of');
    const listed = await listWechatApps(db, tenantId);
    expect(JSON.stringify(listed)).not.toContain('secret-of');
    expect(listed).toEqual([expect.objectContaining({ app: 'official_account', appid: 'wx-reconnect-2', has_secret: true })]);
  });

  it('an app not connected answers 409 wechat_app_not_connected', async () => {
    const { api } = countingApi();
    await expect(withServerAccessToken(wechatDeps(db, clock, secretKey, api), tenantId, 'mini_program', async () => null)).rejects.toMatchObject({ code: 'wechat_app_not_connected', status: 409 });
  });
});
