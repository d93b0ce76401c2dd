/**
 * The simulator: one run per scheme composes M3 (growth) → M5 (recruitment tree and payoffs)
 * → M4 (retention, LTV, bonus period) → M6 (cash flow, break-even). Work is O(days² + N·levels)
 * with typed arrays and no object per participant, so a million participants over a year fit in
 * a few hundred megabytes and well under the 10-second budget.
 * Every scheme is run with the same seed (common random numbers), so differences between
 * schemes come from the schemes, not from the draw.
 */
import { EconomicsError, EconomicsFailure } from './errors.js';
import type { Plan } from './plan.js';
import { computeWaterfall, roundRatio } from './waterfall.js';
import { breakEvenOrdersPerDay } from './breakeven.js';
import { cashFlow } from './sim/cashflow.js';
import {
  buildTree, computePayoffs, payoffStats, type PayoffRules, type PayoffStats, type RecruitmentTree,
} from './sim/pyramid.js';
import {
  activeByAge, activeUsersByDay, bonusPeriod, blendedCac, chargesByAge, expectedOrdersByAge,
  lifetimeValue, type RetentionParams,
} from './sim/retention.js';
import { createRng } from './sim/rng.js';
import { growthFromPlanSimulation, simulateGrowth } from './sim/viral.js';

export interface SimulateProgress {
  scheme: number;
  schemes: number;
  /** 0…1 over the whole run. */
  fraction: number;
}

export interface SimulateOptions {
  days: number;
  seed: number;
  /** Overrides every scheme's population M. */
  participants?: number;
  onProgress?: (p: SimulateProgress) => void;
}

export interface SchemeResult {
  name: string;
  population: number;
  participants: number;
  k: number;
  share_losing_money: number;
  gini: number;
  recruitment_share: number;
  mean_net: number;
  median_net: number;
  cm_per_order: number;
  break_even_orders_per_day: number | null;
  break_even_day: number | null;
  cash_out_day: number | null;
  bonus_period_end_day: number | null;
  ltv_cac_below_1_day: number | null;
  ltv: number;
  cac_day0: number;
  subsidy_spent: number;
  subsidy_stop_day: number | null;
  /** Total paid over the horizon, fen. */
  gmv: number;
  /** Operator cash at the end of the horizon, fen. */
  platform_cash: number;
  series: { day: number[]; participants: number[]; gmv: number[]; platform_cash: number[] };
  income_histogram: PayoffStats['income_histogram'];
  notes: string[];
}

export interface SimulationResult {
  days: number;
  seed: number;
  schemes: SchemeResult[];
}

export function retentionParams(plan: Plan): RetentionParams {
  const s = plan.simulation;
  return {
    rInf: s.r_inf_bps / 10_000,
    tauMonths: s.tau_months,
    ordersPerMonth: s.orders_per_month,
    discountPerMonth: s.discount_bps_per_month / 10_000,
    ltvMonths: s.ltv_months,
  };
}

/** The M5 payoff rules of a plan over a horizon; shared with the guard's G6/G13 check. */
export function payoffRulesFor(plan: Plan, horizonDays: number): PayoffRules {
  const w = computeWaterfall({ ...plan, incentives: { ...plan.incentives, coupon_subsidy: 0 } });
  const ret = retentionParams(plan);
  const inc = plan.incentives;
  const requiredByAge = chargesByAge(horizonDays, ret, inc.required_purchase);
  const kept = 10_000 - plan.costs.refund_rate_bps;
  const price = plan.product.price;
  const margin = Math.max(0, price - plan.product.cogs);
  // Required purchases are own purchases: each level earns on them as on any order.
  const requiredCommissionByAge = inc.commission_levels_bps.map((rate) => {
    const table = new Float64Array(horizonDays + 1);
    if (rate === 0 || inc.required_purchase === 0) return table;
    for (let a = 0; a <= horizonDays; a++) {
      const spend = requiredByAge[a] ?? 0;
      table[a] = inc.commission_base === 'paid'
        ? roundRatio([spend, rate, kept], [10_000, 10_000])
        : roundRatio([spend, margin, rate, kept], [price, 10_000, 10_000]);
    }
    return table;
  });
  return {
    horizonDays,
    externalShareBps: plan.sales.external_share_bps,
    selfPurchaseCounts: inc.self_purchase_counts,
    perOrder: w.commissions,
    ordersByAge: expectedOrdersByAge(horizonDays, ret),
    requiredByAge,
    requiredCommissionByAge,
    opCostByAge: chargesByAge(horizonDays, ret, plan.simulation.op_cost),
    entryFee: inc.entry_fee,
    recruitReward: inc.recruit_reward,
    feeCommissions: w.per_recruit.fee_commissions,
  };
}

function subsidyEndDay(plan: Plan, notes: string[]): number | null {
  const endsAt = plan.subsidy.ends_at;
  if (endsAt === null) return null;
  if (typeof endsAt === 'number') return endsAt;
  const start = plan.simulation.start_date;
  if (start === null) {
    notes.push('subsidy.ends_at is a date but simulation.start_date is not set: only the budget ends the subsidy');
    return null;
  }
  const day = (iso: string) => Math.floor(Date.parse(iso.slice(0, 10) + 'T00:00:00Z') / 86_400_000);
  return Math.max(0, day(endsAt) - day(start));
}

function toList(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

export function simulateScheme(
  plan: Plan,
  opts: SimulateOptions,
  progress: (fraction: number) => void = () => {},
): SchemeResult {
  const days = opts.days;
  const notes: string[] = [];
  const sim = plan.simulation;
  const population = opts.participants ?? sim.population;
  const growthParams = growthFromPlanSimulation({ ...sim, population });
  const growth = simulateGrowth(growthParams, days);
  progress(0.05);

  const rng = createRng(opts.seed);
  const tree: RecruitmentTree = buildTree(growth, rng, (d) => {
    if (d % 32 === 0) progress(0.05 + (0.4 * d) / days);
  });
  const payoffs = computePayoffs(tree, payoffRulesFor(plan, days), rng);
  progress(0.8);
  const stats = payoffStats(payoffs);
  progress(0.9);

  const full = computeWaterfall({ ...plan, incentives: { ...plan.incentives, coupon_subsidy: 0 } });
  const subsidised = computeWaterfall(plan);
  const ret = retentionParams(plan);
  const joiners = new Int32Array(days);
  for (let d = 0; d < days; d++) {
    joiners[d] = (growth.viral[d] ?? 0) + (growth.paid[d] ?? 0) + (growth.direct[d] ?? 0);
  }
  const active = activeUsersByDay(joiners, activeByAge(days, ret));
  // Required purchases are extra orders at list price; whole orders per day come from the
  // rounded running sum so no fraction is lost.
  const perActiveDay = (ret.ordersPerMonth + plan.incentives.required_purchase / plan.product.price) / 30;
  const orders = new Int32Array(days);
  let expected = 0;
  let emitted = 0;
  for (let d = 0; d < days; d++) {
    expected += (active[d] ?? 0) * perActiveDay;
    const whole = Math.round(expected);
    orders[d] = whole - emitted;
    emitted = whole;
  }
  const payoutPerRecruit =
    plan.incentives.recruit_reward + full.per_recruit.fee_commissions.reduce((a, b) => a + b, 0);
  const flow = cashFlow({
    orders,
    newJoiners: joiners,
    newPaid: growth.paid,
    newRecruited: growth.viral,
    full: { paid: full.paid, cm: full.contribution_margin },
    subsidised: { paid: subsidised.paid, cm: subsidised.contribution_margin },
    coupon: plan.incentives.coupon_subsidy,
    subsidyBudget: plan.subsidy.budget,
    subsidyEndDay: subsidyEndDay(plan, notes),
    cac: sim.cac,
    fixedPerDay: sim.fixed_cost_per_day,
    cash: sim.cash,
    entryFee: plan.incentives.entry_fee,
    payoutPerRecruit,
  });

  const ltv = lifetimeValue(ret, full.contribution_margin);
  const perNewUser = (d: number) =>
    plan.incentives.recruit_reward +
    (flow.subsidyStopDay === null || d < flow.subsidyStopDay ? plan.incentives.coupon_subsidy : 0);
  const bonus = bonusPeriod({ k: growthParams.k, kEff: growth.kEff, ltv, cacPaid: sim.cac, perNewUser });

  let gmvTotal = 0;
  for (let d = 0; d < days; d++) gmvTotal += flow.gmv[d] ?? 0;
  const platformCash = days > 0 ? (flow.balance[days - 1] ?? 0) : sim.cash;
  if (!Number.isSafeInteger(gmvTotal) || !Number.isSafeInteger(platformCash)) {
    throw new EconomicsFailure(EconomicsError.UnsafeAmount, [
      { path: `${plan.name}.gmv`, message: 'simulated totals exceed the exact integer range' },
    ]);
  }
  progress(1);
  return {
    name: plan.name,
    population,
    participants: stats.participants,
    k: growthParams.k,
    share_losing_money: stats.share_losing_money,
    gini: stats.gini,
    recruitment_share: stats.recruitment_share,
    mean_net: stats.mean_net,
    median_net: stats.median_net,
    cm_per_order: full.contribution_margin,
    break_even_orders_per_day: breakEvenOrdersPerDay(sim.fixed_cost_per_day, full.contribution_margin),
    break_even_day: flow.breakEvenDay,
    cash_out_day: flow.cashOutDay,
    bonus_period_end_day: bonus.endDay,
    ltv_cac_below_1_day: bonus.stopDay,
    ltv,
    cac_day0: Math.round(blendedCac(sim.cac, growth.kEff[0] ?? 0, perNewUser(0))),
    subsidy_spent: flow.subsidySpent,
    subsidy_stop_day: flow.subsidyStopDay,
    gmv: gmvTotal,
    platform_cash: platformCash,
    series: {
      day: Array.from({ length: days }, (_, d) => d),
      participants: toList(growth.cumulative),
      gmv: toList(flow.gmv),
      platform_cash: toList(flow.balance),
    },
    income_histogram: stats.income_histogram,
    notes,
  };
}

export function simulate(plans: readonly Plan[], opts: SimulateOptions): SimulationResult {
  const bad = (message: string) =>
    new EconomicsFailure(EconomicsError.InvalidOption, [{ path: '', message }]);
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 3_650) throw bad('days must be an integer 1…3650');
  if (!Number.isSafeInteger(opts.seed)) throw bad('seed must be an integer');
  if (opts.participants !== undefined && (!Number.isInteger(opts.participants) || opts.participants < 1 || opts.participants > 100_000_000)) {
    throw bad('participants must be an integer 1…100000000');
  }
  const schemes = plans.map((plan, i) =>
    simulateScheme(plan, opts, (f) =>
      opts.onProgress?.({ scheme: i, schemes: plans.length, fraction: (i + f) / plans.length }),
    ),
  );
  return { days: opts.days, seed: opts.seed, schemes };
}
