import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/database.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import { platformError } from '../errors.js';
import { sendProblem, toProblem } from './problem.js';
import { bearerToken } from './auth.js';
import { projectPath } from '../paths.js';
import { registerMetrics, type MetricsOptions } from '../metrics/metrics.js';

export interface AppContext {
  db: Db;
  config: Config;
  clock: Clock;
  /** Resolves a bearer token to an actor; provided by the identity module. */
  authenticate: (token: string) => Promise<import('./auth.js').Actor | null>;
}

export type App = FastifyInstance<any, any, any, any, ZodTypeProvider>;
export type RouteModule = (app: App, ctx: AppContext) => void | Promise<void>;

const WEB_DIST = projectPath('web', 'dist');

export async function buildServer(ctx: AppContext, routes: RouteModule[], options: { logger?: boolean | object; metrics?: MetricsOptions } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64 ? req.headers['x-request-id'] : newId('req')),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('actor', null);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Siyu API', version: '1', description: 'Private-domain retail platform: catalog, B nodes, shops, orders, payments.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (token) {
      request.actor = await ctx.authenticate(token);
      if (!request.actor) throw platformError('unauthenticated');
    }
  });

  app.setErrorHandler((err, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    if (!request.url.startsWith('/api/') && fs.existsSync(path.join(WEB_DIST, 'index.html')) && request.method === 'GET') {
      return reply.type('text/html').sendFile('index.html');
    }
    return sendProblem(reply, toProblem(platformError('not_found'), request));
  });

  registerMetrics(app, ctx.db, options.metrics);
  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return { status: 'ok' };
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    for (const register of routes) await register(api as App, ctx);
  }, { prefix: '/api/v1' });

  if (fs.existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  }
  return app;
}
