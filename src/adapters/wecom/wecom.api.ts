import { setTimeout as sleep } from 'node:timers/promises';
import { WECOM_ERRCODE, WecomApiError, type WecomApi } from '../../modules/wecom/wecom.provider.js';
import { processRateLimiter, type RateLimiter } from './rate-limit.js';

export type HttpFetch = (url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

/** Where the client gets its token: `refusedVersion` asks for a newer one than WeCom refused. */
export interface WecomTokenSource {
  token(refusedVersion?: number): Promise<{ token: string; version: number; apiBase: string; corpId: string }>;
}

const REFUSED_TOKEN: ReadonlySet<number> = new Set([WECOM_ERRCODE.invalidAccessToken, WECOM_ERRCODE.expiredAccessToken]);
const BUSY: ReadonlySet<number> = new Set([WECOM_ERRCODE.busy, WECOM_ERRCODE.frequencyLimit, WECOM_ERRCODE.concurrencyLimit]);

export interface WecomHttpOptions {
  tokens: WecomTokenSource;
  fetch?: HttpFetch;
  limiter?: RateLimiter;
  /** Waits before each retry of a busy answer (-1, 45009, 45033); its length bounds the retries. */
  backoffMs?: readonly number[];
  sleep?: (ms: number) => Promise<unknown>;
}

export const defaultFetch: HttpFetch = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: () => res.text() };
};

async function request(fetchFn: HttpFetch, url: string, method: 'GET' | 'POST', body?: unknown): Promise<Record<string, unknown>> {
  let status: number;
  let text: string;
  try {
    const res = await fetchFn(url, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    throw new WecomApiError(WECOM_ERRCODE.busy, `unreachable: ${(err as Error).message}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new WecomApiError(WECOM_ERRCODE.busy, `HTTP ${status}: not JSON`);
  }
  // WeCom's rule: branch on errcode only.
  const errcode = typeof json.errcode === 'number' ? json.errcode : status >= 500 ? WECOM_ERRCODE.busy : 0;
  if (errcode !== 0) throw new WecomApiError(errcode, String(json.errmsg ?? `HTTP ${status}`));
  return json;
}

/** gettoken: the corp's access token for the customer-contact secret. */
export async function fetchWecomToken(corp: { corpId: string; secret: string; apiBase: string }, fetchFn: HttpFetch = defaultFetch) {
  const json = await request(fetchFn, `${corp.apiBase}/cgi-bin/gettoken?${new URLSearchParams({ corpid: corp.corpId, corpsecret: corp.secret })}`, 'GET');
  if (typeof json.access_token !== 'string' || !json.access_token) throw new WecomApiError(WECOM_ERRCODE.busy, 'answer without access_token');
  return { accessToken: json.access_token, expiresInS: typeof json.expires_in === 'number' ? json.expires_in : 7200 };
}

/**
 * WeCom's external-contact API over HTTP, one corp. Every call waits for its API's rate limit,
 * carries the shared token, and on 40014/42001 asks for a newer token and retries once; on
 * -1/45009/45033 it backs off and retries a bounded number of times, then throws.
 */
export function wecomHttpApi(options: WecomHttpOptions): WecomApi {
  const fetchFn = options.fetch ?? defaultFetch;
  const limiter = options.limiter ?? processRateLimiter;
  const backoff = options.backoffMs ?? [500, 2_000, 5_000];
  const pause = options.sleep ?? sleep;

  async function call(method: 'GET' | 'POST', path: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<Record<string, unknown>> {
    let refused: number | undefined;
    let busyRetries = 0;
    for (;;) {
      const t = await options.tokens.token(refused);
      await limiter.take(`${t.corpId} ${path}`);
      const q = new URLSearchParams({ access_token: t.token });
      for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
      try {
        return await request(fetchFn, `${t.apiBase}/cgi-bin${path}?${q}`, method, body);
      } catch (err) {
        if (!(err instanceof WecomApiError)) throw err;
        if (REFUSED_TOKEN.has(err.errcode) && refused === undefined) { refused = t.version; continue; }
        if (BUSY.has(err.errcode) && busyRetries < backoff.length) { await pause(backoff[busyRetries++]!); continue; }
        throw err;
      }
    }
  }
  const post = (path: string, body: unknown) => call('POST', path, {}, body);
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const cursor = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const withCursor = <T extends object>(obj: T, c: unknown) => { const n = cursor(c); return n ? { ...obj, next_cursor: n } : obj; };

  return {
    async getFollowUserList() { return strings((await call('GET', '/externalcontact/get_follow_user_list')).follow_user); },
    async listExternalContacts(userid) {
      try {
        return strings((await call('GET', '/externalcontact/list', { userid })).external_userid);
      } catch (err) {
        // 84061: the member has no customer, an empty list by any other name.
        if (err instanceof WecomApiError && err.errcode === WECOM_ERRCODE.notExternalContact) return [];
        throw err;
      }
    },
    async getExternalContact(externalUserid, c) {
      const json = await call('GET', '/externalcontact/get', { external_userid: externalUserid, cursor: c });
      return withCursor({ external_contact: json.external_contact as never, follow_user: (json.follow_user ?? []) as never }, json.next_cursor);
    },
    async batchGetByUser(useridList, c, limit) {
      const json = await post('/externalcontact/batch/get_by_user', { userid_list: useridList, cursor: c ?? '', limit: limit ?? 50 });
      return { external_contact_list: (json.external_contact_list ?? []) as never, next_cursor: typeof json.next_cursor === 'string' ? json.next_cursor : '' };
    },
    async getCorpTagList(filter) { return ((await post('/externalcontact/get_corp_tag_list', filter ?? {})).tag_group ?? []) as never; },
    async addCorpTag(request) { return (await post('/externalcontact/add_corp_tag', request)).tag_group as never; },
    async editCorpTag(request) { await post('/externalcontact/edit_corp_tag', request); },
    async delCorpTag(request) { await post('/externalcontact/del_corp_tag', request); },
    async markTag(request) { await post('/externalcontact/mark_tag', request); },
    async listGroupChats(request) {
      const json = await post('/externalcontact/groupchat/list', request);
      return withCursor({ group_chat_list: (json.group_chat_list ?? []) as never }, json.next_cursor);
    },
    async getGroupChat(chatId) { return (await post('/externalcontact/groupchat/get', { chat_id: chatId, need_name: 1 })).group_chat as never; },
    async addContactWay(request) {
      const json = await post('/externalcontact/add_contact_way', request);
      return { config_id: String(json.config_id), ...(typeof json.qr_code === 'string' ? { qr_code: json.qr_code } : {}) };
    },
    async updateContactWay(request) { await post('/externalcontact/update_contact_way', request); },
    async delContactWay(configId) { await post('/externalcontact/del_contact_way', { config_id: configId }); },
    async sendWelcomeMsg(request) { await post('/externalcontact/send_welcome_msg', request); },
    async addMsgTemplate(request) {
      const json = await post('/externalcontact/add_msg_template', request);
      return { msgid: String(json.msgid), fail_list: strings(json.fail_list) };
    },
    async getGroupMsgList({ cursor: c, ...request }) {
      const json = await post('/externalcontact/get_groupmsg_list_v2', { ...request, filter_type: 2, limit: 100, cursor: c ?? '' });
      return withCursor({ group_msg_list: (json.group_msg_list ?? []) as never }, json.next_cursor);
    },
    async getGroupMsgTask(msgid, c) {
      const json = await post('/externalcontact/get_groupmsg_task', { msgid, limit: 1000, cursor: c ?? '' });
      return withCursor({ task_list: (json.task_list ?? []) as never }, json.next_cursor);
    },
    async getGroupMsgSendResult(msgid, userid, c) {
      const json = await post('/externalcontact/get_groupmsg_send_result', { msgid, userid, limit: 1000, cursor: c ?? '' });
      return withCursor({ send_list: (json.send_list ?? []) as never }, json.next_cursor);
    },
    async transferCustomer({ kind, ...request }) {
      const json = await post(kind === 'onjob' ? '/externalcontact/transfer_customer' : '/externalcontact/resigned/transfer_customer', request);
      return { customer: (json.customer ?? []) as never };
    },
    async transferResult({ kind, ...request }) {
      const json = await post(kind === 'onjob' ? '/externalcontact/transfer_result' : '/externalcontact/resigned/transfer_result', { ...request, cursor: request.cursor ?? '' });
      return withCursor({ customer: (json.customer ?? []) as never }, json.next_cursor);
    },
    async transferGroupChats({ kind, ...request }) {
      const json = await post(kind === 'onjob' ? '/externalcontact/groupchat/onjob_transfer' : '/externalcontact/groupchat/transfer', request);
      return { failed_chat_list: (json.failed_chat_list ?? []) as never };
    },
  };
}
