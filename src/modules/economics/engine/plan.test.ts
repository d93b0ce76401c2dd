import { describe, expect, it } from 'vitest';
import { EconomicsFailure } from './errors.js';
import { commissionDepth, parsePlan, parsePlans } from './plan.js';

function failure(fn: () => unknown): EconomicsFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof EconomicsFailure) return e;
    throw e;
  }
  throw new Error('expected an EconomicsFailure');
}

describe('parsePlan', () => {
  it('fills every omitted field from the parameters table', () => {
    const plan = parsePlan({});
    expect(plan.product).toEqual({ price: 10_000, cogs: 7_500 });
    expect(plan.costs).toMatchObject({ payment_fee_bps: 60, fulfillment: 800, refund_rate_bps: 500 });
    expect(plan.incentives.commission_levels_bps).toEqual([800, 300]);
    expect(plan.incentives.commission_base).toBe('paid');
    expect(plan.hold_days).toBe(8);
    expect(plan.subsidy).toEqual({ budget: 0, ends_at: null });
    expect(plan.simulation).toMatchObject({ invites_per_user: 3, conversion_bps: 1_000, cycle_days: 3, cac: 10_000, r_inf_bps: 1_500, tau_months: 2 });
  });

  it('keeps given values next to defaults in the same object', () => {
    const plan = parsePlan({ costs: { delivery: 550 } });
    expect(plan.costs.delivery).toBe(550);
    expect(plan.costs.payment_fee_bps).toBe(60);
  });

  it('lists every invalid field with its path', () => {
    const e = failure(() =>
      parsePlan({
        product: { price: 0, cost: 1 },
        incentives: { commission_levels_bps: [800, 1.5], leader_bps: 10_001 },
        subsidy: { ends_at: '2025-13-45' },
      }),
    );
    expect(e.code).toBe('invalid_plan');
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining([
      'product.price', 'product', 'incentives.commission_levels_bps.1', 'incentives.leader_bps', 'subsidy.ends_at',
    ]));
    expect(e.describe('zh')).toContain('激励方案无效');
  });

  it('rejects fractional fen and a coupon larger than the price', () => {
    expect(failure(() => parsePlan({ product: { price: 99.5 } })).issues[0]?.path).toBe('product.price');
    const e = failure(() => parsePlan({ product: { price: 100 }, incentives: { coupon_subsidy: 101 } }));
    expect(e.issues.map((i) => i.path)).toEqual(['incentives.coupon_subsidy']);
    expect(parsePlan({ product: { price: 100 }, incentives: { coupon_subsidy: 100 } }).incentives.coupon_subsidy).toBe(100);
  });

  it('accepts JSON text and reports broken JSON as invalid_json', () => {
    expect(parsePlan('{"name":"x"}').name).toBe('x');
    expect(failure(() => parsePlan('{"name":')).code).toBe('invalid_json');
  });

  it('accepts a subsidy end as a date or a day number', () => {
    expect(parsePlan({ subsidy: { ends_at: '2025-06-30' } }).subsidy.ends_at).toBe('2025-06-30');
    expect(parsePlan({ subsidy: { ends_at: 30 } }).subsidy.ends_at).toBe(30);
  });
});

describe('parsePlans', () => {
  it('wraps a single plan in a list', () => {
    expect(parsePlans({ name: 'one' }).map((p) => p.name)).toEqual(['one']);
  });

  it('parses a schemes file and prefixes issue paths with the scheme index', () => {
    expect(parsePlans({ schemes: [{ name: 'a' }, { name: 'b' }] }).map((p) => p.name)).toEqual(['a', 'b']);
    const e = failure(() => parsePlans({ schemes: [{ name: 'a' }, { hold_days: -1 }] }));
    expect(e.issues.map((i) => i.path)).toEqual(['schemes.1.hold_days']);
    expect(failure(() => parsePlans({ schemes: [] })).issues[0]?.path).toBe('schemes');
  });
});

describe('commissionDepth', () => {
  it('counts up to the deepest non-zero level', () => {
    expect(commissionDepth([])).toBe(0);
    expect(commissionDepth([0, 0])).toBe(0);
    expect(commissionDepth([800, 300, 0])).toBe(2);
    expect(commissionDepth([0, 0, 1])).toBe(3);
  });
});
