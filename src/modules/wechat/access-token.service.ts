import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { newId } from '../../platform/ids.js';
import { seal, unseal } from '../../platform/secrets.js';
import { wechatError } from './wechat.errors.js';
import { isAccessTokenRefused } from './wechat.provider.js';
import type { WechatDeps } from './wechat.service.js';
import type { WechatAppKind } from './wechat.tables.js';

/** How the shared server access token is kept fresh. */
export const ACCESS_TOKEN_RULES = {
  /** A token this close to its expiry is replaced before use (WeChat's stable token may change in its last 5 minutes). */
  refreshMarginMs: 5 * 60_000,
  /** How long a process may hold the refresh lease; a crashed holder's lease lapses after this. */
  leaseMs: 30_000,
  /** How often a waiting process reads the row again while another fetches. */
  pollMs: 50,
  /** How long a caller waits for another process's fetch before giving up with 503 `wechat_token_busy`. */
  waitMs: 15_000,
} as const;

interface CachedToken { token: string; apiBase: string; version: number }

/**
 * Runs `call` with the app's server access token, shared by every process through the database:
 * a missing or nearly expired token is fetched by one process (the one whose UPDATE took the
 * lease), the others wait and read the row again. When WeChat refuses the token (40001 invalid,
 * 42001 expired), it is refreshed once — by one process, however many were refused — and `call`
 * runs once more. No transaction is open during any HTTP call.
 */
export async function withServerAccessToken<T>(
  deps: WechatDeps,
  tenantId: string,
  app: WechatAppKind,
  call: (token: string, apiBase: string) => Promise<T>,
): Promise<T> {
  const first = await serverAccessToken(deps, tenantId, app);
  try {
    return await call(first.token, first.apiBase);
  } catch (err) {
    if (!isAccessTokenRefused(err)) throw err;
    const second = await serverAccessToken(deps, tenantId, app, first.version);
    return call(second.token, second.apiBase);
  }
}

/**
 * The current token, fetched when missing, near expiry, or (given `refusedVersion`) no newer than
 * the one WeChat refused.
 */
async function serverAccessToken(deps: WechatDeps, tenantId: string, app: WechatAppKind, refusedVersion = -1): Promise<CachedToken> {
  const holder = newId('lease');
  const giveUpAt = Date.now() + ACCESS_TOKEN_RULES.waitMs;
  for (;;) {
    const now = deps.clock.now();
    const freshUntil = new Date(now.getTime() + ACCESS_TOKEN_RULES.refreshMarginMs);
    const row = await deps.db.selectFrom('wechat_apps as a')
      .innerJoin('wechat_access_tokens as t', (j) => j.onRef('t.tenant_id', '=', 'a.tenant_id').onRef('t.app', '=', 'a.app'))
      .select(['a.appid', 'a.secret', 'a.api_base', 't.access_token', 't.expires_at', 't.version'])
      .where('a.tenant_id', '=', tenantId).where('a.app', '=', app).executeTakeFirst();
    if (!row) throw wechatError('wechat_app_not_connected', { app });
    if (row.access_token && row.expires_at! > freshUntil && row.version > refusedVersion) {
      return { token: unseal(deps.sealKey, row.access_token), apiBase: row.api_base, version: row.version };
    }
    // One statement decides who fetches: the lease is free (or lapsed) and the token still needs replacing.
    const leased = await sql<{ version: number }>`
      UPDATE wechat_access_tokens SET lease_holder = ${holder}, lease_until = ${new Date(now.getTime() + ACCESS_TOKEN_RULES.leaseMs)}
       WHERE tenant_id = ${tenantId} AND app = ${app}
         AND (lease_until IS NULL OR lease_until <= ${now})
         AND (access_token IS NULL OR expires_at <= ${freshUntil} OR version <= ${refusedVersion})
      RETURNING version`.execute(deps.db);
    if (leased.rows.length) return fetchUnderLease(deps, tenantId, app, holder, row, refusedVersion >= 0);
    if (Date.now() >= giveUpAt) throw wechatError('wechat_token_busy', { app });
    await sleep(ACCESS_TOKEN_RULES.pollMs);
  }
}

async function fetchUnderLease(deps: WechatDeps, tenantId: string, app: WechatAppKind, holder: string, appRow: { appid: string; secret: string; api_base: string }, forceRefresh: boolean): Promise<CachedToken> {
  let fetched;
  try {
    fetched = await deps.api.fetchAccessToken({ appid: appRow.appid, secret: unseal(deps.sealKey, appRow.secret), apiBase: appRow.api_base }, { forceRefresh });
  } catch (err) {
    // Let the next caller try at once rather than after the lease lapses.
    await deps.db.updateTable('wechat_access_tokens').set({ lease_holder: null, lease_until: null })
      .where('tenant_id', '=', tenantId).where('app', '=', app).where('lease_holder', '=', holder).execute();
    throw err;
  }
  const now = deps.clock.now();
  const stored = await deps.db.updateTable('wechat_access_tokens')
    .set((eb) => ({
      access_token: seal(deps.sealKey, fetched.accessToken), expires_at: new Date(now.getTime() + fetched.expiresInS * 1000),
      version: eb('version', '+', 1), lease_holder: null, lease_until: null, refreshed_at: now,
    }))
    .where('tenant_id', '=', tenantId).where('app', '=', app).where('lease_holder', '=', holder)
    .returning('version').executeTakeFirst();
  if (stored) return { token: fetched.accessToken, apiBase: appRow.api_base, version: stored.version };
  // Our lease lapsed and another process stored its own token meanwhile: ours is valid too (stable
  // tokens coexist); should WeChat refuse it, the refresh goes past what is stored now.
  const current = await deps.db.selectFrom('wechat_access_tokens').select('version').where('tenant_id', '=', tenantId).where('app', '=', app).executeTakeFirst();
  return { token: fetched.accessToken, apiBase: appRow.api_base, version: current?.version ?? 0 };
}
