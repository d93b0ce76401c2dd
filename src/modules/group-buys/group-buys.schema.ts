import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const groupBuyStatusSchema = z.enum(['active', 'ended']).meta({ id: 'GroupBuyStatus' });
export type GroupBuyStatus = z.infer<typeof groupBuyStatusSchema>;
/** pending: the opener has not paid (nobody else sees it); open: joinable until expires_at; formed; failed (members refunded). */
export const groupStatusSchema = z.enum(['pending', 'open', 'formed', 'failed']).meta({ id: 'GroupStatus' });
export type GroupStatus = z.infer<typeof groupStatusSchema>;
/** withdrawn: a paid member refunded in full through after-sales (the slot freed when the group had not formed yet). */
export const memberStatusSchema = z.enum(['pending', 'paid', 'released', 'refunded', 'withdrawn']).meta({ id: 'GroupMemberStatus' });
export type MemberStatus = z.infer<typeof memberStatusSchema>;

/** One step of a ladder group: from this many paid members, this price for everyone. */
export const groupTierSchema = z.object({ size: z.number().int().min(2).max(50), price: fenAmount.min(1) }).strict().meta({ id: 'GroupTier' });
export type GroupTier = z.infer<typeof groupTierSchema>;

const ladderOrdered = (tiers: GroupTier[]) => tiers.every((t, i) => i === 0 || (t.size > tiers[i - 1]!.size && t.price < tiers[i - 1]!.price));

export const createGroupBuyBody = z.object({
  name: z.string().trim().min(1).max(128),
  b_node_id: id,
  sku_id: id,
  group_size: z.number().int().min(2).max(50).optional().describe('Required without tiers; with tiers it is the top tier\'s size'),
  timer_minutes: z.number().int().min(5).max(10080).default(1440),
  opener_price: fenAmount.min(1),
  member_price: fenAmount.min(1).optional().describe('Required without tiers; with tiers it is the first tier\'s price'),
  tiers: z.array(groupTierSchema).min(2).max(5).optional()
    .describe('Ladder group (阶梯团): sizes increasing, prices decreasing. Buyers pay the first tier\'s price; the group settles at the highest tier its paid members reach and the difference goes back to each'),
  per_customer_limit: z.number().int().min(1).max(99).default(1),
  stock_cap: z.number().int().min(2).max(1_000_000),
  form_at_pct: z.number().int().min(1).max(99).nullable().default(null)
    .describe('Disclosed: at expiry a group with at least this share of members paid forms anyway; the missing members\' price concession is booked as the operator\'s subsidy'),
  starts_at: z.iso.datetime({ offset: true }),
  ends_at: z.iso.datetime({ offset: true }),
  override: z.object({ reason: z.string().trim().min(5).max(1000) }).strict().optional(),
}).strict().refine((b) => Date.parse(b.ends_at) > Date.parse(b.starts_at), { message: 'ends_at must be after starts_at', path: ['ends_at'] })
  .refine((b) => (b.tiers ? ladderOrdered(b.tiers) : true), { message: 'tier sizes must increase and tier prices decrease', path: ['tiers'] })
  .refine((b) => (b.tiers
    ? (b.group_size === undefined || b.group_size === b.tiers.at(-1)!.size) && (b.member_price === undefined || b.member_price === b.tiers[0]!.price)
    : b.group_size !== undefined && b.member_price !== undefined), { message: 'give group_size and member_price, or tiers (then they are the top tier\'s size and the first tier\'s price)', path: ['tiers'] });
export type CreateGroupBuyInput = z.infer<typeof createGroupBuyBody>;

export const groupBuySchema = z.object({
  id: z.string(), name: z.string(), b_node_id: z.string(), sku_id: z.string(),
  group_size: z.number().int(), timer_minutes: z.number().int(), opener_price: money, member_price: money,
  per_customer_limit: z.number().int(), stock_cap: z.number().int(), taken: z.number().int(),
  form_at_pct: z.number().int().nullable(), subsidy_booked: money, tiers: z.array(groupTierSchema).nullable(),
  starts_at: timestamp, ends_at: timestamp, status: groupBuyStatusSchema,
  verdict: storedVerdictSchema, guard: guardSummarySchema.nullable(), override_reason: z.string().nullable(),
}).meta({ id: 'GroupBuy' });

export const groupBuyResultsSchema = groupBuySchema.extend({
  groups: z.object({ pending: z.number().int(), open: z.number().int(), formed: z.number().int(), failed: z.number().int() }),
  members_paid: z.number().int(),
  members_refunded: z.number().int(),
  refunded_amount: money,
  members_withdrawn: z.number().int().describe('Paid members refunded in full through after-sales'),
  refunded_back: money.describe('Ladder groups: the differences given back to members when their group settled at a higher tier'),
  tiers_reached: z.array(z.object({ size: z.number().int(), price: money, groups: z.number().int() }))
    .describe('Ladder groups: formed groups by the tier they settled at (a group formed under the fill rule counts at the first tier)'),
}).meta({ id: 'GroupBuyResults' });

/** A group as buyers see it: members' names masked, slots left and its clock. */
export const shopGroupSchema = z.object({
  id: z.string(), group_buy_id: z.string(), status: groupStatusSchema, size: z.number().int(),
  members: z.array(z.object({ name: z.string(), role: z.enum(['opener', 'member']), paid: z.boolean() })),
  slots_left: z.number().int(), expires_at: timestamp.nullable(), paid: z.number().int(),
  tiers: z.array(groupTierSchema).nullable(),
  tier: groupTierSchema.nullable().describe('Ladder groups: the highest tier its paid members reached (the group is formed from the first)'),
  next_tier: groupTierSchema.extend({ members_needed: z.number().int() }).nullable().describe('Ladder groups: the next tier and how many more paid members reach it'),
}).meta({ id: 'ShopGroup' });

/** One group's page: the group with its product and the price a joiner pays. */
export const shopGroupPageSchema = shopGroupSchema.extend({
  product_id: z.string(), title: z.string(), member_price: money.describe('What a joiner pays (a ladder\'s first tier)'), list_price: money.nullable(),
}).meta({ id: 'ShopGroupPage' });

export const shopGroupBuySchema = z.object({
  id: z.string(), name: z.string(), sku_id: z.string(), product_id: z.string(), title: z.string(), sku_name: z.string(),
  list_price: money, opener_price: money, member_price: money, group_size: z.number().int(), timer_minutes: z.number().int(),
  per_customer_limit: z.number().int(), form_at_pct: z.number().int().nullable(), left: z.number().int(), tiers: z.array(groupTierSchema).nullable(),
  starts_at: timestamp, ends_at: timestamp, open_groups: z.array(shopGroupSchema),
}).meta({ id: 'ShopGroupBuy' });

export const shopGroupParams = z.object({ slug: z.string().min(1).max(63), groupId: id });
export const groupPosterQuery = z.object({ code: z.string().regex(/^[A-Z][0-9A-Za-z]{15}$/, 'a share code') }).strict();
