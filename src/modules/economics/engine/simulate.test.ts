import { describe, expect, it } from 'vitest';
import { EconomicsFailure } from './errors.js';
import { parsePlan, type PlanInput } from './plan.js';
import { simulate } from './simulate.js';

const distribution = parsePlan({
  name: 'two-level',
  simulation: { population: 30_000, seed_users: 300, invites_per_user: 4, conversion_bps: 4_000, paid_new_per_day: 20 },
});
const giftPack = parsePlan({
  name: 'gift pack',
  incentives: { entry_fee: 39_900, recruit_reward: 10_000, fee_commission_levels_bps: [2_500] },
  simulation: { population: 30_000, seed_users: 300, invites_per_user: 4, conversion_bps: 4_000, paid_new_per_day: 0 },
});
const run = (seed: number, plans = [distribution]) => simulate(plans, { days: 120, seed });

describe('simulate', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    const a = run(1);
    expect(run(1)).toEqual(a);
    const b = run(2);
    expect(b.schemes[0]?.gini).not.toBe(a.schemes[0]?.gini);
    expect(b.schemes[0]?.income_histogram).not.toEqual(a.schemes[0]?.income_histogram);
  });

  it('keeps money in whole fen and the series consistent with the totals', () => {
    const s = run(1).schemes[0];
    if (!s) throw new Error('no scheme');
    expect(s.series.day).toHaveLength(120);
    expect(s.series.gmv.reduce((x, y) => x + y, 0)).toBe(s.gmv);
    expect(s.series.platform_cash[119]).toBe(s.platform_cash);
    for (const v of [...s.series.gmv, ...s.series.platform_cash, s.gmv, s.platform_cash]) expect(Number.isSafeInteger(v)).toBe(true);
    expect(s.series.participants[119]).toBe(s.participants);
    expect(s.participants).toBeLessThanOrEqual(30_000);
    expect(s.income_histogram.counts.reduce((x, y) => x + y, 0)).toBe(s.participants);
  });

  it('runs schemes side by side with the same horizon and tells them apart', () => {
    const r = run(1, [distribution, giftPack]);
    expect(r.schemes.map((s) => s.name)).toEqual(['two-level', 'gift pack']);
    const [d, g] = r.schemes;
    expect(d?.share_losing_money).toBe(0);
    expect(g?.share_losing_money ?? 0).toBeGreaterThan(0.5);
    expect(g?.recruitment_share ?? 0).toBeGreaterThan(0.5);
    // Entry fees flow to the organizer: day 0 is already cash-positive.
    expect(g?.break_even_day).toBe(0);
  });

  it('ends the bonus period when the viral phase ends (K_eff < 1)', () => {
    const s = run(1).schemes[0];
    // K = 1.6 here: K_eff < 1 once 37.5% of the population has joined.
    const day = s?.bonus_period_end_day ?? -1;
    expect(day).toBeGreaterThanOrEqual(0);
    expect(s?.series.participants[day - 2] ?? Infinity).toBeLessThanOrEqual(0.375 * 30_000 + 1);
    expect(s?.series.participants[day - 1] ?? 0).toBeGreaterThanOrEqual(0.375 * 30_000 - 1);
  });

  it('runs a subsidy until its budget and counts the spend', () => {
    const plan: PlanInput = {
      incentives: { commission_levels_bps: [], coupon_subsidy: 500 },
      subsidy: { budget: 100_000, ends_at: 60 },
      simulation: { population: 20_000, paid_new_per_day: 50 },
    };
    const s = simulate([parsePlan(plan)], { days: 90, seed: 1 }).schemes[0];
    expect(s?.subsidy_spent).toBe(100_000);
    expect(s?.subsidy_stop_day ?? 99).toBeLessThan(60);
  });

  it('notes a dated subsidy end that cannot be placed on the timeline', () => {
    const plan = parsePlan({ incentives: { coupon_subsidy: 100 }, subsidy: { budget: 100_000_000, ends_at: '2025-03-01' }, simulation: { population: 1_000 } });
    expect(simulate([plan], { days: 10, seed: 1 }).schemes[0]?.notes).toHaveLength(1);
    const placed = parsePlan({ ...plan, simulation: { ...plan.simulation, start_date: '2025-02-27' } });
    expect(simulate([placed], { days: 10, seed: 1 }).schemes[0]?.subsidy_stop_day).toBe(2);
  });

  it('lets participants override the population and reports progress up to 1', () => {
    const seen: number[] = [];
    const r = simulate([distribution], { days: 60, seed: 1, participants: 5_000, onProgress: (p) => seen.push(p.fraction) });
    expect(r.schemes[0]?.population).toBe(5_000);
    expect(r.schemes[0]?.participants).toBeLessThanOrEqual(5_000);
    expect(seen.at(-1)).toBe(1);
  });

  it('refuses impossible options', () => {
    expect(() => simulate([distribution], { days: 0, seed: 1 })).toThrow(EconomicsFailure);
    expect(() => simulate([distribution], { days: 10, seed: 1.5 })).toThrow(EconomicsFailure);
  });
});
