import { z } from 'zod';
import type { RouteModule } from './server.js';

export const metaSchema = z.object({
  /** sandbox: simulated payments and SMS, demo shortcuts; live: real providers only. */
  mode: z.enum(['sandbox', 'live']),
}).meta({ id: 'Meta' });

/** Public: the shop and the console show a sandbox banner from it. */
export const metaRoutes: RouteModule<any> = (app, { config }) => {
  app.get('/meta', { schema: { tags: ['meta'], operationId: 'getMeta', summary: 'This server\'s mode (sandbox or live)', security: [], response: { 200: metaSchema } } }, async () => ({ mode: config.mode }));
};
