/**
 * Break-even of a B node or site (M6): orders a day needed to cover its fixed costs with the
 * plan's contribution margin, and how that moves with the leader commission and the subsidy.
 * The subsidy rows also show the daily burn and cash runway of a site selling at the
 * unsubsidised break-even volume while the coupon runs.
 */
import { EconomicsError, EconomicsFailure } from './errors.js';
import type { Plan } from './plan.js';
import { applyBps, computeWaterfall } from './waterfall.js';

/** Break-even orders per day for a site: Q* = F_day / CM_o, rounded up to whole orders; null when no volume pays. */
export function breakEvenOrdersPerDay(fixedPerDay: number, cmPerOrder: number): number | null {
  if (fixedPerDay <= 0) return 0;
  if (cmPerOrder <= 0) return null;
  return Math.ceil(fixedPerDay / cmPerOrder);
}

/** Days the cash lasts at a constant daily burn; null when not burning. */
export function runwayDays(cash: number, burnPerDay: number): number | null {
  if (burnPerDay <= 0) return null;
  return Math.floor(Math.max(0, cash) / burnPerDay);
}

export const DEFAULT_LEADER_SWEEP_BPS = [500, 750, 1_000, 1_250, 1_500, 1_750, 2_000] as const;
export const DEFAULT_SUBSIDY_SWEEP_BPS = [0, 500, 1_000, 1_500, 2_000] as const;

export interface LeaderRow {
  leader_bps: number;
  contribution_margin: number;
  orders_per_day: number | null;
}

export interface SubsidyRow {
  subsidy_bps: number;
  coupon: number;
  contribution_margin: number;
  orders_per_day: number | null;
  /** Daily result at the unsubsidised break-even volume, fen (negative = burning). */
  daily_result: number | null;
  runway_days: number | null;
}

export interface BreakevenResult {
  name: string;
  fixed_cost_per_day: number;
  contribution_margin: number;
  orders_per_day: number | null;
  leader_sweep: LeaderRow[];
  subsidy_sweep: SubsidyRow[];
}

export interface BreakevenOptions {
  fixedCostPerDay?: number;
  leaderBps?: readonly number[];
  subsidyBps?: readonly number[];
}

function cmWith(plan: Plan, leaderBps: number, coupon: number): number {
  return computeWaterfall({
    ...plan,
    incentives: { ...plan.incentives, leader_bps: leaderBps, coupon_subsidy: coupon },
  }).contribution_margin;
}

export function breakeven(plan: Plan, opts: BreakevenOptions = {}): BreakevenResult {
  const fixed = opts.fixedCostPerDay ?? plan.simulation.fixed_cost_per_day;
  if (!Number.isSafeInteger(fixed) || fixed < 0) {
    throw new EconomicsFailure(EconomicsError.InvalidOption, [
      { path: 'fixed_cost_per_day', message: 'expected a non-negative integer (fen)' },
    ]);
  }
  const inc = plan.incentives;
  const cm = computeWaterfall(plan).contribution_margin;
  const leader_sweep = (opts.leaderBps ?? DEFAULT_LEADER_SWEEP_BPS).map((leader_bps) => {
    const rowCm = cmWith(plan, leader_bps, inc.coupon_subsidy);
    return { leader_bps, contribution_margin: rowCm, orders_per_day: breakEvenOrdersPerDay(fixed, rowCm) };
  });
  const baseVolume = breakEvenOrdersPerDay(fixed, cmWith(plan, inc.leader_bps, 0));
  const subsidy_sweep = (opts.subsidyBps ?? DEFAULT_SUBSIDY_SWEEP_BPS).map((subsidy_bps) => {
    const coupon = applyBps(plan.product.price, subsidy_bps);
    const rowCm = cmWith(plan, inc.leader_bps, coupon);
    const daily = baseVolume === null ? null : baseVolume * rowCm - fixed;
    return {
      subsidy_bps,
      coupon,
      contribution_margin: rowCm,
      orders_per_day: breakEvenOrdersPerDay(fixed, rowCm),
      daily_result: daily,
      runway_days: daily === null ? null : runwayDays(plan.simulation.cash, -daily),
    };
  });
  return {
    name: plan.name,
    fixed_cost_per_day: fixed,
    contribution_margin: cm,
    orders_per_day: breakEvenOrdersPerDay(fixed, cm),
    leader_sweep,
    subsidy_sweep,
  };
}
