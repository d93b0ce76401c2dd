import type { Mode } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { withServerAccessToken } from '../modules/wechat/access-token.service.js';
import { wechatAppCredentials, type WechatDeps } from '../modules/wechat/wechat.service.js';
import { WechatApiError } from '../modules/wechat/wechat.provider.js';
import { wechatRecipientOf } from '../modules/customers/customers.service.js';
import { WxaCodeError, type WxaCodeProvider } from '../modules/sharing/sharing.provider.js';
import type { SandboxOptInGrant, SubscribeSender } from '../modules/subscribe-messages/subscribe-messages.provider.js';
import { defaultBinaryFetch, getUnlimitedCode, sendSubscribeMessage, sendSubscriptionNotice, type BinaryFetch } from '../adapters/wechat/reach.api.js';
import { grantSimulatedOptIns } from '../simulators/wechat/reach.simulator.js';

export interface WechatReach {
  wxacodes: WxaCodeProvider;
  sender: SubscribeSender;
  /** Sandbox only: the shop's subscribe step also grants the opt-ins in the WeChat simulator. */
  sandboxGrant: SandboxOptInGrant | undefined;
}

const notConnected = (err: unknown) => err instanceof AppError && err.code === 'wechat_app_not_connected';

/**
 * WeChat reach as one unit: mini-program codes through the tenant's mini-program, one-time
 * subscription messages through the app that issued the buyer's openid (the mini-program's
 * subscribe/send, the official account's subscribe/bizsend), each with its app's shared server
 * access token (withServerAccessToken: refreshed once when WeChat refuses it), against WeChat's host or, in the sandbox, the simulator's (the app's API base).
 * Every call here runs outside any database transaction.
 */
export function wechatReachUnit(input: { deps: WechatDeps; mode: Mode; fetch?: BinaryFetch }): WechatReach {
  const fetchFn = input.fetch ?? defaultBinaryFetch;
  const { deps } = input;
  const wxacodes: WxaCodeProvider = {
    async unlimitedCode(tenantId, request) {
      try {
        return await withServerAccessToken(deps, tenantId, 'mini_program', (token, apiBase) => getUnlimitedCode(fetchFn, apiBase, token, request));
      } catch (err) {
        if (notConnected(err)) throw new WxaCodeError('not_configured', 'no mini-program connected');
        if (err instanceof WechatApiError) throw new WxaCodeError('refused', `${err.errcode}: ${err.errmsg}`);
        throw err;
      }
    },
  };
  const sender: SubscribeSender = {
    async send(tenantId, { app, ...message }) {
      const send = app === 'official_account' ? sendSubscriptionNotice : sendSubscribeMessage;
      try {
        return await withServerAccessToken(deps, tenantId, app, (token, apiBase) => send(fetchFn, apiBase, token, message));
      } catch (err) {
        // Retrying cannot connect an app: final, recorded on the message.
        if (notConnected(err)) return { ok: false, kind: 'invalid', errcode: null, errmsg: app === 'official_account' ? 'no official account connected' : 'no mini-program connected' };
        throw err;
      }
    },
  };
  const sandboxGrant: SandboxOptInGrant | undefined = input.mode === 'sandbox'
    ? async (tenantId, customerId, templateIds) => {
      // Granted where the message will go: the app that issued the buyer's openid.
      const recipient = await wechatRecipientOf(deps.db, tenantId, customerId);
      if (!recipient) return;
      const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, recipient.app).catch((err: unknown) => { if (notConnected(err)) return null; throw err; });
      if (app) await grantSimulatedOptIns(deps.db, app.appid, recipient.openid, templateIds);
    }
    : undefined;
  return { wxacodes, sender, sandboxGrant };
}

/** Reach calls delivered to this server's own routes in-process (tests): the simulator answers through `inject`. */
export function injectBinaryFetch(server: { inject: (opts: { method: 'POST'; url: string; headers: Record<string, string>; payload: string }) => Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }> }): BinaryFetch {
  return async (url, init) => {
    const target = new URL(url);
    const res = await server.inject({ method: 'POST', url: `${target.pathname}${target.search}`, headers: init.headers, payload: init.body });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.rawPayload };
  };
}
