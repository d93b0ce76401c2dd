import type { Database, Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { inTransaction } from '../platform/db/database.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { customersOfExternalUserids, findOrCreateWecomCustomer, nameFromWecom } from '../modules/customers/customer-identities.service.js';
import { applyCorpTags, applyGroupChat, CRM_JOBS, ensureMember, refreshFollow, startFollow } from '../modules/crm/crm.service.js';
import { markTargets, setWecomTags, storeWecomIds, tagsToPush, type TagPush } from '../modules/crm/crm-tags.service.js';
import { WECOM_ERRCODE, WecomApiError, type ExternalContact, type FollowUser, type WecomApi } from '../modules/wecom/wecom.provider.js';
import { applyCustomerMerges } from './crm-events.flow.js';

/** The tenant's WeCom API (its corp, token and base URL), as the wecom provider unit builds it. */
export type WecomApiFor = (db: Db, tenantId: string) => Promise<WecomApi>;

/** Answers that mean "that contact or chat is not (any more) there": nothing to refresh. */
const GONE = new Set<number>([WECOM_ERRCODE.invalidExternalUserid, WECOM_ERRCODE.notExternalContact, 40050, 40096]);
const gone = (err: unknown) => err instanceof WecomApiError && GONE.has(err.errcode);

/**
 * A contact as WeCom has them (from externalcontact/get or batch_get_by_user) applied in one
 * transaction: their customer found, created or merged by unionid (the older survives, and what
 * the other had follows it), the name made up at first contact replaced by WeCom's, each member's
 * follow refreshed (created when `startMissing`, as the first sync does) and the WeCom tags set.
 */
async function applyContact(db: Db, clock: Clock, tenantId: string, contact: ExternalContact, follows: (FollowUser & { tag_id?: string[] })[], startMissing: boolean) {
  await inTransaction(db, async (tx) => {
    const first = follows[0] ? await ensureMember(tx, tenantId, follows[0].userid) : { b_node_id: null };
    const { customer, merges } = await findOrCreateWecomCustomer(tx, clock, tenantId, {
      externalUserid: contact.external_userid, unionid: contact.unionid ?? null, name: contact.name, b_node_id: first.b_node_id, channel: follows[0]?.state ? `wecom:${follows[0].state}` : 'wecom',
    });
    await applyCustomerMerges(tx, tenantId, merges, clock.now());
    await nameFromWecom(tx, tenantId, customer.id, contact.external_userid, contact.name);
    const tagIds = new Set<string>();
    for (const f of follows) {
      await ensureMember(tx, tenantId, f.userid);
      if (startMissing) await startFollow(tx, tenantId, { customerId: customer.id, userid: f.userid, externalUserid: contact.external_userid, state: f.state ?? null, addWay: f.add_way ?? null, remark: f.remark ?? '', at: new Date(f.createtime * 1000) });
      await refreshFollow(tx, tenantId, customer.id, f.userid, f);
      for (const t of f.tags ?? []) if (t.type === 1 && t.tag_id) tagIds.add(t.tag_id);
      for (const t of f.tag_id ?? []) tagIds.add(t);
    }
    await setWecomTags(tx, tenantId, customer.id, [...tagIds], clock.now(), null);
  });
}

async function refreshContact(db: Db, clock: Clock, api: WecomApi, tenantId: string, externalUserid: string) {
  const follows: FollowUser[] = [];
  let contact: ExternalContact | undefined;
  let cursor: string | undefined;
  try {
    do {
      const page = await api.getExternalContact(externalUserid, cursor);
      contact = page.external_contact;
      follows.push(...page.follow_user);
      cursor = page.next_cursor || undefined;
    } while (cursor);
  } catch (err) {
    if (gone(err)) return;
    throw err;
  }
  await applyContact(db, clock, tenantId, contact!, follows, false);
}

async function syncGroup(db: Db, clock: Clock, api: WecomApi, tenantId: string, chatId: string) {
  let chat;
  try { chat = await api.getGroupChat(chatId); } catch (err) { if (gone(err)) return; throw err; }
  await inTransaction(db, async (tx) => {
    const externals = chat.member_list.filter((m) => m.type === 2).map((m) => m.userid);
    await applyGroupChat(tx, tenantId, chat, clock.now(), await customersOfExternalUserids(tx, tenantId, externals));
  });
}

async function syncTags(db: Db, clock: Clock, api: WecomApi, tenantId: string) {
  const groups = await api.getCorpTagList();
  await inTransaction(db, (tx) => applyCorpTags(tx, tenantId, groups, clock.now()));
}

/** A console change to tags carried to WeCom; WeCom's new ids stored back. A retry after success finds the ids set and adds nothing. */
async function pushTags(db: Db, api: WecomApi, tenantId: string, push: TagPush) {
  if (push.op === 'delete') {
    try { await api.delCorpTag(push.kind === 'tag' ? { tag_id: push.wecom_ids } : { group_id: push.wecom_ids }); } catch (err) { if (!gone(err) && !(err instanceof WecomApiError && err.errcode === 40068)) throw err; }
    return;
  }
  const found = await tagsToPush(db, tenantId, push);
  if (push.op === 'create_group') {
    const { group, tags } = found as Awaited<ReturnType<typeof tagsToPush>> & { group?: { id: string; name: string; position: number; wecom_id: string | null }; tags?: { id: string; name: string; position: number; wecom_id: string | null }[] };
    if (!group) return;
    const fresh = (tags ?? []).filter((t) => !t.wecom_id);
    if (group.wecom_id && !fresh.length) return;
    const made = await api.addCorpTag({ ...(group.wecom_id ? { group_id: group.wecom_id } : { group_name: group.name, order: group.position }), tag: fresh.map((t) => ({ name: t.name, order: t.position })) });
    await inTransaction(db, (tx) => storeWecomIds(tx, tenantId, group.id, made.group_id, fresh.flatMap((t) => {
      const w = made.tag.find((m) => m.name === t.name);
      return w ? [{ id: t.id, wecom_id: w.id }] : [];
    })));
    return;
  }
  if ('tag' in found && found.tag) {
    const tag = found.tag;
    if (push.op === 'rename' && tag.wecom_id) { await api.editCorpTag({ id: tag.wecom_id, name: tag.name }); return; }
    if (tag.wecom_id) return;
    // A tag whose group WeCom does not know yet creates the group with it.
    const group = await tagsToPush(db, tenantId, { op: 'rename', kind: 'tag_group', id: tag.group_id });
    const made = await api.addCorpTag({ ...(tag.group_wecom_id ? { group_id: tag.group_wecom_id } : { group_name: group.group?.name ?? '' }), tag: [{ name: tag.name, order: tag.position }] });
    const w = made.tag.find((m) => m.name === tag.name);
    await inTransaction(db, (tx) => storeWecomIds(tx, tenantId, tag.group_id, made.group_id, w ? [{ id: tag.id, wecom_id: w.id }] : []));
    return;
  }
  if ('group' in found && found.group?.wecom_id) await api.editCorpTag({ id: found.group.wecom_id, name: found.group.name });
}

/** A customer tagged here: the same marked on each member who follows them (a follow WeCom no longer has is skipped). */
async function markTags(db: Db, api: WecomApi, tenantId: string, payload: { customer_id: string; add: string[]; remove: string[] }) {
  const { wecomIds, follows } = await markTargets(db, tenantId, payload.customer_id, [...payload.add, ...payload.remove]);
  const add = payload.add.flatMap((t) => wecomIds.get(t) ?? []);
  const remove = payload.remove.flatMap((t) => wecomIds.get(t) ?? []);
  if (!add.length && !remove.length) return;
  for (const f of follows) {
    try {
      await api.markTag({ userid: f.userid, external_userid: f.external_userid, ...(add.length ? { add_tag: add } : {}), ...(remove.length ? { remove_tag: remove } : {}) });
    } catch (err) { if (!gone(err)) throw err; }
  }
}

/**
 * The first connection's full sync: the members who may have customers, every customer of theirs
 * (batch_get_by_user, 100 members a call, paged), the corp's tags (first, so contacts' tags map),
 * and every customer group with its members. Safe to run again: it converges on WeCom's state.
 */
export async function fullCrmSync(db: Db, clock: Clock, api: WecomApi, tenantId: string): Promise<{ members: number; contacts: number; groups: number }> {
  const members = await api.getFollowUserList();
  await inTransaction(db, async (tx) => { for (const m of members) await ensureMember(tx, tenantId, m); });
  await syncTags(db, clock, api, tenantId);
  let contacts = 0;
  for (let i = 0; i < members.length; i += 100) {
    let cursor: string | undefined;
    do {
      const page = await api.batchGetByUser(members.slice(i, i + 100), cursor, 100);
      for (const c of page.external_contact_list) { await applyContact(db, clock, tenantId, c.external_contact, [c.follow_info], true); contacts++; }
      cursor = page.next_cursor || undefined;
    } while (cursor);
  }
  let groups = 0;
  let cursor: string | undefined;
  do {
    const page = await api.listGroupChats({ status_filter: 0, limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const g of page.group_chat_list) { await syncGroup(db, clock, api, tenantId, g.chat_id); groups++; }
    cursor = page.next_cursor || undefined;
  } while (cursor);
  return { members: members.length, contacts, groups };
}

/** The CRM's jobs, each calling WeCom with no transaction open and applying the answer in one. */
export function crmJobs(clock: Clock, apiFor: WecomApiFor): Record<string, JobHandler<Database>> {
  return {
    [CRM_JOBS.contactRefresh]: async (db, job) => refreshContact(db, clock, await apiFor(db, job.tenant_id), job.tenant_id, job.payload.external_userid),
    [CRM_JOBS.groupSync]: async (db, job) => syncGroup(db, clock, await apiFor(db, job.tenant_id), job.tenant_id, job.payload.chat_id),
    [CRM_JOBS.tagsSync]: async (db, job) => syncTags(db, clock, await apiFor(db, job.tenant_id), job.tenant_id),
    [CRM_JOBS.tagsPush]: async (db, job) => pushTags(db, await apiFor(db, job.tenant_id), job.tenant_id, job.payload as TagPush),
    [CRM_JOBS.tagsMark]: async (db, job) => markTags(db, await apiFor(db, job.tenant_id), job.tenant_id, job.payload),
    [CRM_JOBS.fullSync]: async (db, job) => { await fullCrmSync(db, clock, await apiFor(db, job.tenant_id), job.tenant_id); },
  };
}
