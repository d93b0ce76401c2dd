import { WechatApiError, WECHAT_ERRCODE } from '../../modules/wechat/wechat.provider.js';
import type { SendOutcome } from '../../modules/subscribe-messages/subscribe-messages.provider.js';

/** A fetch that keeps the body as bytes: getwxacodeunlimit answers an image, or JSON on error. */
export type BinaryFetch = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string }) => Promise<{ status: number; contentType: string; body: Buffer }>;

export const defaultBinaryFetch: BinaryFetch = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
};

/** WeChat's codes for reach calls (beyond the shared ones). */
export const REACH_ERRCODE = { invalidPage: 41030, noOptIn: 43101, templateDataInvalid: 47003, invalidOpenid: 40003 } as const;

async function post(fetchFn: BinaryFetch, url: string, body: unknown) {
  try {
    return await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    throw new WechatApiError(WECHAT_ERRCODE.busy, `unreachable: ${(err as Error).message}`);
  }
}

function jsonOf(res: { status: number; body: Buffer }): { errcode: number; errmsg: string; msgid?: unknown } {
  try {
    const json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    return { errcode: typeof json.errcode === 'number' ? json.errcode : 0, errmsg: String(json.errmsg ?? ''), msgid: json.msgid };
  } catch {
    throw new WechatApiError(WECHAT_ERRCODE.busy, `HTTP ${res.status}: not JSON`);
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * `POST /wxa/getwxacodeunlimit`: the mini-program code for a `scene` (≤ 32 characters) opening
 * `page`. WeChat answers the image bytes, or JSON `{errcode, errmsg}` (41030 invalid page, 40001
 * bad token …), which becomes a WechatApiError so the token cache can refresh on 40001/42001.
 */
export async function getUnlimitedCode(fetchFn: BinaryFetch, apiBase: string, accessToken: string, request: { scene: string; page: string; width: number; checkPath?: boolean; envVersion?: 'release' | 'trial' | 'develop' }): Promise<Buffer> {
  const res = await post(fetchFn, `${apiBase}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(accessToken)}`, {
    scene: request.scene, page: request.page, width: request.width, check_path: request.checkPath ?? false, env_version: request.envVersion ?? 'release',
  });
  const image = res.body.subarray(0, PNG.length).equals(PNG) || res.body.subarray(0, JPEG.length).equals(JPEG);
  if (image && res.status < 400) return res.body;
  const json = jsonOf(res);
  throw new WechatApiError(json.errcode || WECHAT_ERRCODE.busy, json.errmsg || `HTTP ${res.status}: no image`);
}

/**
 * `POST /cgi-bin/message/subscribe/send`. WeChat's final answers come back as outcomes: 43101 (no
 * opt-in left) and the errors resending cannot fix (47003 data, 40003 openid, 40037 template).
 * A refused token (40001, 42001) and anything transient (-1, limits, network) throw: the first for
 * the token cache to refresh and retry, the rest for the job to retry.
 */
export async function sendSubscribeMessage(fetchFn: BinaryFetch, apiBase: string, accessToken: string, message: { touser: string; template_id: string; page: string; data: Record<string, { value: string }>; miniprogramState?: 'formal' | 'trial' | 'developer' }): Promise<SendOutcome> {
  const res = await post(fetchFn, `${apiBase}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(accessToken)}`, {
    touser: message.touser, template_id: message.template_id, page: message.page, data: message.data, miniprogram_state: message.miniprogramState ?? 'formal', lang: 'zh_CN',
  });
  return outcomeOf(res);
}

/**
 * `POST /cgi-bin/message/subscribe/bizsend`: an official account's one-time subscription notice
 * (订阅通知) to an openid it issued, with the official account's token. Same body as the
 * mini-program's send but `page` is a web address (or the `miniprogram` jump) and there is no
 * miniprogram_state; the same answers (43101 no opt-in, 47003 data, 40003 openid) and outcomes.
 */
export async function sendSubscriptionNotice(fetchFn: BinaryFetch, apiBase: string, accessToken: string, message: { touser: string; template_id: string; page: string; data: Record<string, { value: string }> }): Promise<SendOutcome> {
  const res = await post(fetchFn, `${apiBase}/cgi-bin/message/subscribe/bizsend?access_token=${encodeURIComponent(accessToken)}`, {
    touser: message.touser, template_id: message.template_id, data: message.data,
    // A notice jumps to a web page; a mini-program path would be refused, so it is left out.
    ...(/^https?:\/\//.test(message.page) ? { page: message.page } : {}),
  });
  return outcomeOf(res);
}

function outcomeOf(res: { status: number; body: Buffer }): SendOutcome {
  const json = jsonOf(res);
  if (json.errcode === 0 && res.status < 400) return { ok: true, ...(json.msgid !== undefined ? { msgid: String(json.msgid) } : {}) };
  if (json.errcode === REACH_ERRCODE.noOptIn) return { ok: false, kind: 'no_opt_in', errcode: json.errcode, errmsg: json.errmsg };
  if (FINAL_ERRCODES.has(json.errcode)) return { ok: false, kind: 'invalid', errcode: json.errcode, errmsg: json.errmsg };
  throw new WechatApiError(json.errcode || WECHAT_ERRCODE.busy, json.errmsg || `HTTP ${res.status}`);
}

/** Refusals that sending again cannot change: template data, openid, template id, page. */
const FINAL_ERRCODES = new Set<number>([REACH_ERRCODE.templateDataInvalid, REACH_ERRCODE.invalidOpenid, 40037, 41030]);
