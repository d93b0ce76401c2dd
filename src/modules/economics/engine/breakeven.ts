/**
 * Break-even of a B node or site (M6): orders a day needed to cover its fixed costs with the
 * plan's contribution margin, and how that moves with the leader commission and the subsidy.
 * The subsidy rows also show the daily result and cash runway while the coupon runs, at the
 * volume the site really sells when that is known (a B node's own orders), otherwise at the
 * unsubsidised break-even volume (a plan on paper).
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
  /** Daily result at the result volume (`subsidy_volume_per_day`), fen (negative = burning). */
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
  /** Orders a day the subsidy rows' daily result is taken at; null when no volume breaks even. */
  subsidy_volume_per_day: number | null;
  /** Which volume that is: what the site really sells, or its unsubsidised break-even. */
  subsidy_volume: 'actual' | 'break_even';
}

export interface BreakevenOptions {
  fixedCostPerDay?: number;
  leaderBps?: readonly number[];
  subsidyBps?: readonly number[];
  /**
   * The margin an order really makes (a B node's stored P&L per order). The result reports it
   * as is, and each sweep row moves it by what the plan says that change is worth, so the
   * screen's figure is the P&L's figure and not the plan's estimate of it.
   */
  observedMargin?: number;
  /** Orders a day the site really sells: the subsidy rows' daily result is taken at this volume. */
  actualOrdersPerDay?: number;
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
  const planned = computeWaterfall(plan).contribution_margin;
  // What the plan gets wrong about this site, carried into every row, so only the change moves.
  const offset = opts.observedMargin === undefined ? 0 : opts.observedMargin - planned;
  const margin = (leaderBps: number, coupon: number) => cmWith(plan, leaderBps, coupon) + offset;
  const cm = planned + offset;
  const leader_sweep = (opts.leaderBps ?? DEFAULT_LEADER_SWEEP_BPS).map((leader_bps) => {
    const rowCm = margin(leader_bps, inc.coupon_subsidy);
    return { leader_bps, contribution_margin: rowCm, orders_per_day: breakEvenOrdersPerDay(fixed, rowCm) };
  });
  const actual = opts.actualOrdersPerDay;
  if (actual !== undefined && !(Number.isFinite(actual) && actual >= 0)) {
    throw new EconomicsFailure(EconomicsError.InvalidOption, [{ path: 'actual_orders_per_day', message: 'expected a non-negative number' }]);
  }
  const volume = actual ?? breakEvenOrdersPerDay(fixed, margin(inc.leader_bps, 0));
  const subsidy_sweep = (opts.subsidyBps ?? DEFAULT_SUBSIDY_SWEEP_BPS).map((subsidy_bps) => {
    const coupon = applyBps(plan.product.price, subsidy_bps);
    const rowCm = margin(inc.leader_bps, coupon);
    const daily = volume === null ? null : Math.round(volume * rowCm) - fixed;
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
    subsidy_volume_per_day: volume,
    subsidy_volume: actual === undefined ? 'break_even' : 'actual',
  };
}
