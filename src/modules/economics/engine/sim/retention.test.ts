import { describe, expect, it } from 'vitest';
import { activeUsersByDay, bonusPeriod, chargesByAge, expectedOrdersByAge, lifetimeValue, retentionAt, type RetentionParams } from './retention.js';

const p: RetentionParams = { rInf: 0.15, tauMonths: 2, ordersPerMonth: 2, discountPerMonth: 0, ltvMonths: 24 };

describe('M4 retention and LTV', () => {
  it('r(t) starts at 1 and decays to r∞', () => {
    expect(retentionAt(0, 0.15, 2)).toBe(1);
    expect(retentionAt(2, 0.15, 2)).toBeCloseTo(0.15 + 0.85 / Math.E, 12);
    expect(retentionAt(100, 0.15, 2)).toBeCloseTo(0.15, 9);
  });

  it('LTV sums discounted monthly margins', () => {
    const oneMonth = { ...p, ltvMonths: 1 };
    expect(lifetimeValue(oneMonth, 470)).toBe(940);
    const twoMonths = { ...p, ltvMonths: 2, discountPerMonth: 0.01 };
    expect(lifetimeValue(twoMonths, 470)).toBe(Math.round(940 + retentionAt(1, 0.15, 2) * 940 / 1.01));
  });

  it('a fully retained user places ordersPerMonth orders in 30 days', () => {
    const orders = expectedOrdersByAge(60, { ...p, rInf: 1 });
    expect(orders[30]).toBeCloseTo(2, 12);
    expect(orders[60]).toBeCloseTo(4, 12);
  });

  it('monthly charges fall due at the start of each month while active', () => {
    const c = chargesByAge(61, p, 10_000);
    expect(c[0]).toBe(0);
    expect(c[1]).toBe(10_000);
    expect(c[30]).toBe(10_000);
    expect(c[31]).toBe(Math.round(10_000 + 10_000 * retentionAt(1, 0.15, 2)));
  });

  it('active users add up cohorts by age', () => {
    const a = activeUsersByDay(Int32Array.of(100, 0, 50), Float64Array.of(1, 0.5, 0.25));
    expect([...a]).toEqual([100, 50, 75]);
  });
});

describe('bonus period', () => {
  it('ends when LTV/CAC drops below 3: ratio 3 continues, just below ends', () => {
    const kEff = Float64Array.of(0.5, 0.5);
    // CAC = 100 × (1 − 0.5) = 50.
    expect(bonusPeriod({ k: 0.5, kEff, ltv: 150, cacPaid: 100, perNewUser: () => 0 }).endDay).toBeNull();
    expect(bonusPeriod({ k: 0.5, kEff, ltv: 149, cacPaid: 100, perNewUser: () => 0 }).endDay).toBe(0);
    expect(bonusPeriod({ k: 0.5, kEff, ltv: 49, cacPaid: 100, perNewUser: () => 0 }).stopDay).toBe(0);
  });

  it('ends on the first day K_eff < 1 for a K > 1 scheme', () => {
    const kEff = Float64Array.of(2, 1.5, 1, 0.99, 0.5);
    expect(bonusPeriod({ k: 2, kEff, ltv: 1e9, cacPaid: 100, perNewUser: () => 0 }).endDay).toBe(3);
  });

  it('a subsidy per new user raises blended CAC and can end the period', () => {
    const kEff = Float64Array.of(1.2, 1.2, 1.2);
    const r = bonusPeriod({ k: 1.2, kEff, ltv: 300, cacPaid: 100, perNewUser: (d) => (d >= 1 ? 101 : 0) });
    expect(r.endDay).toBe(1);
  });
});
