import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { wechatAppSchema } from './wechat.schema.js';
import { listWechatApps } from './wechat.service.js';

/** The tenant's WeChat apps, read-only for the console (they are connected with `siyu wechat connect`). */
export const wechatAppRoutes: RouteModule<Database> = (app, { db }) => {
  app.get('/wechat/apps', { schema: { tags: ['wechat'], operationId: 'listWechatApps', summary: 'The tenant\'s WeChat apps (official account, mini-program): appid, API base, whether a secret is set — never the secret', response: { 200: itemsOf(wechatAppSchema) } } }, async (req) =>
    ({ items: await listWechatApps(db, requirePermission(req, 'tenant.manage').tenantId) }));
};
