import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';
import { slug } from '../b-nodes/b-nodes.schema.js';

export const couponKindSchema = z.enum(['fixed', 'percent', 'threshold']).meta({ id: 'CouponKind' });
export type CouponKind = z.infer<typeof couponKindSchema>;
export const couponTargetSchema = z.enum(['order', 'skus', 'categories', 'b_nodes']).meta({ id: 'CouponTarget' });
export type CouponTarget = z.infer<typeof couponTargetSchema>;

const override = z.object({ reason: z.string().trim().min(5).max(1000) }).strict();

export const createCouponTemplateBody = z.object({
  name: z.string().trim().min(1).max(128),
  kind: couponKindSchema,
  amount: fenAmount.min(1).optional().describe('fixed and threshold: fen off'),
  percent_bps: z.number().int().min(1).max(10_000).optional().describe('percent: basis points off the eligible goods, rounded down to the fen'),
  max_discount: fenAmount.min(1).optional().describe('percent: the most it takes off'),
  min_total: fenAmount.default(0).describe('the eligible goods must reach this (threshold: above amount)'),
  target: couponTargetSchema.default('order'),
  target_ids: z.array(id).max(200).default([]),
  stacks_with_subsidy: z.boolean().default(false),
  stacks_with_coupons: z.boolean().default(false),
  claim_starts_at: z.iso.datetime({ offset: true }).optional(),
  claim_ends_at: z.iso.datetime({ offset: true }),
  valid_until: z.iso.datetime({ offset: true }).optional().describe('absolute validity; or valid_days'),
  valid_days: z.number().int().min(1).max(3650).optional().describe('valid for this many days after the claim'),
  per_customer_limit: z.number().int().min(1).max(100).default(1),
  total_count: z.number().int().min(1).max(10_000_000),
  budget: z.number().int().min(1).max(1_000_000_000_000),
  b_node_id: id.nullable().default(null),
  override: override.optional(),
}).strict()
  .refine((b) => (b.kind === 'percent') === (b.percent_bps !== undefined) && (b.kind === 'percent') !== (b.amount !== undefined),
    { message: 'percent coupons take percent_bps; fixed and threshold ones take amount', path: ['kind'] })
  .refine((b) => b.kind !== 'threshold' || b.min_total > (b.amount ?? 0), { message: 'a threshold coupon\'s min_total must exceed its amount', path: ['min_total'] })
  .refine((b) => (b.valid_until === undefined) !== (b.valid_days === undefined), { message: 'give exactly one of valid_until and valid_days', path: ['valid_until'] })
  .refine((b) => (b.target === 'order') === (b.target_ids.length === 0), { message: 'target_ids name the SKUs, categories or B nodes (none for the whole order)', path: ['target_ids'] });
export type CreateCouponTemplateInput = z.infer<typeof createCouponTemplateBody>;

/** A coupon's name and discount terms: what a template, an offer and a wallet coupon all say of it. */
const couponTermsSchema = z.object({
  name: z.string(),
  kind: couponKindSchema,
  amount: money.nullable(),
  percent_bps: z.number().int().nullable(),
  max_discount: money.nullable(),
  min_total: money,
  target: couponTargetSchema,
  stacks_with_subsidy: z.boolean(),
  stacks_with_coupons: z.boolean(),
});

export const couponTemplateSchema = couponTermsSchema.extend({
  id: z.string(),
  target_ids: z.array(z.string()),
  claim_starts_at: timestamp,
  claim_ends_at: timestamp,
  valid_until: timestamp.nullable(),
  valid_days: z.number().int().nullable(),
  per_customer_limit: z.number().int(),
  total_count: z.number().int(),
  used_count: z.number().int(),
  claimed_count: z.number().int(),
  budget: money,
  spent: money,
  b_node_id: z.string().nullable(),
  status: z.enum(['active', 'ended']),
  verdict: storedVerdictSchema,
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable(),
}).meta({ id: 'CouponTemplate' });

/** What a buyer sees of a coupon, claimable or in their wallet. */
export const couponOfferSchema = couponTermsSchema.extend({
  template_id: z.string(),
  claim_ends_at: timestamp,
  claimed: z.number().int().describe('How many the buyer holds already'),
  per_customer_limit: z.number().int(),
}).meta({ id: 'CouponOffer' });

export const walletCouponSchema = couponTermsSchema.extend({
  id: z.string(),
  template_id: z.string(),
  status: z.enum(['available', 'used', 'expired']),
  source: z.enum(['claim', 'reward']),
  order_id: z.string().nullable(),
  valid_until: timestamp,
}).meta({ id: 'WalletCoupon' });

export const couponRedemptionSchema = z.object({
  id: z.string(),
  coupon_id: z.string(),
  order_id: z.string(),
  customer_id: z.string(),
  amount: money,
  created_at: timestamp,
  returned_at: timestamp.nullable(),
}).meta({ id: 'CouponRedemption' });

export const claimParams = z.object({ slug, templateId: id });

/** What a shop advertises now: running subsidies (the richest one applies at checkout) and coupons to claim. */
export const shopPromotionsSchema = z.object({
  subsidies: z.array(z.object({ id: z.string(), name: z.string(), discount_per_order: money, min_order_total: money, ends_at: timestamp })),
  coupons: z.array(couponOfferSchema),
}).meta({ id: 'ShopPromotions' });
