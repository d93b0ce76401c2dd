import type { Conn, Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { deriveKey, seal, unseal } from '../../platform/secrets.js';
import { wechatError } from './wechat.errors.js';
import type { WechatApi, WechatAppCredentials } from './wechat.provider.js';
import type { WechatAppKind } from './wechat.tables.js';

/** The purpose WeChat app secrets, access tokens and session keys are sealed under (a key derived from SIYU_SECRET_KEY). */
export const WECHAT_SEAL_PURPOSE = 'wechat-credentials';

/** The purpose OAuth states are bound to their browser under (a keyed hash of the cookie's value). */
export const WECHAT_STATE_PURPOSE = 'wechat-oauth-state';

/** What every WeChat-facing use case needs: the database, the clock, the keys and the API adapter. */
export interface WechatDeps {
  db: Db;
  clock: Clock;
  /** Seals app secrets, access tokens and session keys. */
  sealKey: Buffer;
  /** Hashes the browser binding of OAuth states. */
  stateKey: Buffer;
  api: WechatApi;
}

export function wechatDeps(db: Db, clock: Clock, secretKey: string, api: WechatApi): WechatDeps {
  return { db, clock, sealKey: deriveKey(secretKey, WECHAT_SEAL_PURPOSE), stateKey: deriveKey(secretKey, WECHAT_STATE_PURPOSE), api };
}

export const WECHAT_APP_KINDS = ['official_account', 'mini_program'] as const satisfies readonly WechatAppKind[];

export interface WechatAppInput {
  app: WechatAppKind;
  appid: string;
  secret: string;
  apiBase: string;
}

/**
 * Connects (or reconnects) a tenant's app: the secret sealed, and any cached access token
 * forgotten, since it belonged to the previous appid or secret.
 */
export async function connectWechatApp(db: Db, sealKey: Buffer, tenantId: string, input: WechatAppInput) {
  const apiBase = input.apiBase.replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(input.appid)) throw wechatError('wechat_app_invalid', { field: 'appid' });
  if (!input.secret || input.secret.length > 256) throw wechatError('wechat_app_invalid', { field: 'secret' });
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiBase)) throw wechatError('wechat_app_invalid', { field: 'api_base' });
  const row = { appid: input.appid, secret: seal(sealKey, input.secret), api_base: apiBase };
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('wechat_apps').values({ tenant_id: tenantId, app: input.app, ...row })
      .onConflict((oc) => oc.columns(['tenant_id', 'app']).doUpdateSet({ ...row, updated_at: new Date() })).execute();
    await tx.insertInto('wechat_access_tokens').values({ tenant_id: tenantId, app: input.app, access_token: null, expires_at: null, lease_holder: null, lease_until: null, refreshed_at: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'app']).doUpdateSet((eb) => ({ access_token: null, expires_at: null, version: eb('wechat_access_tokens.version', '+', 1) }))).execute();
  });
  return (await listWechatApps(db, tenantId)).find((a) => a.app === input.app)!;
}

/** The tenant's apps as the console shows them: whether a secret is set, never the secret. */
export async function listWechatApps(db: Conn, tenantId: string) {
  const rows = await db.selectFrom('wechat_apps').select(['app', 'appid', 'secret', 'api_base', 'updated_at'])
    .where('tenant_id', '=', tenantId).orderBy('app').execute();
  return rows.map((r) => ({ app: r.app, appid: r.appid, has_secret: r.secret.length > 0, api_base: r.api_base, updated_at: r.updated_at }));
}

/** An app's credentials for a call to WeChat; 409 `wechat_app_not_connected` when the tenant has none. */
export async function wechatAppCredentials(db: Conn, sealKey: Buffer, tenantId: string, app: WechatAppKind): Promise<WechatAppCredentials> {
  const row = await db.selectFrom('wechat_apps').select(['appid', 'secret', 'api_base']).where('tenant_id', '=', tenantId).where('app', '=', app).executeTakeFirst();
  if (!row) throw wechatError('wechat_app_not_connected', { app });
  return { appid: row.appid, secret: unseal(sealKey, row.secret), apiBase: row.api_base };
}
