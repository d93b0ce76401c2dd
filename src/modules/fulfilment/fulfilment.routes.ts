import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { idParams } from '../catalog/catalog.schema.js';
import { confirmPurchaseOrder } from '../../flows/short-shipment.flow.js';
import { runCutoff } from '../../flows/cutoff.flow.js';
import {
  confirmPurchaseOrderBody, createWindowBody, cutoffResultSchema, layoutQuery, pickListDetailSchema, pickListQuery, pickListSchema,
  purchaseOrderDetailSchema, purchaseOrderListQuery, purchaseOrderSchema, salesWindowSchema, subOrderSchema, windowListQuery,
} from './fulfilment.schema.js';
import { A4_CSS, RECEIPT_CSS, pickListHtml, purchaseOrderHtml, type PrintLang } from './fulfilment.print.js';
import { pickListXlsx, purchaseOrderXlsx } from './fulfilment.export.js';
import * as fulfilment from './fulfilment.service.js';

const printQuery = layoutQuery.extend({ lang: z.enum(['zh-CN', 'en']).default('zh-CN') }).strict();
const STYLESHEETS = { a4: '/api/v1/fulfilment/print-a4.css', receipt: '/api/v1/fulfilment/print-receipt.css' } as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function html(reply: FastifyReply, body: string) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}
function xlsx(reply: FastifyReply, name: string, body: Buffer) {
  return reply.type(XLSX).header('content-disposition', `attachment; filename="${name}.xlsx"`).header('cache-control', 'no-store').send(body);
}

export const fulfilmentRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const tags = ['fulfilment'];

  app.get('/sales-windows', { schema: { tags, operationId: 'listSalesWindows', summary: 'Sales windows, latest cutoff first', querystring: windowListQuery, response: { 200: itemsOf(salesWindowSchema) } } }, async (req) =>
    ({ items: await fulfilment.listWindows(db, requirePermission(req, 'sales_windows.manage'), req.query.status) }));
  app.post('/sales-windows', { schema: { tags, operationId: 'createSalesWindow', summary: 'Open a sales window; its cutoff is a time of day in the tenant\'s time zone', description: 'Without cutoff_date the cutoff is the next occurrence of cutoff_time. A daily window opens its successor (same time the next day) when it is cut off.', body: createWindowBody, response: { 201: salesWindowSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'sales_windows.manage');
    return reply.status(201).send(await inTransaction(db, (tx) => fulfilment.createWindow(tx, clock, actor, req.body)));
  });
  app.get('/sales-windows/:id', { schema: { tags, operationId: 'getSalesWindow', summary: 'A sales window with what its cutoff produced', params: idParams, response: { 200: salesWindowSchema } } }, async (req) =>
    fulfilment.getWindow(db, requirePermission(req, 'sales_windows.manage'), req.params.id));
  app.post('/sales-windows/:id/cutoff', { schema: { tags, operationId: 'cutOffSalesWindow', summary: 'Cut a window off now: paid demand into purchase orders and pick lists', description: 'Idempotent: a window already cut off answers ran=false and writes nothing.', params: idParams, response: { 200: cutoffResultSchema } } }, async (req) => {
    const actor = requirePermission(req, 'sales_windows.manage');
    return runCutoff(db, clock, actor.tenantId, req.params.id);
  });
  app.post('/sales-windows/:id/cancel', { schema: { tags, operationId: 'cancelSalesWindow', summary: 'Cancel an open window (nothing is aggregated)', params: idParams, response: { 200: salesWindowSchema } } }, async (req) => {
    const actor = requirePermission(req, 'sales_windows.manage');
    return inTransaction(db, (tx) => fulfilment.cancelWindow(tx, actor, req.params.id));
  });

  app.get('/purchase-orders', { schema: { tags, operationId: 'listPurchaseOrders', summary: 'Purchase orders (a supplier sees its own)', querystring: purchaseOrderListQuery, response: { 200: itemsOf(purchaseOrderSchema) } } }, async (req) =>
    ({ items: await fulfilment.listPurchaseOrders(db, requirePermission(req, 'purchase_orders.read'), req.query) }));
  app.get('/purchase-orders/:id', { schema: { tags, operationId: 'getPurchaseOrder', summary: 'A purchase order with its lines and short-shipment refunds', params: idParams, response: { 200: purchaseOrderDetailSchema } } }, async (req) =>
    fulfilment.purchaseOrderDetail(db, requirePermission(req, 'purchase_orders.read'), req.params.id));
  app.post('/purchase-orders/:id/confirm', { schema: { tags, operationId: 'confirmPurchaseOrder', summary: 'Confirm the quantities to ship; a shortfall is refunded to buyers, latest payers first', description: 'Once per purchase order (409 purchase_order_confirmed after). Lines left out ship as ordered. Units confirmed below the buyers\' demand are refunded through the refund flow.', params: idParams, body: confirmPurchaseOrderBody, response: { 200: purchaseOrderDetailSchema } } }, async (req) => {
    const actor = requirePermission(req, 'purchase_orders.confirm');
    await inTransaction(db, (tx) => confirmPurchaseOrder(tx, clock, actor, req.params.id, req.body));
    return fulfilment.purchaseOrderDetail(db, actor, req.params.id);
  });
  app.get('/purchase-orders/:id/print', { schema: { hide: true, params: idParams, querystring: printQuery } }, async (req, reply) => {
    const actor = requirePermission(req, 'purchase_orders.read');
    const po = await fulfilment.purchaseOrderDetail(db, actor, req.params.id);
    return html(reply, purchaseOrderHtml(po, { layout: req.query.layout, lang: req.query.lang as PrintLang, timeZone: await fulfilment.timeZoneOf(db, actor), stylesheet: STYLESHEETS[req.query.layout], now: clock.now() }));
  });
  app.get('/purchase-orders/:id/export.xlsx', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const po = await fulfilment.purchaseOrderDetail(db, requirePermission(req, 'purchase_orders.read'), req.params.id);
    return xlsx(reply, po.number, await purchaseOrderXlsx(po));
  });

  app.get('/pick-lists', { schema: { tags, operationId: 'listPickLists', summary: 'Pick lists per pickup point (a node\'s own for its owner and staff)', querystring: pickListQuery, response: { 200: itemsOf(pickListSchema) } } }, async (req) =>
    ({ items: await fulfilment.listPickLists(db, requirePermission(req, 'pick_lists.read'), req.query) }));
  app.get('/pick-lists/:id', { schema: { tags, operationId: 'getPickList', summary: 'A pick list: units per SKU and what each buyer collects', params: idParams, response: { 200: pickListDetailSchema } } }, async (req) =>
    fulfilment.pickListDetail(db, requirePermission(req, 'pick_lists.read'), req.params.id));
  app.get('/pick-lists/:id/print', { schema: { hide: true, params: idParams, querystring: printQuery } }, async (req, reply) => {
    const actor = requirePermission(req, 'pick_lists.read');
    const pl = await fulfilment.pickListDetail(db, actor, req.params.id);
    return html(reply, pickListHtml(pl, { layout: req.query.layout, lang: req.query.lang as PrintLang, timeZone: await fulfilment.timeZoneOf(db, actor), stylesheet: STYLESHEETS[req.query.layout], now: clock.now() }));
  });
  app.get('/pick-lists/:id/export.xlsx', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const pl = await fulfilment.pickListDetail(db, requirePermission(req, 'pick_lists.read'), req.params.id);
    return xlsx(reply, `pick-list-${pl.id}`, await pickListXlsx(pl));
  });
  // The print pages' rules: public and static, served from this origin so they satisfy style-src 'self'.
  app.get('/fulfilment/print-a4.css', { schema: { hide: true } }, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(A4_CSS));
  app.get('/fulfilment/print-receipt.css', { schema: { hide: true } }, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(RECEIPT_CSS));

  app.get('/orders/:id/sub-orders', { schema: { tags, operationId: 'listSubOrders', summary: 'An order\'s supplier sub-orders (split when it was paid); they sum to the order', params: idParams, response: { 200: itemsOf(subOrderSchema) } } }, async (req) =>
    ({ items: await fulfilment.subOrders(db, requirePermission(req, 'sub_orders.read'), req.params.id) }));
};
