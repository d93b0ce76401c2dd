import { sql } from 'kysely';
import type { Conn, Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { isNodeRole, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { inTransaction } from '../../platform/db/database.js';
import { activeWecomMembers, groupsOfNode } from '../crm/crm.fragments.js';
import { tagCustomer } from '../crm/crm-tags.service.js';
import { recordCustomerEvent } from '../crm/crm.service.js';
import { customerOfExternalUserid } from '../customers/customer-identities.service.js';
import { attributeToNode } from '../customers/customers.service.js';
import { tenantTimeZones } from '../identity/identity.fragments.js';
import { WECOM_ERRCODE, WecomApiError, type WecomApi, type WecomEvent } from '../wecom/wecom.provider.js';
import type { BroadcastContent } from '../broadcasts/broadcasts.schema.js';
import { liveCodeError } from './live-codes.errors.js';
import type { CreateLiveCodeInput } from './live-codes.schema.js';

export const WELCOME_JOB = 'wecom.welcome';
/** WeCom accepts a welcome_code for 20 seconds after the add event. */
export const WELCOME_WINDOW_MS = 20_000;
/** QR joining stops at 200 members: a group code moves on to the next group there. */
export const GROUP_QR_LIMIT = 200;

export type WecomApiOf = (tenantId: string) => Promise<WecomApi>;

const dayOf = (tenantId: string, at: Date) => sql<string>`(SELECT (${at}::timestamptz AT TIME ZONE z.time_zone)::date FROM ${tenantTimeZones()} z WHERE z.id = ${tenantId})`;

/**
 * Creates a live code: the contact way at WeCom first (no transaction open while WeCom answers),
 * then the row with WeCom's config_id — which cannot be recovered later, so it is stored at once.
 * A group code needs no contact way: it sends people to the first of its groups with room.
 */
export async function createLiveCode(db: Db, clock: Clock, apiOf: WecomApiOf, actor: Actor, input: CreateLiveCodeInput) {
  const bNodeId = isNodeRole(actor.role) ? actor.bNodeId : input.b_node_id ?? null;
  if (isNodeRole(actor.role) && input.b_node_id && input.b_node_id !== actor.bNodeId) throw liveCodeError('live_code_node_forbidden');
  const t = actor.tenantId;
  const state = input.state ?? newId('lc').replace(/^lc_?/, 'lc').slice(0, 30);
  const taken = await db.selectFrom('live_codes').select('id').where('tenant_id', '=', t).where('state', '=', state).executeTakeFirst();
  if (taken) throw liveCodeError('live_code_state_taken', { state });
  if (input.userids.length) {
    const { rows } = await sql<{ userid: string }>`SELECT m.userid FROM ${activeWecomMembers(t)} m WHERE m.userid = ANY(${input.userids}::text[])`.execute(db);
    if (rows.length !== new Set(input.userids).size) throw liveCodeError('live_code_member_unknown');
  }
  if (input.group_ids.length) {
    const { rows } = await sql<{ id: string }>`SELECT g.id FROM ${groupsOfNode(t, null)} g WHERE g.id = ANY(${input.group_ids}::text[])`.execute(db);
    if (rows.length !== new Set(input.group_ids).size) throw liveCodeError('live_code_group_unknown');
  }
  let way: { config_id: string; qr_code?: string } | null = null;
  if (input.kind !== 'group') {
    try {
      way = await (await apiOf(t)).addContactWay({
        type: input.userids.length === 1 ? 1 : 2, scene: 2, remark: input.name.slice(0, 30), skip_verify: true, state, user: input.userids,
      });
    } catch (err) {
      if (err instanceof WecomApiError) throw liveCodeError('live_code_wecom_refused', { errcode: err.errcode, errmsg: err.errmsg });
      throw err;
    }
  }
  const id = newId('lc');
  try {
    await inTransaction(db, async (tx) => {
      await tx.insertInto('live_codes').values({
        tenant_id: t, id, kind: input.kind, name: input.name, state, b_node_id: bNodeId, campaign_id: input.campaign_id ?? null,
        userids: input.userids, config_id: way?.config_id ?? null, qr_code: way?.qr_code ?? null, tag_ids: input.tag_ids,
        welcome: input.welcome ? JSON.stringify(input.welcome) : null, full_warned_at: null,
      }).execute();
      if (input.group_ids.length) {
        await tx.insertInto('live_code_groups').values(input.group_ids.map((g, position) => ({ tenant_id: t, live_code_id: id, position, group_id: g }))).execute();
      }
    });
  } catch (err) {
    // The row could not be written (a state taken meanwhile): take the contact way back.
    if (way) await (await apiOf(t)).delContactWay(way.config_id).catch(() => undefined);
    throw err;
  }
  return liveCodeDetail(db, actor, id, clock.now());
}

async function visibleCode(conn: Conn, actor: Actor, id: string) {
  let q = conn.selectFrom('live_codes').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', '=', 'active');
  if (isNodeRole(actor.role)) q = q.where('b_node_id', '=', actor.bNodeId ?? '');
  const row = await q.executeTakeFirst();
  if (!row) throw liveCodeError('live_code_not_found');
  return row;
}

/** A group code's groups in order with their member counts; the current one is the first with room. */
async function codeGroups(conn: Conn, tenantId: string, codeId: string) {
  const { rows } = await sql<{ group_id: string; chat_id: string | null; name: string | null; member_count: number | null }>`
    SELECT lg.group_id, g.chat_id, g.name, g.member_count
      FROM live_code_groups lg LEFT JOIN ${groupsOfNode(tenantId, null)} g ON g.id = lg.group_id
     WHERE lg.tenant_id = ${tenantId} AND lg.live_code_id = ${codeId} ORDER BY lg.position`.execute(conn);
  const current = rows.find((g) => g.chat_id !== null && (g.member_count ?? 0) < GROUP_QR_LIMIT) ?? null;
  return { groups: rows, current };
}

export async function liveCodeDetail(conn: Conn, actor: Actor, id: string, now: Date = new Date()) {
  const code = await visibleCode(conn, actor, id);
  const { groups, current } = await codeGroups(conn, actor.tenantId, id);
  const { rows: days } = await sql<{ day: string; requests: number; adds: number }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, requests, adds FROM live_code_days
     WHERE tenant_id = ${actor.tenantId} AND live_code_id = ${id} AND day > (SELECT (${now}::timestamptz AT TIME ZONE z.time_zone)::date - 30 FROM ${tenantTimeZones()} z WHERE z.id = ${actor.tenantId})
     ORDER BY day`.execute(conn);
  const total = await conn.selectFrom('live_code_days')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('adds'), eb.val(0)).as('n'), eb.fn.coalesce(eb.fn.sum<number>('requests'), eb.val(0)).as('requests')])
    .where('tenant_id', '=', actor.tenantId).where('live_code_id', '=', id).executeTakeFirstOrThrow();
  return {
    id: code.id, kind: code.kind, name: code.name, state: code.state, b_node_id: code.b_node_id, campaign_id: code.campaign_id, userids: code.userids,
    config_id: code.config_id, qr_code: code.qr_code, tag_ids: code.tag_ids, welcome: (code.welcome as Record<string, unknown> | null) ?? null,
    status: code.status, created_at: code.created_at, groups, current_group_id: current?.group_id ?? null,
    all_full: code.kind === 'group' && current === null, days, total_requests: Number(total.requests), total_adds: Number(total.n),
  };
}

export async function listLiveCodes(conn: Conn, actor: Actor, now: Date = new Date()) {
  let q = conn.selectFrom('live_codes').select('id').where('tenant_id', '=', actor.tenantId).where('status', '=', 'active').orderBy('created_at', 'desc').orderBy('id').limit(200);
  if (isNodeRole(actor.role)) q = q.where('b_node_id', '=', actor.bNodeId ?? '');
  const ids = await q.execute();
  return Promise.all(ids.map((r) => liveCodeDetail(conn, actor, r.id, now)));
}

export async function listWelcomes(conn: Conn, actor: Actor, limit: number) {
  let q = conn.selectFrom('welcome_messages as w').select(['w.welcome_code', 'w.live_code_id', 'w.userid', 'w.external_userid', 'w.customer_id', 'w.status', 'w.event_at', 'w.attempted_at', 'w.delay_ms', 'w.errcode'])
    .where('w.tenant_id', '=', actor.tenantId).orderBy('w.event_at', 'desc').limit(limit);
  if (isNodeRole(actor.role)) {
    q = q.where('w.live_code_id', 'in', (eb) => eb.selectFrom('live_codes').select('id').where('tenant_id', '=', actor.tenantId).where('b_node_id', '=', actor.bNodeId ?? ''));
  }
  return q.execute();
}

const eventAt = (event: WecomEvent) => new Date(event.createTime * 1000);

/**
 * Reach's side of a new contact, after the CRM's handler made the customer and the follow: the
 * live code its state names counts the add for the day, places a customer it brought in its B
 * node, tags them (through the CRM, which keeps WeCom in step), and a welcome message is owed —
 * one row per welcome_code (a replay finds it and adds nothing) and a job that sends it after
 * commit, within WeCom's 20 s.
 */
export async function liveCodeContactAdded(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (event.event !== 'change_external_contact') return;
  if (event.changeType !== 'add_external_contact' && event.changeType !== 'add_half_external_contact') return;
  if (!event.userId || !event.externalUserId) return;
  const at = eventAt(event);
  const code = event.state
    ? await tx.selectFrom('live_codes').selectAll().where('tenant_id', '=', tenantId).where('state', '=', event.state).where('status', '=', 'active').executeTakeFirst()
    : undefined;
  const customer = await customerOfExternalUserid(tx, tenantId, event.externalUserId);
  const content = (code?.welcome as BroadcastContent | null | undefined) ?? null;
  let owed = false;
  if (event.welcomeCode && content) {
    const inserted = await tx.insertInto('welcome_messages').values({
      tenant_id: tenantId, welcome_code: event.welcomeCode, live_code_id: code?.id ?? null, userid: event.userId, external_userid: event.externalUserId,
      customer_id: customer?.id ?? null, content: JSON.stringify(content), event_at: at, attempted_at: null, delay_ms: null, errcode: null,
    }).onConflict((oc) => oc.columns(['tenant_id', 'welcome_code']).doNothing()).returning('welcome_code').executeTakeFirst();
    if (inserted) { owed = true; await enqueue(tx, tenantId, WELCOME_JOB, { welcome_code: event.welcomeCode }); }
  }
  if (!code) return;
  const day = dayOf(tenantId, at);
  // WeCom reports no scans: a person who scanned and asked (add_half, or add straight away) is a request, once a day.
  const asked = await tx.insertInto('live_code_requests').values({ tenant_id: tenantId, live_code_id: code.id, day: day as never, external_userid: event.externalUserId })
    .onConflict((oc) => oc.doNothing()).returning('external_userid').executeTakeFirst();
  if (asked) {
    await sql`INSERT INTO live_code_days (tenant_id, live_code_id, day, requests) VALUES (${tenantId}, ${code.id}, ${day}, 1)
              ON CONFLICT (tenant_id, live_code_id, day) DO UPDATE SET requests = live_code_days.requests + 1`.execute(tx);
  }
  // A replayed event (its welcome row already there) counts nothing twice; an add with no welcome
  // code is counted once per follow by the day's upsert keyed on the code alone — good enough for
  // a daily figure, and replays of those are rare (the inbox dedupes them first).
  // Only a completed add counts as one (add_half is a request still waiting on the member).
  if (event.changeType === 'add_external_contact' && (owed || !event.welcomeCode)) {
    await sql`INSERT INTO live_code_days (tenant_id, live_code_id, day, adds) VALUES (${tenantId}, ${code.id}, ${day}, 1)
              ON CONFLICT (tenant_id, live_code_id, day) DO UPDATE SET adds = live_code_days.adds + 1`.execute(tx);
  }
  if (!customer) return;
  if (code.b_node_id) await attributeToNode(tx, tenantId, customer.id, `wecom:${code.state}`.slice(0, 64), code.b_node_id);
  if (code.tag_ids.length) await tagCustomer(tx, tenantId, customer.id, { add: code.tag_ids }, at, event.userId);
}

/**
 * A group code's groups changed size (change_external_chat, after the CRM's handler counted the
 * members): when none of a code's groups has room left the operator is warned once.
 */
export async function liveCodeGroupChanged(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (event.event !== 'change_external_chat' || !event.chatId) return;
  const { rows: codes } = await sql<{ live_code_id: string }>`
    SELECT DISTINCT lg.live_code_id FROM live_code_groups lg JOIN ${groupsOfNode(tenantId, null)} g ON g.id = lg.group_id
     WHERE lg.tenant_id = ${tenantId} AND g.chat_id = ${event.chatId}`.execute(tx);
  for (const { live_code_id: id } of codes) {
    const { current, groups } = await codeGroups(tx, tenantId, id);
    if (current === null && groups.length) {
      await tx.updateTable('live_codes').set({ full_warned_at: eventAt(event) }).where('tenant_id', '=', tenantId).where('id', '=', id).where('full_warned_at', 'is', null).execute();
    } else if (current !== null) {
      await tx.updateTable('live_codes').set({ full_warned_at: null }).where('tenant_id', '=', tenantId).where('id', '=', id).where('full_warned_at', 'is not', null).execute();
    }
  }
}

/** The event handler app.ts registers after the CRM's. */
export async function liveCodeWecomEventHandler(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  await liveCodeContactAdded(tx, tenantId, event);
  await liveCodeGroupChanged(tx, tenantId, event);
}

/**
 * The welcome job: a welcome_code is tried once, and only within 20 s of the add event. The row is
 * claimed (pending → sending) and committed before WeCom is called, so no rerun can send twice;
 * 41051 means another sender (the console's own welcome, another app) was first — recorded, never
 * retried. The delay from the event to the call is kept for the console.
 */
export async function runWelcomeJob(db: Db, clock: Clock, apiOf: WecomApiOf, tenantId: string, welcomeCode: string): Promise<string> {
  const now = clock.now();
  const row = await db.selectFrom('welcome_messages').selectAll().where('tenant_id', '=', tenantId).where('welcome_code', '=', welcomeCode).executeTakeFirst();
  if (!row || row.status !== 'pending') return row?.status ?? 'missing';
  const delay = now.getTime() - row.event_at.getTime();
  if (delay > WELCOME_WINDOW_MS) {
    await db.updateTable('welcome_messages').set({ status: 'expired', delay_ms: delay }).where('tenant_id', '=', tenantId).where('welcome_code', '=', welcomeCode).where('status', '=', 'pending').execute();
    return 'expired';
  }
  const claimed = await db.updateTable('welcome_messages').set({ status: 'sending', attempted_at: now, delay_ms: delay })
    .where('tenant_id', '=', tenantId).where('welcome_code', '=', welcomeCode).where('status', '=', 'pending').returning('welcome_code').executeTakeFirst();
  if (!claimed) return 'taken';
  const content = row.content as BroadcastContent;
  let status: 'sent' | 'sent_by_other' | 'failed' = 'sent';
  let errcode: number | null = null;
  try {
    await (await apiOf(tenantId)).sendWelcomeMsg({
      welcome_code: welcomeCode, ...(content.text ? { text: { content: content.text } } : {}), ...(content.attachments?.length ? { attachments: content.attachments } : {}),
    });
  } catch (err) {
    if (!(err instanceof WecomApiError)) throw err;
    errcode = err.errcode;
    status = err.errcode === WECOM_ERRCODE.welcomeAlreadySent ? 'sent_by_other' : 'failed';
  }
  await inTransaction(db, async (tx) => {
    await tx.updateTable('welcome_messages').set({ status, errcode }).where('tenant_id', '=', tenantId).where('welcome_code', '=', welcomeCode).execute();
    if (status === 'sent' && row.customer_id) {
      await recordCustomerEvent(tx, tenantId, row.customer_id, 'welcomed', now, row.userid, { live_code_id: row.live_code_id, delay_ms: delay });
    }
  });
  return status;
}
