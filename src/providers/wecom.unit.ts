import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database, Db } from '../database.js';
import type { Clock } from '../platform/clock.js';
import { systemClock } from '../platform/clock.js';
import { loadConfig, type Mode } from '../platform/config.js';
import type { App, AppContext, RouteModule } from '../platform/http/server.js';
import type { JobHandler } from '../platform/jobs/outbox.js';
import { WecomCryptoError, wecomCrypto } from '../adapters/wecom/wecom.crypto.js';
import { parseWecomEvent } from '../adapters/wecom/wecom.events.js';
import { defaultFetch, fetchWecomToken, wecomHttpApi, type HttpFetch } from '../adapters/wecom/wecom.api.js';
import { groupCommit } from '../platform/db/group-commit.js';
import type { WecomEvent } from '../modules/wecom/wecom.provider.js';
import { wecomAccessToken } from '../modules/wecom/access-token.service.js';
import { wecomError } from '../modules/wecom/wecom.errors.js';
import type { WecomApi } from '../modules/wecom/wecom.provider.js';
import {
  applyWecomEvent, markUrlVerified, receiveWecomEvent, receiveWecomEvents, WECOM_EVENT_JOB, wecomCallbackKeys, wecomSealKey, type WecomEventHandler,
} from '../modules/wecom/wecom.service.js';
import { wecomApiSimulator } from '../simulators/wecom/wecom.api.routes.js';
import { WECOM_SIMULATOR_PREFIX } from '../simulators/wecom/wecom.sim-state.js';
import { wecomSandboxTools } from '../simulators/wecom/wecom.sandbox.routes.js';
import type { SimulatorMount } from './wechat.unit.js';

export interface WecomApiOptions {
  secretKey?: string;
  clock?: Clock;
  fetch?: HttpFetch;
  backoffMs?: readonly number[];
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * The tenant's WecomApi: the HTTP client at the tenant's API base (WeCom, or the sandbox's
 * simulator) with the corp's access token shared through the database. Throws 409
 * `wecom_not_connected` on first use when the tenant has no corp.
 */
export async function wecomApiFor(db: Db, tenantId: string, options: WecomApiOptions = {}): Promise<WecomApi> {
  const sealKey = wecomSealKey(options.secretKey ?? loadConfig().secretKey);
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? defaultFetch;
  return wecomHttpApi({
    tokens: { token: (refused) => wecomAccessToken(db, clock, sealKey, tenantId, (corp) => fetchWecomToken(corp, fetchFn), refused) },
    fetch: fetchFn,
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

/** How long a tenant's callback keys are kept in the process (every event would otherwise read and unseal them). */
const KEYS_TTL_MS = 5_000;

/**
 * WeCom as one unit: the callback hooks (/hooks/wecom/{tenant}), the wecom.event job running the
 * handlers app.ts registers, `apiFor` for services and jobs, and in the sandbox the simulator.
 */
export function wecomUnit(deps: {
  db: Db; clock: Clock; mode: Mode; secretKey: string; handlers: readonly WecomEventHandler[];
  fetch?: () => HttpFetch | undefined; simPost?: () => import('../simulators/wecom/wecom.sim-state.js').SimPost | undefined;
}) {
  const sealKey = wecomSealKey(deps.secretKey);
  const keys = new Map<string, { at: number; value: Awaited<ReturnType<typeof wecomCallbackKeys>> }>();
  const callbackKeys = async (slug: string) => {
    const cached = keys.get(slug);
    if (cached && Date.now() - cached.at < KEYS_TTL_MS) return cached.value;
    const value = await wecomCallbackKeys(deps.db, sealKey, slug);
    keys.set(slug, { at: Date.now(), value });
    return value;
  };
  const cryptoFor = async (slug: string) => {
    const k = await callbackKeys(slug);
    if (!k) throw wecomError('wecom_callback_unknown_tenant');
    return { keys: k, crypto: wecomCrypto({ token: k.token, encodingAesKey: k.encodingAesKey, receiveId: k.corpId }) };
  };
  const refusal = (err: unknown) => {
    if (!(err instanceof WecomCryptoError)) return err;
    if (err.kind === 'signature') return wecomError('wecom_callback_signature', { wecom_code: err.code });
    if (err.kind === 'receiveId') return wecomError('wecom_callback_receive_id', { wecom_code: err.code });
    return wecomError('wecom_callback_malformed', { wecom_code: err.code, reason: err.message });
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  // Events arriving while earlier ones are being kept are kept together, one statement a batch: a
  // lone event goes at once; a burst shares the round trip, commit and job-queue call.
  const inbox = groupCommit<{ tenantId: string; event: WecomEvent }, { duplicate: boolean }>({
    keyOf: (item) => item.tenantId,
    runBatch: async (items) => (await receiveWecomEvents(deps.db, deps.clock, items[0]!.tenantId, items.map((i) => i.event))).map((ok) => ({ ok })),
    runOne: (item) => receiveWecomEvent(deps.db, deps.clock, item.tenantId, item.event),
    maxBatch: 128,
  });

  const hooks: RouteModule<Database> = async (root) => {
    await root.register(async (scope) => {
      const app = scope.withTypeProvider<ZodTypeProvider>();
      app.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
      // URL verification: the plaintext of echostr, nothing else (WeCom compares it byte for byte).
      app.get('/hooks/wecom/:tenant', { schema: { hide: true } }, async (req, reply) => {
        const q = req.query as Record<string, unknown>;
        const { keys: k, crypto } = await cryptoFor((req.params as { tenant: string }).tenant);
        let plain: string;
        try {
          plain = crypto.verifyUrl({ msg_signature: str(q.msg_signature), timestamp: str(q.timestamp), nonce: str(q.nonce), echostr: str(q.echostr) });
        } catch (err) {
          throw refusal(err);
        }
        await markUrlVerified(deps.db, deps.clock, k.tenantId);
        return reply.type('text/plain; charset=utf-8').send(plain);
      });
      // Events: checked, decrypted, kept once with their job; the answer is an empty 200 at once.
      app.post('/hooks/wecom/:tenant', { schema: { hide: true }, bodyLimit: 64 * 1024 }, async (req, reply) => {
        const q = req.query as Record<string, unknown>;
        const { keys: k, crypto } = await cryptoFor((req.params as { tenant: string }).tenant);
        let event;
        try {
          const inner = crypto.decryptMessage({ msg_signature: str(q.msg_signature), timestamp: str(q.timestamp), nonce: str(q.nonce) }, typeof req.body === 'string' ? req.body : '');
          event = parseWecomEvent(inner);
        } catch (err) {
          throw refusal(err);
        }
        if (event.corpId !== k.corpId) throw wecomError('wecom_callback_receive_id');
        await inbox.submit({ tenantId: k.tenantId, event });
        return reply.status(200).type('text/plain').send('');
      });
    });
  };

  const jobs: Record<string, JobHandler<Database>> = {
    [WECOM_EVENT_JOB]: async (jobDb, job) => { await applyWecomEvent(jobDb, deps.clock, deps.handlers, job.tenant_id, job.payload.inbox_id); },
  };

  const simulators: SimulatorMount[] = deps.mode === 'sandbox'
    ? [{ prefix: WECOM_SIMULATOR_PREFIX, routes: (app: App, ctx: AppContext<any>) => { wecomApiSimulator(app, ctx); wecomSandboxTools(app, ctx, deps.simPost?.()); } }]
    : [];

  return {
    rootRoutes: [hooks],
    jobs,
    simulators,
    apiFor: (tenantId: string) => wecomApiFor(deps.db, tenantId, { secretKey: deps.secretKey, clock: deps.clock, ...(deps.fetch?.() ? { fetch: deps.fetch()! } : {}) }),
  };
}

/** WeCom API calls through the server's `inject` (tests and tools: the server's own simulator, no socket). */
export function injectWecomFetch(server: App): HttpFetch {
  return async (url, init) => {
    const target = new URL(url);
    const res = await server.inject({ method: init.method, url: `${target.pathname}${target.search}`, ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { payload: init.body } : {}) });
    return { status: res.statusCode, text: async () => res.body };
  };
}

/** The simulator's callbacks through the server's `inject`. */
export function injectWecomSimPost(server: App): import('../simulators/wecom/wecom.sim-state.js').SimPost {
  return async (url, body) => {
    const target = new URL(url);
    const res = await server.inject({ method: 'POST', url: `${target.pathname}${target.search}`, headers: { 'content-type': 'text/xml' }, payload: body });
    return res.statusCode;
  };
}
