import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db, PlatformTables } from '../db/database.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import { platformError } from '../errors.js';
import { RETRY_AFTER_SECONDS, sendProblem, toProblem } from './problem.js';
import { isDatabaseUnavailable } from '../db/database.js';
import { jobQueueStats } from '../jobs/outbox.js';
import { bearerToken } from './auth.js';
import { projectPath } from '../paths.js';
import { registerMetrics, type MetricsOptions } from '../metrics/metrics.js';
import { openApiOptions } from './openapi.js';
import { docsContentSecurityPolicy, registerRateLimits, registerSecurityHeaders, registerTextGuard } from './security.js';
import { serverLogger } from './logging.js';
import type { NotificationHub } from '../db/notifications.js';

export interface AppContext<DB = PlatformTables> {
  db: Db<DB>;
  config: Config;
  clock: Clock;
  /** Resolves a bearer token to an actor; provided by the identity module. */
  authenticate: (token: string) => Promise<import('./auth.js').Actor | null>;
  /** Wakes requests that wait for a row to change (long polls); closed before the server closes. */
  notifications?: NotificationHub;
}

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;
/** A module's routes, typed by the application's schema (src/database.ts). */
export type RouteModule<DB = PlatformTables> = (app: App, ctx: AppContext<DB>) => void | Promise<void>;

const WEB_DIST = projectPath('web', 'dist');
/** Vite puts content-hashed files here: a new build gives them new names, so they can be cached for good. */
const HASHED_ASSETS = '/assets/';

/**
 * The web app is two pages: the consumer's shop for /s/…, the console for /admin… and any other
 * path (the home page and its not-found page). A missing asset or API route is a 404, never HTML.
 */
function webPageFor(url: string): string | null {
  if (url.startsWith('/api/') || url.startsWith(HASHED_ASSETS) || url.startsWith('/hooks/') || url.startsWith('/simulators/')) return null;
  return url.startsWith('/s/') ? 'shop.html' : 'admin.html';
}

/** A number of hops as proxy-addr's trust function (Fastify's types omit the integer form). */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * `rootRoutes` are mounted at the server's root rather than below /api/v1: provider callbacks whose
 * path the provider dictates (/hooks/…) and the sandbox's simulators (/simulators/…).
 */
export async function buildServer<DB>(ctx: AppContext<DB>, routes: RouteModule<DB>[], options: { logger?: boolean | object; metrics?: MetricsOptions; rootRoutes?: RouteModule<DB>[] } = {}): Promise<App> {
  const app = Fastify({
    logger: serverLogger(options.logger),
    bodyLimit: 1024 * 1024,
    // A path segment that does not decode (bad percent-encoding, bytes that are not UTF-8) fails
    // before routing; it gets the same problem answer as bad text anywhere else.
    frameworkErrors: (err, request, reply) =>
      sendProblem(reply, toProblem(err.code === 'FST_ERR_BAD_URL' ? platformError('invalid_text') : err, request)),
    // A context without config (pages-only servers in tests) trusts no proxy.
    trustProxy: trustProxyOption(ctx.config?.trustProxy ?? false),
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64 ? req.headers['x-request-id'] : newId('req')),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);
  registerTextGuard(app);
  await registerSecurityHeaders(app);
  await registerRateLimits(app);
  // Long polls end (answering the state they have) as soon as closing starts, so they never hold shutdown.
  const notifications = ctx.notifications;
  if (notifications) app.addHook('preClose', async () => { await notifications.close(); });

  await app.register(swagger, openApiOptions);
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: docsContentSecurityPolicy });

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (token) {
      request.actor = await ctx.authenticate(token);
      if (!request.actor) throw platformError('unauthenticated');
    }
  });

  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    // A database outage answers every request with 503 until it is back: one line each, no stack.
    if (problem.code === 'database_unavailable') request.log.warn({ err: String(err) }, 'database unavailable');
    else if (problem.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const page = request.method === 'GET' ? webPageFor(request.url) : null;
    if (page && fs.existsSync(path.join(WEB_DIST, page))) {
      // Revalidated on every visit, so a release reaches phones at once; the hashed assets it names are cached.
      return reply.header('cache-control', 'no-cache').type('text/html').sendFile(page, { cacheControl: false });
    }
    return sendProblem(reply, toProblem(platformError('not_found'), request));
  });

  registerMetrics(app, ctx.db, options.metrics);
  // One statement answers both questions: the database is reachable, and how far the jobs lag.
  // Down is a 503 a load balancer understands, never a 500, and the process stays up meanwhile.
  app.get('/healthz', { schema: { hide: true } }, async (request, reply) => {
    try {
      const jobs = await jobQueueStats(ctx.db as Db<any>);
      return { status: 'ok', db: 'ok', jobs: { due: jobs.due, oldest_due_ms: Math.round(jobs.oldestDueSeconds * 1000) } };
    } catch (err) {
      if (!isDatabaseUnavailable(err)) request.log.error({ err }, 'health check query failed');
      return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ status: 'unavailable', db: 'down', jobs: null });
    }
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    for (const register of routes) await register(api as App, ctx);
  }, { prefix: '/api/v1' });
  for (const register of options.rootRoutes ?? []) await register(app as App, ctx);

  if (fs.existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      prefix: '/',
      wildcard: false,
      index: false,
      // The build writes .br and .gz beside each page, script and stylesheet.
      preCompressed: true,
      // Our own header below, not the plugin's max-age default.
      cacheControl: false,
      setHeaders: (res, filePath) => {
        const hashed = filePath.startsWith(path.join(WEB_DIST, HASHED_ASSETS));
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        // The same URL answers Brotli, gzip or plain by Accept-Encoding: caches must key on it.
        res.setHeader('vary', 'accept-encoding');
      },
    });
  }
  return app;
}
