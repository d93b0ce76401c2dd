import {
  WechatApiError, WECHAT_ERRCODE, type HttpFetch, type WechatApi, type WechatAppCredentials,
} from '../../modules/wechat/wechat.provider.js';

/**
 * WeChat's server API for sign-in and the server access token: official-account web
 * authorisation, mini-program code2Session, the phone number, `stable_token`. Every answer is JSON;
 * a non-zero `errcode` becomes a WechatApiError, and so does an unreachable host (as -1, "busy").
 */
export function wechatApi(fetchFn: HttpFetch = defaultFetch): WechatApi {
  async function call(url: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<Record<string, unknown>> {
    let status: number;
    let text: string;
    try {
      const res = await fetchFn(url, {
        method: init.method,
        ...(init.body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw new WechatApiError(WECHAT_ERRCODE.busy, `unreachable: ${(err as Error).message}`);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new WechatApiError(WECHAT_ERRCODE.busy, `HTTP ${status}: not JSON`);
    }
    const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
    if (errcode !== 0) throw new WechatApiError(errcode, String(json.errmsg ?? ''));
    if (status >= 500) throw new WechatApiError(WECHAT_ERRCODE.busy, `HTTP ${status}`);
    return json;
  }
  const str = (json: Record<string, unknown>, key: string): string => {
    const v = json[key];
    if (typeof v !== 'string' || !v) throw new WechatApiError(WECHAT_ERRCODE.busy, `answer without ${key}`);
    return v;
  };
  const optional = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

  return {
    async fetchAccessToken(app, options) {
      const json = await call(`${app.apiBase}/cgi-bin/stable_token`, {
        method: 'POST', body: { grant_type: 'client_credential', appid: app.appid, secret: app.secret, force_refresh: options?.forceRefresh ?? false },
      });
      return { accessToken: str(json, 'access_token'), expiresInS: typeof json.expires_in === 'number' ? json.expires_in : 7200 };
    },
    async oauthAccessToken(app, code) {
      const json = await call(`${app.apiBase}/sns/oauth2/access_token?${query(app, { code, grant_type: 'authorization_code' })}`, { method: 'GET' });
      return { openid: str(json, 'openid'), unionid: optional(json.unionid), snapshotUser: json.is_snapshotuser === 1 };
    },
    async code2Session(app, code) {
      const json = await call(`${app.apiBase}/sns/jscode2session?${query(app, { js_code: code, grant_type: 'authorization_code' })}`, { method: 'GET' });
      return { openid: str(json, 'openid'), unionid: optional(json.unionid), sessionKey: str(json, 'session_key') };
    },
    async phoneNumber(apiBase, accessToken, code) {
      const json = await call(`${apiBase}/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(accessToken)}`, { method: 'POST', body: { code } });
      const info = (json.phone_info ?? {}) as Record<string, unknown>;
      const watermark = (info.watermark ?? {}) as Record<string, unknown>;
      return {
        phoneNumber: str(info, 'phoneNumber'), purePhoneNumber: str(info, 'purePhoneNumber'),
        countryCode: String(info.countryCode ?? ''), watermarkAppid: String(watermark.appid ?? ''),
      };
    },
  };
}

function query(app: WechatAppCredentials, rest: Record<string, string>): string {
  return new URLSearchParams({ appid: app.appid, secret: app.secret, ...rest }).toString();
}

const defaultFetch: HttpFetch = async (url, init) => {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: () => res.text() };
};
