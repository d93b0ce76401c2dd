import { z } from 'zod';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission, type Actor } from '../../platform/http/auth.js';
import { perAddressLimit } from '../../platform/http/security.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { slugParams } from '../b-nodes/b-nodes.schema.js';
import { getBNode, resolveShop } from '../b-nodes/b-nodes.service.js';
import { layoutQuery, type PickListDetail } from '../fulfilment/fulfilment.schema.js';
import { pickListHtml, pickListXlsx, timeZoneOf, type PrintLang } from '../fulfilment/fulfilment.service.js';
import { announceArrival, verifyPickup } from '../../flows/pickup-day.flow.js';
import {
  arrivedBody, arrivedResult, createPresaleBody, pickupDayQuery, pickupDaySchema, presaleSchema, presaleSettingsBody, presaleSettingsSchema,
  shopPresaleSchema, verifyPickupBody, verifyPickupResult, type PickupDay,
} from './presales.schema.js';
import * as presales from './presales.service.js';

const printQuery = layoutQuery.extend({ lang: z.enum(['zh-CN', 'en']).default('zh-CN'), b_node_id: z.string().min(1).max(64).optional(), date: z.iso.date().optional() }).strict();
const STYLESHEETS = { a4: '/api/v1/fulfilment/print-a4.css', receipt: '/api/v1/fulfilment/print-receipt.css' } as const;

/** The leader's day read as a pick list, so it prints and exports as pick lists do. */
function asPickList(day: PickupDay, now: Date): PickListDetail {
  const units = day.by_product.reduce((a, p) => a + p.quantity, 0);
  return {
    id: `pickup-${day.date}`, window_id: '', window_name: day.today ? '今日自提 Today’s pickups' : `${day.date} 到货自提 Pickups arrived`, cutoff_at: now,
    b_node_id: day.b_node_id, b_node_name: day.b_node_name, pickup_address: day.pickup_address, pickup_hours: day.pickup_hours,
    order_count: day.orders.length, units, units_at_cutoff: units, created_at: now,
    items: day.by_product.filter((p) => p.quantity > 0).map((p) => ({ sku_id: p.sku_id, sku_code: p.sku_code, title: p.title, quantity: p.quantity })),
    orders: day.orders.map((o) => ({
      order_id: o.order_id, number: o.number, customer_name: o.customer_name, phone_tail: o.phone_tail,
      lines: o.lines.filter((l) => l.quantity > l.picked).map((l) => ({ line_no: l.line_no, sku_code: l.sku_code, title: l.title, quantity: l.quantity - l.picked })),
    })).filter((o) => o.lines.length > 0),
  };
}

export const presaleRoutes: RouteModule<Database> = (app, { db, clock, config }) => {
  const tags = ['presales'];
  app.post('/presales', { schema: { tags, operationId: 'createPresale', summary: 'Start a pre-sale (社区团购): SKUs sold until a sales window\'s cutoff', body: createPresaleBody, response: { 201: presaleSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'campaigns.write');
    return reply.status(201).send(await inTransaction(db, (tx) => presales.createPresale(tx, clock, actor, req.body)));
  });
  app.get('/presales', { schema: { tags, operationId: 'listPresales', summary: 'Pre-sales with their cutoff and progress per product', response: { 200: itemsOf(presaleSchema) } } }, async (req) =>
    ({ items: await presales.listPresales(db, clock, requirePermission(req, 'campaigns.read')) }));
  app.get('/presales/:id', { schema: { tags, operationId: 'getPresale', summary: 'A pre-sale with its progress per product', params: idParams, response: { 200: presaleSchema } } }, async (req) =>
    presales.getPresale(db, clock, requirePermission(req, 'campaigns.read'), req.params.id));
  app.get('/presale-settings', { schema: { tags, operationId: 'getPresaleSettings', summary: 'The tenant\'s no-show rule', response: { 200: presaleSettingsSchema } } }, async (req) =>
    presales.presaleSettings(db, requirePermission(req, 'orders.fulfil').tenantId));
  app.put('/presale-settings', { schema: { tags, operationId: 'putPresaleSettings', summary: 'Set the no-show rule: hold the goods, or refund them N days after arrival', body: presaleSettingsBody, response: { 200: presaleSettingsSchema } } }, async (req) =>
    presales.putPresaleSettings(db, clock, requirePermission(req, 'after_sales.settings.write'), req.body));

  app.get('/shops/:slug/presales', { schema: { tags, operationId: 'getShopPresales', summary: 'A shop\'s pre-sales taking orders now: cutoff, progress, a few masked buyers', params: slugParams, security: [], response: { 200: itemsOf(shopPresaleSchema) } } }, async (req) => {
    const node = await resolveShop(db, req.params.slug);
    return { items: await presales.shopPresales(db, clock, { tenant_id: node.tenant_id, b_node_id: node.id }) };
  });

  const day = async (actor: Actor, bNodeId: string | undefined, date?: string) => {
    const nodeId = presales.pickupPointOf(actor, bNodeId);
    const node = await getBNode(db, actor, nodeId);
    return presales.pickupDay(db, clock, actor.tenantId, nodeId, { b_node_name: node.name, pickup_address: node.pickup_address, pickup_hours: node.pickup_hours ?? '' },
      { timeZone: await timeZoneOf(db, actor), date });
  };
  app.get('/pickup-day', { schema: { tags, operationId: 'getPickupDay', summary: 'The leader\'s day: orders that arrived at the pickup point on a date (default today, with those on their way) by buyer and by product; earlier arrivals still waiting apart', querystring: pickupDayQuery, response: { 200: pickupDaySchema } } }, async (req) =>
    day(requirePermission(req, 'orders.fulfil'), req.query.b_node_id, req.query.date));
  app.get('/pickup-day/print', { schema: { hide: true, querystring: printQuery } }, async (req, reply) => {
    const actor = requirePermission(req, 'orders.fulfil');
    const list = asPickList(await day(actor, req.query.b_node_id, req.query.date), clock.now());
    const html = pickListHtml(list, { layout: req.query.layout, lang: req.query.lang as PrintLang, timeZone: await timeZoneOf(db, actor), stylesheet: STYLESHEETS[req.query.layout], now: clock.now() });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
  app.get('/pickup-day/export.xlsx', { schema: { hide: true, querystring: pickupDayQuery } }, async (req, reply) => {
    const list = asPickList(await day(requirePermission(req, 'orders.fulfil'), req.query.b_node_id, req.query.date), clock.now());
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${list.id}.xlsx"`).header('cache-control', 'no-store').send(await pickListXlsx(list));
  });
  app.post('/pickup-day/verify', { config: perAddressLimit(config.limits, config.limits.pickup), schema: { tags, operationId: 'verifyPickup', summary: 'Verify a buyer\'s pickup QR or typed code (核销) and hand out all or part of the order', description: 'Wrong codes count toward the order\'s lock as at POST /orders/{id}/pickup (429 pickup_code_locked).', body: verifyPickupBody, response: { 200: verifyPickupResult } } }, async (req) => {
    const actor = requirePermission(req, 'orders.fulfil');
    const nodeId = presales.pickupPointOf(actor, req.body.b_node_id);
    await getBNode(db, actor, nodeId);
    return verifyPickup(db, clock, config.limits, actor, nodeId, req.body);
  });
  app.post('/pickup-day/arrived', { schema: { tags, operationId: 'announceArrival', summary: 'The goods arrived: mark the orders arrived and tell their buyers (once a day each)', body: arrivedBody, response: { 200: arrivedResult } } }, async (req) => {
    const actor = requirePermission(req, 'orders.fulfil');
    const nodeId = presales.pickupPointOf(actor, req.body.b_node_id);
    await getBNode(db, actor, nodeId);
    return inTransaction(db, (tx) => announceArrival(tx, clock, actor, nodeId, req.body.order_ids));
  });
};
