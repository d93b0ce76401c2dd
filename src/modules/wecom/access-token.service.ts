import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { seal, unseal } from '../../platform/secrets.js';
import { wecomError } from './wecom.errors.js';

export const WECOM_TOKEN_RULES = {
  /** Replaced this long before its expiry. */
  refreshMarginMs: 5 * 60_000,
  /** A crashed holder's lease lapses after this. */
  leaseMs: 30_000,
  pollMs: 50,
  waitMs: 15_000,
} as const;

export interface WecomTokenFetcher {
  (corp: { corpId: string; secret: string; apiBase: string }): Promise<{ accessToken: string; expiresInS: number }>;
}

export interface WecomToken { token: string; version: number; corpId: string; apiBase: string }

/**
 * The corp's access token, shared by every process through the database (WeCom asks that gettoken
 * not be hammered): missing, near expiry or — given `refusedVersion` — no newer than the token
 * WeCom refused, it is fetched by the one process whose conditional UPDATE took the lease (single
 * flight across processes); the others poll the row. No transaction is open during the fetch.
 */
export async function wecomAccessToken(db: Db, clock: Clock, sealKey: Buffer, tenantId: string, fetchToken: WecomTokenFetcher, refusedVersion = -1): Promise<WecomToken> {
  const holder = newId('lease');
  const giveUpAt = Date.now() + WECOM_TOKEN_RULES.waitMs;
  for (;;) {
    const now = clock.now();
    const freshUntil = new Date(now.getTime() + WECOM_TOKEN_RULES.refreshMarginMs);
    const row = await db.selectFrom('wecom_settings as s')
      .innerJoin('wecom_access_tokens as t', 't.tenant_id', 's.tenant_id')
      .select(['s.corp_id', 's.secret', 's.api_base', 't.access_token', 't.expires_at', 't.version'])
      .where('s.tenant_id', '=', tenantId).executeTakeFirst();
    if (!row) throw wecomError('wecom_not_connected');
    if (row.access_token && row.expires_at! > freshUntil && row.version > refusedVersion) {
      return { token: unseal(sealKey, row.access_token), version: row.version, corpId: row.corp_id, apiBase: row.api_base };
    }
    const leased = await sql<{ version: number }>`
      UPDATE wecom_access_tokens SET lease_holder = ${holder}, lease_until = ${new Date(now.getTime() + WECOM_TOKEN_RULES.leaseMs)}
       WHERE tenant_id = ${tenantId}
         AND (lease_until IS NULL OR lease_until <= ${now})
         AND (access_token IS NULL OR expires_at <= ${freshUntil} OR version <= ${refusedVersion})
      RETURNING version`.execute(db);
    if (leased.rows.length) {
      let fetched;
      try {
        fetched = await fetchToken({ corpId: row.corp_id, secret: unseal(sealKey, row.secret), apiBase: row.api_base });
      } catch (err) {
        await db.updateTable('wecom_access_tokens').set({ lease_holder: null, lease_until: null })
          .where('tenant_id', '=', tenantId).where('lease_holder', '=', holder).execute();
        throw err;
      }
      const at = clock.now();
      const stored = await db.updateTable('wecom_access_tokens')
        .set((eb) => ({
          access_token: seal(sealKey, fetched.accessToken), expires_at: new Date(at.getTime() + fetched.expiresInS * 1000),
          version: eb('version', '+', 1), lease_holder: null, lease_until: null, refreshed_at: at,
        }))
        .where('tenant_id', '=', tenantId).where('lease_holder', '=', holder).returning('version').executeTakeFirst();
      return { token: fetched.accessToken, version: stored?.version ?? row.version + 1, corpId: row.corp_id, apiBase: row.api_base };
    }
    if (Date.now() >= giveUpAt) throw wecomError('wecom_token_busy');
    await sleep(WECOM_TOKEN_RULES.pollMs);
  }
}
