import { createPublicKey } from 'node:crypto';
import type { Database, Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { App, RouteModule } from '../platform/http/server.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { wechatpayMerchants, type MerchantLoader } from '../modules/payments/wechatpay-merchant.service.js';
import { wechatpaySimulator, type SimPost, type SimulatorExtension } from '../simulators/wechatpay/simulator.core.js';

export interface WechatpayUnitDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** The server's own base URL, once it exists (the simulator's API base is below it). */
  selfUrl: () => string;
  /** How the simulator posts notifications (sandbox only). */
  simulatorPost: SimPost;
  log: () => Pick<App['log'], 'warn' | 'error'>;
  /** Simulator parts other units bring (profit sharing, bills). */
  simulatorExtensions?: SimulatorExtension[];
}

/**
 * The simulator's parts, each in its own file: payments and refunds here; profit sharing and
 * bills add theirs to this list.
 */
export const SIMULATOR_EXTENSIONS: SimulatorExtension[] = [];

/**
 * WeChat Pay as one unit: the tenant's merchant settings loader, and — in the sandbox only — the
 * WeChat Pay simulator at /simulators/wechatpay. Live mode never mounts the simulator.
 */
export function wechatpayUnit(deps: WechatpayUnitDeps) {
  const merchants: MerchantLoader = wechatpayMerchants({ secretKey: deps.config.secretKey, mode: deps.config.mode, selfUrl: deps.selfUrl });
  const rootRoutes: RouteModule<Database>[] = [];
  const jobs: Record<string, JobHandler<Database>> = {};
  if (deps.config.mode === 'sandbox') {
    const simulator = wechatpaySimulator({
      db: deps.db,
      clock: deps.clock,
      post: deps.simulatorPost,
      async merchantOf(mchid) {
        const m = await merchants.ofMchid(deps.db, mchid);
        return m && { tenantId: m.tenantId, mchid: m.mchid, appids: m.appids, serial: m.serial, publicKey: createPublicKey(m.privateKey), apiv3Key: m.apiv3Key };
      },
    }, [...SIMULATOR_EXTENSIONS, ...(deps.simulatorExtensions ?? [])]);
    rootRoutes.push(simulator.routes as RouteModule<Database>);
  }
  return { merchants, rootRoutes, jobs };
}
