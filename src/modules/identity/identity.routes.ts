import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { bearerToken, requireActor, requirePermission } from '../../platform/http/auth.js';
import { z } from 'zod';
import { createApiTokenBody, createUserBody, issuedTokenSchema, loginBody, meSchema, sessionSchema, tenantSettingsBody, tenantSettingsSchema, userSchema } from './identity.schema.js';
import * as identity from './identity.service.js';

export const identityRoutes: RouteModule<Database> = (app, { db, clock }) => {
  app.post('/auth/login', { schema: { tags: ['auth'], operationId: 'login', summary: 'Sign in with a password and get a session token', body: loginBody, security: [], response: { 200: sessionSchema } } }, async (req) =>
    identity.login(db, clock, req.body));

  app.post('/auth/logout', { schema: { tags: ['auth'], operationId: 'logout', summary: 'Revoke the token this request carries', response: { 204: z.undefined().describe('Signed out') } } }, async (req, reply) => {
    const actor = requireActor(req);
    await identity.revokeToken(db, clock, actor.tenantId, bearerToken(req)!);
    return reply.status(204).send();
  });

  app.get('/auth/me', { schema: { tags: ['auth'], operationId: 'getMe', summary: 'The signed-in user', response: { 200: meSchema } } }, async (req) => identity.me(db, requireActor(req)));

  app.post('/users', { schema: { tags: ['auth'], operationId: 'createUser', summary: 'Create a user in the tenant', body: createUserBody, response: { 201: userSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'tenant.manage');
    return reply.status(201).send(await identity.createUser(db, actor.tenantId, req.body));
  });

  app.get('/tenant', { schema: { tags: ['auth'], operationId: 'getTenant', summary: 'The tenant\'s settings', response: { 200: tenantSettingsSchema } } }, async (req) => identity.tenantSettings(db, requirePermission(req, 'tenant.manage').tenantId));
  app.patch('/tenant', { schema: { tags: ['auth'], operationId: 'updateTenant', summary: 'Change the tenant\'s settings', body: tenantSettingsBody, response: { 200: tenantSettingsSchema } } }, async (req) =>
    identity.updateTenantSettings(db, requirePermission(req, 'tenant.manage').tenantId, req.body));

  app.post('/api-tokens', { schema: { tags: ['auth'], operationId: 'createApiToken', summary: 'Issue an API token for an integration', body: createApiTokenBody, response: { 201: issuedTokenSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'tenant.manage');
    return reply.status(201).send(await identity.issueToken(db, clock, actor.tenantId, actor.userId, 'api', req.body.name));
  });
};
