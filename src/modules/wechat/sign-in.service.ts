import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Conn } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { keyedHash, seal } from '../../platform/secrets.js';
import { withServerAccessToken } from './access-token.service.js';
import { wechatError } from './wechat.errors.js';
import { WECHAT_API_BASE, WECHAT_ERRCODE, WechatApiError } from './wechat.provider.js';
import { wechatAppCredentials, type WechatDeps } from './wechat.service.js';

/** How long a started web authorisation may take to come back. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Which WeChat sign-ins a tenant's shops offer. */
export async function wechatSignInOptions(db: Conn, tenantId: string) {
  const apps = await db.selectFrom('wechat_apps').select('app').where('tenant_id', '=', tenantId).execute();
  return { official_account: apps.some((a) => a.app === 'official_account'), mini_program: apps.some((a) => a.app === 'mini_program') };
}

/** WeChat's consent page lives on open.weixin.qq.com; a simulator serves it beside its API. */
export function authorizeBaseOf(apiBase: string): string {
  return apiBase === WECHAT_API_BASE ? 'https://open.weixin.qq.com' : apiBase;
}

/**
 * Starts official-account web authorisation (snsapi_base) for a shop: a single-use `state` nonce
 * stored with a keyed hash of a browser secret (the caller sets it as a cookie), so the redirect
 * back is accepted only once, within 10 minutes, from the browser that started it.
 */
export async function startOauth(deps: WechatDeps, tenantId: string, bNodeId: string, redirectUri: string) {
  const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, 'official_account');
  const state = randomBytes(24).toString('base64url');
  const browser = randomBytes(24).toString('base64url');
  const now = deps.clock.now();
  await deps.db.insertInto('wechat_oauth_states').values({
    tenant_id: tenantId, state, b_node_id: bNodeId, browser_hash: keyedHash(deps.stateKey, `${tenantId}\n${state}\n${browser}`),
    created_at: now, expires_at: new Date(now.getTime() + OAUTH_STATE_TTL_MS), consumed_at: null,
  }).execute();
  const query = new URLSearchParams({ appid: app.appid, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state });
  return { authorizeUrl: `${authorizeBaseOf(app.apiBase)}/connect/oauth2/authorize?${query.toString()}#wechat_redirect`, state, browser, expiresInS: OAUTH_STATE_TTL_MS / 1000 };
}

/**
 * Spends a state: it must exist for this shop, be unspent and unexpired, and come with the
 * browser secret it was bound to. One UPDATE, so a replay racing the first use loses; a wrong
 * browser does not spend it. Refused: 401 `wechat_state_invalid`.
 */
export async function consumeOauthState(deps: WechatDeps, tenantId: string, bNodeId: string, state: string | undefined, browser: string | undefined) {
  if (!state || !browser || Buffer.byteLength(state) > 128) throw wechatError('wechat_state_invalid');
  const row = await deps.db.selectFrom('wechat_oauth_states').select(['browser_hash']).where('tenant_id', '=', tenantId).where('state', '=', state).executeTakeFirst();
  const expected = Buffer.from(row?.browser_hash ?? '', 'hex');
  const given = Buffer.from(keyedHash(deps.stateKey, `${tenantId}\n${state}\n${browser}`), 'hex');
  if (!row || expected.length !== given.length || !timingSafeEqual(expected, given)) throw wechatError('wechat_state_invalid');
  const now = deps.clock.now();
  const spent = await deps.db.updateTable('wechat_oauth_states').set({ consumed_at: now })
    .where('tenant_id', '=', tenantId).where('state', '=', state).where('b_node_id', '=', bNodeId)
    .where('consumed_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) throw wechatError('wechat_state_invalid');
}

/** The web authorisation code for the visitor's identity; errors as `callWechat` maps them. */
export async function exchangeOauthCode(deps: WechatDeps, tenantId: string, code: string) {
  const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, 'official_account');
  return { ...(await callWechat(() => deps.api.oauthAccessToken(app, code))), appid: app.appid };
}

/**
 * The mini-program's login code for the buyer's openid (and unionid); the session_key is sealed
 * and kept here, never returned.
 */
export async function exchangeMiniProgramCode(deps: WechatDeps, tenantId: string, code: string) {
  const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, 'mini_program');
  const login = await callWechat(() => deps.api.code2Session(app, code));
  const sessionKey = seal(deps.sealKey, login.sessionKey);
  await deps.db.insertInto('wechat_mini_program_sessions').values({ tenant_id: tenantId, openid: login.openid, session_key: sessionKey })
    .onConflict((oc) => oc.columns(['tenant_id', 'openid']).doUpdateSet({ session_key: sessionKey, updated_at: deps.clock.now() })).execute();
  return { openid: login.openid, unionid: login.unionid, appid: app.appid };
}

/**
 * The phone number behind a mini-program phone-button code, checked to be issued for our own app
 * (watermark.appid). A mainland number is kept as its 11 digits, as the one-time-code sign-in
 * keeps it; others with + and the country code.
 */
export async function phoneFromCode(deps: WechatDeps, tenantId: string, code: string): Promise<string> {
  const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, 'mini_program');
  const info = await callWechat(() => withServerAccessToken(deps, tenantId, 'mini_program', (token, apiBase) => deps.api.phoneNumber(apiBase, token, code)));
  if (info.watermarkAppid !== app.appid) throw wechatError('wechat_phone_mismatch');
  return !info.countryCode || info.countryCode === '86' ? info.purePhoneNumber : `+${info.countryCode}${info.purePhoneNumber}`;
}

/**
 * A sign-in call to WeChat: "system busy" (-1) is tried once more; WeChat's refusals become this
 * module's codes — invalid, expired or used code → 401 `wechat_code_invalid`, risk-control block
 * (40226) → 403 `wechat_user_blocked`, busy twice → 503 `wechat_unavailable`, anything else → 502.
 */
export async function callWechat<T>(call: () => Promise<T>): Promise<T> {
  try {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WechatApiError && err.errcode === WECHAT_ERRCODE.busy) return await call();
      throw err;
    }
  } catch (err) {
    if (!(err instanceof WechatApiError)) throw err;
    switch (err.errcode) {
      case WECHAT_ERRCODE.invalidCode: case WECHAT_ERRCODE.codeUsed: throw wechatError('wechat_code_invalid', { errcode: err.errcode });
      case WECHAT_ERRCODE.highRiskUser: throw wechatError('wechat_user_blocked', { errcode: err.errcode });
      case WECHAT_ERRCODE.busy: case WECHAT_ERRCODE.userLimit: throw wechatError('wechat_unavailable', { errcode: err.errcode });
      default: throw wechatError('wechat_rejected', { errcode: err.errcode });
    }
  }
}

/** OAuth states older than a day serve nothing. */
export async function pruneOauthStates(db: Conn, clock: Clock): Promise<number> {
  const res = await db.deleteFrom('wechat_oauth_states').where('created_at', '<', new Date(clock.now().getTime() - 86_400_000)).executeTakeFirst();
  return Number(res.numDeletedRows);
}
