import type { Database } from '../../database.js';
import type { RouteModule } from '../../platform/http/server.js';
import { inTransaction } from '../../platform/db/database.js';
import { requirePermission } from '../../platform/http/auth.js';
import { itemsOf } from '../../platform/http/schemas.js';
import {
  addTagBody, alertListQuery, churnAlertSchema, createTagGroupBody, customerDetailSchema, customerListQuery, customerListSchema, groupDetailSchema,
  groupListQuery, groupRowSchema, idParams, renameBody, revealedPhoneSchema, syncStartedSchema, tagCustomerBody, tagGroupSchema, tagNamesSchema,
} from './crm.schema.js';
import * as views from './crm-views.service.js';
import { phoneVault } from '../customers/customer-phones.service.js';
import * as tags from './crm-tags.service.js';
import { z } from 'zod';

export const crmRoutes: RouteModule<Database> = (app, { db, clock, config }) => {
  const t = ['crm'];

  app.get('/customers', { schema: { tags: t, operationId: 'listCrmCustomers', summary: 'Customers by tag, owner, B node, group, last order and spend, newest first (phones masked)', description: 'Node roles see their node\'s customers and those following one of its members or themselves.', querystring: customerListQuery, response: { 200: customerListSchema } } }, async (req) =>
    views.listCustomers(db, requirePermission(req, 'customers.read'), req.query));

  app.get('/customers/:id', { schema: { tags: t, operationId: 'getCrmCustomer', summary: 'A customer: identities, follows, tags, groups, timeline and recent orders (phone masked)', params: idParams, response: { 200: customerDetailSchema } } }, async (req) =>
    views.getCustomer(db, requirePermission(req, 'customers.read'), req.params.id));

  app.post('/customers/:id/phone', { schema: { tags: t, operationId: 'revealCustomerPhone', summary: 'A tenant admin reveals a customer\'s phone; the look is audited', params: idParams, response: { 200: revealedPhoneSchema } } }, async (req) => {
    const actor = requirePermission(req, 'customers.phone.reveal');
    return inTransaction(db, (tx) => views.revealPhone(tx, phoneVault(config.secretKey), actor, req.params.id));
  });

  app.post('/customers/:id/tags', { schema: { tags: t, operationId: 'tagCrmCustomer', summary: 'Add and remove tags of a customer (marked in WeCom on each member who follows them)', params: idParams, body: tagCustomerBody, response: { 200: tagNamesSchema } } }, async (req) => {
    const actor = requirePermission(req, 'customers.tag');
    return inTransaction(db, async (tx) => {
      await views.assertVisibleCustomer(tx, actor, req.params.id);
      return tags.tagCustomer(tx, actor.tenantId, req.params.id, req.body, clock.now());
    });
  });

  app.get('/customer-tags', { schema: { tags: t, operationId: 'listCustomerTags', summary: 'Tag groups and their tags', response: { 200: itemsOf(tagGroupSchema) } } }, async (req) =>
    ({ items: await tags.listTags(db, requirePermission(req, 'customers.read').tenantId) }));

  app.post('/customer-tag-groups', { schema: { tags: t, operationId: 'createCustomerTagGroup', summary: 'A tag group with its tags (created in WeCom after commit)', body: createTagGroupBody, response: { 201: tagGroupSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'customers.manage');
    const made = await inTransaction(db, (tx) => tags.createTagGroup(tx, actor.tenantId, req.body));
    reply.code(201);
    return (await tags.listTags(db, actor.tenantId)).find((g) => g.id === made.id)!;
  });

  app.post('/customer-tag-groups/:id/tags', { schema: { tags: t, operationId: 'addCustomerTag', summary: 'A tag in a group (created in WeCom after commit)', params: idParams, body: addTagBody, response: { 201: z.object({ id: z.string(), name: z.string() }) } } }, async (req, reply) => {
    const actor = requirePermission(req, 'customers.manage');
    const made = await inTransaction(db, (tx) => tags.addTag(tx, actor.tenantId, req.params.id, req.body.name));
    reply.code(201);
    return made;
  });

  for (const kind of ['tag', 'tag_group'] as const) {
    const path = kind === 'tag' ? '/customer-tags/:id' : '/customer-tag-groups/:id';
    const noun = kind === 'tag' ? 'CustomerTag' : 'CustomerTagGroup';
    app.patch(path, { schema: { tags: t, operationId: `rename${noun}`, summary: `Rename a ${kind === 'tag' ? 'tag' : 'tag group'} (in WeCom too)`, params: idParams, body: renameBody, response: { 204: z.undefined().describe('Renamed') } } }, async (req, reply) => {
      const actor = requirePermission(req, 'customers.manage');
      await inTransaction(db, (tx) => tags.renameTag(tx, actor.tenantId, kind, req.params.id, req.body.name));
      return reply.status(204).send();
    });
    app.delete(path, { schema: { tags: t, operationId: `delete${noun}`, summary: `Delete a ${kind === 'tag' ? 'tag' : 'tag group and its tags'}: customers lose it, WeCom too`, params: idParams, response: { 204: z.undefined().describe('Deleted') } } }, async (req, reply) => {
      const actor = requirePermission(req, 'customers.manage');
      await inTransaction(db, (tx) => tags.deleteTag(tx, actor.tenantId, kind, req.params.id, clock.now()));
      return reply.status(204).send();
    });
  }

  app.get('/customer-groups', { schema: { tags: t, operationId: 'listCustomerGroups', summary: 'WeCom customer groups (of the actor\'s node for node roles)', querystring: groupListQuery, response: { 200: itemsOf(groupRowSchema) } } }, async (req) =>
    views.listGroups(db, requirePermission(req, 'customers.read'), req.query));

  app.get('/customer-groups/:id', { schema: { tags: t, operationId: 'getCustomerGroup', summary: 'A customer group with its members, their orders and spend, and their recent orders', params: idParams, response: { 200: groupDetailSchema } } }, async (req) =>
    views.getGroup(db, requirePermission(req, 'customers.read'), req.params.id));

  app.get('/churn-alerts', { schema: { tags: t, operationId: 'listChurnAlerts', summary: 'Customers who deleted a member: open alerts (or all), of the actor\'s node for node roles', querystring: alertListQuery, response: { 200: itemsOf(churnAlertSchema) } } }, async (req) =>
    views.listAlerts(db, requirePermission(req, 'customers.read'), req.query.open));

  app.post('/churn-alerts/:id/acknowledge', { schema: { tags: t, operationId: 'acknowledgeChurnAlert', summary: 'Mark a churn alert seen', params: idParams, response: { 200: churnAlertSchema } } }, async (req) => {
    const actor = requirePermission(req, 'customers.read');
    return inTransaction(db, (tx) => views.acknowledgeAlert(tx, actor, req.params.id, clock.now()));
  });

  app.post('/crm/sync', { schema: { tags: t, operationId: 'startCrmSync', summary: 'Sync members, customers, tags and groups from WeCom (first connection; a job)', response: { 202: syncStartedSchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'customers.manage');
    const started = await inTransaction(db, (tx) => views.startFullSync(tx, actor));
    reply.code(202);
    return started;
  });
};
