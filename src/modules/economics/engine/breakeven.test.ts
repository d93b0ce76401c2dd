import { describe, expect, it } from 'vitest';
import { breakEvenOrdersPerDay, breakeven, runwayDays } from './breakeven.js';
import { parsePlan } from './plan.js';

const leader = parsePlan({
  product: { price: 2_500, cogs: 1_800 },
  costs: { fulfillment: 150, spoilage_bps: 300 },
  incentives: { commission_levels_bps: [], leader_bps: 1_000 },
  simulation: { fixed_cost_per_day: 20_000, cash: 5_000_000 },
});

describe('breakeven (B node / site)', () => {
  it('orders a day = fixed cost / CM per order, rounded up', () => {
    const r = breakeven(leader);
    expect(r.contribution_margin).toBe(208);
    expect(r.orders_per_day).toBe(97); // 20000 / 208 = 96.15
    expect(breakeven(leader, { fixedCostPerDay: 20_800 }).orders_per_day).toBe(100);
  });

  it('a higher leader commission needs more orders, until CM turns negative', () => {
    const rows = breakeven(leader).leader_sweep;
    expect(rows.map((r) => r.leader_bps)).toEqual([500, 750, 1_000, 1_250, 1_500, 1_750, 2_000]);
    expect(rows.find((r) => r.leader_bps === 1_000)?.contribution_margin).toBe(208);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]?.contribution_margin ?? 0).toBeLessThan(rows[i - 1]?.contribution_margin ?? 0);
    }
    expect(rows.at(-1)?.orders_per_day).toBeNull();
    expect(rows[0]?.orders_per_day ?? 0).toBeLessThan(97);
  });

  it('a subsidy lowers CM per order, burns cash and shortens the runway', () => {
    const rows = breakeven(leader).subsidy_sweep;
    expect(rows[0]).toMatchObject({ subsidy_bps: 0, coupon: 0, contribution_margin: 208, runway_days: null });
    expect(rows[1]).toMatchObject({ subsidy_bps: 500, coupon: 125 });
    // 97 orders a day at CM(coupon 125) − 20000 fixed.
    const row1 = rows[1];
    expect(row1?.daily_result).toBe(97 * (row1?.contribution_margin ?? 0) - 20_000);
    expect(row1?.runway_days).toBe(Math.floor(5_000_000 / -(row1?.daily_result ?? 0)));
    const runways = rows.slice(1).map((r) => r.runway_days ?? Infinity);
    for (let i = 1; i < runways.length; i++) expect(runways[i] ?? 0).toBeLessThanOrEqual(runways[i - 1] ?? 0);
  });
});

describe('M6 break-even', () => {
  it('Q* = F / CM rounded up to whole orders', () => {
    expect(breakEvenOrdersPerDay(30_000, 470)).toBe(64);
    expect(breakEvenOrdersPerDay(30_000, 500)).toBe(60);
    expect(breakEvenOrdersPerDay(30_000, 501)).toBe(60);
    expect(breakEvenOrdersPerDay(30_000, 499)).toBe(61);
    expect(breakEvenOrdersPerDay(30_000, 0)).toBeNull();
    expect(breakEvenOrdersPerDay(0, -5)).toBe(0);
  });

  it('runway is cash over burn', () => {
    expect(runwayDays(1_000, 300)).toBe(3);
    expect(runwayDays(1_000, 0)).toBeNull();
  });
});
