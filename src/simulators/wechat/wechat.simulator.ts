import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';

/** Where the WeChat OAuth / mini-program simulator answers, in sandbox mode only. */
export const WECHAT_SIMULATOR_PREFIX = '/simulators/wechat';

/** As WeChat: a code lives 5 minutes and works once; a server access token 2 hours. */
export const SIM_RULES = { codeTtlMs: 5 * 60_000, tokenTtlS: 7200 } as const;

export type SimCodeKind = 'oauth' | 'login' | 'phone';

/** WeChat's answer when something is wrong: HTTP 200 with a non-zero errcode. */
export interface SimError { errcode: number; errmsg: string }
export const simError = (errcode: number, errmsg: string): SimError => ({ errcode, errmsg });

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/** A simulated person's openid under one app: stable, different for each app, as WeChat's. */
export const simOpenid = (appid: string, user: string) => `o${digest(`openid:${appid}:${user}`).slice(0, 27)}`;
/** The same person's unionid, one across every app (the apps are bound to one Open Platform account). */
export const simUnionid = (user: string) => `u${digest(`unionid:${user}`).slice(0, 27)}`;
/** A default mainland mobile number for a simulated person who did not name one. */
export const simDefaultPhone = (user: string) => `139${String(parseInt(createHash('sha256').update(user).digest('hex').slice(0, 8), 16) % 100_000_000).padStart(8, '0')}`;

export const SIM_USER = /^[A-Za-z0-9_.-]{1,32}$/;

/** A simulated WeChat user, created on first mention; a phone given later replaces the stored one. */
export async function ensureSimUser(db: Conn<any>, user: string, options: { phone?: string | undefined; blocked?: boolean | undefined } = {}) {
  const phone = options.phone || simDefaultPhone(user);
  const { rows: [row] } = await sql<{ user_key: string; phone: string; blocked: boolean }>`
    INSERT INTO wechat_sim_users (user_key, phone, blocked) VALUES (${user}, ${phone}, ${options.blocked ?? false})
    ON CONFLICT (user_key) DO UPDATE SET
      phone = CASE WHEN ${options.phone ?? null}::text IS NULL THEN wechat_sim_users.phone ELSE EXCLUDED.phone END,
      blocked = COALESCE(${options.blocked ?? null}::boolean, wechat_sim_users.blocked)
    RETURNING user_key, phone, blocked`.execute(db);
  return row!;
}

export async function listSimUsers(db: Conn<any>) {
  const { rows } = await sql<{ user_key: string; phone: string; blocked: boolean }>`SELECT user_key, phone, blocked FROM wechat_sim_users ORDER BY created_at, user_key LIMIT 50`.execute(db);
  return rows;
}

/**
 * The simulator learns an app's secret the first time it sees the appid (the sandbox connects its
 * apps with any secret it likes); from then on a different secret is refused, as WeChat would.
 */
export async function checkSimApp(db: Conn<any>, appid: string, secret: string): Promise<SimError | null> {
  if (!appid) return simError(40013, 'invalid appid');
  await sql`INSERT INTO wechat_sim_apps (appid, secret) VALUES (${appid}, ${secret}) ON CONFLICT (appid) DO NOTHING`.execute(db);
  const { rows: [app] } = await sql<{ secret: string }>`SELECT secret FROM wechat_sim_apps WHERE appid = ${appid}`.execute(db);
  return app!.secret === secret ? null : simError(40125, 'invalid appsecret');
}

export async function simAppKnown(db: Conn<any>, appid: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM wechat_sim_apps WHERE appid = ${appid}`.execute(db);
  return rows.length > 0;
}

/** A code for a simulated user: what WeChat's consent page, `wx.login()` or the phone button would hand the client. */
export async function mintSimCode(db: Conn<any>, now: Date, input: { kind: SimCodeKind; appid: string; user: string; snapshot?: boolean }) {
  const code = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SIM_RULES.codeTtlMs);
  await sql`INSERT INTO wechat_sim_codes (code, kind, appid, user_key, snapshot, expires_at)
            VALUES (${code}, ${input.kind}, ${input.appid}, ${input.user}, ${input.snapshot ?? false}, ${expiresAt})`.execute(db);
  return { code, expires_in: SIM_RULES.codeTtlMs / 1000 };
}

/**
 * Spends a code in one statement, so two concurrent exchanges cannot both succeed. Unknown, of
 * another app or kind, or expired → 40029; already used → `usedErrcode` (40163 for web
 * authorisation; the mini-program says 40029 for a reused code too). A blocked user → 40226.
 */
export async function spendSimCode(db: Conn<any>, now: Date, input: { kind: SimCodeKind; appid: string; code: string; usedErrcode: number }): Promise<SimError | { user: string; phone: string; snapshot: boolean }> {
  const { rows: [spent] } = await sql<{ user_key: string; snapshot: boolean; phone: string; blocked: boolean }>`
    UPDATE wechat_sim_codes c SET used_at = ${now} FROM wechat_sim_users u
     WHERE c.code = ${input.code} AND c.kind = ${input.kind} AND c.appid = ${input.appid}
       AND c.used_at IS NULL AND c.expires_at > ${now} AND u.user_key = c.user_key
    RETURNING c.user_key, c.snapshot, u.phone, u.blocked`.execute(db);
  if (spent) return spent.blocked ? simError(40226, 'high risk user, blocked') : { user: spent.user_key, phone: spent.phone, snapshot: spent.snapshot };
  const { rows: [seen] } = await sql<{ used: boolean }>`SELECT used_at IS NOT NULL AS used FROM wechat_sim_codes
     WHERE code = ${input.code} AND kind = ${input.kind} AND appid = ${input.appid} AND expires_at > ${now}`.execute(db);
  return seen?.used ? simError(input.usedErrcode, 'code been used') : simError(40029, 'invalid code');
}

/** A server access token: `stable_token` hands back the current one unless forced; `/cgi-bin/token` always replaces it. */
export async function issueSimToken(db: Conn<any>, now: Date, appid: string, replace: boolean) {
  if (!replace) {
    const { rows: [current] } = await sql<{ access_token: string; expires_at: Date }>`
      SELECT access_token, expires_at FROM wechat_sim_tokens WHERE appid = ${appid} AND revoked_at IS NULL AND expires_at > ${now}
      ORDER BY expires_at DESC LIMIT 1`.execute(db);
    if (current) return { access_token: current.access_token, expires_in: Math.floor((current.expires_at.getTime() - now.getTime()) / 1000) };
  }
  await sql`UPDATE wechat_sim_tokens SET revoked_at = ${now} WHERE appid = ${appid} AND revoked_at IS NULL`.execute(db);
  const token = `sim_${randomBytes(32).toString('base64url')}`;
  await sql`INSERT INTO wechat_sim_tokens (access_token, appid, expires_at) VALUES (${token}, ${appid}, ${new Date(now.getTime() + SIM_RULES.tokenTtlS * 1000)})`.execute(db);
  return { access_token: token, expires_in: SIM_RULES.tokenTtlS };
}

/** The app a token was issued to, or WeChat's refusal: 40001 unknown or replaced, 42001 expired. */
export async function checkSimToken(db: Conn<any>, now: Date, token: string): Promise<SimError | { appid: string }> {
  const { rows: [row] } = await sql<{ appid: string; expires_at: Date; revoked_at: Date | null }>`SELECT appid, expires_at, revoked_at FROM wechat_sim_tokens WHERE access_token = ${token}`.execute(db);
  if (!row || row.revoked_at) return simError(40001, 'invalid credential, access_token is invalid or not latest');
  if (row.expires_at <= now) return simError(42001, 'access_token expired');
  return { appid: row.appid };
}

/** Every token of an app refused from now on (tests: what WeChat does when the token is replaced elsewhere). */
export async function revokeSimTokens(db: Conn<any>, now: Date, appid: string) {
  await sql`UPDATE wechat_sim_tokens SET revoked_at = ${now} WHERE appid = ${appid} AND revoked_at IS NULL`.execute(db);
}

/** Arranges for the next `times` calls of a path to fail with `errcode` (-1 "system busy", 45011, …). */
export async function injectSimFault(db: Conn<any>, path: string, errcode: number, times: number) {
  await sql`INSERT INTO wechat_sim_faults (path, errcode, remaining) VALUES (${path}, ${errcode}, ${times})
            ON CONFLICT (path) DO UPDATE SET errcode = EXCLUDED.errcode, remaining = EXCLUDED.remaining`.execute(db);
}

/** A fault due for this call of the path, consumed by the same statement. */
export async function takeSimFault(db: Conn<any>, path: string): Promise<SimError | null> {
  const { rows: [fault] } = await sql<{ errcode: number }>`UPDATE wechat_sim_faults SET remaining = remaining - 1 WHERE path = ${path} AND remaining > 0 RETURNING errcode`.execute(db);
  return fault ? simError(fault.errcode, fault.errcode === -1 ? 'system error' : 'simulated failure') : null;
}
