/**
 * The incentive-plan format: one Zod schema, defaults from the parameters table of the
 * economics reference. Amounts are integer fen, rates integer basis points (1 bps = 0.01%).
 * Objects are strict so a misspelt field is reported instead of silently taking a default.
 */
import { z } from 'zod';
import { EconomicsError, EconomicsFailure, type EconomicsIssue } from './errors.js';

/** 10 million CNY per order: keeps every per-order product far inside exact integer range. */
export const MAX_ORDER_AMOUNT = 1_000_000_000;
/** Totals such as budgets and cash may be larger, but must stay exact doubles. */
const MAX_TOTAL = Number.MAX_SAFE_INTEGER;

const fen = (def: number) => z.number().int().min(0).max(MAX_ORDER_AMOUNT).default(def);
const bigFen = (def: number) => z.number().int().min(0).max(MAX_TOTAL).default(def);
const bps = (def: number) => z.number().int().min(0).max(10_000).default(def);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'expected an ISO 8601 date such as 2025-06-30')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real calendar date');

export const commissionBaseSchema = z.enum(['paid', 'margin']).meta({ id: 'CommissionBase' });
export type CommissionBase = z.infer<typeof commissionBaseSchema>;

export const RULE_IDS = [
  'G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8', 'G9', 'G10', 'G11', 'G12', 'G13',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

const ProductSchema = z.strictObject({
  price: z.number().int().min(1).max(MAX_ORDER_AMOUNT).default(10_000),
  cogs: fen(7_500),
});

const CostsSchema = z.strictObject({
  payment_fee_bps: bps(60),
  platform_take_bps: bps(0),
  fulfillment: fen(800),
  delivery: fen(0),
  spoilage_bps: bps(0),
  refund_rate_bps: bps(500),
  /** Share of a refunded order's supply cost that comes back (restocked or returned to the supplier). */
  refund_recovery_bps: bps(10_000),
  /** Per-order reserve (bad debt, chargebacks), fen. */
  reserve: fen(0),
});

const IncentivesSchema = z.strictObject({
  entry_fee: fen(0),
  recruit_reward: fen(0),
  commission_base: commissionBaseSchema.default('paid'),
  commission_levels_bps: z.array(z.number().int().min(0).max(10_000)).max(100).default([800, 300]),
  fee_commission_levels_bps: z.array(z.number().int().min(0).max(10_000)).max(100).default([]),
  leader_bps: bps(0),
  coupon_subsidy: fen(0),
  self_purchase_counts: z.boolean().default(false),
  /** Credits nothing when inviter and buyer share a device, phone, payment account or address. */
  anti_sybil: z.boolean().default(true),
  /** 'settled' credits commissions only once the sale is settled and not refunded. */
  commission_on: z.enum(['settled', 'paid']).default('settled'),
  /** Own purchases a participant must make each month to stay qualified, fen. */
  required_purchase: fen(0),
});

const SalesSchema = z.strictObject({
  external_share_bps: bps(8_000),
  recruitment_share_bps: bps(0),
});

const SubsidySchema = z.strictObject({
  budget: bigFen(0),
  /** An ISO date, or a whole number of days after launch; null = open-ended. */
  ends_at: z.union([isoDate, z.number().int().min(0).max(36_500), z.null()]).default(null),
});

const MarketingSchema = z.strictObject({
  claims: z.array(z.string().max(2_000)).max(200).default([]),
  share_to_unlock: z.boolean().default(false),
  pay_per_share: z.boolean().default(false),
  external_link_tasks: z.boolean().default(false),
});

const OverrideSchema = z.strictObject({
  rule: z.enum(RULE_IDS),
  reason: z.string().trim().min(1, 'an override needs a reason'),
});

const SimulationSchema = z.strictObject({
  population: z.number().int().min(1).max(100_000_000).default(1_000_000),
  seed_users: z.number().int().min(0).max(100_000_000).default(1_000),
  growth_model: z.enum(['k_factor', 'bass']).default('k_factor'),
  invites_per_user: z.number().min(0).max(1_000).default(3),
  conversion_bps: bps(1_000),
  cycle_days: z.number().int().min(1).max(365).default(3),
  bass_p_bps: bps(300),
  bass_q_bps: bps(3_800),
  paid_new_per_day: z.number().int().min(0).max(10_000_000).default(100),
  cac: fen(10_000),
  r_inf_bps: bps(1_500),
  tau_months: z.number().gt(0).max(1_000).default(2),
  orders_per_month: z.number().min(0).max(1_000).default(2),
  discount_bps_per_month: bps(100),
  ltv_months: z.number().int().min(1).max(600).default(24),
  fixed_cost_per_day: fen(30_000),
  cash: bigFen(10_000_000),
  /** A participant's own running cost per month (time, samples, data), fen. */
  op_cost: fen(0),
  /** Launch date; places a dated subsidy end on the simulated timeline. */
  start_date: z.union([isoDate, z.null()]).default(null),
});

export const PlanSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).default('plan'),
    product: ProductSchema.prefault({}),
    costs: CostsSchema.prefault({}),
    incentives: IncentivesSchema.prefault({}),
    sales: SalesSchema.prefault({}),
    hold_days: z.number().int().min(0).max(365).default(8),
    clearance: z.boolean().default(false),
    subsidy: SubsidySchema.prefault({}),
    marketing: MarketingSchema.prefault({}),
    overrides: z.array(OverrideSchema).max(13).default([]),
    simulation: SimulationSchema.prefault({}),
  })
  .superRefine((plan, ctx) => {
    if (plan.incentives.coupon_subsidy > plan.product.price) {
      ctx.addIssue({
        code: 'custom',
        path: ['incentives', 'coupon_subsidy'],
        message: `coupon ${plan.incentives.coupon_subsidy} is larger than the price ${plan.product.price}`,
      });
    }
  });

export type Plan = z.output<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;

function toIssues(error: z.ZodError, prefix: (string | number)[] = []): EconomicsIssue[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { path: path.join('.'), message: issue.message };
  });
}

function fromJsonText(json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new EconomicsFailure(EconomicsError.InvalidJson, [
      { path: '', message: err instanceof Error ? err.message : String(err) },
    ]);
  }
}

/** Parses one plan (an object or JSON text); throws EconomicsFailure listing every bad field. */
export function parsePlan(json: unknown): Plan {
  const result = PlanSchema.safeParse(fromJsonText(json));
  if (!result.success) throw new EconomicsFailure(EconomicsError.InvalidPlan, toIssues(result.error));
  return result.data;
}

/** Accepts a single plan or `{ "schemes": [plan, …] }`; always returns a non-empty list. */
export function parsePlans(json: unknown): Plan[] {
  const value = fromJsonText(json);
  if (value === null || typeof value !== 'object' || !('schemes' in value)) return [parsePlan(value)];
  const schemes = (value as { schemes: unknown }).schemes;
  const extra = Object.keys(value).filter((k) => k !== 'schemes');
  const issues: EconomicsIssue[] = extra.map((k) => ({ path: k, message: 'unrecognized key next to "schemes"' }));
  if (!Array.isArray(schemes) || schemes.length === 0) {
    issues.push({ path: 'schemes', message: 'expected a non-empty array of plans' });
    throw new EconomicsFailure(EconomicsError.InvalidPlan, issues);
  }
  const plans: Plan[] = [];
  schemes.forEach((scheme: unknown, i) => {
    const result = PlanSchema.safeParse(scheme);
    if (result.success) plans.push(result.data);
    else issues.push(...toIssues(result.error, ['schemes', i]));
  });
  if (issues.length > 0) throw new EconomicsFailure(EconomicsError.InvalidPlan, issues);
  return plans;
}

/** Number of commissioned levels: the deepest level with a non-zero rate. */
export function commissionDepth(levels: readonly number[]): number {
  for (let i = levels.length - 1; i >= 0; i--) if ((levels[i] ?? 0) > 0) return i + 1;
  return 0;
}
