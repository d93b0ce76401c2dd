import { z } from 'zod';
import type { Database } from '../../database.js';
import { requirePermission } from '../../platform/http/auth.js';
import type { RouteModule } from '../../platform/http/server.js';
import { itemsOf } from '../../platform/http/schemas.js';
import { pickGroups, pickMembers, pickStores } from './pickers.service.js';

const pickerQuery = z.object({
  q: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
}).strict();

const memberPickSchema = z.object({ userid: z.string(), name: z.string(), b_node_id: z.string().nullable(), b_node_name: z.string().nullable(), status: z.enum(['active', 'left']) }).meta({ id: 'ReachMember' });
const groupPickSchema = z.object({
  id: z.string(), chat_id: z.string(), name: z.string(), owner_userid: z.string().nullable(), owner_name: z.string().nullable(), b_node_id: z.string().nullable(), member_count: z.number().int(),
}).meta({ id: 'ReachGroup' });
const storePickSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'ReachStore' });

/** The reach screens' pickers: members and stores found by name (or id), within the actor's node for node roles. */
export const reachPickerRoutes: RouteModule<Database> = (app, { db }) => {
  const tags = ['live-codes'];
  app.get('/reach/members', { schema: { tags, operationId: 'listReachMembers', summary: 'Active WeCom members by name or userid, with their store (a node role: its node\'s only); with include_left, those who left too (a handover\'s source)', querystring: pickerQuery.extend({ b_node_id: z.string().min(1).max(64).optional(), include_left: z.enum(['true', 'false']).transform((v) => v === 'true').optional() }), response: { 200: itemsOf(memberPickSchema) } } }, async (req) =>
    ({ items: await pickMembers(db, requirePermission(req, 'reach.read'), req.query) }));
  app.get('/reach/stores', { schema: { tags, operationId: 'listReachStores', summary: 'The stores (B nodes) the user may act for, by name or id (a node role: its own)', querystring: pickerQuery, response: { 200: itemsOf(storePickSchema) } } }, async (req) =>
    ({ items: await pickStores(db, requirePermission(req, 'reach.read'), req.query) }));
  app.get('/reach/groups', { schema: { tags, operationId: 'listReachGroups', summary: 'Active customer groups by name or chat id, of a store or an owner (a node role: its node\'s only)', querystring: pickerQuery.extend({ b_node_id: z.string().min(1).max(64).optional(), owner_userid: z.string().min(1).max(64).optional() }), response: { 200: itemsOf(groupPickSchema) } } }, async (req) =>
    ({ items: await pickGroups(db, requirePermission(req, 'reach.read'), req.query) }));
};
