import type { Tx } from '../database.js';
import type { Clock } from '../platform/clock.js';
import {
  customerOfExternalUserid, customersOfExternalUserids, findOrCreateWecomCustomer, type CustomerMerge,
} from '../modules/customers/customer-identities.service.js';
import { reassignCustomerOrders } from '../modules/orders/orders.service.js';
import { reassignCustomerRequests } from '../modules/after-sales/after-sales.service.js';
import {
  corpTagDeleted, endFollow, ensureGroup, ensureMember, groupDismissed, groupMembersJoined, groupMembersLeft,
  raiseChurnAlert, reassignCustomerCrm, recordCustomerEvent, requestContactRefresh, requestGroupSync, requestTagsSync, startFollow,
} from '../modules/crm/crm.service.js';
import type { WecomEvent } from '../modules/wecom/wecom.provider.js';

/**
 * The CRM's side of WeCom's callbacks: each event becomes the state change it means, in the
 * transaction of the `wecom.event` job, with nothing asked of WeCom (what needs WeCom's answer —
 * a contact's name, unionid and tags, a group's members, the corp's tags — is a job enqueued here).
 * Each handler is safe to run twice: a replayed event finds its change made and adds nothing.
 */
export type WecomEventHandler = (tx: Tx, tenantId: string, event: WecomEvent) => Promise<void>;

const at = (event: WecomEvent) => new Date(event.createTime * 1000);

/** What a merged customer had in other modules becomes the survivor's, in the merge's transaction. */
export async function applyCustomerMerges(tx: Tx, tenantId: string, merges: CustomerMerge[], when: Date): Promise<void> {
  for (const m of merges) {
    await reassignCustomerOrders(tx, tenantId, m.merged, m.survivor);
    await reassignCustomerRequests(tx, tenantId, m.merged, m.survivor);
    await reassignCustomerCrm(tx, tenantId, m.merged, m.survivor, when);
  }
}

/**
 * add_external_contact / add_half_external_contact: the customer (found by external_userid, or new,
 * attributed to the member's B node and the live code's state as channel), the follow and 'added'.
 * Their name, unionid (which may merge them with a WeChat buyer), remark and tags follow in
 * `crm.contact.refresh`.
 */
async function contactAdded(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (!event.userId || !event.externalUserId) return;
  const member = await ensureMember(tx, tenantId, event.userId);
  const { customer, merges, created } = await findOrCreateWecomCustomer(tx, { now: () => at(event) } satisfies Clock, tenantId, {
    externalUserid: event.externalUserId, unionid: null, name: '', b_node_id: member.b_node_id, channel: event.state ? `wecom:${event.state}`.slice(0, 64) : 'wecom',
  });
  await applyCustomerMerges(tx, tenantId, merges, at(event));
  const news = await startFollow(tx, tenantId, {
    customerId: customer.id, userid: event.userId, externalUserid: event.externalUserId, state: event.state ?? null, at: at(event),
    half: event.changeType === 'add_half_external_contact',
  });
  if (news || created) await requestContactRefresh(tx, tenantId, event.externalUserId);
}

/** del_external_contact: the member deleted the customer — or a handover moved them (Source DELETE_BY_TRANSFER), which is no loss. */
async function contactDeletedByMember(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (!event.userId || !event.externalUserId) return;
  const transfer = event.source === 'DELETE_BY_TRANSFER';
  const customerId = await endFollow(tx, tenantId, event.externalUserId, event.userId, transfer ? 'transfer' : 'member', at(event));
  if (customerId && !transfer) await recordCustomerEvent(tx, tenantId, customerId, 'deleted_by_member', at(event), event.userId);
}

/** del_follow_user: the customer deleted the member — the follow ends by the customer, and the member's node is alerted. */
async function contactDeletedMember(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (!event.userId || !event.externalUserId) return;
  const customerId = await endFollow(tx, tenantId, event.externalUserId, event.userId, 'customer', at(event));
  if (!customerId) return;
  await recordCustomerEvent(tx, tenantId, customerId, 'removed_member', at(event), event.userId);
  await raiseChurnAlert(tx, tenantId, customerId, null, event.userId, at(event));
}

async function externalContactChanged(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  switch (event.changeType) {
    case 'add_external_contact':
    case 'add_half_external_contact':
      return contactAdded(tx, tenantId, event);
    case 'edit_external_contact':
      if (event.externalUserId && (await customerOfExternalUserid(tx, tenantId, event.externalUserId))) await requestContactRefresh(tx, tenantId, event.externalUserId);
      return;
    case 'del_external_contact':
      return contactDeletedByMember(tx, tenantId, event);
    case 'del_follow_user':
      return contactDeletedMember(tx, tenantId, event);
    default:
      return; // transfer_fail is the handover's (reach)
  }
}

/**
 * change_external_chat: create and update make sure the group is known and ask for its details
 * (`crm.group.sync`, reconciled by member_version); add_member and del_member are applied at once
 * with their JoinScene / QuitScene, which groupchat/get does not tell of leavers; dismiss closes it.
 */
async function externalChatChanged(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (!event.chatId) return;
  if (event.changeType === 'dismiss') return groupDismissed(tx, tenantId, event.chatId, at(event));
  const group = await ensureGroup(tx, tenantId, event.chatId, at(event));
  const keys = event.memChangeList ?? [];
  if (event.changeType === 'update' && event.updateDetail === 'add_member') {
    await groupMembersJoined(tx, tenantId, group, keys, event.joinScene ?? null, at(event), await customersOfExternalUserids(tx, tenantId, keys));
  } else if (event.changeType === 'update' && event.updateDetail === 'del_member') {
    await groupMembersLeft(tx, tenantId, group, keys, event.quitScene ?? null, at(event));
  }
  await requestGroupSync(tx, tenantId, event.chatId);
}

/** change_external_tag: a deletion applies at once; any change asks for the corp's tags (`crm.tags.sync`). */
async function externalTagChanged(tx: Tx, tenantId: string, event: WecomEvent): Promise<void> {
  if (event.changeType === 'delete' && event.tagId) await corpTagDeleted(tx, tenantId, event.tagId, event.tagType === 'tag_group' ? 'tag_group' : 'tag', at(event));
  await requestTagsSync(tx, tenantId);
}

/** The CRM's handler for every WeCom event; registered first in app.ts, before the live codes' and handovers'. */
export const crmWecomEventHandler: WecomEventHandler = async (tx, tenantId, event) => {
  if (event.event === 'change_external_contact') return externalContactChanged(tx, tenantId, event);
  if (event.event === 'change_external_chat') return externalChatChanged(tx, tenantId, event);
  if (event.event === 'change_external_tag') return externalTagChanged(tx, tenantId, event);
};

