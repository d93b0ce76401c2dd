/**
 * What the CRM needs from WeCom (企业微信), as one interface: the callback events it receives
 * (decrypted and parsed) and the external-contact API it calls. The adapter in
 * adapters/wecom implements WecomApi over HTTP; the WeCom simulator answers the same paths.
 * Field names follow WeCom's documentation (developer.work.weixin.qq.com, 客户联系).
 */

/** An error WeCom answered (`errcode` ≠ 0), or -1 when it could not be reached. */
export class WecomApiError extends Error {
  constructor(readonly errcode: number, readonly errmsg: string) {
    super(`WeCom ${errcode}: ${errmsg}`);
    this.name = 'WecomApiError';
  }
}

export const WECOM_ERRCODE = {
  busy: -1, invalidSecret: 40001, invalidUserid: 40003, invalidAccessToken: 40014, missingAccessToken: 41001,
  expiredAccessToken: 42001, frequencyLimit: 45009, concurrencyLimit: 45033, apiForbidden: 48002, noPrivilege: 60011,
  invalidExternalUserid: 40096, notExternalContact: 84061, welcomeAlreadySent: 41051,
} as const;

/** A callback event after signature check and decryption (the inner XML's elements). */
export interface WecomEvent {
  corpId: string;            // ToUserName
  createTime: number;        // CreateTime, seconds
  event: 'change_external_contact' | 'change_external_chat' | 'change_external_tag' | string;
  changeType: string;        // ChangeType
  userId?: string;           // UserID (the member)
  externalUserId?: string;   // ExternalUserID
  state?: string;            // State (the live code's)
  welcomeCode?: string;      // WelcomeCode
  source?: string;           // Source (DELETE_BY_TRANSFER)
  failReason?: string;       // FailReason (customer_refused | customer_limit_exceed)
  chatId?: string;           // ChatId
  updateDetail?: string;     // UpdateDetail (add_member, del_member, change_owner, change_name, change_notice)
  joinScene?: number;        // JoinScene
  quitScene?: number;        // QuitScene
  memChangeCnt?: number;     // MemChangeCnt
  memChangeList?: string[];  // MemChangeList/Item
  tagId?: string;            // Id
  tagType?: 'tag' | 'tag_group' | string; // TagType
  strategyId?: string;       // StrategyId
}

export interface ExternalContact {
  external_userid: string; name: string; avatar?: string; type: 1 | 2; gender?: 0 | 1 | 2; unionid?: string; corp_name?: string;
}
export interface FollowUser {
  userid: string; remark?: string; description?: string; createtime: number; state?: string; add_way?: number; oper_userid?: string;
  remark_mobiles?: string[]; tags?: { group_name: string; tag_name: string; tag_id?: string; type: 1 | 2 | 3 }[];
}
export interface CorpTagGroup {
  group_id: string; group_name: string; create_time: number; order: number; deleted?: boolean;
  tag: { id: string; name: string; create_time: number; order: number; deleted?: boolean }[];
}
export interface GroupChat {
  chat_id: string; name: string; owner: string; create_time: number; notice?: string; member_version?: string;
  member_list: { userid: string; type: 1 | 2; unionid?: string; join_time: number; join_scene: number; invitor?: { userid: string }; group_nickname?: string; name?: string; state?: string }[];
  admin_list?: { userid: string }[];
}
export type MessageAttachment =
  | { msgtype: 'image'; image: { media_id?: string; pic_url?: string } }
  | { msgtype: 'link'; link: { title: string; picurl?: string; desc?: string; url: string } }
  | { msgtype: 'miniprogram'; miniprogram: { title: string; pic_media_id: string; appid: string; page: string } };
export interface ContactWayRequest {
  type: 1 | 2; scene: 1 | 2; remark?: string; skip_verify?: boolean; state?: string; user?: string[]; party?: number[];
  is_temp?: boolean; expires_in?: number; chat_expires_in?: number; unionid?: string; is_exclusive?: boolean;
}
export interface MsgTemplateRequest {
  chat_type: 'single' | 'group'; external_userid?: string[]; chat_id_list?: string[]; sender?: string; allow_select?: boolean;
  text?: { content: string }; attachments?: MessageAttachment[];
}
/** send_list status: 0 not sent, 1 sent, 2 not a contact (any more), 3 already received / over the cap. */
export interface GroupMsgSendResult { external_userid?: string; chat_id?: string; userid: string; status: 0 | 1 | 2 | 3; send_time?: number }
/** A mass-message task as get_groupmsg_list_v2 lists it: what was asked, by whom, when. */
export interface GroupMsgListed { msgid: string; creator?: string; create_type: 0 | 1; create_time: number; text?: { content: string }; attachments?: MessageAttachment[] }
/** transfer_result status: 1 done, 2 waiting takeover, 3 refused, 4 limit exceeded, 5 no record. */
export interface TransferResult { external_userid: string; status: 1 | 2 | 3 | 4 | 5; takeover_time?: number }

/** The external-contact API, one corp (its token handled inside). Errors throw WecomApiError. */
export interface WecomApi {
  getFollowUserList(): Promise<string[]>;
  listExternalContacts(userid: string): Promise<string[]>;
  getExternalContact(externalUserid: string, cursor?: string): Promise<{ external_contact: ExternalContact; follow_user: FollowUser[]; next_cursor?: string }>;
  batchGetByUser(useridList: string[], cursor?: string, limit?: number): Promise<{ external_contact_list: { external_contact: ExternalContact; follow_info: FollowUser & { tag_id?: string[] } }[]; next_cursor: string }>;
  getCorpTagList(filter?: { tag_id?: string[]; group_id?: string[] }): Promise<CorpTagGroup[]>;
  addCorpTag(request: { group_id?: string; group_name?: string; order?: number; tag: { name: string; order?: number }[] }): Promise<CorpTagGroup>;
  editCorpTag(request: { id: string; name?: string; order?: number }): Promise<void>;
  delCorpTag(request: { tag_id?: string[]; group_id?: string[] }): Promise<void>;
  markTag(request: { userid: string; external_userid: string; add_tag?: string[]; remove_tag?: string[] }): Promise<void>;
  listGroupChats(request: { status_filter?: 0 | 1 | 2 | 3; owner_filter?: { userid_list: string[] }; cursor?: string; limit: number }): Promise<{ group_chat_list: { chat_id: string; status: number }[]; next_cursor?: string }>;
  getGroupChat(chatId: string): Promise<GroupChat>;
  addContactWay(request: ContactWayRequest): Promise<{ config_id: string; qr_code?: string }>;
  updateContactWay(request: Partial<ContactWayRequest> & { config_id: string }): Promise<void>;
  delContactWay(configId: string): Promise<void>;
  sendWelcomeMsg(request: { welcome_code: string; text?: { content: string }; attachments?: MessageAttachment[] }): Promise<void>;
  addMsgTemplate(request: MsgTemplateRequest): Promise<{ msgid: string; fail_list: string[] }>;
  /** get_groupmsg_list_v2: the tasks created in a time window (at most a month), by creator; pages by cursor. */
  getGroupMsgList(request: { chat_type: 'single' | 'group'; start_time: number; end_time: number; creator?: string; cursor?: string }): Promise<{ group_msg_list: GroupMsgListed[]; next_cursor?: string }>;
  getGroupMsgTask(msgid: string, cursor?: string): Promise<{ task_list: { userid: string; status: 0 | 2 | 3; send_time?: number }[]; next_cursor?: string }>;
  getGroupMsgSendResult(msgid: string, userid: string, cursor?: string): Promise<{ send_list: GroupMsgSendResult[]; next_cursor?: string }>;
  /** 在职继承 (onjob) or 离职继承 (resigned): each customer moves from handover to takeover. */
  transferCustomer(request: { kind: 'onjob' | 'resigned'; handover_userid: string; takeover_userid: string; external_userid: string[]; transfer_success_msg?: string }): Promise<{ customer: { external_userid: string; errcode: number }[] }>;
  transferResult(request: { kind: 'onjob' | 'resigned'; handover_userid: string; takeover_userid: string; cursor?: string }): Promise<{ customer: TransferResult[]; next_cursor?: string }>;
  /** groupchat/transfer (resigned) or groupchat/onjob_transfer. */
  transferGroupChats(request: { kind: 'onjob' | 'resigned'; chat_id_list: string[]; new_owner: string }): Promise<{ failed_chat_list: { chat_id: string; errcode: number; errmsg: string }[] }>;
}
