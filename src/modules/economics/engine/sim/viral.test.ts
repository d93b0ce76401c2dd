import { describe, expect, it } from 'vitest';
import { finalReach, simulateGrowth, type GrowthParams } from './viral.js';

const params = (p: Partial<GrowthParams>): GrowthParams => ({
  population: 1_000_000, seedUsers: 100, model: 'k_factor', k: 1.5, cycleDays: 3, paidPerDay: 0, bassP: 0.03, bassQ: 0.38, ...p,
});

const last = (a: Int32Array) => a[a.length - 1] ?? 0;

describe('M3 viral growth with saturation', () => {
  it('final reach solves z = 1 − e^{−Kz}: K = 1.5 → 58%, K = 2 → 80%', () => {
    expect(finalReach(1.5)).toBeCloseTo(0.5828, 3);
    expect(finalReach(2)).toBeCloseTo(0.7968, 3);
    for (const [k, z] of [[1.5, 0.583], [2, 0.797]] as const) {
      const g = simulateGrowth(params({ k }), 600);
      expect(Math.abs(last(g.cumulative) / 1_000_000 - z)).toBeLessThan(0.01);
    }
  });

  it('far from saturation, a K < 1 scheme without paid users dies out at U0/(1 − K)', () => {
    const g = simulateGrowth(params({ population: 100_000_000, k: 0.5, seedUsers: 10_000 }), 200);
    expect(Math.abs(last(g.cumulative) - 20_000)).toBeLessThan(20);
  });

  it('each paid user brings 1/(1 − K) users in total when K < 1', () => {
    const g = simulateGrowth(params({ population: 100_000_000, k: 0.5, seedUsers: 0, paidPerDay: 100, cycleDays: 1 }), 300);
    const paid = g.paid.reduce((a, b) => a + b, 0);
    expect(paid).toBe(30_000);
    // The last few days' paid users have not finished inviting yet: within 1% of 60,000.
    expect(Math.abs(last(g.cumulative) / 60_000 - 1)).toBeLessThan(0.01);
  });

  it('never exceeds the population, and paid acquisition fills it exactly', () => {
    const g = simulateGrowth(params({ population: 50_000, k: 2, paidPerDay: 1_000 }), 200);
    for (const n of g.cumulative) expect(n).toBeLessThanOrEqual(50_000);
    expect(last(g.cumulative)).toBe(50_000);
    const total = [g.viral, g.paid, g.direct].reduce((s, a) => s + a.reduce((x, y) => x + y, 0), 0);
    expect(total).toBe(50_000);
  });

  it('K_eff falls as the population saturates and ends below 1', () => {
    const g = simulateGrowth(params({ k: 2 }), 400);
    expect(g.kEff[0]).toBe(2);
    expect(g.kEff[399] ?? 2).toBeLessThan(1);
    for (let d = 1; d < 400; d++) expect(g.kEff[d] ?? 0).toBeLessThanOrEqual(g.kEff[d - 1] ?? 0);
  });

  it('Bass diffusion grows in an S-curve towards the population', () => {
    const g = simulateGrowth(params({ model: 'bass', population: 100_000, seedUsers: 0, cycleDays: 30 }), 3_000);
    expect(last(g.cumulative)).toBeGreaterThan(95_000);
    expect(g.viral.reduce((a, b) => a + b, 0)).toBeGreaterThan(g.direct.reduce((a, b) => a + b, 0));
  });
});
