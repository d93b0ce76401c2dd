import type { Conn, Tx } from '../../database.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { crmError } from './crm.errors.js';
import { CRM_JOBS, recordCustomerEvent } from './crm.service.js';

/**
 * Tags and tag groups edited here reach WeCom's corp tags through the `crm.tags.push` job after
 * commit (add, edit, delete; WeCom's ids stored back); WeCom's own changes come in through
 * change_external_tag and the sync. Tagging a customer marks the tag on every member who follows
 * them (`crm.tags.mark`), so staff see the same tags in WeCom.
 */
export type TagPush = { op: 'create_group'; group_id: string } | { op: 'create_tag'; tag_id: string } | { op: 'rename'; kind: 'tag' | 'tag_group'; id: string } | { op: 'delete'; wecom_ids: string[]; kind: 'tag' | 'tag_group' };

export async function createTagGroup(tx: Tx, tenantId: string, input: { name: string; tags: string[] }) {
  const id = newId('tgr');
  await tx.insertInto('customer_tag_groups').values({ tenant_id: tenantId, id, name: input.name, wecom_id: null, deleted_at: null }).execute();
  const tags = input.tags.map((name, position) => ({ tenant_id: tenantId, id: newId('tag'), group_id: id, name, position, wecom_id: null, deleted_at: null }));
  if (tags.length) await tx.insertInto('customer_tags').values(tags).execute();
  await enqueue(tx, tenantId, CRM_JOBS.tagsPush, { op: 'create_group', group_id: id } satisfies TagPush);
  return { id, tags: tags.map((t) => ({ id: t.id, name: t.name })) };
}

export async function addTag(tx: Tx, tenantId: string, groupId: string, name: string) {
  const group = await tx.selectFrom('customer_tag_groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', groupId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!group) throw crmError('tag_group_not_found');
  const id = newId('tag');
  await tx.insertInto('customer_tags').values({ tenant_id: tenantId, id, group_id: groupId, name, wecom_id: null, deleted_at: null }).execute();
  await enqueue(tx, tenantId, CRM_JOBS.tagsPush, { op: 'create_tag', tag_id: id } satisfies TagPush);
  return { id, name };
}

export async function renameTag(tx: Tx, tenantId: string, kind: 'tag' | 'tag_group', id: string, name: string) {
  const table = kind === 'tag' ? 'customer_tags' : 'customer_tag_groups';
  const res = await tx.updateTable(table).set({ name }).where('tenant_id', '=', tenantId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!Number(res.numUpdatedRows)) throw crmError(kind === 'tag' ? 'tag_not_found' : 'tag_group_not_found');
  await enqueue(tx, tenantId, CRM_JOBS.tagsPush, { op: 'rename', kind, id } satisfies TagPush);
}

/** A tag (or a group with its tags) deleted: links go, rows stay marked for history; WeCom is told by id. */
export async function deleteTag(tx: Tx, tenantId: string, kind: 'tag' | 'tag_group', id: string, at: Date) {
  const tags = kind === 'tag'
    ? await tx.updateTable('customer_tags').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).where('deleted_at', 'is', null).returning(['id', 'wecom_id']).execute()
    : await tx.updateTable('customer_tags').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('group_id', '=', id).where('deleted_at', 'is', null).returning(['id', 'wecom_id']).execute();
  let wecomIds = tags.map((t) => t.wecom_id).filter((w): w is string => !!w);
  if (kind === 'tag_group') {
    const g = await tx.updateTable('customer_tag_groups').set({ deleted_at: at }).where('tenant_id', '=', tenantId).where('id', '=', id).where('deleted_at', 'is', null).returning('wecom_id').executeTakeFirst();
    if (!g) throw crmError('tag_group_not_found');
    wecomIds = g.wecom_id ? [g.wecom_id] : [];
  } else if (!tags.length) throw crmError('tag_not_found');
  if (tags.length) await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('tag_id', 'in', tags.map((t) => t.id)).execute();
  if (wecomIds.length) await enqueue(tx, tenantId, CRM_JOBS.tagsPush, { op: 'delete', kind, wecom_ids: wecomIds } satisfies TagPush);
}

/** The tenant's tag groups with their tags (not deleted), in their order. */
export async function listTags(db: Conn, tenantId: string) {
  const groups = await db.selectFrom('customer_tag_groups').select(['id', 'name', 'wecom_id']).where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).orderBy('position').orderBy('name').execute();
  const tags = await db.selectFrom('customer_tags').select(['id', 'group_id', 'name', 'wecom_id']).where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).orderBy('position').orderBy('name').execute();
  return groups.map((g) => ({ ...g, tags: tags.filter((t) => t.group_id === g.id).map(({ group_id: _, ...t }) => t) }));
}

/**
 * Tags a customer (and untags): links written, each change in the timeline once, and a job that
 * marks the same on every member who follows them in WeCom. Used by the console and by live codes'
 * auto-tags. Unknown or deleted tags are refused; tagging twice changes nothing.
 */
export async function tagCustomer(tx: Tx, tenantId: string, customerId: string, change: { add?: string[]; remove?: string[] }, at: Date, userid: string | null = null): Promise<{ added: string[]; removed: string[] }> {
  const add = [...new Set(change.add ?? [])];
  const remove = [...new Set(change.remove ?? [])].filter((t) => !add.includes(t));
  const known = add.length ? await tx.selectFrom('customer_tags').select('id').where('tenant_id', '=', tenantId).where('id', 'in', add).where('deleted_at', 'is', null).execute() : [];
  if (known.length !== add.length) throw crmError('tag_not_found');
  const added = add.length
    ? (await tx.insertInto('customer_tag_links').values(add.map((tag_id) => ({ tenant_id: tenantId, customer_id: customerId, tag_id, tagged_at: at })))
      .onConflict((oc) => oc.doNothing()).returning('tag_id').execute()).map((r) => r.tag_id)
    : [];
  const removed = remove.length
    ? (await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('tag_id', 'in', remove).returning('tag_id').execute()).map((r) => r.tag_id)
    : [];
  if (added.length) await recordCustomerEvent(tx, tenantId, customerId, 'tagged', at, userid, { tags: added });
  if (removed.length) await recordCustomerEvent(tx, tenantId, customerId, 'untagged', at, userid, { tags: removed });
  if (added.length || removed.length) await enqueue(tx, tenantId, CRM_JOBS.tagsMark, { customer_id: customerId, add: added, remove: removed });
  return { added, removed };
}

/**
 * A customer's WeCom-known tags as WeCom has them now (a contact refreshed after an edit): links to
 * tags WeCom knows are set to exactly these; tags only this side has are left alone. Not marked
 * back to WeCom — it is where they came from.
 */
/** How long a tag given here may be missing from WeCom before a refresh takes it off (its mark job retries meanwhile). */
export const TAG_MARK_GRACE_MS = 10 * 60_000;

export async function setWecomTags(tx: Tx, tenantId: string, customerId: string, wecomTagIds: string[], at: Date, userid: string | null): Promise<void> {
  const wanted = wecomTagIds.length ? await tx.selectFrom('customer_tags').select('id').where('tenant_id', '=', tenantId).where('wecom_id', 'in', wecomTagIds).where('deleted_at', 'is', null).execute() : [];
  const wantedIds = new Set(wanted.map((t) => t.id));
  const have = await tx.selectFrom('customer_tag_links as l').innerJoin('customer_tags as t', (j) => j.onRef('t.tenant_id', '=', 'l.tenant_id').onRef('t.id', '=', 'l.tag_id'))
    .select(['l.tag_id', 'l.tagged_at']).where('l.tenant_id', '=', tenantId).where('l.customer_id', '=', customerId).where('t.wecom_id', 'is not', null).execute();
  const haveIds = new Set(have.map((h) => h.tag_id));
  const add = [...wantedIds].filter((t) => !haveIds.has(t));
  // A tag given here moments ago may not be marked at WeCom yet (its mark job runs after this
  // side's commit): WeCom's silence about it is no removal until the grace has passed.
  const settled = at.getTime() - TAG_MARK_GRACE_MS;
  const remove = have.filter((h) => !wantedIds.has(h.tag_id) && h.tagged_at.getTime() < settled).map((h) => h.tag_id);
  if (add.length) await tx.insertInto('customer_tag_links').values(add.map((tag_id) => ({ tenant_id: tenantId, customer_id: customerId, tag_id, tagged_at: at }))).onConflict((oc) => oc.doNothing()).execute();
  if (remove.length) await tx.deleteFrom('customer_tag_links').where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('tag_id', 'in', remove).execute();
  if (add.length) await recordCustomerEvent(tx, tenantId, customerId, 'tagged', at, userid, { tags: add, from: 'wecom' });
  if (remove.length) await recordCustomerEvent(tx, tenantId, customerId, 'untagged', at, userid, { tags: remove, from: 'wecom' });
}

/** What a push job needs: the group with its tags, or one tag with its group's WeCom id. */
export async function tagsToPush(db: Conn, tenantId: string, push: TagPush) {
  if (push.op === 'create_group') {
    const group = await db.selectFrom('customer_tag_groups').select(['id', 'name', 'position', 'wecom_id']).where('tenant_id', '=', tenantId).where('id', '=', push.group_id).where('deleted_at', 'is', null).executeTakeFirst();
    const tags = await db.selectFrom('customer_tags').select(['id', 'name', 'position', 'wecom_id']).where('tenant_id', '=', tenantId).where('group_id', '=', push.group_id).where('deleted_at', 'is', null).orderBy('position').execute();
    return { group, tags };
  }
  if (push.op === 'create_tag' || (push.op === 'rename' && push.kind === 'tag')) {
    const id = push.op === 'create_tag' ? push.tag_id : push.id;
    const tag = await db.selectFrom('customer_tags as t').innerJoin('customer_tag_groups as g', (j) => j.onRef('g.tenant_id', '=', 't.tenant_id').onRef('g.id', '=', 't.group_id'))
      .select(['t.id', 't.name', 't.position', 't.wecom_id', 'g.wecom_id as group_wecom_id', 'g.id as group_id']).where('t.tenant_id', '=', tenantId).where('t.id', '=', id).where('t.deleted_at', 'is', null).executeTakeFirst();
    return { tag };
  }
  if (push.op === 'rename') {
    const group = await db.selectFrom('customer_tag_groups').select(['id', 'name', 'position', 'wecom_id']).where('tenant_id', '=', tenantId).where('id', '=', push.id).where('deleted_at', 'is', null).executeTakeFirst();
    return { group };
  }
  return {};
}

/**
 * WeCom's ids for what was pushed, stored back (only where none is set: a retried push changes
 * nothing). Customers given one of these tags before WeCom knew it were never marked there — their
 * mark job found no WeCom id — so each gets its mark job now; left unmarked, WeCom's silence about
 * the tag would read as its removal at the next contact refresh once the grace is over.
 */
export async function storeWecomIds(tx: Tx, tenantId: string, groupId: string | null, groupWecomId: string | null, tags: { id: string; wecom_id: string }[]): Promise<void> {
  if (groupId && groupWecomId) await tx.updateTable('customer_tag_groups').set({ wecom_id: groupWecomId }).where('tenant_id', '=', tenantId).where('id', '=', groupId).where('wecom_id', 'is', null).execute();
  const known: string[] = [];
  for (const t of tags) {
    const set = await tx.updateTable('customer_tags').set({ wecom_id: t.wecom_id }).where('tenant_id', '=', tenantId).where('id', '=', t.id).where('wecom_id', 'is', null).returning('id').executeTakeFirst();
    if (set) known.push(set.id);
  }
  if (!known.length) return;
  const holders = await tx.selectFrom('customer_tag_links').select(['customer_id', 'tag_id']).where('tenant_id', '=', tenantId).where('tag_id', 'in', known).orderBy('customer_id').execute();
  const byCustomer = new Map<string, string[]>();
  for (const h of holders) byCustomer.set(h.customer_id, [...(byCustomer.get(h.customer_id) ?? []), h.tag_id]);
  for (const [customerId, add] of byCustomer) await enqueue(tx, tenantId, CRM_JOBS.tagsMark, { customer_id: customerId, add, remove: [] });
}

/** The WeCom ids of tags, and the follows (member, external_userid) a customer has now: what mark_tag needs. */
export async function markTargets(db: Conn, tenantId: string, customerId: string, tagIds: string[]) {
  const tags = tagIds.length ? await db.selectFrom('customer_tags').select(['id', 'wecom_id']).where('tenant_id', '=', tenantId).where('id', 'in', tagIds).where('wecom_id', 'is not', null).execute() : [];
  const follows = await db.selectFrom('customer_follows').select(['userid', 'external_userid']).where('tenant_id', '=', tenantId).where('customer_id', '=', customerId).where('ended_at', 'is', null).execute();
  return { wecomIds: new Map(tags.map((t) => [t.id, t.wecom_id!])), follows };
}
