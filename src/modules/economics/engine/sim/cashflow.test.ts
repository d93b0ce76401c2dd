import { describe, expect, it } from 'vitest';
import { cashFlow, type CashFlowInput } from './cashflow.js';

const input = (patch: Partial<CashFlowInput>): CashFlowInput => ({
  orders: Int32Array.of(10, 10, 10), newJoiners: new Int32Array(3), newPaid: new Int32Array(3), newRecruited: new Int32Array(3),
  full: { paid: 1_000, cm: 50 }, subsidised: { paid: 900, cm: -50 }, coupon: 100, subsidyBudget: 1_500, subsidyEndDay: null,
  cac: 0, fixedPerDay: 0, cash: 0, entryFee: 0, payoutPerRecruit: 0, ...patch,
});

describe('cashFlow', () => {
  it('runs the subsidy until the budget is spent, to the fen', () => {
    const f = cashFlow(input({}));
    expect(f.subsidySpent).toBe(1_500);
    expect(f.subsidyStopDay).toBe(1);
    expect([...f.gmv]).toEqual([9_000, 5 * 900 + 5 * 1_000, 10_000]);
    expect([...f.balance]).toEqual([-500, -500, 0]);
    expect(f.breakEvenDay).toBe(2);
    expect(f.cashOutDay).toBe(0);
  });

  it('stops the subsidy on its end day even with budget left', () => {
    const f = cashFlow(input({ subsidyBudget: 1_000_000, subsidyEndDay: 1 }));
    expect(f.subsidySpent).toBe(1_000);
    expect(f.subsidyStopDay).toBe(1);
  });

  it('counts fees in, recruit payouts, CAC and fixed costs out', () => {
    const f = cashFlow(input({
      coupon: 0, orders: Int32Array.of(0, 0), newJoiners: Int32Array.of(4, 0), newPaid: Int32Array.of(1, 0),
      newRecruited: Int32Array.of(3, 0), entryFee: 1_000, payoutPerRecruit: 300, cac: 200, fixedPerDay: 100, cash: 50,
    }));
    expect([...f.balance]).toEqual([50 + 4_000 - 900 - 200 - 100, 50 + 2_800 - 100]);
  });

  it('break-even day is when the running result turns non-negative for good', () => {
    const f = cashFlow(input({ coupon: 0, orders: Int32Array.of(1, 0, 1), full: { paid: 0, cm: 10 }, fixedPerDay: 15 }));
    // flows −5, −15, −5 → never
    expect(f.breakEvenDay).toBeNull();
    const g = cashFlow(input({ coupon: 0, orders: Int32Array.of(2, 0, 4), full: { paid: 0, cm: 10 }, fixedPerDay: 15 }));
    // flows +5, −15, +25 → cumulative 5, −10, 15
    expect(g.breakEvenDay).toBe(2);
  });
});
