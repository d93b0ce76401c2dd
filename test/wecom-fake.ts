import { WecomApiError, type CorpTagGroup, type ExternalContact, type FollowUser, type GroupChat, type WecomApi } from '../src/modules/wecom/wecom.provider.js';
import type { WecomEvent } from '../src/modules/wecom/wecom.provider.js';

/**
 * An in-memory WeCom corp for CRM tests that hand events to the handlers directly: contacts with
 * their follow users, groups, corp tags, and every call recorded. Only what the CRM calls is real;
 * the rest throws.
 */
export function fakeWecom() {
  const contacts = new Map<string, { contact: ExternalContact; follow: FollowUser[] }>();
  const groups = new Map<string, GroupChat>();
  let tags: CorpTagGroup[] = [];
  const calls: { api: string; request: unknown }[] = [];
  let seq = 0;
  const unsupported = (name: string) => async () => { throw new Error(`fake WeCom: ${name} not supported`); };
  const api: WecomApi = {
    getFollowUserList: async () => [...new Set([...contacts.values()].flatMap((c) => c.follow.map((f) => f.userid)))],
    listExternalContacts: async (userid) => [...contacts.values()].filter((c) => c.follow.some((f) => f.userid === userid)).map((c) => c.contact.external_userid),
    getExternalContact: async (id) => {
      calls.push({ api: 'getExternalContact', request: id });
      const c = contacts.get(id);
      if (!c) throw new WecomApiError(84061, 'not external contact');
      return { external_contact: c.contact, follow_user: c.follow };
    },
    batchGetByUser: async (users) => ({
      external_contact_list: [...contacts.values()].flatMap((c) => c.follow.filter((f) => users.includes(f.userid)).map((f) => ({ external_contact: c.contact, follow_info: { ...f, tag_id: (f.tags ?? []).flatMap((t) => t.tag_id ?? []) } }))),
      next_cursor: '',
    }),
    getCorpTagList: async () => tags,
    addCorpTag: async (request) => {
      calls.push({ api: 'addCorpTag', request });
      let group = tags.find((g) => g.group_id === request.group_id || (request.group_name && g.group_name === request.group_name));
      if (!group) { group = { group_id: `et-g${++seq}`, group_name: request.group_name!, create_time: 0, order: request.order ?? 0, tag: [] }; tags.push(group); }
      const made = request.tag.map((t) => ({ id: `et-t${++seq}`, name: t.name, create_time: 0, order: t.order ?? 0 }));
      group.tag.push(...made);
      return { ...group, tag: made };
    },
    editCorpTag: async (request) => { calls.push({ api: 'editCorpTag', request }); },
    delCorpTag: async (request) => { calls.push({ api: 'delCorpTag', request }); },
    markTag: async (request) => { calls.push({ api: 'markTag', request }); },
    listGroupChats: async () => ({ group_chat_list: [...groups.values()].map((g) => ({ chat_id: g.chat_id, status: 0 })) }),
    getGroupChat: async (chatId) => {
      calls.push({ api: 'getGroupChat', request: chatId });
      const g = groups.get(chatId);
      if (!g) throw new WecomApiError(40050, 'chatid not exist');
      return g;
    },
    addContactWay: unsupported('addContactWay'), updateContactWay: unsupported('updateContactWay'), delContactWay: unsupported('delContactWay'),
    sendWelcomeMsg: unsupported('sendWelcomeMsg'), addMsgTemplate: unsupported('addMsgTemplate'), getGroupMsgList: unsupported('getGroupMsgList'), getGroupMsgTask: unsupported('getGroupMsgTask'),
    getGroupMsgSendResult: unsupported('getGroupMsgSendResult'), transferCustomer: unsupported('transferCustomer'), transferResult: unsupported('transferResult'),
    transferGroupChats: unsupported('transferGroupChats'),
  };
  return {
    api, contacts, groups, calls,
    setTags(next: CorpTagGroup[]) { tags = next; },
    get tags() { return tags; },
  };
}

let created = 1_790_000_000;
/** A callback event as the wecom module parses it, stamped one second after the last. */
export function wecomEvent(fields: Omit<Partial<WecomEvent>, 'event' | 'changeType'> & Pick<WecomEvent, 'event' | 'changeType'>): WecomEvent {
  return { corpId: 'ww-test', createTime: ++created, ...fields };
}
