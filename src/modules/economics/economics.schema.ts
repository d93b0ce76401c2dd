import { z } from 'zod';

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
  commission_base: z.enum(['paid', 'margin']).default('paid'),
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

export const pnlQuery = z.object({
  by: z.enum(['sku', 'b_node', 'supplier', 'policy', 'campaign', 'day']).default('day'),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}).strict();
