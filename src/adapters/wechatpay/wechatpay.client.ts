import type { KeyObject } from 'node:crypto';
import { authorization, nonceString, verifyWechatpay, WechatpayVerificationError } from './wechatpay.crypto.js';

/** What a signed call needs of a merchant (the payments module's WechatpayMerchant has it). */
export interface WechatpayCaller {
  mchid: string;
  serial: string;
  privateKey: KeyObject;
  platformKeys: Map<string, KeyObject>;
  apiBase: string;
}

export interface WechatpayHttpRequest { method: string; url: string; headers: Record<string, string>; body: string }
export interface WechatpayHttpResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string }
/** How requests leave: fetch by default; tests may pass the server's in-process inject. */
export type WechatpayTransport = (req: WechatpayHttpRequest) => Promise<WechatpayHttpResponse>;

/** A refusal WeChat Pay answered with its error body `{code, message}`. */
export class WechatpayApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly detail?: unknown) {
    super(`WeChat Pay ${status} ${code}: ${message}`);
    this.name = 'WechatpayApiError';
  }
}

/** An answer whose signature does not verify: treated as a forgery, whatever its status. */
export class WechatpayForgedResponseError extends Error {
  constructor(readonly reason: string, readonly status: number) {
    super(`WeChat Pay response refused (${reason}, HTTP ${status})`);
    this.name = 'WechatpayForgedResponseError';
  }
}

const TIMEOUT_MS = 10_000;

export const fetchTransport: WechatpayTransport = async (req) => {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.method === 'GET' ? undefined : req.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => { headers[key] = value; });
  return { status: res.status, headers, body: await res.text() };
};

export interface CallOptions { transport?: WechatpayTransport | undefined; now?: Date | undefined }

/**
 * One signed call to the merchant's API base: signs method, path, timestamp, nonce and the exact
 * body; returns the parsed body only once the response's signature verifies against a platform key
 * chosen by its serial (a 2xx without a valid signature is a forgery and throws). Error bodies
 * become WechatpayApiError. Never call it inside a database transaction.
 */
export async function wechatpayCall<T = unknown>(caller: WechatpayCaller, method: 'GET' | 'POST', path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const url = new URL(caller.apiBase.replace(/\/+$/, '') + path);
  const text = method === 'GET' || body === undefined ? '' : JSON.stringify(body);
  const now = options.now ?? new Date();
  const signedPath = url.pathname + url.search;
  const auth = authorization(caller, { method, url: signedPath, timestamp: String(Math.floor(now.getTime() / 1000)), nonce: nonceString(), body: text });
  const headers: Record<string, string> = { authorization: auth, accept: 'application/json', 'user-agent': 'siyu-wechatpay/1' };
  if (text) headers['content-type'] = 'application/json';
  const res = await (options.transport ?? fetchTransport)({ method, url: url.toString(), headers, body: text });
  try {
    verifyWechatpay(res.headers, res.body, (serial) => caller.platformKeys.get(serial), now);
  } catch (err) {
    if (err instanceof WechatpayVerificationError) throw new WechatpayForgedResponseError(err.reason, res.status);
    throw err;
  }
  let parsed: unknown = undefined;
  if (res.body) {
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new WechatpayApiError(res.status, 'UNPARSEABLE_RESPONSE', 'the answer is not JSON');
    }
  }
  if (res.status >= 200 && res.status < 300) return parsed as T;
  const e = (parsed ?? {}) as { code?: unknown; message?: unknown; detail?: unknown };
  throw new WechatpayApiError(res.status, typeof e.code === 'string' ? e.code : `HTTP_${res.status}`, typeof e.message === 'string' ? e.message : '', e.detail);
}
