import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const groupBuyStatusSchema = z.enum(['active', 'ended']).meta({ id: 'GroupBuyStatus' });
export type GroupBuyStatus = z.infer<typeof groupBuyStatusSchema>;
/** pending: the opener has not paid (nobody else sees it); open: joinable until expires_at; formed; failed (members refunded). */
export const groupStatusSchema = z.enum(['pending', 'open', 'formed', 'failed']).meta({ id: 'GroupStatus' });
export type GroupStatus = z.infer<typeof groupStatusSchema>;
export const memberStatusSchema = z.enum(['pending', 'paid', 'released', 'refunded']).meta({ id: 'GroupMemberStatus' });
export type MemberStatus = z.infer<typeof memberStatusSchema>;

export const createGroupBuyBody = z.object({
  name: z.string().trim().min(1).max(128),
  b_node_id: id,
  sku_id: id,
  group_size: z.number().int().min(2).max(50),
  timer_minutes: z.number().int().min(5).max(10080).default(1440),
  opener_price: fenAmount.min(1),
  member_price: fenAmount.min(1),
  per_customer_limit: z.number().int().min(1).max(99).default(1),
  stock_cap: z.number().int().min(2).max(1_000_000),
  form_at_pct: z.number().int().min(1).max(99).nullable().default(null)
    .describe('Disclosed: at expiry a group with at least this share of members paid forms anyway; the missing members\' price concession is booked as the operator\'s subsidy'),
  starts_at: z.iso.datetime({ offset: true }),
  ends_at: z.iso.datetime({ offset: true }),
  override: z.object({ reason: z.string().trim().min(5).max(1000) }).strict().optional(),
}).strict().refine((b) => Date.parse(b.ends_at) > Date.parse(b.starts_at), { message: 'ends_at must be after starts_at', path: ['ends_at'] });
export type CreateGroupBuyInput = z.infer<typeof createGroupBuyBody>;

export const groupBuySchema = z.object({
  id: z.string(), name: z.string(), b_node_id: z.string(), sku_id: z.string(),
  group_size: z.number().int(), timer_minutes: z.number().int(), opener_price: money, member_price: money,
  per_customer_limit: z.number().int(), stock_cap: z.number().int(), taken: z.number().int(),
  form_at_pct: z.number().int().nullable(), subsidy_booked: money,
  starts_at: timestamp, ends_at: timestamp, status: groupBuyStatusSchema,
  verdict: storedVerdictSchema, guard: guardSummarySchema.nullable(), override_reason: z.string().nullable(),
}).meta({ id: 'GroupBuy' });

export const groupBuyResultsSchema = groupBuySchema.extend({
  groups: z.object({ pending: z.number().int(), open: z.number().int(), formed: z.number().int(), failed: z.number().int() }),
  members_paid: z.number().int(),
  members_refunded: z.number().int(),
  refunded_amount: money,
}).meta({ id: 'GroupBuyResults' });

/** A group as buyers see it: members' names masked, slots left and its clock. */
export const shopGroupSchema = z.object({
  id: z.string(), group_buy_id: z.string(), status: groupStatusSchema, size: z.number().int(),
  members: z.array(z.object({ name: z.string(), role: z.enum(['opener', 'member']), paid: z.boolean() })),
  slots_left: z.number().int(), expires_at: timestamp.nullable(),
}).meta({ id: 'ShopGroup' });

export const shopGroupBuySchema = z.object({
  id: z.string(), name: z.string(), sku_id: z.string(), product_id: z.string(), title: z.string(), sku_name: z.string(),
  list_price: money, opener_price: money, member_price: money, group_size: z.number().int(), timer_minutes: z.number().int(),
  per_customer_limit: z.number().int(), form_at_pct: z.number().int().nullable(), left: z.number().int(),
  starts_at: timestamp, ends_at: timestamp, open_groups: z.array(shopGroupSchema),
}).meta({ id: 'ShopGroupBuy' });

export const shopGroupParams = z.object({ slug: z.string().min(1).max(63), groupId: id });
