import { sql } from 'kysely';
import { z } from 'zod';
import type { Conn, Db, Tx } from '../../database.js';
import type { Clock } from '../../platform/clock.js';
import { isNodeRole, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { inTransaction } from '../../platform/db/database.js';
import { defineErrors } from '../../platform/errors.js';
import { activeFollows, activeWecomMembers, groupsOfNode, wecomMemberNodes } from '../crm/crm.fragments.js';
import { recordCustomerEvent } from '../crm/crm.service.js';
import type { WecomApi, WecomEvent } from '../wecom/wecom.provider.js';

export const handoverError = defineErrors({
  handover_not_found: { status: 404, en: 'No such handover.', zh: '没有这次交接。' },
  handover_member_unknown: { status: 400, en: 'The taking-over member must be an active WeCom member, and differ from the one handing over.', zh: '接替成员须为在职的企业微信成员，且不同于原成员。' },
  handover_nothing: { status: 400, en: 'The member has no customers or groups to hand over.', zh: '该成员没有可交接的客户或客户群。' },
});

export const createHandoverBody = z.object({
  kind: z.enum(['onjob', 'resigned']),
  handover_userid: z.string().min(1).max(64),
  takeover_userid: z.string().min(1).max(64),
  /** Which of the member's customers and groups; all of them when left out. */
  customer_ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  group_ids: z.array(z.string().min(1).max(64)).max(2_000).optional(),
}).strict().meta({ id: 'CreateHandover' });
export type CreateHandoverInput = z.infer<typeof createHandoverBody>;

export const HANDOVER_SUBMIT_JOB = 'handovers.submit';
export const HANDOVER_POLL_JOB = 'handovers.poll';
/** WeCom: a customer may be handed over at most twice in 90 days; the takeover happens after 24 h. */
export const TRANSFERS_PER_90_DAYS = 2;
export const TAKEOVER_DELAY_MS = 24 * 60 * 60_000;
const POLL_AGAIN_MS = 60 * 60_000;

export type WecomApiOf = (tenantId: string) => Promise<WecomApi>;

/**
 * Plans a handover in one transaction: the member's current customers (or those listed) and the
 * groups they own, each queued — or refused at once with the reason when the customer was already
 * handed over twice in the last 90 days — and a job that submits the queued ones to WeCom.
 */
export async function createHandover(db: Db, clock: Clock, actor: Actor, input: CreateHandoverInput) {
  const t = actor.tenantId;
  const now = clock.now();
  if (input.handover_userid === input.takeover_userid) throw handoverError('handover_member_unknown');
  const id = newId('ho');
  await inTransaction(db, async (tx) => {
    const { rows: members } = await sql<{ userid: string; b_node_id: string | null }>`SELECT m.userid, m.b_node_id FROM ${activeWecomMembers(t)} m WHERE m.userid = ${input.takeover_userid}`.execute(tx);
    if (!members.length) throw handoverError('handover_member_unknown');
    const node = isNodeRole(actor.role) ? actor.bNodeId ?? '' : null;
    const { rows: [giver] } = await sql<{ b_node_id: string | null }>`SELECT m.b_node_id FROM ${wecomMemberNodes(t)} m WHERE m.userid = ${input.handover_userid}`.execute(tx);
    await tx.insertInto('handovers').values({
      tenant_id: t, id, kind: input.kind, handover_userid: input.handover_userid, takeover_userid: input.takeover_userid, created_by: actor.userId, created_at: now, submitted_at: null,
      b_node_id: node ?? giver?.b_node_id ?? null,
    }).execute();
    await sql`
      INSERT INTO handover_items (tenant_id, handover_id, item_key, customer_id, external_userid, status, reason, created_at)
      SELECT ${t}, ${id}, f.customer_id, f.customer_id, f.external_userid,
             CASE WHEN coalesce(h.n, 0) >= ${TRANSFERS_PER_90_DAYS} THEN 'refused' ELSE 'queued' END,
             CASE WHEN coalesce(h.n, 0) >= ${TRANSFERS_PER_90_DAYS} THEN 'transfer_limit_90_days' END, ${now}
        FROM ${activeFollows(t)} f
        LEFT JOIN (SELECT customer_id, count(*) AS n FROM handover_items
                    WHERE tenant_id = ${t} AND customer_id IS NOT NULL AND status IN ('waiting', 'done') AND created_at > ${now}::timestamptz - interval '90 days'
                    GROUP BY customer_id) h ON h.customer_id = f.customer_id
       WHERE f.userid = ${input.handover_userid}
         ${node !== null ? sql`AND f.member_b_node_id = ${node}` : sql``}
         ${input.customer_ids ? sql`AND f.customer_id = ANY(${input.customer_ids}::text[])` : sql``}`.execute(tx);
    await sql`
      INSERT INTO handover_items (tenant_id, handover_id, item_key, group_id, chat_id, status, created_at)
      SELECT ${t}, ${id}, g.id, g.id, g.chat_id, 'queued', ${now}
        FROM ${groupsOfNode(t, node)} g
       WHERE g.owner_userid = ${input.handover_userid}
         ${input.group_ids ? sql`AND g.id = ANY(${input.group_ids}::text[])` : sql``}`.execute(tx);
    const any = await tx.selectFrom('handover_items').select('item_key').where('tenant_id', '=', t).where('handover_id', '=', id).limit(1).executeTakeFirst();
    if (!any) throw handoverError('handover_nothing');
    await enqueue(tx, t, HANDOVER_SUBMIT_JOB, { handover_id: id });
  });
  return handoverDetail(db, actor, id);
}

/** Handovers the actor may see: all for admins; a node's owner and staff only their node's members' (another's answers 404). */
function visibleHandovers(conn: Conn, actor: Actor) {
  const q = conn.selectFrom('handovers').select(['id', 'kind', 'handover_userid', 'takeover_userid', 'created_at', 'submitted_at']).where('tenant_id', '=', actor.tenantId);
  return isNodeRole(actor.role) ? q.where('b_node_id', '=', actor.bNodeId ?? '') : q;
}

export async function handoverDetail(conn: Conn, actor: Actor, id: string) {
  const h = await visibleHandovers(conn, actor).where('id', '=', id).executeTakeFirst();
  if (!h) throw handoverError('handover_not_found');
  const items = await conn.selectFrom('handover_items').select(['item_key', 'customer_id', 'external_userid', 'group_id', 'chat_id', 'status', 'reason', 'errcode', 'settled_at'])
    .where('tenant_id', '=', actor.tenantId).where('handover_id', '=', id).orderBy('item_key').execute();
  return { ...h, items };
}

export async function listHandovers(conn: Conn, actor: Actor) {
  return visibleHandovers(conn, actor).orderBy('created_at', 'desc').limit(100).execute();
}

/** Submits the queued items: customers in batches of 100 (transfer_customer), groups through groupchat transfer. */
export async function runSubmitJob(db: Db, clock: Clock, apiOf: WecomApiOf, tenantId: string, id: string): Promise<void> {
  const h = await db.selectFrom('handovers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!h) return;
  const api = await apiOf(tenantId);
  for (;;) {
    const batch = await db.selectFrom('handover_items').select(['item_key', 'external_userid']).where('tenant_id', '=', tenantId).where('handover_id', '=', id)
      .where('status', '=', 'queued').where('customer_id', 'is not', null).orderBy('item_key').limit(100).execute();
    if (!batch.length) break;
    const answer = await api.transferCustomer({ kind: h.kind, handover_userid: h.handover_userid, takeover_userid: h.takeover_userid, external_userid: batch.map((b) => b.external_userid!) });
    const codes = new Map(answer.customer.map((c) => [c.external_userid, c.errcode]));
    await inTransaction(db, async (tx) => {
      for (const b of batch) {
        const errcode = codes.get(b.external_userid!) ?? 0;
        await tx.updateTable('handover_items').set(errcode === 0 ? { status: 'waiting' } : { status: 'failed', errcode, reason: errcode === 40129 ? 'transfer_limit_90_days' : 'refused_by_wecom', settled_at: clock.now() })
          .where('tenant_id', '=', tenantId).where('handover_id', '=', id).where('item_key', '=', b.item_key).where('status', '=', 'queued').execute();
      }
    });
  }
  const groups = await db.selectFrom('handover_items').select(['item_key', 'chat_id']).where('tenant_id', '=', tenantId).where('handover_id', '=', id)
    .where('status', '=', 'queued').where('group_id', 'is not', null).execute();
  if (groups.length) {
    const answer = await api.transferGroupChats({ kind: h.kind, chat_id_list: groups.map((g) => g.chat_id!), new_owner: h.takeover_userid });
    const failed = new Map(answer.failed_chat_list.map((f) => [f.chat_id, f]));
    await inTransaction(db, async (tx) => {
      for (const g of groups) {
        const f = failed.get(g.chat_id!);
        await tx.updateTable('handover_items').set(f ? { status: 'failed', errcode: f.errcode, reason: f.errmsg || 'refused_by_wecom', settled_at: clock.now() } : { status: 'done', settled_at: clock.now() })
          .where('tenant_id', '=', tenantId).where('handover_id', '=', id).where('item_key', '=', g.item_key).execute();
      }
    });
  }
  await inTransaction(db, async (tx) => {
    await tx.updateTable('handovers').set({ submitted_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    await enqueue(tx, tenantId, HANDOVER_POLL_JOB, { handover_id: id }, TAKEOVER_DELAY_MS);
  });
}

/** After the 24 h takeover: transfer_result settles each waiting customer (done, refused, limit); still waiting looks again in an hour. */
export async function runPollJob(db: Db, clock: Clock, apiOf: WecomApiOf, tenantId: string, id: string): Promise<{ waiting: number }> {
  const h = await db.selectFrom('handovers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!h) return { waiting: 0 };
  const api = await apiOf(tenantId);
  let cursor: string | undefined;
  const now = clock.now();
  do {
    const page = await api.transferResult({ kind: h.kind, handover_userid: h.handover_userid, takeover_userid: h.takeover_userid, ...(cursor ? { cursor } : {}) });
    await inTransaction(db, async (tx) => {
      for (const r of page.customer) {
        if (r.status === 2) continue;
        const outcome = r.status === 1 ? { status: 'done' as const, reason: null } : { status: 'failed' as const, reason: r.status === 3 ? 'customer_refused' : r.status === 4 ? 'customer_limit_exceed' : 'no_record' };
        const item = await tx.updateTable('handover_items').set({ ...outcome, settled_at: now })
          .where('tenant_id', '=', tenantId).where('handover_id', '=', id).where('external_userid', '=', r.external_userid).where('status', '=', 'waiting')
          .returning('customer_id').executeTakeFirst();
        if (item?.customer_id) {
          await recordCustomerEvent(tx, tenantId, item.customer_id, outcome.status === 'done' ? 'transferred' : 'transfer_failed', now, h.takeover_userid,
            { handover_id: id, from: h.handover_userid, ...(outcome.reason ? { reason: outcome.reason } : {}) });
        }
      }
    });
    cursor = page.next_cursor || undefined;
  } while (cursor);
  const left = await db.selectFrom('handover_items').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', tenantId).where('handover_id', '=', id).where('status', '=', 'waiting').executeTakeFirstOrThrow();
  const waiting = Number(left.n);
  if (waiting > 0) await enqueue(db, tenantId, HANDOVER_POLL_JOB, { handover_id: id }, POLL_AGAIN_MS);
  return { waiting };
}

/**
 * transfer_fail (the customer refused, or the takeover member has too many customers): the
 * customer's waiting handover item fails with WeCom's reason, and the timeline says so.
 */
export async function handoverWecomEventHandler(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (event.event !== 'change_external_contact' || event.changeType !== 'transfer_fail' || !event.externalUserId) return;
  const at = new Date(event.createTime * 1000);
  const reason = event.failReason ?? 'transfer_fail';
  const items = await tx.updateTable('handover_items').set({ status: 'failed', reason, settled_at: at })
    .where('tenant_id', '=', tenantId).where('external_userid', '=', event.externalUserId).where('status', '=', 'waiting')
    .returning(['customer_id', 'handover_id']).execute();
  for (const item of items) {
    if (item.customer_id) await recordCustomerEvent(tx, tenantId, item.customer_id, 'transfer_failed', at, event.userId ?? null, { handover_id: item.handover_id, reason });
  }
}
