import { randomBytes, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import type { App } from '../../platform/http/server.js';
import {
  parseAuthorization, requestMessage, rsaVerify, signedHeaders, WECHATPAY_WINDOW_SECONDS,
} from '../../adapters/wechatpay/wechatpay.crypto.js';
import { SIMULATOR_PLATFORM } from './simulator.keys.js';
import type { WechatpaySimTables } from './simulator.tables.js';

/** Where the simulator is mounted on the sandbox server. */
export const SIMULATOR_PREFIX = '/simulators/wechatpay';

/** A merchant as the simulator knows it: the sandbox reads the tenant's own settings. */
export interface SimMerchant {
  tenantId: string;
  mchid: string;
  appids: string[];
  serial: string;
  /** The merchant's public key, checking the Authorization of its requests and the paySign of the pay sheet. */
  publicKey: KeyObject;
  apiv3Key: string;
}

/** How a notification leaves the simulator: HTTP POST by default, the server's inject in tests. */
export type SimPost = (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;

export interface WechatpaySimulatorDeps {
  db: Db<any>;
  clock: Clock;
  merchantOf(mchid: string): Promise<SimMerchant | undefined>;
  post: SimPost;
}

/** What every simulator route file gets: its tables, its platform key, the merchants it serves. */
export interface SimContext extends WechatpaySimulatorDeps {
  sdb: Kysely<WechatpaySimTables>;
  platform: { serial: string; privateKey: KeyObject; publicKey: KeyObject };
  settingsOf(mchid: string): Promise<{ time_scale: number; notify_mode: 'normal' | 'duplicate' | 'drop'; refund_outcome: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' }>;
}

/** A refusal in WeChat Pay's own shape: HTTP status and `{code, message}`. */
export class SimError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface SimRequest<P = Record<string, string>> {
  merchant: SimMerchant;
  params: P;
  query: Record<string, string>;
  /** The parsed JSON body (undefined for GET). */
  body: any;
  rawBody: string;
}
export interface SimAnswer { status: number; body?: unknown }
export type SimHandler = (req: SimRequest) => Promise<SimAnswer>;

/** The signed API routes of the simulator, as WeChat Pay's v3 API has them (below the prefix). */
export interface SimRouter {
  get(path: string, handler: SimHandler): void;
  post(path: string, handler: SimHandler): void;
}

/** A part of the simulator in its own file: signed API routes through `router`, plain pages on `app`. */
export type SimulatorExtension = (router: SimRouter, ctx: SimContext, app: App) => void | Promise<void>;

export const simIds = {
  prepay: () => `wx${Date.now().toString(16)}${randomBytes(12).toString('hex')}`,
  transaction: () => `4200${Date.now()}${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`.slice(0, 28),
  refund: () => `5030${Date.now()}${String(randomBytes(4).readUInt32BE()).padStart(10, '0')}`.slice(0, 29),
  event: () => randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
};

/** RFC 3339 with +08:00, as WeChat Pay writes times. */
export function wechatTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3_600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

type Raw = FastifyRequest & { body: unknown };

/**
 * Builds the simulator context and mounts it under SIMULATOR_PREFIX: every API request's
 * Authorization is checked against the calling merchant's public key (serial, ±5 min, exact body),
 * every answer — errors included — is signed with the platform key. Extensions add routes (pay,
 * refunds here; profit sharing and bills in their own files).
 */
export function wechatpaySimulator(deps: WechatpaySimulatorDeps, extensions: SimulatorExtension[]) {
  const ctx: SimContext = {
    ...deps,
    sdb: deps.db as unknown as Kysely<WechatpaySimTables>,
    platform: { serial: SIMULATOR_PLATFORM.serial, privateKey: SIMULATOR_PLATFORM.privateKey, publicKey: SIMULATOR_PLATFORM.publicKey },
    async settingsOf(mchid) {
      const row = await (deps.db as unknown as Kysely<WechatpaySimTables>).selectFrom('wechatpay_sim_settings').selectAll().where('mchid', '=', mchid).executeTakeFirst();
      return { time_scale: row?.time_scale ?? 1, notify_mode: row?.notify_mode ?? 'normal', refund_outcome: row?.refund_outcome ?? 'SUCCESS' };
    },
  };

  const send = (reply: FastifyReply, answer: SimAnswer) => {
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const headers = signedHeaders(ctx.platform, text, String(Math.floor(deps.clock.now().getTime() / 1000)));
    reply.status(answer.status).headers({ ...headers, 'request-id': randomBytes(12).toString('hex') });
    if (text) return reply.type('application/json').send(text);
    return reply.send();
  };

  const authenticate = async (req: Raw, rawBody: string): Promise<SimMerchant> => {
    const auth = parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (!auth) throw new SimError(401, 'SIGN_ERROR', 'Authorization 头缺失或格式错误');
    const merchant = await deps.merchantOf(auth.mchid);
    if (!merchant) throw new SimError(401, 'SIGN_ERROR', '商户号不存在');
    if (auth.serial_no.toUpperCase() !== merchant.serial.toUpperCase()) throw new SimError(401, 'SIGN_ERROR', '商户证书序列号有误');
    const seconds = Number(auth.timestamp);
    if (!Number.isInteger(seconds) || Math.abs(deps.clock.now().getTime() / 1000 - seconds) > WECHATPAY_WINDOW_SECONDS) throw new SimError(401, 'SIGN_ERROR', '请求时间戳超出有效期');
    const message = requestMessage({ method: req.method, url: req.url, timestamp: auth.timestamp, nonce: auth.nonce_str, body: rawBody });
    if (!rsaVerify(merchant.publicKey, message, auth.signature)) throw new SimError(401, 'SIGN_ERROR', '签名错误');
    return merchant;
  };

  const register = (app: App, method: 'GET' | 'POST', path: string, handler: SimHandler) => {
    app.route({
      method, url: path, schema: { hide: true },
      handler: async (req, reply) => {
        const rawBody = typeof req.body === 'string' ? req.body : '';
        try {
          const merchant = await authenticate(req as Raw, rawBody);
          let body: unknown;
          if (method === 'POST') {
            try {
              body = rawBody ? JSON.parse(rawBody) : {};
            } catch {
              throw new SimError(400, 'PARAM_ERROR', '请求体不是合法的 JSON');
            }
          }
          const answer = await handler({ merchant, params: req.params as Record<string, string>, query: req.query as Record<string, string>, body, rawBody });
          return send(reply, answer);
        } catch (err) {
          if (err instanceof SimError) return send(reply, { status: err.status, body: { code: err.code, message: err.message } });
          req.log.error({ err }, 'WeChat Pay simulator failed');
          return send(reply, { status: 500, body: { code: 'SYSTEM_ERROR', message: '系统错误' } });
        }
      },
    });
  };

  /** Mounted at the server's root (not below /api/v1), sandbox only. */
  const routes = async (root: App) => {
    await root.register(async (scope) => {
      const app = scope.withTypeProvider<ZodTypeProvider>() as App;
      // The signature covers the exact bytes: bodies stay text in this scope.
      app.removeContentTypeParser('application/json');
      app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
      const router: SimRouter = {
        get: (path, handler) => register(app, 'GET', path, handler),
        post: (path, handler) => register(app, 'POST', path, handler),
      };
      for (const extend of extensions) await extend(router, ctx, app);
    }, { prefix: SIMULATOR_PREFIX });
  };
  return { ctx, routes };
}
