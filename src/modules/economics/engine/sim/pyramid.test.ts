import { describe, expect, it } from 'vitest';
import { buildTree, childCounts, computePayoffs, gini, payoffStats, randomRecursiveTree, type PayoffRules } from './pyramid.js';
import { createRng, type Rng } from './rng.js';

const N = 200_000;

describe('random recursive tree (M5)', () => {
  const counts = childCounts(randomRecursiveTree(N, createRng(2024)));

  it('P(≥ k direct recruits) → 2^−k for k = 1…4', () => {
    for (const k of [1, 2, 3, 4]) {
      let atLeast = 0;
      for (const c of counts) if (c >= k) atLeast++;
      const share = atLeast / N;
      // ±0.005 is more than four standard errors at 200k nodes.
      expect(Math.abs(share - 2 ** -k)).toBeLessThan(0.005);
    }
  });

  it('expected recruits ln(1/x) cross 1 near rank fraction 1/e', () => {
    const bins = 100;
    const sum = new Float64Array(bins);
    const size = new Float64Array(bins);
    counts.forEach((c, i) => {
      const b = Math.min(bins - 1, Math.floor((i / N) * bins));
      sum[b] = (sum[b] ?? 0) + c;
      size[b] = (size[b] ?? 0) + 1;
    });
    const mean = (b: number) => (sum[b] ?? 0) / (size[b] ?? 1);
    let cross = -1;
    for (let b = 1; b < bins && cross < 0; b++) if (mean(b) < 1) cross = b;
    expect(Math.abs(cross / bins - 1 / Math.E)).toBeLessThan(0.03);
    // Away from the crossing the curve itself matches: x = 0.105 → ln(1/x) ≈ 2.25.
    expect(Math.abs(mean(10) - Math.log(1 / 0.105))).toBeLessThan(0.15);
  });

  it('every node except the root has an earlier parent', () => {
    const parent = randomRecursiveTree(1_000, createRng(1));
    expect(parent[0]).toBe(-1);
    for (let i = 1; i < parent.length; i++) expect((parent[i] ?? -1) >= 0 && (parent[i] ?? i) < i).toBe(true);
  });
});

describe('buildTree', () => {
  it('hangs paid and direct joiners under the organizer and recruits under earlier participants', () => {
    const tree = buildTree({ viral: Int32Array.of(0, 50), paid: Int32Array.of(3, 0), direct: Int32Array.of(2, 0) }, createRng(5));
    expect(tree.participants).toBe(55);
    expect([...tree.parent.subarray(1, 6)]).toEqual([0, 0, 0, 0, 0]);
    for (let i = 6; i <= 55; i++) {
      expect(tree.parent[i] ?? 0).toBeGreaterThanOrEqual(1);
      expect(tree.parent[i] ?? i).toBeLessThan(i);
      expect(tree.joinDay[i]).toBe(1);
    }
  });
});

/** Poisson replaced by its mean so the arithmetic can be checked exactly. */
const meanRng: Rng = { nextU32: () => 0, next: () => 0, below: () => 0, poisson: (m) => m };

function rules(patch: Partial<PayoffRules>): PayoffRules {
  const flat = (v: number) => new Float64Array(31).fill(v);
  return {
    horizonDays: 30, externalShareBps: 8_000, selfPurchaseCounts: false, perOrder: [],
    ordersByAge: flat(0), requiredByAge: flat(0), requiredCommissionByAge: [], opCostByAge: flat(0),
    entryFee: 0, recruitReward: 0, feeCommissions: [], ...patch,
  };
}

// organizer 0 → 1 → {2, 3}; 2 → 4
const tree = { parent: Int32Array.of(-1, 0, 1, 1, 2), joinDay: new Int32Array(5), participants: 4 };

describe('computePayoffs', () => {
  it('pays fees and recruit rewards up the chain and charges every entrant', () => {
    const p = computePayoffs(tree, rules({ entryFee: 1_000, recruitReward: 300, feeCommissions: [200, 100] }), meanRng);
    expect([...p.gross.subarray(1)]).toEqual([1_100, 500, 0, 0]);
    expect([...p.net.subarray(1)]).toEqual([100, -500, -1_000, -1_000]);
    const stats = payoffStats(p);
    expect(stats.share_losing_money).toBe(0.75);
    expect(stats.recruitment_share).toBe(1);
    expect(stats.gini).toBeCloseTo(3_800 / 6_400, 12);
  });

  it('pays level 1 on own customers and upper levels on the subtree, self purchases only if they count', () => {
    const base = rules({ perOrder: [100, 50], ordersByAge: new Float64Array(31).fill(10) });
    const p = computePayoffs(tree, base, meanRng);
    // 10 orders each: 8 external, 2 own. Level 1: 8 × 100. Level 2 from each child: 10 × 50.
    expect([...p.gross.subarray(1)]).toEqual([800 + 2 * 500, 800 + 500, 800, 800]);
    expect(p.recruitmentDerived).toBe(3 * 2 * 50);
    const own = computePayoffs(tree, { ...base, selfPurchaseCounts: true }, meanRng);
    expect(own.gross[4]).toBe(1_000);
  });

  it('charges required purchases and running costs by age, and levels earn on required purchases', () => {
    const p = computePayoffs(tree, rules({
      perOrder: [0, 10],
      requiredByAge: new Float64Array(31).fill(5_000),
      requiredCommissionByAge: [new Float64Array(31), new Float64Array(31).fill(500)],
      opCostByAge: new Float64Array(31).fill(700),
    }), meanRng);
    expect([...p.net.subarray(1)]).toEqual([-5_700 + 1_000, -5_700 + 500, -5_700, -5_700]);
    expect(payoffStats(p).income_histogram.counts.reduce((a, b) => a + b, 0)).toBe(4);
  });
});

describe('gini', () => {
  it('is 0 for equal pay and (n−1)/n when one takes all', () => {
    expect(gini(Float64Array.of(5, 5, 5, 5))).toBe(0);
    expect(gini(Float64Array.of(0, 0, 0, 10))).toBeCloseTo(0.75, 12);
    expect(gini(new Float64Array(3))).toBe(0);
  });
});
