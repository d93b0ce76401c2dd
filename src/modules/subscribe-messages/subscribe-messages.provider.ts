/**
 * Sends a one-time subscription message through WeChat (or the sandbox's simulator of it) with the
 * access token of the app that issued `touser`: the mini-program's subscribe message, or the
 * official account's subscription notice. A provider unit implements it; the module sees
 * outcomes, not tokens.
 */
export interface SubscribeSender {
  send(tenantId: string, message: { app: 'mini_program' | 'official_account'; touser: string; template_id: string; page: string; data: Record<string, { value: string }> }): Promise<SendOutcome>;
}

/**
 * WeChat's final answers. `no_opt_in` (43101): the user has no opt-in left — recorded, never retried.
 * `invalid` (47003 bad template data, 40003 bad openid, others that retrying cannot fix): recorded
 * as failed. Anything transient (network, -1 busy, limits) is thrown, and the job retries.
 */
export type SendOutcome = { ok: true; msgid?: string } | { ok: false; kind: 'no_opt_in' | 'invalid'; errcode: number | null; errmsg: string };

/**
 * In the sandbox, the shop's subscribe step stands in for WeChat's dialog: what the buyer accepts
 * is also granted in the WeChat simulator, which enforces opt-ins on its side. Never given in live mode.
 */
export type SandboxOptInGrant = (tenantId: string, customerId: string, templateIds: string[]) => Promise<void>;
