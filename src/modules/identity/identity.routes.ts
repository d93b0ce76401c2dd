import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { bearerToken, requireActor, requirePermission } from '../../platform/http/auth.js';
import { z } from 'zod';
import { perAddressLimit } from '../../platform/http/security.js';
import {
  apiTokenListSchema, apiTokenParams, changePasswordBody, createApiTokenBody, createUserBody, issuedTokenSchema, loginBody, meSchema, sessionSchema,
  tenantSettingsBody, tenantSettingsSchema, userSchema,
} from './identity.schema.js';
import * as identity from './identity.service.js';

export const identityRoutes: RouteModule<Database> = (app, { db, clock, config, forgetActors = () => {} }) => {
  const { limits } = config;
  const lockedOut = 'After repeated wrong passwords the account (and, after many, the client address) is locked for a while, longer with each further failure: 429 login_locked with Retry-After, even for the right password.';
  app.post('/auth/login', { config: perAddressLimit(limits, limits.login), schema: { tags: ['auth'], operationId: 'login', summary: 'Sign in with a password and get a session token', description: lockedOut, body: loginBody, security: [], response: { 200: sessionSchema } } }, async (req) =>
    identity.login(db, clock, req.body, { limits, address: req.ip }));

  app.post('/auth/password', { config: perAddressLimit(limits, limits.login), schema: { tags: ['auth'], operationId: 'changePassword', summary: 'Change the signed-in user\'s password; their other sessions are signed out', description: `A wrong current password counts towards the account's lockout. ${lockedOut}`, body: changePasswordBody, response: { 204: z.undefined().describe('Changed') } } }, async (req, reply) => {
    const actor = requireActor(req);
    await identity.changePassword(db, clock, actor, bearerToken(req)!, req.body, { limits, address: req.ip });
    forgetActors();
    return reply.status(204).send();
  });

  app.post('/auth/logout-all', { schema: { tags: ['auth'], operationId: 'logoutEverywhere', summary: 'Sign out everywhere: revoke every session and API token of the signed-in user', response: { 204: z.undefined().describe('Signed out everywhere') } } }, async (req, reply) => {
    await identity.signOutEverywhere(db, clock, requireActor(req));
    forgetActors();
    return reply.status(204).send();
  });

  app.post('/auth/logout', { schema: { tags: ['auth'], operationId: 'logout', summary: 'Revoke the token this request carries', response: { 204: z.undefined().describe('Signed out') } } }, async (req, reply) => {
    const actor = requireActor(req);
    await identity.revokeToken(db, clock, actor.tenantId, bearerToken(req)!);
    forgetActors();
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
    return reply.status(201).send(await identity.issueToken(db, clock, actor.tenantId, actor.userId, 'api', req.body.name, req.body.expires_in_days));
  });

  app.get('/api-tokens', { schema: { tags: ['auth'], operationId: 'listApiTokens', summary: 'The tenant\'s API tokens, newest first (never the tokens themselves)', response: { 200: apiTokenListSchema } } }, async (req) =>
    identity.listApiTokens(db, clock, requirePermission(req, 'tenant.manage').tenantId));

  app.delete('/api-tokens/:id', { schema: { tags: ['auth'], operationId: 'revokeApiToken', summary: 'Revoke an API token: it stops working at once', params: apiTokenParams, response: { 204: z.undefined().describe('Revoked') } } }, async (req, reply) => {
    await identity.revokeApiToken(db, clock, requirePermission(req, 'tenant.manage'), req.params.id);
    forgetActors();
    return reply.status(204).send();
  });
};
