import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';

const ref = z.string().min(1).max(64);
const list = (item: z.ZodString) => z.union([z.array(item), item.transform((s) => s.split(',').filter(Boolean))]).pipe(z.array(item).max(50));

/**
 * Which customers: every condition given must hold. Tags: any of `tags_any`, all of `tags_all`.
 * `owner` is a WeCom member (userid) the customer follows now; `group` a customer group they are
 * in now; the order conditions read paid orders (spend is paid less refunded, in fen).
 */
export const customerFilter = z.object({
  tags_any: list(ref).optional(),
  tags_all: list(ref).optional(),
  b_node_id: ref.optional(),
  owner: ref.optional().describe('A WeCom member userid the customer currently follows'),
  group_id: ref.optional().describe('A customer group the customer is in now'),
  last_order_before: z.coerce.date().optional(),
  last_order_after: z.coerce.date().optional(),
  min_spend: z.coerce.number().int().min(0).optional().describe('Fen: paid less refunded, at least'),
  q: z.string().max(64).optional().describe('Part of the name or of the remark a member gave'),
}).strict();
export type CustomerFilter = z.infer<typeof customerFilter>;

export const customerListQuery = customerFilter.extend({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();
export type CustomerListQuery = z.infer<typeof customerListQuery>;

export const idParams = z.object({ id: ref });

const tagRef = z.object({ id: z.string(), name: z.string() });
const ownerRef = z.object({ userid: z.string(), name: z.string() });

/** A phone as everyone but tenant admins revealing it sees it: 138****5678. */
export const maskedPhone = z.string().nullable().describe('Masked: the first three and last four digits (138****5678)');

export const customerRowSchema = z.object({
  id: z.string(), name: z.string(), phone: maskedPhone, b_node_id: z.string().nullable(), b_node_name: z.string().nullable(), channel: z.string().nullable(),
  tags: z.array(tagRef), owners: z.array(ownerRef).describe('The WeCom members the customer follows now'),
  orders: z.number().int(), spend: money, last_order_at: timestamp.nullable(), created_at: timestamp,
}).meta({ id: 'CrmCustomerRow' });
export const customerListSchema = z.object({ items: z.array(customerRowSchema), next_offset: z.number().int().nullable() }).meta({ id: 'CrmCustomerList' });

export const timelineEntrySchema = z.object({
  id: z.string(), kind: z.string(), userid: z.string().nullable(), member_name: z.string().nullable(), data: z.record(z.string(), z.unknown()), occurred_at: timestamp,
}).meta({ id: 'CustomerTimelineEntry' });

export const customerDetailSchema = customerRowSchema.extend({
  identities: z.array(z.object({ provider: z.string(), subject: z.string().describe('A phone is masked like the phone'), created_at: timestamp })),
  follows: z.array(z.object({
    userid: z.string(), member_name: z.string(), external_userid: z.string(), remark: z.string(), state: z.string().nullable(),
    added_at: timestamp, ended_at: timestamp.nullable(), ended_by: z.enum(['member', 'customer', 'transfer']).nullable(),
  })),
  groups: z.array(z.object({ id: z.string(), name: z.string(), join_scene: z.number().int().nullable(), join_time: timestamp.nullable() })),
  timeline: z.array(timelineEntrySchema),
  recent_orders: z.array(z.object({ id: z.string(), number: z.string(), status: z.string(), total: money, refunded_total: money, created_at: timestamp, paid_at: timestamp.nullable() })),
}).meta({ id: 'CrmCustomer' });

export const tagCustomerBody = z.object({ add: z.array(ref).max(50).default([]), remove: z.array(ref).max(50).default([]) }).strict();
export const tagNamesSchema = z.object({ added: z.array(z.string()), removed: z.array(z.string()) });

const tagName = z.string().trim().min(1).max(30);
export const createTagGroupBody = z.object({ name: tagName, tags: z.array(tagName).max(100).default([]) }).strict();
export const addTagBody = z.object({ name: tagName }).strict();
export const renameBody = z.object({ name: tagName }).strict();
export const tagGroupSchema = z.object({
  id: z.string(), name: z.string(), wecom_id: z.string().nullable().describe('Null until WeCom has it (pushed after commit)'),
  tags: z.array(z.object({ id: z.string(), name: z.string(), wecom_id: z.string().nullable() })),
}).meta({ id: 'CustomerTagGroup' });

export const groupListQuery = z.object({ b_node_id: ref.optional(), status: z.enum(['active', 'dismissed']).default('active') }).strict();
export const groupRowSchema = z.object({
  id: z.string(), chat_id: z.string(), name: z.string(), owner_userid: z.string().nullable(), owner_name: z.string().nullable(),
  b_node_id: z.string().nullable(), member_count: z.number().int(), customers: z.number().int().describe('Members who are known customers'),
  status: z.enum(['active', 'dismissed']), updated_at: timestamp,
}).meta({ id: 'CustomerGroupRow' });
export const groupDetailSchema = groupRowSchema.extend({
  notice: z.string(),
  members: z.array(z.object({
    member_key: z.string(), member_type: z.number().int().describe('1 a WeCom member, 2 an external contact'), customer_id: z.string().nullable(), name: z.string().nullable(),
    join_time: timestamp.nullable(), join_scene: z.number().int().nullable(), orders: z.number().int(), spend: money,
  })),
  orders: z.array(z.object({ id: z.string(), number: z.string(), customer_id: z.string(), customer_name: z.string(), status: z.string(), total: money, created_at: timestamp })),
}).meta({ id: 'CustomerGroup' });

export const alertListQuery = z.object({ open: z.enum(['true', 'false']).default('true').transform((v) => v === 'true') }).strict();
export const churnAlertSchema = z.object({
  id: z.string(), customer_id: z.string(), customer_name: z.string(), userid: z.string(), member_name: z.string(), b_node_id: z.string().nullable(),
  raised_at: timestamp, acknowledged_at: timestamp.nullable(),
}).meta({ id: 'ChurnAlert' });
export const syncStartedSchema = z.object({ queued: z.boolean() });
export const revealedPhoneSchema = z.object({ phone: z.string().nullable() });
