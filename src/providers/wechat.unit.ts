import type { Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import type { Mode } from '../platform/config.js';
import type { App, AppContext } from '../platform/http/server.js';
import { wechatApi } from '../adapters/wechat/wechat.api.js';
import type { HttpFetch, WechatApi } from '../modules/wechat/wechat.provider.js';
import { wechatDeps, type WechatDeps } from '../modules/wechat/wechat.service.js';
import { wechatLoginSimulator } from '../simulators/wechat/login.routes.js';
import { wechatReachSimulator } from '../simulators/wechat/reach.simulator.js';
import { WECHAT_SIMULATOR_PREFIX } from '../simulators/wechat/wechat.simulator.js';

/** A simulator's routes and where they answer, outside /api/v1; mounted in sandbox mode only. */
export interface SimulatorMount { prefix: string; routes: (app: App, ctx: AppContext<any>) => void | Promise<void> }

/**
 * WeChat (sign-in, server access token) as one unit: the adapter every WeChat call goes through,
 * the deps the wechat module's use cases take, and in the sandbox the simulator the sandbox's apps
 * point at. Live mode mounts no simulator: its routes answer 404 there.
 */
export function wechatUnit({ db, clock, mode, secretKey, api }: { db: Db; clock: Clock; mode: Mode; secretKey: string; api?: WechatApi }) {
  const deps: WechatDeps = wechatDeps(db, clock, secretKey, api ?? wechatApi());
  const simulators: SimulatorMount[] = mode === 'sandbox' ? [{ prefix: WECHAT_SIMULATOR_PREFIX, routes: wechatLoginSimulator }, { prefix: WECHAT_SIMULATOR_PREFIX, routes: wechatReachSimulator }] : [];
  return { deps, simulators };
}

/** An HTTP fetch through the server's `inject` (tests: the adapter talks to the server's own simulator without a socket). */
export function injectFetch(server: App): HttpFetch {
  return async (url, init) => {
    const target = new URL(url);
    const res = await server.inject({ method: init.method, url: `${target.pathname}${target.search}`, ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { payload: init.body } : {}) });
    return { status: res.statusCode, text: async () => res.body };
  };
}
