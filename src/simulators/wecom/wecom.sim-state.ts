import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import { wecomCrypto } from '../../adapters/wecom/wecom.crypto.js';
import { wecomEventXml } from '../../adapters/wecom/wecom.events.js';
import type { WecomEvent } from '../../modules/wecom/wecom.provider.js';

/**
 * The sandbox's WeCom: state in wecom_sim_* tables (so every process answers alike) and what a
 * person in the WeCom client would do — a customer scanning a live code, joining a group, deleting
 * a member; a member confirming a mass message — each answered with the callback WeCom would send.
 */
export const WECOM_SIMULATOR_PREFIX = '/simulators/wecom';

export const WECOM_SIM_RULES = {
  tokenTtlS: 7200,
  /** A welcome code works within 20 s of the add event, once. */
  welcomeCodeTtlMs: 20_000,
  /** Customer transfers: at most 2 per customer in 90 days; the takeover completes after 24 h. */
  transfersPer90Days: 2,
  takeoverMs: 24 * 3600_000,
  /** Group live codes: a group takes at most 200 members by QR. */
  qrGroupLimit: 200,
  /** WeCom gives up on a callback after 5 s, and tries 3 times. */
  callbackTimeoutMs: 5_000,
  callbackAttempts: 3,
} as const;

export interface SimError { errcode: number; errmsg: string }
export const simError = (errcode: number, errmsg: string): SimError => ({ errcode, errmsg });
export const isSimError = (v: unknown): v is SimError => typeof v === 'object' && v !== null && 'errcode' in v && (v as SimError).errcode !== 0;

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const rid = (prefix: string, bytes = 12) => `${prefix}${randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x')}`;

export interface SimCorp { corp_id: string; secret: string; token: string; encoding_aes_key: string; callback_url: string }

/** Registers (or updates) a corp: its secret for gettoken, and where and with what it signs callbacks. */
export async function registerSimCorp(db: Conn<any>, corp: SimCorp) {
  await sql`INSERT INTO wecom_sim_corps (corp_id, secret, token, encoding_aes_key, callback_url)
            VALUES (${corp.corp_id}, ${corp.secret}, ${corp.token}, ${corp.encoding_aes_key}, ${corp.callback_url})
            ON CONFLICT (corp_id) DO UPDATE SET secret = EXCLUDED.secret, token = EXCLUDED.token,
              encoding_aes_key = EXCLUDED.encoding_aes_key, callback_url = EXCLUDED.callback_url`.execute(db);
}

export async function simCorp(db: Conn<any>, corpId: string): Promise<SimCorp | undefined> {
  const { rows: [row] } = await sql<SimCorp>`SELECT corp_id, secret, token, encoding_aes_key, callback_url FROM wecom_sim_corps WHERE corp_id = ${corpId}`.execute(db);
  return row;
}

export async function listSimCorps(db: Conn<any>) {
  const { rows } = await sql<{ corp_id: string; callback_url: string }>`SELECT corp_id, callback_url FROM wecom_sim_corps ORDER BY created_at LIMIT 50`.execute(db);
  return rows;
}

/** gettoken: a corp the simulator has not seen is learnt with this secret (the sandbox picks any), then held to it. */
export async function issueSimToken(db: Conn<any>, now: Date, corpId: string, secret: string): Promise<SimError | { access_token: string; expires_in: number }> {
  if (!corpId) return simError(40013, 'invalid corpid');
  await sql`INSERT INTO wecom_sim_corps (corp_id, secret) VALUES (${corpId}, ${secret}) ON CONFLICT (corp_id) DO NOTHING`.execute(db);
  const corp = await simCorp(db, corpId);
  if (corp!.secret !== secret) return simError(40001, 'invalid secret');
  const token = rid('wct_', 32);
  await sql`INSERT INTO wecom_sim_tokens (access_token, corp_id, expires_at) VALUES (${token}, ${corpId}, ${new Date(now.getTime() + WECOM_SIM_RULES.tokenTtlS * 1000)})`.execute(db);
  return { access_token: token, expires_in: WECOM_SIM_RULES.tokenTtlS };
}

/** The corp a token belongs to, or 40014 (unknown, revoked), 41001 (missing), 42001 (expired). */
export async function checkSimToken(db: Conn<any>, now: Date, token: string | undefined): Promise<SimError | { corpId: string }> {
  if (!token) return simError(41001, 'access_token missing');
  const { rows: [row] } = await sql<{ corp_id: string; expires_at: Date }>`SELECT corp_id, expires_at FROM wecom_sim_tokens WHERE access_token = ${token}`.execute(db);
  if (!row) return simError(40014, 'invalid access_token');
  if (row.expires_at <= now) return simError(42001, 'access_token expired');
  return { corpId: row.corp_id };
}

/** Every token of the corp refused from now on (WeCom may invalidate a token early). */
export async function revokeSimTokens(db: Conn<any>, corpId: string) {
  await sql`DELETE FROM wecom_sim_tokens WHERE corp_id = ${corpId}`.execute(db);
}

/** The next `times` calls of `api` (a path like `/externalcontact/get`, or `*`) answer `errcode`. */
export async function injectSimFault(db: Conn<any>, corpId: string, api: string, errcode: number, times: number) {
  await sql`INSERT INTO wecom_sim_faults (corp_id, api, errcode, remaining) VALUES (${corpId}, ${api}, ${errcode}, ${times})
            ON CONFLICT (corp_id, api) DO UPDATE SET errcode = EXCLUDED.errcode, remaining = EXCLUDED.remaining`.execute(db);
}

export async function takeSimFault(db: Conn<any>, corpId: string, api: string): Promise<SimError | null> {
  const { rows: [fault] } = await sql<{ errcode: number }>`
    UPDATE wecom_sim_faults SET remaining = remaining - 1
     WHERE corp_id = ${corpId} AND api IN (${api}, '*') AND remaining > 0
       AND api = (SELECT api FROM wecom_sim_faults WHERE corp_id = ${corpId} AND api IN (${api}, '*') AND remaining > 0 ORDER BY api = '*' LIMIT 1)
    RETURNING errcode`.execute(db);
  return fault ? simError(fault.errcode, fault.errcode === -1 ? 'system busy' : 'simulated failure') : null;
}

export async function ensureSimMember(db: Conn<any>, corpId: string, userid: string, name = '') {
  await sql`INSERT INTO wecom_sim_members (corp_id, userid, name) VALUES (${corpId}, ${userid}, ${name || userid})
            ON CONFLICT (corp_id, userid) DO UPDATE SET name = CASE WHEN ${name} = '' THEN wecom_sim_members.name ELSE EXCLUDED.name END`.execute(db);
}

/** A WeChat user as the corp sees them: external_userid stable per corp and person. */
export async function ensureSimContact(db: Conn<any>, corpId: string, person: string, name?: string) {
  const externalUserid = `wm${Buffer.from(`${corpId}:${person}`).toString('base64url').replace(/[-_=]/g, '').slice(0, 28)}`;
  await sql`INSERT INTO wecom_sim_contacts (corp_id, external_userid, name, unionid) VALUES (${corpId}, ${externalUserid}, ${name ?? person}, ${`u_${person}`})
            ON CONFLICT (corp_id, external_userid) DO NOTHING`.execute(db);
  return externalUserid;
}

/**
 * Signs and encrypts an event as WeCom does and POSTs it to the corp's callback URL: 5 s per try,
 * 3 tries. Returns the attempts made and the last HTTP status (0: unreachable).
 */
export type SimPost = (url: string, body: string, timeoutMs: number) => Promise<number>;
export const httpSimPost: SimPost = async (url, body, timeoutMs) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  return res.status;
};

export function signedCallback(corp: SimCorp, event: WecomEvent, now: Date) {
  const crypto = wecomCrypto({ token: corp.token, encodingAesKey: corp.encoding_aes_key, receiveId: corp.corp_id });
  const timestamp = String(unix(now));
  const nonce = randomBytes(6).toString('hex');
  const sent = crypto.encryptMessage(wecomEventXml(event), timestamp, nonce);
  const sep = corp.callback_url.includes('?') ? '&' : '?';
  return { url: `${corp.callback_url}${sep}${new URLSearchParams({ msg_signature: sent.signature, timestamp, nonce })}`, body: sent.body };
}

export async function sendSimEvent(db: Conn<any>, post: SimPost, now: Date, corpId: string, fields: Omit<WecomEvent, 'corpId' | 'createTime'>) {
  const corp = await simCorp(db, corpId);
  const event: WecomEvent = { corpId, createTime: unix(now), ...fields };
  if (!corp?.callback_url || !corp.token || !corp.encoding_aes_key) return { event, attempts: 0, status: 0 };
  const { url, body } = signedCallback(corp, event, now);
  let status = 0;
  let attempts = 0;
  while (attempts < WECOM_SIM_RULES.callbackAttempts) {
    attempts++;
    try {
      status = await post(url, body, WECOM_SIM_RULES.callbackTimeoutMs);
      if (status === 200) break;
    } catch {
      status = 0;
    }
  }
  return { event, attempts, status };
}

// ─── What people do in the WeCom client ───────────────────────────────────────────────

/**
 * A customer scans a live code (联系我): they become the corp's contact, followed by the code's
 * member (one of its users), with the code's state; WeCom issues a welcome code (20 s, once) and
 * sends add_external_contact.
 */
export async function simScanContactWay(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; configId: string; person: string; name?: string | undefined }) {
  const { rows: [way] } = await sql<{ request: { user?: string[]; state?: string; skip_verify?: boolean } }>`
    SELECT request FROM wecom_sim_contact_ways WHERE corp_id = ${input.corpId} AND config_id = ${input.configId}`.execute(db);
  if (!way) return simError(41044, 'invalid config_id');
  const users = way.request.user ?? [];
  if (!users.length) return simError(40003, 'contact way has no member');
  const userid = users[Math.floor(Math.random() * users.length)]!;
  await ensureSimMember(db, input.corpId, userid);
  const externalUserid = await ensureSimContact(db, input.corpId, input.person, input.name);
  const state = way.request.state ?? null;
  await sql`INSERT INTO wecom_sim_follows (corp_id, userid, external_userid, state, add_way, createtime)
            VALUES (${input.corpId}, ${userid}, ${externalUserid}, ${state}, 1, ${unix(now)})
            ON CONFLICT (corp_id, userid, external_userid) DO UPDATE SET state = EXCLUDED.state, createtime = EXCLUDED.createtime`.execute(db);
  const welcomeCode = rid('wc_', 24);
  await sql`INSERT INTO wecom_sim_welcome_codes (welcome_code, corp_id, userid, external_userid, expires_at)
            VALUES (${welcomeCode}, ${input.corpId}, ${userid}, ${externalUserid}, ${new Date(now.getTime() + WECOM_SIM_RULES.welcomeCodeTtlMs)})`.execute(db);
  const sent = await sendSimEvent(db, post, now, input.corpId, {
    event: 'change_external_contact', changeType: 'add_external_contact', userId: userid, externalUserId: externalUserid,
    ...(state ? { state } : {}), welcomeCode,
  });
  return { userid, external_userid: externalUserid, welcome_code: welcomeCode, state, callback: { attempts: sent.attempts, status: sent.status } };
}

/** The customer deletes the member (del_follow_user): the follow goes, a churn signal for the CRM. */
export async function simCustomerDeletesMember(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; userid: string; externalUserid: string }) {
  const { rows } = await sql`DELETE FROM wecom_sim_follows WHERE corp_id = ${input.corpId} AND userid = ${input.userid} AND external_userid = ${input.externalUserid} RETURNING 1`.execute(db);
  if (!rows.length) return simError(84061, 'not external contact');
  const sent = await sendSimEvent(db, post, now, input.corpId, { event: 'change_external_contact', changeType: 'del_follow_user', userId: input.userid, externalUserId: input.externalUserid });
  return { callback: { attempts: sent.attempts, status: sent.status } };
}

/** A group the owner creates in the client (create event). */
export async function simCreateGroup(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; owner: string; name: string }) {
  await ensureSimMember(db, input.corpId, input.owner);
  const chatId = rid('wr', 16);
  await sql`INSERT INTO wecom_sim_groups (corp_id, chat_id, name, owner, create_time) VALUES (${input.corpId}, ${chatId}, ${input.name}, ${input.owner}, ${unix(now)})`.execute(db);
  await sql`INSERT INTO wecom_sim_group_members (corp_id, chat_id, userid, type, join_time, join_scene) VALUES (${input.corpId}, ${chatId}, ${input.owner}, 1, ${unix(now)}, 1)`.execute(db);
  const sent = await sendSimEvent(db, post, now, input.corpId, { event: 'change_external_chat', changeType: 'create', chatId });
  return { chat_id: chatId, callback: { attempts: sent.attempts, status: sent.status } };
}

/**
 * A customer joins a group (by its QR: join scene 3), as WeCom: member_version moves, and
 * change_external_chat/update/add_member is sent. A group at 200 refuses QR joins (WeCom's limit).
 */
export async function simJoinGroup(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; chatId: string; person: string; name?: string | undefined; joinScene?: number | undefined; state?: string | undefined }) {
  const { rows: [group] } = await sql<{ members: number }>`
    SELECT (SELECT count(*)::int FROM wecom_sim_group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id) AS members
      FROM wecom_sim_groups g WHERE corp_id = ${input.corpId} AND chat_id = ${input.chatId}`.execute(db);
  if (!group) return simError(40050, 'invalid chat_id');
  const joinScene = input.joinScene ?? 3;
  if (joinScene === 3 && group.members >= WECOM_SIM_RULES.qrGroupLimit) return simError(41062, 'group is full for QR joins');
  const externalUserid = await ensureSimContact(db, input.corpId, input.person, input.name);
  const { rows } = await sql`INSERT INTO wecom_sim_group_members (corp_id, chat_id, userid, type, join_time, join_scene, state)
            VALUES (${input.corpId}, ${input.chatId}, ${externalUserid}, 2, ${unix(now)}, ${joinScene}, ${input.state ?? null})
            ON CONFLICT DO NOTHING RETURNING 1`.execute(db);
  if (!rows.length) return { external_userid: externalUserid, already: true };
  await sql`UPDATE wecom_sim_groups SET member_version = member_version + 1 WHERE corp_id = ${input.corpId} AND chat_id = ${input.chatId}`.execute(db);
  const sent = await sendSimEvent(db, post, now, input.corpId, {
    event: 'change_external_chat', changeType: 'update', chatId: input.chatId, updateDetail: 'add_member',
    joinScene: joinScene === 3 ? 3 : 0, memChangeCnt: 1, memChangeList: [externalUserid],
  });
  return { external_userid: externalUserid, callback: { attempts: sent.attempts, status: sent.status } };
}

/** A customer leaves a group (quit scene 0) or is removed (1). */
export async function simLeaveGroup(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; chatId: string; externalUserid: string; removed?: boolean | undefined }) {
  const { rows } = await sql`DELETE FROM wecom_sim_group_members WHERE corp_id = ${input.corpId} AND chat_id = ${input.chatId} AND userid = ${input.externalUserid} RETURNING 1`.execute(db);
  if (!rows.length) return simError(40050, 'not in group');
  await sql`UPDATE wecom_sim_groups SET member_version = member_version + 1 WHERE corp_id = ${input.corpId} AND chat_id = ${input.chatId}`.execute(db);
  const sent = await sendSimEvent(db, post, now, input.corpId, {
    event: 'change_external_chat', changeType: 'update', chatId: input.chatId, updateDetail: 'del_member',
    quitScene: input.removed ? 1 : 0, memChangeCnt: 1, memChangeList: [input.externalUserid],
  });
  return { callback: { attempts: sent.attempts, status: sent.status } };
}

const daysInMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();

/**
 * The member confirms a mass message in the client: each of their recipients gets status 1
 * (sent), 2 (no longer a contact / not in the group) or 3 (already had their month's share:
 * WeCom's cap of days-in-month messages per customer per month, counted in China time).
 */
export async function simConfirmMassMessage(db: Conn<any>, now: Date, input: { corpId: string; msgid: string; userid: string }) {
  const { rows: pending } = await sql<{ recipient: string; is_group: boolean }>`
    SELECT recipient, is_group FROM wecom_sim_msg_results WHERE corp_id = ${input.corpId} AND msgid = ${input.msgid} AND userid = ${input.userid} AND status = 0`.execute(db);
  if (!pending.length) return simError(41063, 'no task waiting for this member');
  const china = new Date(now.getTime() + 8 * 3600_000);
  const monthStart = unix(new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), 1) - 8 * 3600_000));
  const cap = daysInMonth(china);
  const counts: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
  for (const r of pending) {
    let status: 1 | 2 | 3;
    if (r.is_group) {
      const { rows } = await sql`SELECT 1 FROM wecom_sim_groups WHERE corp_id = ${input.corpId} AND chat_id = ${r.recipient}`.execute(db);
      status = rows.length ? 1 : 2;
    } else {
      const { rows } = await sql`SELECT 1 FROM wecom_sim_follows WHERE corp_id = ${input.corpId} AND userid = ${input.userid} AND external_userid = ${r.recipient}`.execute(db);
      status = rows.length ? 1 : 2;
    }
    if (status === 1) {
      const { rows: [c] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM wecom_sim_msg_results WHERE corp_id = ${input.corpId} AND recipient = ${r.recipient} AND status = 1 AND send_time >= ${monthStart}`.execute(db);
      if (c!.n >= cap) status = 3;
    }
    counts[status]!++;
    await sql`UPDATE wecom_sim_msg_results SET status = ${status}, send_time = ${status === 1 ? unix(now) : null}
              WHERE corp_id = ${input.corpId} AND msgid = ${input.msgid} AND userid = ${input.userid} AND recipient = ${r.recipient}`.execute(db);
  }
  return { sent: counts[1], not_contact: counts[2], over_cap: counts[3] };
}

/**
 * A customer's answer to a transfer: refused (status 3, transfer_fail customer_refused, the
 * customer stays with the handover member) — otherwise it completes once 24 h have passed.
 */
export async function simRefuseTransfer(db: Conn<any>, post: SimPost, now: Date, input: { corpId: string; externalUserid: string }) {
  const { rows: [t] } = await sql<{ handover_userid: string; takeover_userid: string }>`
    UPDATE wecom_sim_transfers SET status = 3 WHERE id = (
      SELECT id FROM wecom_sim_transfers WHERE corp_id = ${input.corpId} AND external_userid = ${input.externalUserid} AND status = 2 ORDER BY id DESC LIMIT 1)
    RETURNING handover_userid, takeover_userid`.execute(db);
  if (!t) return simError(40097, 'no transfer waiting');
  const sent = await sendSimEvent(db, post, now, input.corpId, {
    event: 'change_external_contact', changeType: 'transfer_fail', failReason: 'customer_refused', userId: t.takeover_userid, externalUserId: input.externalUserid,
  });
  return { callback: { attempts: sent.attempts, status: sent.status } };
}

/** Completes the transfers whose 24 h have passed: the follow moves to the takeover member. */
export async function settleSimTransfers(db: Conn<any>, now: Date, corpId: string) {
  const due = new Date(now.getTime() - WECOM_SIM_RULES.takeoverMs);
  const { rows } = await sql<{ handover_userid: string; takeover_userid: string; external_userid: string }>`
    UPDATE wecom_sim_transfers SET status = 1, takeover_time = ${unix(now)}
     WHERE corp_id = ${corpId} AND status = 2 AND created_at <= ${due}
    RETURNING handover_userid, takeover_userid, external_userid`.execute(db);
  for (const r of rows) {
    await sql`UPDATE wecom_sim_follows SET userid = ${r.takeover_userid}, add_way = 201
               WHERE corp_id = ${corpId} AND userid = ${r.handover_userid} AND external_userid = ${r.external_userid}
                 AND NOT EXISTS (SELECT 1 FROM wecom_sim_follows f WHERE f.corp_id = ${corpId} AND f.userid = ${r.takeover_userid} AND f.external_userid = ${r.external_userid})`.execute(db);
  }
  return rows.length;
}

export { daysInMonth as simDaysInMonth, rid as simId, unix as simUnix };
