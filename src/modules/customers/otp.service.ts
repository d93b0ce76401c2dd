import { randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { keyedHash } from '../../platform/secrets.js';
import { customerError } from './customers.errors.js';

/** One-time codes: how long they live, how often they may be tried, how often they may be sent. */
export const OTP_RULES = {
  digits: 6,
  ttlMs: 5 * 60_000,
  maxTries: 5,
  /** At most one code per phone per minute… */
  phoneGapMs: 60_000,
  /** …and 10 per phone in 24 hours. */
  phonePerDay: 10,
  /** At most 20 codes per client address per hour, whatever the phones. */
  ipPerHour: 20,
} as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Issues a code for a phone, in the caller's transaction, or refuses with 429 `otp_throttled`
 * (`retry_after_s`). The counts are read from the codes themselves under transaction-scoped
 * advisory locks on the phone and the address, so concurrent requests on any number of server
 * processes see each other. Newer codes replace older ones: only the newest counts at sign-in.
 * Nothing here reads customers: the answer is the same for a known and an unknown phone.
 */
export async function issueOtp(tx: Tx, clock: Clock, hashKey: Buffer, tenantId: string, input: { phone: string; clientIp: string }): Promise<{ code: string; expiresAt: Date }> {
  // Phone first, then address, always: two requests never wait on each other in a cycle.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`otp:phone:${tenantId}:${input.phone}`}, 0))`.execute(tx);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`otp:ip:${tenantId}:${input.clientIp}`}, 0))`.execute(tx);
  const now = clock.now();
  const phoneHash = otpPhoneHash(hashKey, tenantId, input.phone);
  const { rows: [counts] } = await sql<{ last_at: Date | null; phone_day: number; ip_hour: number; oldest_phone_day: Date | null; oldest_ip_hour: Date | null }>`
    SELECT (SELECT max(created_at) FROM otp_challenges WHERE tenant_id = ${tenantId} AND phone_hash = ${phoneHash}) AS last_at,
           p.n AS phone_day, p.oldest AS oldest_phone_day, i.n AS ip_hour, i.oldest AS oldest_ip_hour
      FROM (SELECT count(*)::int AS n, min(created_at) AS oldest FROM otp_challenges
             WHERE tenant_id = ${tenantId} AND phone_hash = ${phoneHash} AND created_at > ${new Date(now.getTime() - DAY_MS)}) p,
           (SELECT count(*)::int AS n, min(created_at) AS oldest FROM otp_challenges
             WHERE tenant_id = ${tenantId} AND client_ip = ${input.clientIp} AND created_at > ${new Date(now.getTime() - HOUR_MS)}) i`.execute(tx);
  const waits: number[] = [];
  if (counts!.last_at && now.getTime() - counts!.last_at.getTime() < OTP_RULES.phoneGapMs) waits.push(counts!.last_at.getTime() + OTP_RULES.phoneGapMs - now.getTime());
  if (counts!.phone_day >= OTP_RULES.phonePerDay) waits.push(counts!.oldest_phone_day!.getTime() + DAY_MS - now.getTime());
  if (counts!.ip_hour >= OTP_RULES.ipPerHour) waits.push(counts!.oldest_ip_hour!.getTime() + HOUR_MS - now.getTime());
  if (waits.length) throw customerError('otp_throttled', { retry_after_s: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) });

  const code = String(randomInt(0, 10 ** OTP_RULES.digits)).padStart(OTP_RULES.digits, '0');
  const id = newId('otp');
  const expiresAt = new Date(now.getTime() + OTP_RULES.ttlMs);
  await tx.insertInto('otp_challenges').values({
    tenant_id: tenantId, id, phone_hash: phoneHash, client_ip: input.clientIp, code_hash: codeHash(hashKey, tenantId, id, code), created_at: now, expires_at: expiresAt, consumed_at: null,
  }).execute();
  return { code, expiresAt };
}

export type OtpRefusal = { ok: false; reason: 'invalid'; triesLeft: number } | { ok: false; reason: 'expired' };
export type OtpCheck = { ok: true } | OtpRefusal;

/**
 * Checks a code against the phone's newest one, in the caller's transaction (which must commit
 * even when the code is wrong: the try is counted). The row is locked, so concurrent tries are
 * counted one after another; a right code is consumed and serves once.
 */
export async function checkOtp(tx: Tx, clock: Clock, hashKey: Buffer, tenantId: string, phone: string, code: string): Promise<OtpCheck> {
  const latest = await tx.selectFrom('otp_challenges').select(['id', 'code_hash', 'attempts', 'expires_at', 'consumed_at'])
    .where('tenant_id', '=', tenantId).where('phone_hash', '=', otpPhoneHash(hashKey, tenantId, phone)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).forUpdate().executeTakeFirst();
  const now = clock.now();
  if (!latest || latest.consumed_at || latest.expires_at <= now || latest.attempts >= OTP_RULES.maxTries) return { ok: false, reason: 'expired' };
  const expected = Buffer.from(latest.code_hash, 'hex');
  const given = Buffer.from(codeHash(hashKey, tenantId, latest.id, code), 'hex');
  const right = expected.length === given.length && timingSafeEqual(expected, given);
  await tx.updateTable('otp_challenges').set((eb) => ({ attempts: eb('attempts', '+', 1), consumed_at: right ? now : null }))
    .where('tenant_id', '=', tenantId).where('id', '=', latest.id).execute();
  if (right) return { ok: true };
  return { ok: false, reason: 'invalid', triesLeft: OTP_RULES.maxTries - latest.attempts - 1 };
}

/** Refuses a failed check with its problem: a wrong code says how many tries are left. */
export function refuseOtp(check: OtpRefusal): never {
  if (check.reason === 'invalid') throw customerError('otp_invalid', { tries_left: check.triesLeft });
  throw customerError('otp_expired');
}

function codeHash(key: Buffer, tenantId: string, challengeId: string, code: string): string {
  return keyedHash(key, `${tenantId}\n${challengeId}\n${code}`);
}

/** Codes older than a day serve neither sign-in nor throttling. */
export async function pruneOtpChallenges(db: Conn, clock: Clock): Promise<number> {
  const res = await db.deleteFrom('otp_challenges').where('created_at', '<', new Date(clock.now().getTime() - 2 * DAY_MS)).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The phone a code was sent to, as the codes keep it: a keyed hash, never the number. */
function otpPhoneHash(hashKey: Buffer, tenantId: string, phone: string): string {
  return keyedHash(hashKey, `otp-phone:${tenantId}:${phone}`);
}
