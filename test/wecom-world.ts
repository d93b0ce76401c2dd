import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../src/database.js';
import { createSiyu, type Siyu } from '../src/app.js';
import type { Clock } from '../src/platform/clock.js';
import { injectPost } from '../src/providers/sandboxpay.unit.js';
import { injectWecomFetch, injectWecomSimPost } from '../src/providers/wecom.unit.js';
import { connectWecom, wecomSealKey } from '../src/modules/wecom/wecom.service.js';
import type { WecomApi } from '../src/modules/wecom/wecom.provider.js';
import { registerSimCorp, type SimPost } from '../src/simulators/wecom/wecom.sim-state.js';
import { auth, seedWorld, testConfig, type World } from './fixtures.js';

/** The callback Token and EncodingAESKey of a simulated corp (WeCom's own sample values). */
export const SIM_TOKEN = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo';
export const SIM_AES_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
/** Where the tenant's WeCom API calls go: the simulator mounted on the same server, reached by inject. */
export const SIM_API_BASE = 'http://sandbox.local/simulators/wecom';

export interface WecomWorld {
  siyu: Siyu;
  world: World;
  tenantId: string;
  corpId: string;
  /** The tenant's WeCom API client, talking to the simulator. */
  api: WecomApi;
  /** How the simulator delivers its signed, encrypted callbacks to the server's hook. */
  post: SimPost;
  /** Runs the job queue until it is empty, at most `rounds` ticks. */
  drain(rounds?: number): Promise<void>;
  /** A console API call as the tenant's admin (`url` under /api/v1). */
  req(method: 'GET' | 'POST', url: string, payload?: object): Promise<LightMyRequestResponse>;
}

/**
 * A server in sandbox mode with the WeCom simulator behind it, a seeded tenant connected to a
 * simulated corp (its settings stored, the corp registered with the tenant's callback URL), and one
 * member of the corp, 张三 (`zhangsan`), serving the tenant's B node: what CRM tests run against.
 */
export async function wecomWorld(db: Db, clock: Clock, corpId: string): Promise<WecomWorld> {
  const siyu = await createSiyu(db, testConfig, { clock, sandboxNotifyPost: injectPost, wecomFetch: injectWecomFetch, wecomSimPost: injectWecomSimPost });
  await siyu.server.ready();
  const world = await seedWorld(db, clock);
  const t = world.tenantId;
  await connectWecom(db, wecomSealKey(testConfig.secretKey), t, { corpId, token: SIM_TOKEN, encodingAesKey: SIM_AES_KEY, secret: 'corp-secret', apiBase: SIM_API_BASE });
  await registerSimCorp(db, { corp_id: corpId, secret: 'corp-secret', token: SIM_TOKEN, encoding_aes_key: SIM_AES_KEY, callback_url: `http://sandbox.local/hooks/wecom/${world.tenantSlug}` });
  await db.insertInto('wecom_members').values({ tenant_id: t, userid: 'zhangsan', name: '张三', b_node_id: world.bNodeId }).execute();
  return {
    siyu, world, tenantId: t, corpId,
    api: await siyu.wecomApi(t),
    post: injectWecomSimPost(siyu.server),
    drain: async (rounds = 10) => { for (let i = 0; i < rounds; i++) if ((await siyu.tick()).jobs === 0) break; },
    req: (method, url, payload) => siyu.server.inject({ method, url: `/api/v1${url}`, headers: auth(world.adminToken), ...(payload ? { payload } : {}) }),
  };
}
