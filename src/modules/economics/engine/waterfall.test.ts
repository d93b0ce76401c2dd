import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EconomicsFailure } from './errors.js';
import { parsePlan } from './plan.js';
import { DEFAULT_SETTINGS, settingsOrDefaults } from './settings.js';
import { applyBps, computeWaterfall, roundRatio, storedOrderWaterfall, waterfallForOrder, type OrderFigures } from './waterfall.js';

describe('rounding', () => {
  it('rounds the exact rational once, half up', () => {
    expect(applyBps(2_500, 1_000)).toBe(250);
    expect(roundRatio([2_500, 1_000, 9_500], [10_000, 10_000])).toBe(238); // 237.5 → 238
    expect(roundRatio([1, 4_999], [10_000])).toBe(0); // 0.4999
    expect(roundRatio([1, 5_000], [10_000])).toBe(1); // 0.5
  });

  it('stays exact where a double product would not', () => {
    // 999,999,999 fen × 9,999 × 9,999 ≈ 10^17: beyond 2^53, the result must still be exact.
    const exact = (999_999_999n * 9_999n * 9_999n * 2n + 100_000_000n) / 200_000_000n;
    expect(roundRatio([999_999_999, 9_999, 9_999], [10_000, 10_000])).toBe(Number(exact));
  });
});

describe('computeWaterfall (M1)', () => {
  it('computes the default plan line by line in fen', () => {
    const w = computeWaterfall(parsePlan({}));
    expect(w).toMatchObject({
      list_price: 10_000, coupon: 0, paid: 10_000, refunds: 500, net_sales: 9_500,
      supply_cost: 7_125, payment_fee: 60, platform_take: 0, fulfillment: 800, delivery: 0,
      spoilage: 0, reserve: 0, commissions: [760, 285], leader: 0, payouts: 1_045,
      contribution_margin: 470, payout_settled: 1_100, margin_budget: 1_640,
    });
  });

  it('computes the community leader example with half-up rounding', () => {
    const w = computeWaterfall(parsePlan({
      product: { price: 2_500, cogs: 1_800 },
      costs: { fulfillment: 150, spoilage_bps: 300 },
      incentives: { commission_levels_bps: [], leader_bps: 1_000 },
    }));
    // leader = 2500 × 10% × 95% = 237.5 → 238; supply 1800 × 95% = 1710; spoilage 1800 × 3% = 54.
    expect(w).toMatchObject({ paid: 2_500, refunds: 125, supply_cost: 1_710, payment_fee: 15, spoilage: 54, leader: 238, contribution_margin: 208 });
  });

  it('takes the coupon off the paid amount and pays commissions on the margin base when asked', () => {
    const w = computeWaterfall(parsePlan({
      product: { price: 10_000, cogs: 6_000 },
      incentives: { coupon_subsidy: 1_000, commission_base: 'margin', commission_levels_bps: [1_000] },
    }));
    expect(w.paid).toBe(9_000);
    expect(w.commission_base).toBe(3_000);
    expect(w.commissions).toEqual([285]); // 3000 × 10% × 95%
    expect(w.payout_settled).toBe(300);
  });

  it('charges only the unrecovered share of refunded goods', () => {
    const w = computeWaterfall(parsePlan({ costs: { refund_rate_bps: 1_000, refund_recovery_bps: 4_000 } }));
    expect(w.supply_cost).toBe(7_200); // 7500 × (1 − 10% × 40%)
  });

  it('lists per-recruit payouts apart from the order', () => {
    const w = computeWaterfall(parsePlan({ incentives: { entry_fee: 39_900, recruit_reward: 10_000, fee_commission_levels_bps: [2_500, 1_000] } }));
    expect(w.per_recruit).toEqual({ entry_fee: 39_900, recruit_reward: 10_000, fee_commissions: [9_975, 3_990], to_platform: 15_935 });
    expect(w.contribution_margin).toBe(470);
  });

  it('always adds up: CM = net sales − every cost line, all integers', () => {
    const plan = fc.record({
      price: fc.integer({ min: 1, max: 100_000_000 }),
      cogsBps: fc.integer({ min: 0, max: 15_000 }),
      couponBps: fc.integer({ min: 0, max: 10_000 }),
      levels: fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 3 }),
      leader: fc.integer({ min: 0, max: 2_000 }),
      refund: fc.integer({ min: 0, max: 10_000 }),
      fee: fc.integer({ min: 0, max: 100 }),
      base: fc.constantFrom('paid' as const, 'margin' as const),
    });
    fc.assert(fc.property(plan, (p) => {
      const w = computeWaterfall(parsePlan({
        product: { price: p.price, cogs: Math.floor((p.price * p.cogsBps) / 10_000) },
        costs: { refund_rate_bps: p.refund, payment_fee_bps: p.fee },
        incentives: { coupon_subsidy: Math.floor((p.price * p.couponBps) / 10_000), commission_levels_bps: p.levels, leader_bps: p.leader, commission_base: p.base },
      }));
      const costs = w.supply_cost + w.payment_fee + w.platform_take + w.fulfillment + w.delivery + w.spoilage + w.reserve +
        w.commissions.reduce((a, b) => a + b, 0) + w.leader;
      expect(w.net_sales).toBe(w.paid - w.refunds);
      expect(w.contribution_margin).toBe(w.net_sales - costs);
      for (const v of [w.contribution_margin, w.refunds, w.leader, ...w.commissions]) expect(Number.isSafeInteger(v)).toBe(true);
      // Expected commissions never exceed those of a settled order.
      expect(w.commissions.reduce((a, b) => a + b, 0) + w.leader).toBeLessThanOrEqual(w.payout_settled + w.commissions.length + 1);
    }), { numRuns: 300 });
  });
});

describe('waterfallForOrder', () => {
  const order: OrderFigures = {
    lines: [{ quantity: 2, unit_price: 2_500, unit_supply_cost: 1_800 }, { quantity: 1, unit_price: 990, unit_supply_cost: 600 }],
    coupon: 300,
    paid: 5_690,
    refunded: 990,
    recovered_supply_cost: 600,
    payment_fee_bps: 60,
    platform_take_bps: 0,
    spoilage_bps: 300,
    fulfillment: 150,
    delivery: 0,
    commissions: [455],
    leader: 470,
  };

  it('builds the actual waterfall of a stored order', () => {
    expect(waterfallForOrder(order)).toEqual({
      list_price: 5_990, coupon: 300, paid: 5_690, refunds: 990, net_sales: 4_700,
      supply_cost: 3_600, payment_fee: 34, platform_take: 0, fulfillment: 150, delivery: 0,
      spoilage: 126, reserve: 0, commissions: [455], leader: 470, other_payouts: 0, payouts: 925,
      // 4700 − 3600 − 34 − 150 − 126 − 925
      contribution_margin: -135,
    });
  });

  it('refuses figures that do not add up, naming each field', () => {
    const bad = (patch: Partial<OrderFigures>) => {
      try {
        waterfallForOrder({ ...order, ...patch });
      } catch (e) {
        if (e instanceof EconomicsFailure) return { code: e.code, paths: e.issues.map((i) => i.path) };
      }
      return null;
    };
    expect(bad({ paid: 5_691 })).toEqual({ code: 'invalid_order_figures', paths: ['paid'] });
    expect(bad({ refunded: 5_691 })).toEqual({ code: 'invalid_order_figures', paths: ['refunded'] });
    expect(bad({ commissions: [1.5], payment_fee_bps: 10_001 })?.paths).toEqual(['payment_fee_bps', 'commissions.0']);
    expect(bad({ lines: [] })?.paths).toContain('lines');
  });
});

describe('storedOrderWaterfall', () => {
  const lines = [{ quantity: 2, unit_price: 1_000, unit_supply_cost: 600, refunded_quantity: 0 }];
  const order = { paid: 2_000, coupon: 0, refunded: 0, open: true, leader_bps: 1_000, levels_bps: [] };

  it('costs a stored order with the tenant’s settings and keeps a refund provision while it is open', () => {
    const w = storedOrderWaterfall(order, lines, DEFAULT_SETTINGS);
    // 2000 − supply 1200 − fee 0.6% 12 − fulfilment 150 − spoilage 3% of 1200 = 36 − leader 10% 200 − provision 5% 100
    expect(w).toMatchObject({ paid: 2_000, supply_cost: 1_200, payment_fee: 12, fulfillment: 150, spoilage: 36, leader: 200, expected_refunds: 100, contribution_margin: 302 });
    expect(storedOrderWaterfall({ ...order, open: false }, lines, DEFAULT_SETTINGS)).toMatchObject({ expected_refunds: 0, contribution_margin: 402 });
  });

  it('pays commission only on what was kept and takes back refunded goods’ supply cost', () => {
    const w = storedOrderWaterfall({ ...order, refunded: 1_000, open: false }, [{ ...lines[0]!, refunded_quantity: 1 }], DEFAULT_SETTINGS);
    expect(w).toMatchObject({ refunds: 1_000, supply_cost: 600, leader: 100, commission_l1: 0, commission_l2: 0 });
  });

  it('falls back to the default settings field by field', () => {
    expect(settingsOrDefaults(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(settingsOrDefaults({ payment_fee_bps: 30, fulfillment_per_order: 200, spoilage_bps: null }))
      .toEqual({ ...DEFAULT_SETTINGS, payment_fee_bps: 30, fulfillment_per_order: 200 });
  });
});
