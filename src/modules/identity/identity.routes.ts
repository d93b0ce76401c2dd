import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { ADMIN_ROLES, bearerToken, requireActor } from '../../platform/http/auth.js';
import { createApiTokenBody, createUserBody, loginBody, tenantSettingsBody } from './identity.schema.js';
import * as identity from './identity.service.js';

export const identityRoutes: RouteModule<Database> = (app, { db, clock }) => {
  app.post('/auth/login', { schema: { tags: ['auth'], body: loginBody, security: [] } }, async (req) =>
    identity.login(db, clock, req.body));

  app.post('/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    const actor = requireActor(req);
    await identity.revokeToken(db, clock, actor.tenantId, bearerToken(req)!);
    return reply.status(204).send();
  });

  app.get('/auth/me', { schema: { tags: ['auth'] } }, async (req) => identity.me(db, requireActor(req)));

  app.post('/users', { schema: { tags: ['auth'], body: createUserBody } }, async (req, reply) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return reply.status(201).send(await identity.createUser(db, actor.tenantId, req.body));
  });

  app.get('/tenant', { schema: { tags: ['auth'] } }, async (req) => identity.tenantSettings(db, requireActor(req, ADMIN_ROLES).tenantId));
  app.patch('/tenant', { schema: { tags: ['auth'], body: tenantSettingsBody } }, async (req) =>
    identity.updateTenantSettings(db, requireActor(req, ADMIN_ROLES).tenantId, req.body));

  app.post('/api-tokens', { schema: { tags: ['auth'], body: createApiTokenBody } }, async (req, reply) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return reply.status(201).send(await identity.issueToken(db, clock, actor.tenantId, actor.userId, 'api', req.body.name));
  });
};
