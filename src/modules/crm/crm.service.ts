import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import type { CorpTagGroup, GroupChat } from '../wecom/wecom.provider.js';
import { ordersForMessage } from '../orders/orders.fragments.js';
import type { CustomerEventKind } from './crm.tables.js';

/**
 * The CRM's writes: follows (who of the corp's members each customer has), the timeline, churn
 * alerts, customer groups and their members, tags and their links. Everything here runs inside the
 * caller's transaction and never calls WeCom: what must reach WeCom is a job enqueued here and run
 * after commit (crm jobs in flows/crm-sync.flow.ts).
 */

export const CRM_JOBS = {
  contactRefresh: 'crm.contact.refresh', groupSync: 'crm.group.sync', tagsSync: 'crm.tags.sync',
  tagsPush: 'crm.tags.push', tagsMark: 'crm.tags.mark', fullSync: 'crm.sync',
} as const;

/** One line of a customer's timeline. */
export async function recordCustomerEvent(tx: Conn, tenantId: string, customerId: string, kind: CustomerEventKind, at: Date, userid: string | null = null, data: Record<string, unknown> = {}): Promise<boolean> {
  const res = await tx.insertInto('customer_events').values({ tenant_id: tenantId, id: newId('cev'), customer_id: customerId, kind, userid, data: JSON.stringify(data) as never, occurred_at: at })
    .onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Messages that reached customers, in their timelines ('messaged': what sent it, e.g. the
 * broadcast), each once whatever the retries (migration 032's unique index); one statement.
 */
export async function recordCustomersMessaged(tx: Conn, tenantId: string, rows: { customerId: string; userid: string | null; at: Date; data: { broadcast_id: string } }[]): Promise<void> {
  if (!rows.length) return;
  await sql`INSERT INTO customer_events (tenant_id, id, customer_id, kind, userid, data, occurred_at)
            SELECT ${tenantId}, x.id, x.customer_id, 'messaged', x.userid, x.data, x.at
              FROM unnest(${rows.map(() => newId('cev'))}::text[], ${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.userid)}::text[],
                          ${rows.map((r) => JSON.stringify(r.data))}::jsonb[], ${rows.map((r) => r.at)}::timestamptz[]) AS x(id, customer_id, userid, data, at)
            ON CONFLICT DO NOTHING`.execute(tx);
}

/** A member WeCom names: known from now on (name filled by the full sync); returns the B node they serve. */
export async function ensureMember(tx: Conn, tenantId: string, userid: string, name = ''): Promise<{ b_node_id: string | null }> {
  await tx.insertInto('wecom_members').values({ tenant_id: tenantId, userid, name })
    .onConflict((oc) => oc.columns(['tenant_id', 'userid']).doUpdateSet(name ? { name, status: 'active', updated_at: sql`now()` } : { status: 'active' })).execute();
  const m = await tx.selectFrom('wecom_members').select('b_node_id').where('tenant_id', '=', tenantId).where('userid', '=', userid).executeTakeFirstOrThrow();
  return { b_node_id: m.b_node_id };
}

/**
 * The customer follows the member from `at` (added, or re-added after an end). True when that is
 * news — a new or renewed follow, timeline 'added' written; false for a follow already active
 * (a replayed event, or add_half followed by add).
 */
export async function startFollow(tx: Tx, tenantId: string, input: { customerId: string; userid: string; externalUserid: string; state: string | null; addWay?: number | null; remark?: string; at: Date; half?: boolean }): Promise<boolean> {
  const row = await tx.insertInto('customer_follows').values({
    tenant_id: tenantId, customer_id: input.customerId, userid: input.userid, external_userid: input.externalUserid,
    state: input.state, add_way: input.addWay ?? null, remark: input.remark ?? '', added_at: input.at, ended_at: null, ended_by: null,
  }).onConflict((oc) => oc.columns(['tenant_id', 'customer_id', 'userid']).doUpdateSet((eb) => ({
    ended_at: null, ended_by: null, added_at: eb.ref('excluded.added_at'), state: eb.ref('excluded.state'), external_userid: eb.ref('excluded.external_userid'),
  })).where('customer_follows.ended_at', 'is not', null)).returning('customer_id').executeTakeFirst();
  if (!row) return false;
  await recordCustomerEvent(tx, tenantId, input.customerId, 'added', input.at, input.userid, { state: input.state, ...(input.half ? { half: true } : {}) });
  return true;
}

/**
 * A follow ends: the member deleted the customer ('member'), the customer deleted the member
 * ('customer'), or a handover moved them ('transfer'). Returns the customer when an active follow
 * ended here; null when there was none (unknown, or already ended: a replay changes nothing).
 */
export async function endFollow(tx: Tx, tenantId: string, externalUserid: string, userid: string, by: 'member' | 'customer' | 'transfer', at: Date): Promise<string | null> {
  const row = await tx.updateTable('customer_follows').set({ ended_at: at, ended_by: by })
    .where('tenant_id', '=', tenantId).where('external_userid', '=', externalUserid).where('userid', '=', userid).where('ended_at', 'is', null)
    .returning('customer_id').executeTakeFirst();
  return row?.customer_id ?? null;
}

/** A customer deleted a member: an alert to the member's node (the customer's when the member has none) and a line in the timeline. */
export async function raiseChurnAlert(tx: Tx, tenantId: string, customerId: string, customerNode: string | null, userid: string, at: Date): Promise<void> {
  const member = await tx.selectFrom('wecom_members').select('b_node_id').where('tenant_id', '=', tenantId).where('userid', '=', userid).executeTakeFirst();
  await tx.insertInto('churn_alerts').values({ tenant_id: tenantId, id: newId('chn'), customer_id: customerId, userid, b_node_id: member?.b_node_id ?? customerNode, raised_at: at, acknowledged_at: null, acknowledged_by: null })
    .onConflict((oc) => oc.doNothing()).execute();
  await recordCustomerEvent(tx, tenantId, customerId, 'churn_alert', at, userid);
}

/** Someone of the alert's node (or an admin) saw it. False when no such open alert is within `bNodeId` (null: any). */
export async function acknowledgeChurnAlert(tx: Tx, tenantId: string, alertId: string, userId: string, bNodeId: string | null, at: Date): Promise<boolean> {
  let q = tx.updateTable('churn_alerts').set({ acknowledged_at: at, acknowledged_by: userId })
    .where('tenant_id', '=', tenantId).where('id', '=', alertId).where('acknowledged_at', 'is', null);
  if (bNodeId) q = q.where('b_node_id', '=', bNodeId);
  return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
}

/** What was the merged customer's in the CRM becomes the survivor's (called with every customer merge, in its transaction). */
export async function reassignCustomerCrm(tx: Tx, tenantId: string, merged: string, survivor: string, at: Date): Promise<void> {
  // A member both customers follow keeps the survivor's follow; the merged one's stays as history.
  await sql`UPDATE customer_follows f SET customer_id = ${survivor}
             WHERE f.tenant_id = ${tenantId} AND f.customer_id = ${merged}
               AND NOT EXISTS (SELECT 1 FROM customer_follows s WHERE s.tenant_id = f.tenant_id AND s.customer_id = ${survivor} AND s.userid = f.userid)`.execute(tx);
  await sql`INSERT INTO customer_tag_links (tenant_id, customer_id, tag_id, tagged_at)
            SELECT tenant_id, ${survivor}, tag_id, tagged_at FROM customer_tag_links WHERE tenant_id = ${tenantId} AND customer_id = ${merged}
            ON CONFLICT DO NOTHING`.execute(tx);
  await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('customer_id', '=', merged).execute();
  await tx.updateTable('customer_group_members').set({ customer_id: survivor }).where('tenant_id', '=', tenantId).where('customer_id', '=', merged).execute();
  await tx.updateTable('churn_alerts').set({ customer_id: survivor }).where('tenant_id', '=', tenantId).where('customer_id', '=', merged).execute();
  await tx.updateTable('customer_events').set({ customer_id: survivor }).where('tenant_id', '=', tenantId).where('customer_id', '=', merged).execute();
  await recordCustomerEvent(tx, tenantId, survivor, 'merged', at, null, { merged });
}

/** Work for after commit: refresh a contact's remark and tags from WeCom (edit_external_contact). */
export async function requestContactRefresh(tx: Conn, tenantId: string, externalUserid: string): Promise<void> {
  await enqueue(tx, tenantId, CRM_JOBS.contactRefresh, { external_userid: externalUserid });
}

// ——— customer groups ———

export interface GroupRef { id: string; chat_id: string; b_node_id: string | null }

/** The group of a chat_id, created (active, details to come from the sync) when first heard of. */
export async function ensureGroup(tx: Conn, tenantId: string, chatId: string, at: Date): Promise<GroupRef> {
  await tx.insertInto('customer_groups').values({ tenant_id: tenantId, id: newId('cgr'), chat_id: chatId, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['tenant_id', 'chat_id']).doNothing()).execute();
  return tx.selectFrom('customer_groups').select(['id', 'chat_id', 'b_node_id']).where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).executeTakeFirstOrThrow();
}

export async function requestGroupSync(tx: Conn, tenantId: string, chatId: string): Promise<void> {
  await enqueue(tx, tenantId, CRM_JOBS.groupSync, { chat_id: chatId });
}

async function recountMembers(tx: Conn, tenantId: string, groupId: string, at: Date) {
  await sql`UPDATE customer_groups g SET member_count = (SELECT count(*) FROM customer_group_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND m.left_at IS NULL), updated_at = ${at}
             WHERE g.tenant_id = ${tenantId} AND g.id = ${groupId}`.execute(tx);
}

/** Which of these keys are the corp's members (type 1); the rest are external contacts (type 2). */
async function memberKeys(tx: Conn, tenantId: string, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await tx.selectFrom('wecom_members').select('userid').where('tenant_id', '=', tenantId).where('userid', 'in', keys).execute();
  return new Set(rows.map((r) => r.userid));
}

/**
 * People joined a group (add_member, with its JoinScene). Each joins once: a replay changes
 * nothing; someone who had left joins again. Customers among them get 'joined_group'.
 * `customersByKey`: the external_userids known as customers.
 */
export async function groupMembersJoined(tx: Tx, tenantId: string, group: GroupRef, keys: string[], joinScene: number | null, at: Date, customersByKey: Map<string, string>): Promise<number> {
  const members = await memberKeys(tx, tenantId, keys);
  let joined = 0;
  for (const key of new Set(keys)) {
    const customerId = members.has(key) ? null : customersByKey.get(key) ?? null;
    const row = await tx.insertInto('customer_group_members').values({
      tenant_id: tenantId, group_id: group.id, member_key: key, member_type: members.has(key) ? 1 : 2, customer_id: customerId, join_time: at, join_scene: joinScene, left_at: null, quit_scene: null,
    }).onConflict((oc) => oc.columns(['tenant_id', 'group_id', 'member_key']).doUpdateSet({ left_at: null, quit_scene: null, join_time: at, join_scene: joinScene })
      .where('customer_group_members.left_at', 'is not', null)).returning('customer_id').executeTakeFirst();
    if (!row) continue;
    joined++;
    if (row.customer_id) await recordCustomerEvent(tx, tenantId, row.customer_id, 'joined_group', at, null, { group_id: group.id, chat_id: group.chat_id, join_scene: joinScene });
  }
  await recountMembers(tx, tenantId, group.id, at);
  return joined;
}

/** People left a group (del_member, with its QuitScene); customers among them get 'left_group'. A replay changes nothing. */
export async function groupMembersLeft(tx: Tx, tenantId: string, group: GroupRef, keys: string[], quitScene: number | null, at: Date): Promise<number> {
  if (!keys.length) return 0;
  const rows = await tx.updateTable('customer_group_members').set({ left_at: at, quit_scene: quitScene })
    .where('tenant_id', '=', tenantId).where('group_id', '=', group.id).where('member_key', 'in', keys).where('left_at', 'is', null)
    .returning('customer_id').execute();
  for (const r of rows) {
    if (r.customer_id) await recordCustomerEvent(tx, tenantId, r.customer_id, 'left_group', at, null, { group_id: group.id, chat_id: group.chat_id, quit_scene: quitScene });
  }
  await recountMembers(tx, tenantId, group.id, at);
  return rows.length;
}

/** The owner dismissed the group: everyone still in it leaves. */
export async function groupDismissed(tx: Tx, tenantId: string, chatId: string, at: Date): Promise<void> {
  const group = await tx.updateTable('customer_groups').set({ status: 'dismissed', updated_at: at })
    .where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).where('status', '=', 'active').returning(['id', 'chat_id', 'b_node_id']).executeTakeFirst();
  if (!group) return;
  const keys = await tx.selectFrom('customer_group_members').select('member_key').where('tenant_id', '=', tenantId).where('group_id', '=', group.id).where('left_at', 'is', null).execute();
  await groupMembersLeft(tx, tenantId, group, keys.map((k) => k.member_key), null, at);
}

/**
 * A group as WeCom describes it now (groupchat/get): name, owner (and so the owner's B node),
 * notice; members reconciled when its member_version moved — those listed are in (with WeCom's
 * join time and scene), those not listed have left. The timeline hears of each change once.
 */
export async function applyGroupChat(tx: Tx, tenantId: string, chat: GroupChat, at: Date, customersByKey: Map<string, string>): Promise<void> {
  const group = await ensureGroup(tx, tenantId, chat.chat_id, at);
  const before = await tx.selectFrom('customer_groups').select(['member_version', 'status']).where('tenant_id', '=', tenantId).where('id', '=', group.id).forUpdate().executeTakeFirstOrThrow();
  const owner = await ensureMember(tx, tenantId, chat.owner);
  await tx.updateTable('customer_groups').set({
    name: chat.name, owner_userid: chat.owner, b_node_id: owner.b_node_id, notice: chat.notice ?? '', member_version: chat.member_version ?? null, updated_at: at,
  }).where('tenant_id', '=', tenantId).where('id', '=', group.id).execute();
  if (chat.member_version && before.member_version === chat.member_version) return;
  const listed = new Set(chat.member_list.map((m) => m.userid));
  const current = await tx.selectFrom('customer_group_members').select(['member_key', 'left_at']).where('tenant_id', '=', tenantId).where('group_id', '=', group.id).execute();
  const inNow = new Set(current.filter((c) => c.left_at === null).map((c) => c.member_key));
  for (const m of chat.member_list) {
    const joinedAt = new Date(m.join_time * 1000);
    const customerId = m.type === 2 ? customersByKey.get(m.userid) ?? null : null;
    if (inNow.has(m.userid)) {
      await tx.updateTable('customer_group_members').set({ member_type: m.type, customer_id: customerId, join_time: joinedAt, join_scene: m.join_scene })
        .where('tenant_id', '=', tenantId).where('group_id', '=', group.id).where('member_key', '=', m.userid).execute();
    } else {
      if (m.type === 1) await ensureMember(tx, tenantId, m.userid, m.name ?? '');
      await groupMembersJoined(tx, tenantId, group, [m.userid], m.join_scene, joinedAt, customersByKey);
    }
  }
  await groupMembersLeft(tx, tenantId, group, [...inNow].filter((k) => !listed.has(k)), null, at);
  await recountMembers(tx, tenantId, group.id, at);
}

// ——— tags ———

export async function requestTagsSync(tx: Conn, tenantId: string): Promise<void> {
  await enqueue(tx, tenantId, CRM_JOBS.tagsSync, {});
}

/** WeCom deleted a tag or a tag group (change_external_tag delete): gone here too, with its links. */
export async function corpTagDeleted(tx: Tx, tenantId: string, wecomId: string, kind: 'tag' | 'tag_group', at: Date): Promise<void> {
  const tagIds = kind === 'tag'
    ? (await tx.updateTable('customer_tags').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('wecom_id', '=', wecomId).where('deleted_at', 'is', null).returning('id').execute()).map((t) => t.id)
    : await (async () => {
      const g = await tx.updateTable('customer_tag_groups').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('wecom_id', '=', wecomId).where('deleted_at', 'is', null).returning('id').executeTakeFirst();
      if (!g) return [];
      return (await tx.updateTable('customer_tags').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('group_id', '=', g.id).where('deleted_at', 'is', null).returning('id').execute()).map((t) => t.id);
    })();
  if (tagIds.length) await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('tag_id', 'in', tagIds).execute();
}

/**
 * The corp's tags as WeCom lists them now (get_corp_tag_list): groups and tags matched by WeCom id
 * (a local one of the same name and no WeCom id yet is adopted), renamed and re-ordered as WeCom
 * has them, created when new; those with a WeCom id WeCom no longer lists are deleted here.
 */
export async function applyCorpTags(tx: Tx, tenantId: string, groups: CorpTagGroup[], at: Date): Promise<void> {
  const seenGroups: string[] = [];
  const seenTags: string[] = [];
  for (const g of groups.filter((x) => !x.deleted)) {
    seenGroups.push(g.group_id);
    const groupId = await upsertByWecomId(tx, 'customer_tag_groups', tenantId, g.group_id, g.group_name, g.order, null);
    for (const t of g.tag.filter((x) => !x.deleted)) {
      seenTags.push(t.id);
      await upsertByWecomId(tx, 'customer_tags', tenantId, t.id, t.name, t.order, groupId);
    }
  }
  const goneTags = await tx.updateTable('customer_tags').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('wecom_id', 'is not', null)
    .where('deleted_at', 'is', null).$if(seenTags.length > 0, (q) => q.where('wecom_id', 'not in', seenTags)).returning('id').execute();
  if (goneTags.length) await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('tag_id', 'in', goneTags.map((t) => t.id)).execute();
  await tx.updateTable('customer_tag_groups').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('wecom_id', 'is not', null)
    .where('deleted_at', 'is', null).$if(seenGroups.length > 0, (q) => q.where('wecom_id', 'not in', seenGroups)).execute();
}

async function upsertByWecomId(tx: Tx, table: 'customer_tag_groups' | 'customer_tags', tenantId: string, wecomId: string, name: string, position: number, groupId: string | null): Promise<string> {
  const known = await tx.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('wecom_id', '=', wecomId).executeTakeFirst();
  const cut = name.slice(0, 30);
  if (known) {
    await tx.updateTable(table).set({ name: cut, position, deleted_at: null, ...(groupId ? { group_id: groupId } : {}) } as never).where('tenant_id', '=', tenantId).where('id', '=', known.id).execute();
    return known.id;
  }
  let adopt = tx.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('name', '=', cut).where('wecom_id', 'is', null).where('deleted_at', 'is', null);
  if (groupId) adopt = adopt.where('group_id' as never, '=', groupId as never);
  const same = await adopt.executeTakeFirst();
  if (same) {
    await tx.updateTable(table).set({ wecom_id: wecomId, position } as never).where('tenant_id', '=', tenantId).where('id', '=', same.id).execute();
    return same.id;
  }
  const id = newId(table === 'customer_tags' ? 'tag' : 'tgr');
  await tx.insertInto(table).values({ tenant_id: tenantId, id, name: cut, position, wecom_id: wecomId, deleted_at: null, ...(groupId ? { group_id: groupId } : {}) } as never).execute();
  return id;
}

/** A follow's remark, state and add_way as WeCom tells them now (an edit, or the full sync). */
export async function refreshFollow(tx: Conn, tenantId: string, customerId: string, userid: string, follow: { remark?: string | undefined; state?: string | undefined; add_way?: number | undefined }): Promise<void> {
  await tx.updateTable('customer_follows').set({
    remark: (follow.remark ?? '').slice(0, 500),
    ...(follow.state !== undefined ? { state: follow.state.slice(0, 30) } : {}),
    ...(follow.add_way !== undefined ? { add_way: follow.add_way } : {}),
  }).where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('userid', '=', userid).execute();
}

// ——— orders in the timeline ———

/** Paid orders in their buyers' timelines ('ordered': number and total), once per order whatever the retries; one statement. */
export async function recordOrdersPaid(tx: Conn, tenantId: string, orderIds: string[], at: Date): Promise<void> {
  if (!orderIds.length) return;
  await sql`INSERT INTO customer_events (tenant_id, id, customer_id, kind, userid, data, occurred_at)
            SELECT ${tenantId}, x.event_id, o.customer_id, 'ordered', NULL,
                   jsonb_build_object('order_id', o.id, 'number', o.number, 'total', o.total, 'b_node_id', o.b_node_id), ${at}
              FROM ${ordersForMessage(tenantId, orderIds)} o
              JOIN unnest(${orderIds}::text[], ${orderIds.map(() => newId('cev'))}::text[]) AS x(order_id, event_id) ON x.order_id = o.id
            ON CONFLICT DO NOTHING`.execute(tx);
}

/** A refund in its buyer's timeline ('refunded': the order, the refund and its amount), once per refund. */
export async function recordOrderRefunded(tx: Conn, tenantId: string, orderId: string, refundId: string, amount: number, at: Date): Promise<void> {
  await sql`INSERT INTO customer_events (tenant_id, id, customer_id, kind, userid, data, occurred_at)
            SELECT ${tenantId}, ${newId('cev')}, o.customer_id, 'refunded', NULL,
                   jsonb_build_object('order_id', o.id, 'number', o.number, 'refund_id', ${refundId}::text, 'amount', ${amount}::bigint), ${at}
              FROM ${ordersForMessage(tenantId, [orderId])} o
            ON CONFLICT DO NOTHING`.execute(tx);
}
