import { sql } from 'kysely';
import type { Conn, Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { isNodeRole, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { inTransaction } from '../../platform/db/database.js';
import { audit } from '../../platform/audit.js';
import type { WecomApi } from '../wecom/wecom.provider.js';
import { recordCustomersMessaged } from '../crm/crm.service.js';
import { broadcastError } from './broadcasts.errors.js';
import { capWindow, insertCustomerPlan, insertGroupPlan, isActiveMember, lockPlanning, recipientCounts, recipientPage } from './broadcasts.repo.js';
import type { BroadcastContent, CreateBroadcastInput, CustomerAudience, GroupAudience } from './broadcasts.schema.js';
import { broadcastMachine } from './broadcasts.states.js';
import type { CapPeriod } from './broadcasts.tables.js';

export const BROADCAST_SEND_JOB = 'broadcasts.send';
export const BROADCAST_RESULTS_JOB = 'broadcasts.results';
/** WeCom's results settle as members confirm their tasks: look after an hour, then every few hours for three days. */
export const RESULTS_FIRST_DELAY_MS = 60 * 60_000;
export const RESULTS_RETRY_DELAY_MS = 4 * 60 * 60_000;
export const RESULTS_GIVE_UP_MS = 3 * 24 * 60 * 60_000;
/**
 * A plan's will-receive recipients hold their cap slots only this long unconfirmed: a plan left
 * standing would otherwise keep later plans skipping customers it never messages.
 */
export const PLAN_HOLD_MS = 24 * 60 * 60_000;
/** add_msg_template takes at most 10,000 external_userids per call. */
const SINGLE_BATCH = 10_000;

/** The tenant's WeCom API (its token handled inside): the wecom provider builds it from the tenant's settings. */
export type WecomApiOf = (tenantId: string) => Promise<WecomApi>;

export interface PlanInput {
  chat_type: 'single' | 'group';
  initiator: 'corp' | 'member';
  sender_userid?: string | undefined;
  audience: CustomerAudience | GroupAudience;
  content: BroadcastContent;
  send_at: Date;
}

/**
 * Plans a broadcast inside the caller's transaction: every recipient decided in one statement and
 * written as will-receive (holding a slot of its cap from now on) or skipped with the reason. Under
 * the tenant's planning lock, so concurrent plans see each other's slots.
 */
export async function planBroadcast(tx: Tx, tenantId: string, input: PlanInput, createdBy: string | null, now: Date): Promise<string> {
  const sender = input.sender_userid ?? null;
  if (input.initiator === 'member' && !sender) throw broadcastError('broadcast_sender_required');
  await lockPlanning(tx, tenantId);
  await releaseStalePlans(tx, tenantId, now);
  if (sender && !(await isActiveMember(tx, tenantId, sender))) throw broadcastError('broadcast_sender_unknown', { sender_userid: sender });
  const id = newId('bc');
  await tx.insertInto('broadcasts').values({
    tenant_id: tenantId, id, chat_type: input.chat_type, initiator: input.initiator, sender_userid: sender,
    audience: JSON.stringify(input.audience), content: JSON.stringify(input.content), send_at: input.send_at, planned_at: now, created_by: createdBy,
  }).execute();
  const target = { tenantId, broadcastId: id, initiator: input.initiator, senderUserid: sender, sendAt: input.send_at };
  if (input.chat_type === 'single') await insertCustomerPlan(tx, target, input.audience as CustomerAudience);
  else await insertGroupPlan(tx, target, input.audience as GroupAudience);
  return id;
}

/**
 * Plans unconfirmed past their hold are cancelled and their slots given back. Run under the
 * planning lock before each new plan is decided (the only reader the held slots can hurt) and
 * before a confirmation, so a late confirmation never sends a plan whose slots were released.
 */
async function releaseStalePlans(tx: Tx, tenantId: string, now: Date): Promise<void> {
  const stale = await tx.updateTable('broadcasts').set({ status: 'cancelled' })
    .where('tenant_id', '=', tenantId).where('status', '=', 'planned').where('planned_at', '<', new Date(now.getTime() - PLAN_HOLD_MS))
    .returning('id').execute();
  if (stale.length === 0) return;
  await tx.updateTable('broadcast_recipients').set({ status: 'cancelled', counted_at: null })
    .where('tenant_id', '=', tenantId).where('broadcast_id', 'in', stale.map((b) => b.id)).where('status', '=', 'planned').execute();
}

/** A node role plans only for its own node: the audience is narrowed to it, another node is refused. */
function scopedAudience<A extends { b_node_id?: string | undefined }>(actor: Actor, audience: A): A {
  if (!isNodeRole(actor.role)) return audience;
  if (audience.b_node_id && audience.b_node_id !== actor.bNodeId) throw broadcastError('broadcast_node_forbidden');
  return { ...audience, b_node_id: actor.bNodeId ?? '__none__' };
}

export async function createBroadcast(db: Db, clock: Clock, actor: Actor, input: CreateBroadcastInput) {
  const now = clock.now();
  const sendAt = input.send_at ? new Date(input.send_at) : now;
  if (sendAt.getTime() < now.getTime() - 60_000) throw broadcastError('broadcast_send_at_past');
  const id = await inTransaction(db, (tx) => planBroadcast(tx, actor.tenantId, {
    chat_type: input.chat_type, initiator: input.initiator, sender_userid: input.sender_userid,
    audience: scopedAudience(actor, input.audience), content: input.content, send_at: sendAt,
  }, actor.userId, now));
  return broadcastDetail(db, actor, id);
}

async function visibleBroadcast(conn: Conn, actor: Actor, id: string) {
  let q = conn.selectFrom('broadcasts').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id);
  if (isNodeRole(actor.role)) q = q.where(sql<boolean>`audience->>'b_node_id' = ${actor.bNodeId ?? ''}`);
  const row = await q.executeTakeFirst();
  if (!row) throw broadcastError('broadcast_not_found');
  return row;
}

export async function broadcastDetail(conn: Conn, actor: Actor, id: string) {
  const b = await visibleBroadcast(conn, actor, id);
  const counts = await recipientCounts(conn, actor.tenantId, id);
  const byStatus: Record<string, number> = {};
  const bySkip: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    const n = Number(c.n);
    total += n;
    byStatus[c.status] = (byStatus[c.status] ?? 0) + n;
    if (c.skip_reason) bySkip[c.skip_reason] = (bySkip[c.skip_reason] ?? 0) + n;
  }
  const cap = await capWindow(conn, actor.tenantId, b.send_at);
  return {
    id: b.id, chat_type: b.chat_type, initiator: b.initiator, sender_userid: b.sender_userid, status: b.status,
    audience: b.audience as Record<string, unknown>, content: b.content as Record<string, unknown>,
    send_at: b.send_at, planned_at: b.planned_at, sent_at: b.sent_at, results_at: b.results_at, created_at: b.created_at,
    counts: { total, will_receive: total - (byStatus.skipped ?? 0), skipped: byStatus.skipped ?? 0, by_status: byStatus, by_skip_reason: bySkip },
    cap: { period: cap.period, limit: cap.limit, starts_at: cap.starts_at, ends_at: cap.ends_at },
  };
}

export async function listBroadcasts(conn: Conn, actor: Actor, limit: number) {
  let q = conn.selectFrom('broadcasts').select('id').where('tenant_id', '=', actor.tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (isNodeRole(actor.role)) q = q.where(sql<boolean>`audience->>'b_node_id' = ${actor.bNodeId ?? ''}`);
  const ids = await q.execute();
  // A console page of at most `limit` broadcasts; each detail is a few indexed reads.
  return Promise.all(ids.map((r) => broadcastDetail(conn, actor, r.id)));
}

export async function listRecipients(conn: Conn, actor: Actor, id: string, q: { status?: string | undefined; skip_reason?: string | undefined; after?: string | undefined; limit: number }) {
  await visibleBroadcast(conn, actor, id);
  return recipientPage(conn, actor.tenantId, id, q);
}

/** Confirms a planned broadcast: the send job runs at its time (at once when that has come). */
export async function confirmBroadcast(db: Db, clock: Clock, actor: Actor, id: string) {
  await inTransaction(db, async (tx) => {
    await lockPlanning(tx, actor.tenantId);
    await releaseStalePlans(tx, actor.tenantId, clock.now());
    const b = await visibleBroadcast(tx, actor, id);
    if (b.status === 'cancelled' && b.planned_at.getTime() < clock.now().getTime() - PLAN_HOLD_MS) throw broadcastError('broadcast_plan_expired');
    const moved = await tx.updateTable('broadcasts').set({ status: 'scheduled' })
      .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', 'in', broadcastMachine.sourcesOf('scheduled'))
      .returning('id').executeTakeFirst();
    if (!moved) throw broadcastError('broadcast_not_planned', { status: b.status });
    await enqueue(tx, actor.tenantId, BROADCAST_SEND_JOB, { broadcast_id: id }, Math.max(0, b.send_at.getTime() - clock.now().getTime()));
  });
  return broadcastDetail(db, actor, id);
}

/** Cancels a broadcast not yet sending: its recipients give their cap slots back. */
export async function cancelBroadcast(db: Db, actor: Actor, id: string) {
  await inTransaction(db, async (tx) => {
    const b = await visibleBroadcast(tx, actor, id);
    const moved = await tx.updateTable('broadcasts').set({ status: 'cancelled' })
      .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', 'in', broadcastMachine.sourcesOf('cancelled'))
      .returning('id').executeTakeFirst();
    if (!moved) throw broadcastError('broadcast_not_planned', { status: b.status });
    await tx.updateTable('broadcast_recipients').set({ status: 'cancelled', counted_at: null })
      .where('tenant_id', '=', actor.tenantId).where('broadcast_id', '=', id).where('status', '=', 'planned').execute();
  });
  return broadcastDetail(db, actor, id);
}

function messageOf(content: BroadcastContent) {
  return { ...(content.text ? { text: { content: content.text } } : {}), ...(content.attachments.length ? { attachments: content.attachments } : {}) };
}

/**
 * The send job: one add_msg_template per sender member (WeCom groups a corp's message by member),
 * in batches WeCom accepts, called with no transaction open. Only recipients still `planned` are
 * sent — a skipped one (over its cap, not a contact) never is. Before each call the batch is
 * recorded as a submission and its recipients marked `submitting`, committed; after it they are
 * pending with the msgid (or failed, for WeCom's fail_list). A rerun first settles any submission
 * a crash left without its msgid (settleOpenSubmissions), so no batch is ever sent twice.
 */
export async function runSendJob(db: Db, clock: Clock, apiOf: WecomApiOf, tenantId: string, id: string): Promise<void> {
  const started = await db.updateTable('broadcasts').set({ status: 'sending' })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', broadcastMachine.sourcesOf('sending'))
    .returning(['chat_type', 'content']).executeTakeFirst();
  const b = started ?? await db.selectFrom('broadcasts').select(['chat_type', 'content', 'status']).where('tenant_id', '=', tenantId).where('id', '=', id)
    .where('status', '=', 'sending').executeTakeFirst();
  if (!b) return; // cancelled, or already sent
  const content = b.content as BroadcastContent;
  const api = await apiOf(tenantId);
  await settleOpenSubmissions(db, clock, api, tenantId, id, b.chat_type, content);
  const senders = await db.selectFrom('broadcast_recipients').select('sender_userid').distinct()
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('status', '=', 'planned').execute();
  for (const { sender_userid: sender } of senders) {
    if (!sender) continue;
    for (;;) {
      const batch = await db.selectFrom('broadcast_recipients').select(['recipient_key', 'external_userid', 'chat_id'])
        .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('status', '=', 'planned').where('sender_userid', '=', sender)
        .orderBy('recipient_key').limit(b.chat_type === 'single' ? SINGLE_BATCH : 2_000).execute();
      if (batch.length === 0) break;
      const submissionId = newId('bsub');
      const keys = batch.map((r) => r.recipient_key);
      await inTransaction(db, async (tx) => {
        await tx.insertInto('broadcast_submissions').values({ tenant_id: tenantId, broadcast_id: id, id: submissionId, sender_userid: sender, status: 'submitting', msgid: null, started_at: clock.now(), settled_at: null }).execute();
        await tx.updateTable('broadcast_recipients').set({ status: 'submitting', submission_id: submissionId })
          .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('recipient_key', 'in', keys).where('status', '=', 'planned').execute();
      });
      const result = await api.addMsgTemplate(b.chat_type === 'single'
        ? { chat_type: 'single', sender, external_userid: batch.map((r) => r.external_userid!), ...messageOf(content) }
        : { chat_type: 'group', sender, chat_id_list: batch.map((r) => r.chat_id!), ...messageOf(content) });
      const failed = new Set(result.fail_list);
      const failedKeys = batch.filter((r) => failed.has((b.chat_type === 'single' ? r.external_userid : r.chat_id)!)).map((r) => r.recipient_key);
      await inTransaction(db, async (tx) => {
        await adoptSubmission(tx, clock, tenantId, id, submissionId, result.msgid);
        if (failedKeys.length) {
          await tx.updateTable('broadcast_recipients').set({ status: 'failed', counted_at: null })
            .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('recipient_key', 'in', failedKeys).execute();
        }
      });
    }
  }
  await inTransaction(db, async (tx) => {
    await tx.updateTable('broadcasts').set({ status: 'sent', sent_at: clock.now() })
      .where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'sending').execute();
    await enqueue(tx, tenantId, BROADCAST_RESULTS_JOB, { broadcast_id: id }, RESULTS_FIRST_DELAY_MS);
  });
}

/** A submission's task is WeCom's msgid: its recipients wait for their results (pending). */
async function adoptSubmission(tx: Tx, clock: Clock, tenantId: string, id: string, submissionId: string, msgid: string) {
  await tx.updateTable('broadcast_submissions').set({ status: 'submitted', msgid, settled_at: clock.now() })
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('id', '=', submissionId).execute();
  await tx.updateTable('broadcast_recipients').set({ status: 'pending', msgid })
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('submission_id', '=', submissionId).where('status', '=', 'submitting').execute();
}

/** How far around a submission's start WeCom's task creation time is looked for (clocks differ a little). */
const SUBMISSION_LOOKUP_SLACK_S = 120;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Submissions a crash left between the call and its record (submitting, no msgid): WeCom's tasks of
 * that sender created around the submission's start (get_groupmsg_list_v2) with the same text and
 * attachments, not already some submission's, are looked at. Exactly one: adopted. None or several:
 * the submission and its recipients become `uncertain` — never called again blindly; the operator
 * resends them explicitly (resendUncertain) after checking WeCom's admin console.
 */
async function settleOpenSubmissions(db: Db, clock: Clock, api: WecomApi, tenantId: string, id: string, chatType: 'single' | 'group', content: BroadcastContent) {
  const open = await db.selectFrom('broadcast_submissions').select(['id', 'sender_userid', 'started_at'])
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('status', '=', 'submitting').orderBy('started_at').execute();
  if (!open.length) return;
  const wanted = messageOf(content);
  for (const sub of open) {
    const from = Math.floor(sub.started_at.getTime() / 1000) - SUBMISSION_LOOKUP_SLACK_S;
    const to = Math.floor(clock.now().getTime() / 1000) + SUBMISSION_LOOKUP_SLACK_S;
    const found: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.getGroupMsgList({ chat_type: chatType, start_time: from, end_time: to, creator: sub.sender_userid, ...(cursor ? { cursor } : {}) });
      for (const task of page.group_msg_list) {
        if ((task.creator ?? sub.sender_userid) === sub.sender_userid && sameJson(task.text, wanted.text) && sameJson(task.attachments ?? [], content.attachments ?? [])) found.push(task.msgid);
      }
      cursor = page.next_cursor || undefined;
    } while (cursor);
    const taken = found.length
      ? new Set((await db.selectFrom('broadcast_submissions').select('msgid').where('tenant_id', '=', tenantId).where('msgid', 'in', found).execute()).map((r) => r.msgid))
      : new Set<string | null>();
    const candidates = found.filter((m) => !taken.has(m));
    await inTransaction(db, async (tx) => {
      if (candidates.length === 1) {
        await adoptSubmission(tx, clock, tenantId, id, sub.id, candidates[0]!);
        return;
      }
      await tx.updateTable('broadcast_submissions').set({ status: 'uncertain', settled_at: clock.now() })
        .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('id', '=', sub.id).where('status', '=', 'submitting').execute();
      await tx.updateTable('broadcast_recipients').set({ status: 'uncertain' })
        .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('submission_id', '=', sub.id).where('status', '=', 'submitting').execute();
    });
  }
}

/**
 * The operator resends a broadcast's uncertain recipients, having checked that WeCom did not take
 * them: they are planned again (still holding their cap slot) and the send job runs at once.
 */
export async function resendUncertain(db: Db, clock: Clock, actor: Actor, id: string) {
  await inTransaction(db, async (tx) => {
    const b = await visibleBroadcast(tx, actor, id);
    const again = await tx.updateTable('broadcast_recipients').set({ status: 'planned', submission_id: null })
      .where('tenant_id', '=', actor.tenantId).where('broadcast_id', '=', id).where('status', '=', 'uncertain').returning('recipient_key').execute();
    if (!again.length) throw broadcastError('broadcast_nothing_uncertain', { status: b.status });
    await tx.updateTable('broadcast_submissions').set({ status: 'resent' })
      .where('tenant_id', '=', actor.tenantId).where('broadcast_id', '=', id).where('status', '=', 'uncertain').execute();
    await tx.updateTable('broadcasts').set({ status: 'sending' })
      .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', 'in', broadcastMachine.sourcesOf('sending')).execute();
    await audit(tx, actor.tenantId, 'broadcast.uncertain_resent', 'broadcast', id, { recipients: again.length }, actor.userId);
    await enqueue(tx, actor.tenantId, BROADCAST_SEND_JOB, { broadcast_id: id }, 0);
  });
  return broadcastDetail(db, actor, id);
}

const RESULT_STATUS = { 1: 'sent', 2: 'not_contact', 3: 'refused_by_wecom' } as const;

/**
 * The results job: each sender's task results from WeCom (get_groupmsg_send_result), page by
 * page; sent, not a contact any more, or refused by WeCom (already received / over its cap).
 * Only a delivered message keeps counting against the cap. Recipients whose member has not sent
 * yet stay pending and the job looks again later, for up to three days.
 */
export async function runResultsJob(db: Db, clock: Clock, apiOf: WecomApiOf, tenantId: string, id: string): Promise<{ pending: number }> {
  const b = await db.selectFrom('broadcasts').select(['chat_type', 'sent_at']).where('tenant_id', '=', tenantId).where('id', '=', id).where('status', '=', 'sent').executeTakeFirst();
  if (!b) return { pending: 0 };
  const api = await apiOf(tenantId);
  const tasks = await db.selectFrom('broadcast_recipients').select(['msgid', 'sender_userid']).distinct()
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('status', '=', 'pending').execute();
  for (const task of tasks) {
    if (!task.msgid || !task.sender_userid) continue;
    let cursor: string | undefined;
    do {
      const page = await api.getGroupMsgSendResult(task.msgid, task.sender_userid, cursor);
      const updates = page.send_list.filter((r) => r.status !== 0);
      if (updates.length) {
        await inTransaction(db, async (tx) => {
          for (const status of [1, 2, 3] as const) {
            const rows = updates.filter((r) => r.status === status);
            if (rows.length === 0) continue;
            const column = b.chat_type === 'single' ? 'external_userid' : 'chat_id';
            const keys = rows.map((r) => (b.chat_type === 'single' ? r.external_userid : r.chat_id)).filter((k): k is string => Boolean(k));
            // One statement per outcome; the send time is WeCom's, per row, through a VALUES list.
            const times = rows.map((r) => sql`(${(b.chat_type === 'single' ? r.external_userid : r.chat_id) ?? ''}, ${r.send_time ? new Date(r.send_time * 1000) : null}::timestamptz)`);
            const { rows: delivered } = await sql<{ customer_id: string | null; sent_time: Date | null }>`
                      UPDATE broadcast_recipients r SET status = ${RESULT_STATUS[status]}, sent_time = v.t,
                        counted_at = ${status === 1 ? sql`r.counted_at` : sql`NULL`}
                        FROM (VALUES ${sql.join(times)}) AS v(k, t)
                       WHERE r.tenant_id = ${tenantId} AND r.broadcast_id = ${id} AND r.msgid = ${task.msgid} AND r.status = 'pending'
                         AND r.${sql.ref(column)} = v.k AND r.${sql.ref(column)} = ANY(${keys}::text[])
                      RETURNING r.customer_id, r.sent_time`.execute(tx);
            // Delivered to a customer: their timeline says so, once per broadcast (a pending row turns sent once).
            if (status === 1) {
              await recordCustomersMessaged(tx, tenantId, delivered.filter((d) => d.customer_id)
                .map((d) => ({ customerId: d.customer_id!, userid: task.sender_userid, at: d.sent_time ?? clock.now(), data: { broadcast_id: id } })));
            }
          }
        });
      }
      cursor = page.next_cursor || undefined;
    } while (cursor);
  }
  const left = await db.selectFrom('broadcast_recipients').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', id).where('status', '=', 'pending').executeTakeFirstOrThrow();
  const pending = Number(left.n);
  await inTransaction(db, async (tx) => {
    await tx.updateTable('broadcasts').set({ results_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    const age = clock.now().getTime() - (b.sent_at?.getTime() ?? 0);
    if (pending > 0 && age < RESULTS_GIVE_UP_MS) await enqueue(tx, tenantId, BROADCAST_RESULTS_JOB, { broadcast_id: id }, RESULTS_RETRY_DELAY_MS);
  });
  return { pending };
}

export async function broadcastSettings(conn: Conn, tenantId: string): Promise<{ cap_period: CapPeriod }> {
  const row = await conn.selectFrom('broadcast_settings').select('cap_period').where('tenant_id', '=', tenantId).executeTakeFirst();
  return { cap_period: row?.cap_period ?? 'month' };
}

export async function putBroadcastSettings(conn: Conn, tenantId: string, capPeriod: CapPeriod) {
  await conn.insertInto('broadcast_settings').values({ tenant_id: tenantId, cap_period: capPeriod })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ cap_period: capPeriod, updated_at: sql`now()` })).execute();
  return { cap_period: capPeriod };
}
