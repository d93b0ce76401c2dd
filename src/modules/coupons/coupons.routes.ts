import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { customerIdOf, requireActor, requirePermission } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { resolveShop } from '../b-nodes/b-nodes.service.js';
import { bNodeError } from '../b-nodes/b-nodes.errors.js';
import { runningSubsidies } from '../campaigns/campaigns.service.js';
import { claimParams, couponRedemptionSchema, shopPromotionsSchema, couponTemplateSchema, createCouponTemplateBody, walletCouponSchema } from './coupons.schema.js';
import * as coupons from './coupons.service.js';

export const couponRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['coupons'];
  app.get('/coupon-templates', { schema: { tags, operationId: 'listCouponTemplates', summary: 'Coupon templates with their budget use, newest first', response: { 200: itemsOf(couponTemplateSchema) } } }, async (req) =>
    ({ items: await coupons.listTemplates(db, requirePermission(req, 'campaigns.read')) }));
  app.get('/coupon-templates/:id', { schema: { tags, operationId: 'getCouponTemplate', summary: 'A coupon template, its guard verdict and budget use', params: idParams, response: { 200: couponTemplateSchema } } }, async (req) =>
    coupons.getTemplate(db, requirePermission(req, 'campaigns.read'), req.params.id));
  app.get('/coupon-templates/:id/redemptions', { schema: { tags, operationId: 'listCouponRedemptions', summary: 'A template\'s uses by orders, newest first (returned ones with the time)', params: idParams, response: { 200: itemsOf(couponRedemptionSchema) } } }, async (req) =>
    ({ items: await coupons.templateRedemptions(db, requirePermission(req, 'campaigns.read'), req.params.id) }));
  app.post('/coupon-templates', { schema: { tags, operationId: 'createCouponTemplate', summary: 'Create a coupon template, checked by the economics guard', body: createCouponTemplateBody, response: { 201: couponTemplateSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => coupons.createTemplate(tx, clock, actor, req.body)));
  });
  app.post('/coupon-templates/:id/end', { schema: { tags, operationId: 'endCouponTemplate', summary: 'End a coupon template: no more claims or uses', params: idParams, response: { 200: couponTemplateSchema } } }, async (req) =>
    coupons.endTemplate(db, requirePermission(req, 'campaigns.write'), req.params.id));

  // The buyer's side.
  app.get('/shops/:slug/promotions', { schema: { tags: ['shop'], operationId: 'getShopPromotions', summary: 'A shop\'s running subsidies and the coupons its buyers may claim now (with the buyer\'s token: how many they hold)', params: slugParams, security: [{ bearer: [] }, {}], response: { 200: shopPromotionsSchema } } }, async (req) => {
    const node = await resolveShop(db, req.params.slug);
    const actor = req.actor;
    const customerId = actor?.role === 'consumer' && actor.tenantId === node.tenant_id ? customerIdOf(actor)! : null;
    const now = clock.now();
    const [subsidies, offers] = await Promise.all([runningSubsidies(db, node.tenant_id, node.id, now), coupons.claimableTemplates(db, node.tenant_id, node.id, customerId, now)]);
    return { subsidies, coupons: offers };
  });
  app.post('/shops/:slug/coupons/:templateId/claim', { schema: { tags: ['shop'], operationId: 'claimCoupon', summary: 'Claim a coupon into the buyer\'s wallet (within the personal limit)', params: claimParams, response: { 201: walletCouponSchema } } }, async (req, reply) => {
    const actor = requireActor(req, ['consumer']);
    const node = await resolveShop(db, req.params.slug);
    if (node.tenant_id !== actor.tenantId) throw bNodeError('shop_not_found');
    const customerId = customerIdOf(actor)!;
    return reply.status(201).send(await inTransaction(db, (tx) => coupons.issueCoupon(tx, clock.now(), actor.tenantId, req.params.templateId, customerId, 'claim', node.id)));
  });
  app.get('/wallet/coupons', { schema: { tags: ['shop'], operationId: 'listWalletCoupons', summary: 'The buyer\'s coupons: usable first, then used and expired', response: { 200: itemsOf(walletCouponSchema) } } }, async (req) => {
    const actor = requireActor(req, ['consumer']);
    return { items: await coupons.wallet(db, actor.tenantId, customerIdOf(actor)!, clock.now()) };
  });
};
