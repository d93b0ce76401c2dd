/**
 * check(plan): derives the facts once (waterfall, stress waterfall, an M5 payoff run on a
 * seeded random recruitment tree), runs G1–G13 and folds them into one verdict.
 * A fail rejects the plan unless the rule is overridable and the plan carries an override with
 * a reason; such a fail then only warns. G1, G2 and G3 can never be overridden.
 */
import type { Plan, RuleId } from './economics.plan.js';
import { RULES, type GuardFacts, type RuleResult } from './economics.rules.js';
import { payoffRulesFor } from './economics.simulate.js';
import { computeWaterfall, type PlanWaterfall } from './economics.waterfall.js';
import { buildTree, computePayoffs, payoffStats } from './sim/pyramid.js';
import { createRng } from './sim/rng.js';

import type { Verdict } from './economics.schema.js';

export type { Verdict };

export interface GuardResult {
  verdict: Verdict;
  rules: RuleResult[];
  waterfall: PlanWaterfall;
  /** Overrides the plan asked for on rules that cannot be overridden. */
  ignored_overrides: RuleId[];
}

export interface CheckOptions {
  /** Size of the G13 recruitment tree (default 20,000). */
  participants?: number;
  /** Seed of the G13 tree (default 1). */
  seed?: number;
  /** Horizon of the G13 payoff run in days (default 365). */
  days?: number;
}

export const STRESS_PP_BPS = 500;

export function stressPlan(plan: Plan): Plan {
  return {
    ...plan,
    costs: {
      ...plan.costs,
      refund_rate_bps: Math.min(10_000, plan.costs.refund_rate_bps + STRESS_PP_BPS),
      spoilage_bps: Math.min(10_000, plan.costs.spoilage_bps + STRESS_PP_BPS),
    },
  };
}

/**
 * M5 on a random recursive tree: participants join evenly over the horizon, the first under
 * the organizer, every later one under a uniformly random earlier participant.
 */
export function payoffForGuard(plan: Plan, participants: number, seed: number, days: number) {
  const viral = new Int32Array(days);
  const direct = new Int32Array(days);
  for (let d = 0; d < days; d++) {
    viral[d] = Math.floor(((d + 1) * participants) / days) - Math.floor((d * participants) / days);
  }
  if (participants > 0) {
    direct[0] = 1;
    viral[0] = (viral[0] ?? 0) - 1;
  }
  const rng = createRng(seed);
  const tree = buildTree({ viral, paid: new Int32Array(days), direct }, rng);
  const stats = payoffStats(computePayoffs(tree, payoffRulesFor(plan, days), rng));
  return {
    participants,
    seed,
    share_losing_money: stats.share_losing_money,
    recruitment_share: stats.recruitment_share,
  };
}

export function deriveFacts(plan: Plan, opts: CheckOptions = {}): GuardFacts {
  return {
    plan,
    waterfall: computeWaterfall(plan),
    stress: computeWaterfall(stressPlan(plan)),
    payoff: payoffForGuard(plan, opts.participants ?? 20_000, opts.seed ?? 1, opts.days ?? 365),
  };
}

/** Applies the plan's overrides and folds rule statuses into a verdict. */
export function decide(plan: Plan, rules: RuleResult[]): Omit<GuardResult, 'waterfall'> {
  const requested = new Set(plan.overrides.map((o) => o.rule));
  const ignored: RuleId[] = [];
  const applied = rules.map((r) => {
    if (!requested.has(r.id)) return r;
    if (!r.overridable) {
      ignored.push(r.id);
      return r;
    }
    return r.status === 'fail' ? { ...r, overridden: true } : r;
  });
  const rejected = applied.some((r) => r.status === 'fail' && !r.overridden);
  const warned = applied.some((r) => r.status === 'warn' || r.overridden);
  return { verdict: rejected ? 'reject' : warned ? 'warn' : 'accept', rules: applied, ignored_overrides: ignored };
}

export function checkFacts(facts: GuardFacts): GuardResult {
  return { ...decide(facts.plan, RULES.map((rule) => rule(facts))), waterfall: facts.waterfall };
}

export function check(plan: Plan, opts: CheckOptions = {}): GuardResult {
  return checkFacts(deriveFacts(plan, opts));
}
