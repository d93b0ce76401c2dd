import { z } from 'zod';
import type { Database } from '../../database.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { addReceiverBody, idParams, orderProfitSharingSchema, receiverSchema, returnSchema, splitBody, splitSchema } from './profit-sharing.schema.js';
import * as profitSharing from './profit-sharing.service.js';

/** Commission payouts through WeChat Pay profit sharing: tenant admins and platform operators. */
export const profitSharingRoutes: RouteModule<Database> = (app, { db, config }) => {
  const tags = ['profit-sharing'];
  app.get('/profit-sharing/receivers', { schema: { tags, operationId: 'listProfitSharingReceivers', summary: 'B node owners registered as WeChat Pay profit-sharing receivers (names never returned)', response: { 200: itemsOf(receiverSchema) } } }, async (req) =>
    ({ items: await profitSharing.listReceivers(db, requirePermission(req, 'profit_sharing.manage').tenantId) }));

  app.post('/profit-sharing/receivers', { schema: { tags, operationId: 'addProfitSharingReceiver', summary: 'Register a B node\'s owner as a receiver (sent to WeChat Pay by a job; the name goes encrypted)', body: addReceiverBody, response: { 201: receiverSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'profit_sharing.manage');
    return reply.status(201).send(await inTransaction(db, (tx) => profitSharing.addReceiver(tx, config.secretKey, actor.tenantId, req.body)));
  });

  app.delete('/profit-sharing/receivers/:id', { schema: { tags, operationId: 'removeProfitSharingReceiver', summary: 'Remove a receiver (deleted at WeChat Pay by a job)', params: idParams, response: { 200: receiverSchema } } }, async (req) => {
    const actor = requirePermission(req, 'profit_sharing.manage');
    return inTransaction(db, (tx) => profitSharing.removeReceiver(tx, actor.tenantId, req.params.id));
  });

  app.get('/profit-sharing/orders', { schema: { tags, operationId: 'listProfitSharingOrders', summary: 'Recent splits and unfreezes, newest first', response: { 200: itemsOf(splitSchema) } } }, async (req) =>
    ({ items: await profitSharing.recentProfitSharing(db, requirePermission(req, 'profit_sharing.manage').tenantId) }));

  app.get('/orders/:id/profit-sharing', { schema: { tags, operationId: 'getOrderProfitSharing', summary: 'An order\'s split, unfreezes and returns', params: idParams, response: { 200: orderProfitSharingSchema } } }, async (req) =>
    profitSharing.orderProfitSharing(db, requirePermission(req, 'profit_sharing.manage').tenantId, req.params.id));

  app.post('/orders/:id/profit-sharing/split', { schema: { tags, operationId: 'splitOrderCommission', summary: 'Pay the order\'s B-node commission out of its WeChat Pay funds (one split per order; asking again returns it)', params: idParams, body: splitBody, response: { 200: splitSchema } } }, async (req) => {
    const actor = requirePermission(req, 'profit_sharing.manage');
    return inTransaction(db, (tx) => profitSharing.requestSplit(tx, actor.tenantId, req.params.id, req.body));
  });

  app.post('/orders/:id/profit-sharing/unfreeze', { schema: { tags, operationId: 'unfreezeOrderFunds', summary: 'Release the order\'s unsplit funds to the merchant', params: idParams, body: z.object({}).strict(), response: { 200: splitSchema } } }, async (req) => {
    const actor = requirePermission(req, 'profit_sharing.manage');
    return inTransaction(db, (tx) => profitSharing.requestUnfreeze(tx, actor.tenantId, req.params.id));
  });

  app.post('/orders/:id/profit-sharing/return', { schema: { tags, operationId: 'returnOrderCommission', summary: 'After a refund, take back the commission the order no longer carries', params: idParams, body: z.object({}).strict(), response: { 200: returnSchema } } }, async (req) => {
    const actor = requirePermission(req, 'profit_sharing.manage');
    return inTransaction(db, (tx) => profitSharing.requestReturn(tx, actor.tenantId, req.params.id));
  });
};
