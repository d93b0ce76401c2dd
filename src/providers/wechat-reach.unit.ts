import type { Mode } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { withServerAccessToken } from '../modules/wechat/access-token.service.js';
import { wechatAppCredentials, type WechatDeps } from '../modules/wechat/wechat.service.js';
import { WechatApiError } from '../modules/wechat/wechat.provider.js';
import { wechatOpenidOf } from '../modules/customers/customers.service.js';
import { WxaCodeError, type WxaCodeProvider } from '../modules/sharing/sharing.provider.js';
import type { SandboxOptInGrant, SubscribeSender } from '../modules/subscribe-messages/subscribe-messages.provider.js';
import { defaultBinaryFetch, getUnlimitedCode, sendSubscribeMessage, type BinaryFetch } from '../adapters/wechat/reach.api.js';
import { grantSimulatedOptIns } from '../simulators/wechat/reach.simulator.js';

export interface WechatReach {
  wxacodes: WxaCodeProvider;
  sender: SubscribeSender;
  /** Sandbox only: the shop's subscribe step also grants the opt-ins in the WeChat simulator. */
  sandboxGrant: SandboxOptInGrant | undefined;
}

const notConnected = (err: unknown) => err instanceof AppError && err.code === 'wechat_app_not_connected';

/**
 * WeChat reach as one unit: mini-program codes and subscribe messages through the tenant's
 * mini-program and its shared server access token (withServerAccessToken: refreshed once when
 * WeChat refuses it), against WeChat's host or, in the sandbox, the simulator's (the app's API base).
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
    async send(tenantId, message) {
      try {
        return await withServerAccessToken(deps, tenantId, 'mini_program', (token, apiBase) => sendSubscribeMessage(fetchFn, apiBase, token, message));
      } catch (err) {
        // Retrying cannot connect an app: final, recorded on the message.
        if (notConnected(err)) return { ok: false, kind: 'invalid', errcode: null, errmsg: 'no mini-program connected' };
        throw err;
      }
    },
  };
  const sandboxGrant: SandboxOptInGrant | undefined = input.mode === 'sandbox'
    ? async (tenantId, customerId, templateIds) => {
      const app = await wechatAppCredentials(deps.db, deps.sealKey, tenantId, 'mini_program').catch((err: unknown) => { if (notConnected(err)) return null; throw err; });
      const openid = await wechatOpenidOf(deps.db, tenantId, customerId);
      if (app && openid) await grantSimulatedOptIns(deps.db, app.appid, openid, templateIds);
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
