import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import type { Config } from '../../platform/config.js';
import { requireActor, requirePermission } from '../../platform/http/auth.js';
import { perAddressLimit } from '../../platform/http/security.js';
import {
  createShareCodeBody, recordVisitBody, resolveQuery, resolvedShareSchema, shareCodeParams, shareCodeSchema, shareSettingsBody, shareSettingsSchema, visitSchema,
} from './sharing.schema.js';
import * as sharing from './sharing.service.js';
import type { WxaCodeProvider } from './sharing.provider.js';

/** Where links and images point: the configured public URL, else the host the request came to. */
export function baseUrlOf(config: Config, req: FastifyRequest): string {
  return config.publicUrl ?? `${req.protocol}://${req.host}`;
}

const png = (reply: FastifyReply, body: Buffer, maxAgeSeconds: number) =>
  reply.type('image/png').header('cache-control', `public, max-age=${maxAgeSeconds}`).send(body);

/** Share codes, their images, resolving a scene, visits, and the tenant's attribution window. */
export function sharingRoutes(wxacodes: WxaCodeProvider | undefined): RouteModule<Database> {
  return (app, { db, clock, config }) => {
    const tags = ['sharing'];
    const sharer = (req: FastifyRequest) => (req.actor?.role === 'consumer' ? requireActor(req, ['consumer']) : requirePermission(req, 'sharing.create'));

    app.post('/share-codes', { schema: { tags, operationId: 'createShareCode', summary: 'The caller\'s share code for a shop (and product or campaign): the same target always gets the same code', body: createShareCodeBody, response: { 201: shareCodeSchema } } }, async (req, reply) =>
      reply.status(201).send(await sharing.createShareCode(db, sharer(req), req.body, baseUrlOf(config, req))));

    app.get('/share-codes/:code', { schema: { tags, operationId: 'getShareCode', summary: 'A share code of the tenant with its link and image addresses', params: shareCodeParams, response: { 200: shareCodeSchema } } }, async (req) =>
      sharing.getShareCode(db, sharer(req), req.params.code, baseUrlOf(config, req)));

    // Images: public, since they carry nothing but the code's public link (the code is in the URL).
    app.get('/share-codes/:code/qr.png', { schema: { hide: true, params: shareCodeParams } }, async (req, reply) =>
      png(reply, await sharing.shareQrPng(db, req.params.code, baseUrlOf(config, req)), 86_400));
    app.get('/share-codes/:code/poster.png', { config: perAddressLimit(config.limits, { max: 30, windowMs: 60_000 }), schema: { hide: true, params: shareCodeParams } }, async (req, reply) =>
      png(reply, await sharing.sharePosterPng(db, req.params.code, baseUrlOf(config, req)), 300));
    // Drawn by WeChat on first use: only the tenant's own people may cause that call.
    app.get('/share-codes/:code/wxacode.png', { schema: { hide: true, params: shareCodeParams } }, async (req, reply) =>
      png(reply, await sharing.shareWxacodePng(db, sharer(req), wxacodes, req.params.code), 86_400));

    app.get('/share/resolve', { schema: { tags, operationId: 'resolveShareScene', summary: 'What a scene or share code stands for: where to open and whom to attribute', description: 'A scene that resolves to nothing answers resolved=false and the home page: the shop opens without attribution.', querystring: resolveQuery, security: [], response: { 200: resolvedShareSchema } } }, async (req) => {
      const { tenant_id: _t, sharer_user_id: _s, ...target } = { tenant_id: null, sharer_user_id: null, ...(await sharing.resolveScene(db, req.query.scene)) };
      return target;
    });

    app.post('/share/visits', { config: perAddressLimit(config.limits, { max: 60, windowMs: 60_000 }), schema: { tags, operationId: 'recordShareVisit', summary: 'Record an arrival through a share code; signed in, it attributes the buyer\'s next orders to the sharer', description: 'Works without a token (an anonymous visit). A consumer\'s token claims the short link\'s visit (`visit_id`) or records a new one; the sharer\'s own code never attributes.', body: recordVisitBody, security: [], response: { 200: visitSchema } } }, async (req) =>
      sharing.recordVisit(db, clock, req.actor, { scene: req.body.scene, channel: req.body.channel, visitId: req.body.visit_id }));

    app.get('/share/settings', { schema: { tags, operationId: 'getShareSettings', summary: 'The tenant\'s attribution window', response: { 200: shareSettingsSchema } } }, async (req) =>
      sharing.shareSettings(db, requirePermission(req, 'sharing.settings.write').tenantId));
    app.put('/share/settings', { schema: { tags, operationId: 'putShareSettings', summary: 'Set the tenant\'s attribution window (days)', body: shareSettingsBody, response: { 200: shareSettingsSchema } } }, async (req) =>
      sharing.putShareSettings(db, requirePermission(req, 'sharing.settings.write').tenantId, req.body));
  };
}

/**
 * The short link /s/{code}, outside the API: records a visit and redirects into the shop. A shop's
 * own address (/s/{slug}: slugs are lower case, codes start upper case) falls through to the shop page.
 */
export const shortLinkRoutes: RouteModule<Database> = (app, { db, clock, config }) => {
  // Every follow writes a visit row: a per-address limit keeps a stranger from filling the table.
  app.get('/s/:ref', { config: perAddressLimit(config.limits, { max: 120, windowMs: 60_000 }), schema: { hide: true } }, async (req, reply) => {
    const ref = (req.params as { ref: string }).ref;
    if (!/^[A-Z]/.test(ref)) return reply.callNotFound();
    return reply.header('cache-control', 'no-store').redirect(await sharing.followShortLink(db, clock, ref), 302);
  });
};
