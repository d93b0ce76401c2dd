/**
 * What a WeChat API adapter offers the wechat module and the flows that sign buyers in. The
 * adapter speaks the protocol (URLs, field names, errcode); these are the shapes seen here.
 */
export interface WechatAppCredentials {
  appid: string;
  secret: string;
  /** https://api.weixin.qq.com in live mode; the simulator's base in the sandbox. */
  apiBase: string;
}

export interface WechatServerToken { accessToken: string; expiresInS: number }

export interface WechatOauthIdentity {
  openid: string;
  unionid: string | null;
  /** `is_snapshotuser: 1`: a preview-page visitor who has not really authorised. */
  snapshotUser: boolean;
}

export interface WechatMiniProgramLogin { openid: string; unionid: string | null; sessionKey: string }

export interface WechatPhoneNumber {
  /** With the country code when outside mainland China. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  watermarkAppid: string;
}

export interface WechatApi {
  /** A server access token (`POST /cgi-bin/stable_token`); `forceRefresh` after WeChat refused the current one. */
  fetchAccessToken(app: WechatAppCredentials, options?: { forceRefresh?: boolean }): Promise<WechatServerToken>;
  /** Official-account web authorisation: the code from the redirect for the visitor's openid (`/sns/oauth2/access_token`). */
  oauthAccessToken(app: WechatAppCredentials, code: string): Promise<WechatOauthIdentity>;
  /** Mini-program login: `wx.login()`'s code for openid and session_key (`/sns/jscode2session`). */
  code2Session(app: WechatAppCredentials, code: string): Promise<WechatMiniProgramLogin>;
  /** The phone number behind a `getPhoneNumber` button's code (`/wxa/business/getuserphonenumber`). */
  phoneNumber(apiBase: string, accessToken: string, code: string): Promise<WechatPhoneNumber>;
}

/** WeChat answered with a non-zero errcode (or could not be reached: errcode -1, as "system busy"). */
export class WechatApiError extends Error {
  constructor(readonly errcode: number, readonly errmsg: string) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

/** WeChat's codes this code acts on. */
export const WECHAT_ERRCODE = {
  busy: -1,
  invalidCredential: 40001,
  invalidAppid: 40013,
  invalidCode: 40029,
  codeUsed: 40163,
  ipNotWhitelisted: 40164,
  highRiskUser: 40226,
  accessTokenExpired: 42001,
  dailyLimit: 45009,
  userLimit: 45011,
} as const;

/** The server access token was refused: refresh it once and retry. */
export function isAccessTokenRefused(err: unknown): boolean {
  return err instanceof WechatApiError && (err.errcode === WECHAT_ERRCODE.invalidCredential || err.errcode === WECHAT_ERRCODE.accessTokenExpired);
}

/** A minimal fetch, so adapters can be tested without the network. */
export type HttpFetch = (url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

/** WeChat's own API host, the default base of a connected app. */
export const WECHAT_API_BASE = 'https://api.weixin.qq.com';
