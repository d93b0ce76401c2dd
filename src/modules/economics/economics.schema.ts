import { z } from 'zod';
import { bps, money, timestamp } from '../../platform/http/schemas.js';
// The engine's enums are the one source; the HTTP schemas only use them.
import { commissionBaseSchema } from './engine/plan.js';
import { ruleStatusSchema, verdictSchema } from './engine/verdict.js';

/** Plans are parsed by the economics module itself so CLI and API report the same field errors. */
export const planBody = z.record(z.string(), z.unknown()).describe('An incentive plan (docs/economics.md), or { "schemes": [plan, …] } for simulate');

export const simulateQuery = z.object({
  days: z.coerce.number().int().min(1).max(3650).default(365),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  participants: z.coerce.number().int().min(1).max(200_000).optional(),
}).strict();

export const breakevenBody = z.object({
  plan: z.record(z.string(), z.unknown()),
  fixed_cost_per_day: z.number().int().min(0).max(1_000_000_000).optional(),
}).strict();

export const nodeBreakevenQuery = z.object({
  fixed_cost_per_day: z.coerce.number().int().min(0).max(1_000_000_000).default(30_000),
  days: z.coerce.number().int().min(1).max(365).default(30),
}).strict();

const override = z.object({ reason: z.string().trim().min(5).max(1000) }).strict();
export const policyBody = z.object({
  name: z.string().min(1).max(128),
  commission_base: commissionBaseSchema.default('paid'),
  // More than two paid levels is refused by the guard with the reason; the schema lets it reach the guard.
  levels_bps: z.array(z.number().int().min(0).max(10_000)).max(10).default([]),
  leader_bps: z.number().int().min(0).max(10_000).default(0),
  hold_days: z.number().int().min(0).max(365).default(8),
  override: override.optional(),
}).strict();


export const settingsBody = z.object({
  payment_fee_bps: z.number().int().min(0).max(10_000),
  platform_take_bps: z.number().int().min(0).max(10_000),
  fulfillment_per_order: z.number().int().min(0).max(1_000_000),
  delivery_per_order: z.number().int().min(0).max(1_000_000),
  spoilage_bps: z.number().int().min(0).max(10_000),
  expected_refund_bps: z.number().int().min(0).max(10_000),
}).partial().strict();

export const pnlDimensionSchema = z.enum(['sku', 'b_node', 'supplier', 'policy', 'campaign', 'day']).meta({ id: 'PnlDimension' });
export type PnlDimension = z.infer<typeof pnlDimensionSchema>;

export const pnlQuery = z.object({
  by: pnlDimensionSchema.default('day'),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}).strict();

// Responses. Amounts are integer fen, rates basis points.
/** A policy, campaign or price is stored only when the guard did not reject it (or was overridden). */
export const storedVerdictSchema = verdictSchema.exclude(['reject']);
export type StoredVerdict = z.infer<typeof storedVerdictSchema>;

/** The guard's verdict as stored with a policy, campaign or listing: each rule with its zh-CN and English message. */
export const guardSummarySchema = z.object({
  verdict: verdictSchema,
  rules: z.array(z.object({
    id: z.string(),
    status: ruleStatusSchema,
    overridden: z.boolean().optional(),
    message: z.string(),
    message_zh: z.string(),
  })),
  contribution_margin: money,
}).meta({ id: 'GuardSummary' });

/** A rule as the guard reports it from a check: its numbers and a zh-CN/English message. */
export const ruleResultSchema = z.object({
  id: z.string(),
  status: ruleStatusSchema,
  overridable: z.boolean(),
  overridden: z.boolean(),
  numbers: z.record(z.string(), z.union([z.number(), z.boolean(), z.null()])),
  message: z.object({ zh: z.string(), en: z.string() }),
}).meta({ id: 'RuleResult' });

/** M1: one order's money from list price down to contribution margin. */
export const planWaterfallSchema = z.object({
  list_price: money, coupon: money, paid: money, refunds: money, net_sales: money, supply_cost: money,
  payment_fee: money, platform_take: money, fulfillment: money, delivery: money, spoilage: money, reserve: money,
  commissions: z.array(money), leader: money, other_payouts: money, payouts: money, contribution_margin: money,
  commission_base: money, payout_settled: money, margin_budget: money,
  per_recruit: z.object({ entry_fee: money, recruit_reward: money, fee_commissions: z.array(money), to_platform: money }),
}).meta({ id: 'PlanWaterfall' });

export const checkResultSchema = z.object({
  verdict: verdictSchema,
  rules: z.array(ruleResultSchema),
  waterfall: planWaterfallSchema,
}).meta({ id: 'CheckResult' });

const nullableNumber = z.number().nullable();
/** Growth and payoff simulation of one scheme (docs/economics.md explains every figure). */
export const schemeResultSchema = z.object({
  name: z.string(), population: z.number(), participants: z.number(), k: z.number(),
  share_losing_money: z.number(), gini: z.number(), recruitment_share: z.number(), mean_net: z.number(), median_net: z.number(),
  cm_per_order: money, break_even_orders_per_day: nullableNumber, break_even_day: nullableNumber, cash_out_day: nullableNumber,
  bonus_period_end_day: nullableNumber, ltv_cac_below_1_day: nullableNumber, ltv: z.number(), cac_day0: z.number(),
  subsidy_spent: z.number(), subsidy_stop_day: nullableNumber, gmv: z.number(), platform_cash: z.number(),
  series: z.object({ day: z.array(z.number()), participants: z.array(z.number()), gmv: z.array(z.number()), platform_cash: z.array(z.number()) }),
  income_histogram: z.object({ edges_fen: z.array(z.number()), counts: z.array(z.number()) }),
  notes: z.array(z.string()),
}).meta({ id: 'SchemeResult' });

export const simulationSchema = z.object({
  days: z.number().int(),
  seed: z.number().int(),
  schemes: z.array(schemeResultSchema),
}).meta({ id: 'Simulation' });

export const breakevenSchema = z.object({
  name: z.string(),
  fixed_cost_per_day: money,
  contribution_margin: money,
  orders_per_day: z.number().nullable().describe('Orders a day to cover the fixed cost; null when each order loses money'),
  leader_sweep: z.array(z.object({ leader_bps: bps, contribution_margin: money, orders_per_day: z.number().nullable() })),
  subsidy_sweep: z.array(z.object({
    subsidy_bps: bps, coupon: money, contribution_margin: money, orders_per_day: z.number().nullable(),
    daily_result: money.nullable().describe('Daily result while the coupon runs, at subsidy_volume_per_day orders a day'), runway_days: z.number().nullable(),
  })),
  subsidy_volume_per_day: z.number().nullable().describe('Orders a day the subsidy rows\' daily result is taken at'),
  subsidy_volume: z.enum(['actual', 'break_even']).describe('actual: what the B node really sold over the window; break_even: the unsubsidised break-even volume (a plan)'),
}).meta({ id: 'Breakeven' });

/** Every waterfall column of stored orders, summed. */
const waterfallColumns = {
  list_price: money, coupon: money, paid: money, refunds: money, supply_cost: money, payment_fee: money,
  platform_take: money, fulfillment: money, delivery: money, spoilage: money, commission_l1: money,
  commission_l2: money, leader: money, expected_refunds: money, campaign_subsidy: money, contribution_margin: money,
};

export const pnlRowSchema = z.object({
  key: z.string().nullable().describe('The SKU, B node, supplier, policy or campaign id, or the day (YYYY-MM-DD)'),
  orders: z.number().int(),
  ...waterfallColumns,
}).meta({ id: 'PnlRow' });

export const pnlSchema = z.object({ by: pnlDimensionSchema, rows: z.array(pnlRowSchema) }).meta({ id: 'Pnl' });

export const nodeBreakevenSchema = breakevenSchema.extend({
  b_node_id: z.string(),
  window_days: z.number().int(),
  from: z.string().describe('First day of the window (YYYY-MM-DD, the tenant\'s time zone), as the P&L counts days'),
  to: z.string().describe('Last day of the window, today'),
  orders: z.number().int(),
  actual_orders_per_day: z.number(),
  actual: pnlRowSchema.nullable(),
}).meta({ id: 'NodeBreakeven' });

/** An order's stored waterfall, or `computed: false` before it was paid. */
export const orderWaterfallSchema = z.union([
  z.object({
    ...waterfallColumns,
    lines: z.array(z.object({ line_no: z.number().int(), sku_id: z.string(), ...waterfallColumns })),
  }),
  z.object({ order_id: z.string(), computed: z.literal(false) }),
]).meta({ id: 'OrderWaterfall' });

export const policySchema = z.object({
  tenant_id: z.string().optional(),
  id: z.string(),
  name: z.string(),
  commission_base: commissionBaseSchema,
  levels_bps: z.array(bps),
  leader_bps: bps,
  hold_days: z.number().int(),
  verdict: verdictSchema,
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable().optional(),
  created_by: z.string().nullable().optional(),
  created_at: timestamp.optional(),
  updated_at: timestamp.optional(),
}).meta({ id: 'Policy' });

export const settingsSchema = z.object({
  payment_fee_bps: bps,
  platform_take_bps: bps,
  fulfillment_per_order: money,
  delivery_per_order: money,
  spoilage_bps: bps,
  expected_refund_bps: bps,
}).meta({ id: 'EconomicsSettings' });

export type GuardSummary = z.infer<typeof guardSummarySchema>;
