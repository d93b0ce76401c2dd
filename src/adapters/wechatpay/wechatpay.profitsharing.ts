import type { KeyObject } from 'node:crypto';
import { encryptSensitive } from './wechatpay.crypto.js';
import { fetchTransport, wechatpayCall, type CallOptions, type WechatpayCaller, type WechatpayTransport } from './wechatpay.client.js';

/**
 * WeChat Pay profit sharing (分账), API v3, direct merchant: receivers, split orders, their query,
 * unfreezing the remainder, the unsplit amount, and returns. Field names as WeChat has them; the
 * profit-sharing module sees only what the provider unit makes of the answers.
 */

export type ReceiverType = 'MERCHANT_ID' | 'PERSONAL_OPENID' | 'PERSONAL_SUB_OPENID';
export type SplitState = 'PROCESSING' | 'FINISHED';
export type ReceiverResult = 'PENDING' | 'SUCCESS' | 'CLOSED';
export type ReturnResult = 'PROCESSING' | 'SUCCESS' | 'FAILED';

export interface SplitReceiver { type: ReceiverType; account: string; name?: string | undefined; amount: number; description: string }
export interface SplitAnswer {
  transaction_id: string; out_order_no: string; order_id: string; state: SplitState;
  receivers?: { type: ReceiverType; account: string; amount: number; description: string; result: ReceiverResult; fail_reason?: string; detail_id?: string; create_time?: string; finish_time?: string }[];
}
export interface ReturnAnswer { order_id?: string; out_order_no: string; out_return_no: string; return_id: string; return_mchid: string; amount: number; description: string; result: ReturnResult; fail_reason?: string; create_time?: string; finish_time?: string }

/** At most 50 receivers per split request. */
export const MAX_SPLIT_RECEIVERS = 50;

/** The platform key a sensitive field is encrypted for: its serial goes in Wechatpay-Serial. */
function encryptionKey(caller: WechatpayCaller): { serial: string; key: KeyObject } {
  const [serial, key] = [...caller.platformKeys.entries()][0] ?? [];
  if (!serial || !key) throw new Error('the merchant has no WeChat Pay platform key to encrypt with');
  return { serial, key };
}

/** A request carrying an encrypted field names the key it used (the header is not signed). */
function withSerial(serial: string, transport: WechatpayTransport | undefined): WechatpayTransport {
  return (req) => (transport ?? fetchTransport)({ ...req, headers: { ...req.headers, 'wechatpay-serial': serial } });
}

export async function addReceiver(caller: WechatpayCaller, r: { appid: string; type: ReceiverType; account: string; name?: string | undefined; relation_type: string; custom_relation?: string | undefined }, options: CallOptions = {}) {
  const body: Record<string, unknown> = { appid: r.appid, type: r.type, account: r.account, relation_type: r.relation_type };
  let transport = options.transport;
  if (r.name) {
    const { serial, key } = encryptionKey(caller);
    body.name = encryptSensitive(key, r.name);
    transport = withSerial(serial, options.transport);
  }
  if (r.custom_relation) body.custom_relation = r.custom_relation;
  return wechatpayCall<{ type: string; account: string; relation_type: string }>(caller, 'POST', '/v3/profitsharing/receivers/add', body, { ...options, transport });
}

export const deleteReceiver = (caller: WechatpayCaller, r: { appid: string; type: ReceiverType; account: string }, options: CallOptions = {}) =>
  wechatpayCall<{ type: string; account: string }>(caller, 'POST', '/v3/profitsharing/receivers/delete', { appid: r.appid, type: r.type, account: r.account }, options);

/** A split; out_order_no is the idempotency key: the same number sent again is the same split. */
export async function split(caller: WechatpayCaller, s: { appid: string; transaction_id: string; out_order_no: string; receivers: SplitReceiver[]; unfreeze_unsplit: boolean }, options: CallOptions = {}) {
  if (s.receivers.length === 0 || s.receivers.length > MAX_SPLIT_RECEIVERS) throw new RangeError(`a split takes 1 to ${MAX_SPLIT_RECEIVERS} receivers`);
  let transport = options.transport;
  const named = s.receivers.some((r) => r.name);
  const enc = named ? encryptionKey(caller) : undefined;
  if (enc) transport = withSerial(enc.serial, options.transport);
  const receivers = s.receivers.map((r) => ({ type: r.type, account: r.account, ...(r.name && enc ? { name: encryptSensitive(enc.key, r.name) } : {}), amount: r.amount, description: r.description }));
  return wechatpayCall<SplitAnswer>(caller, 'POST', '/v3/profitsharing/orders', { appid: s.appid, transaction_id: s.transaction_id, out_order_no: s.out_order_no, receivers, unfreeze_unsplit: s.unfreeze_unsplit }, { ...options, transport });
}

export const querySplit = (caller: WechatpayCaller, outOrderNo: string, transactionId: string, options: CallOptions = {}) =>
  wechatpayCall<SplitAnswer>(caller, 'GET', `/v3/profitsharing/orders/${encodeURIComponent(outOrderNo)}?transaction_id=${encodeURIComponent(transactionId)}`, undefined, options);

export const unfreeze = (caller: WechatpayCaller, u: { transaction_id: string; out_order_no: string; description: string }, options: CallOptions = {}) =>
  wechatpayCall<SplitAnswer>(caller, 'POST', '/v3/profitsharing/orders/unfreeze', u, options);

export const unsplitAmount = (caller: WechatpayCaller, transactionId: string, options: CallOptions = {}) =>
  wechatpayCall<{ transaction_id: string; unsplit_amount: number }>(caller, 'GET', `/v3/profitsharing/transactions/${encodeURIComponent(transactionId)}/amounts`, undefined, options);

export const returnSplit = (caller: WechatpayCaller, r: { out_order_no: string; out_return_no: string; return_mchid: string; amount: number; description: string }, options: CallOptions = {}) =>
  wechatpayCall<ReturnAnswer>(caller, 'POST', '/v3/profitsharing/return-orders', r, options);

export const queryReturn = (caller: WechatpayCaller, outReturnNo: string, outOrderNo: string, options: CallOptions = {}) =>
  wechatpayCall<ReturnAnswer>(caller, 'GET', `/v3/profitsharing/return-orders/${encodeURIComponent(outReturnNo)}?out_order_no=${encodeURIComponent(outOrderNo)}`, undefined, options);
