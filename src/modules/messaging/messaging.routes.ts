import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { listMessagesQuery, putSmsSettingsBody, smsMessageSchema, smsSettingsSchema } from './messaging.schema.js';
import { listMessages, putSmsSettings, smsSettings, type Messaging } from './messaging.service.js';

export function messagingRoutes(messaging: Messaging): RouteModule<Database> {
  return (app, { db }) => {
    const tags = ['messaging'];
    app.get('/messages', { schema: { tags, operationId: 'listMessages', summary: 'Text messages sent to customers, newest first (the sandbox provider\'s outbox shows their text)', querystring: listMessagesQuery, response: { 200: itemsOf(smsMessageSchema) } } }, async (req) =>
      ({ items: await listMessages(db, requirePermission(req, 'messages.manage').tenantId, req.query.limit) }));
    app.get('/messaging/sms-settings', { schema: { tags, operationId: 'getSmsSettings', summary: 'The tenant\'s SMS provider (the secret is never returned)', response: { 200: smsSettingsSchema } } }, async (req) =>
      smsSettings(db, messaging, requirePermission(req, 'messages.manage').tenantId));
    app.put('/messaging/sms-settings', { schema: { tags, operationId: 'putSmsSettings', summary: 'Choose the tenant\'s SMS provider and store its credentials (the secret is write-only; leave it out to keep the stored one)', body: putSmsSettingsBody, response: { 200: smsSettingsSchema } } }, async (req) =>
      putSmsSettings(db, messaging, requirePermission(req, 'messages.manage').tenantId, req.body));
  };
}
