import { describe, expect, it } from 'vitest';
import { check, decide, deriveFacts } from './guard.js';
import { parsePlan, type PlanInput, type RuleId } from './plan.js';
import { RULES, g13ParticipantLoss, type RuleResult } from './rules.js';

/** A plan that passes every rule, so a test can move one field across one threshold. */
const clean: PlanInput = {
  product: { price: 10_000, cogs: 5_000 },
  costs: { payment_fee_bps: 0, fulfillment: 0, refund_rate_bps: 0 },
  incentives: { commission_levels_bps: [1_000] },
  sales: { external_share_bps: 10_000 },
};

function merge(patch: Record<string, unknown>): PlanInput {
  const out: Record<string, unknown> = { ...clean };
  for (const [k, v] of Object.entries(patch)) {
    const base = out[k];
    out[k] = base && typeof base === 'object' && !Array.isArray(base) && v && typeof v === 'object' && !Array.isArray(v)
      ? { ...base, ...v } : v;
  }
  return out as PlanInput;
}

function rule(id: RuleId, patch: Record<string, unknown> = {}): RuleResult {
  const facts = deriveFacts(parsePlan(merge(patch)), { participants: 2_000 });
  const fn = RULES[Number(id.slice(1)) - 1];
  if (!fn) throw new Error(id);
  return fn(facts);
}

const status = (id: RuleId, patch: Record<string, unknown> = {}) => rule(id, patch).status;

describe('the clean baseline', () => {
  it('passes every rule and is accepted', () => {
    const result = check(parsePlan(clean), { participants: 2_000 });
    expect(result.rules.map((r) => `${r.id}:${r.status}`)).toEqual(RULES.map((_, i) => `G${i + 1}:pass`));
    expect(result.verdict).toBe('accept');
    expect(result.waterfall.contribution_margin).toBe(4_000);
  });
});

describe('thresholds, each at, just below and just above', () => {
  it('G1 entry fee: 0 passes, 1 fen fails, never overridable', () => {
    expect(status('G1', { incentives: { entry_fee: 0 } })).toBe('pass');
    const r = rule('G1', { incentives: { entry_fee: 1 } });
    expect(r).toMatchObject({ status: 'fail', overridable: false, numbers: { entry_fee: 1 } });
    expect(r.message.en).toContain('¥0.01');
    expect(r.message.zh).toContain('入门费');
  });

  it('G2 headcount rewards: 0 passes, 1 fen reward or any fee share fails, never overridable', () => {
    expect(status('G2', { incentives: { recruit_reward: 0 } })).toBe('pass');
    expect(rule('G2', { incentives: { recruit_reward: 1 } })).toMatchObject({ status: 'fail', overridable: false });
    expect(status('G2', { incentives: { fee_commission_levels_bps: [0] } })).toBe('pass');
    expect(status('G2', { incentives: { fee_commission_levels_bps: [1] } })).toBe('fail');
  });

  it('G3 depth: 1 level passes, 2 warn, 3 fail and cannot be overridden', () => {
    expect(status('G3', { incentives: { commission_levels_bps: [800] } })).toBe('pass');
    expect(status('G3', { incentives: { commission_levels_bps: [800, 300] } })).toBe('warn');
    expect(status('G3', { incentives: { commission_levels_bps: [800, 300, 0] } })).toBe('warn');
    const r = rule('G3', { incentives: { commission_levels_bps: [800, 300, 1] } });
    expect(r).toMatchObject({ status: 'fail', overridable: false, numbers: { levels: 3 } });
  });

  it('G4 settled sales: no quota passes, a 1 fen quota fails, so does crediting on payment', () => {
    expect(status('G4', { incentives: { required_purchase: 0 } })).toBe('pass');
    expect(rule('G4', { incentives: { required_purchase: 1 } })).toMatchObject({ status: 'fail', overridable: true });
    expect(status('G4', { incentives: { commission_on: 'paid' } })).toBe('fail');
  });

  it('G5 retail share: <50% fails, 50–70% warns, ≥70% passes', () => {
    expect(status('G5', { sales: { external_share_bps: 4_999 } })).toBe('fail');
    expect(status('G5', { sales: { external_share_bps: 5_000 } })).toBe('warn');
    expect(status('G5', { sales: { external_share_bps: 5_001 } })).toBe('warn');
    expect(status('G5', { sales: { external_share_bps: 6_999 } })).toBe('warn');
    expect(status('G5', { sales: { external_share_bps: 7_000 } })).toBe('pass');
    expect(status('G5', { sales: { external_share_bps: 7_001 } })).toBe('pass');
  });

  it('G6 recruitment share: <0.3 passes, 0.3–0.5 warns, ≥0.5 fails', () => {
    expect(status('G6', { sales: { recruitment_share_bps: 2_999 } })).toBe('pass');
    expect(status('G6', { sales: { recruitment_share_bps: 3_000 } })).toBe('warn');
    expect(status('G6', { sales: { recruitment_share_bps: 4_999 } })).toBe('warn');
    expect(status('G6', { sales: { recruitment_share_bps: 5_000 } })).toBe('fail');
    expect(status('G6', { sales: { recruitment_share_bps: 5_001 } })).toBe('fail');
  });

  it('G6 also counts what the payoff run finds, not only what the plan declares', () => {
    const r = rule('G6', { incentives: { commission_levels_bps: [500, 2_000], required_purchase: 60_000 } });
    expect(r.numbers.declared).toBe(0);
    expect(r.numbers.simulated as number).toBeGreaterThan(0.5);
    expect(r.status).toBe('fail');
  });

  it('G7 total payout: exactly 30% of paid passes, 1 fen more fails', () => {
    const at = { product: { price: 10_000, cogs: 1_000 } };
    expect(status('G7', { ...at, incentives: { commission_levels_bps: [2_999] } })).toBe('pass');
    expect(rule('G7', { ...at, incentives: { commission_levels_bps: [3_000] } })).toMatchObject({ status: 'pass', numbers: { payout: 3_000, cap: 3_000 } });
    expect(status('G7', { ...at, incentives: { commission_levels_bps: [3_001] } })).toBe('fail');
  });

  it('G7 margin budget: payout equal to the margin passes, 1 fen more fails', () => {
    // margin budget = 10000 − 7100 − 0 − 0 = 2900
    const at = { product: { price: 10_000, cogs: 7_100 } };
    expect(status('G7', { ...at, incentives: { commission_levels_bps: [2_899] } })).toBe('pass');
    expect(rule('G7', { ...at, incentives: { commission_levels_bps: [2_900] } })).toMatchObject({ status: 'pass', numbers: { margin_budget: 2_900 } });
    expect(status('G7', { ...at, incentives: { commission_levels_bps: [2_901] } })).toBe('fail');
  });

  it('G8 stress margin: CM under stress of 0 passes, −1 fen fails', () => {
    // Base 10000 − 5000 − f; stress: refunds 5% → 9500 − 4750 − spoilage 250 − f = 4500 − f.
    const plan = (f: number) => ({ incentives: { commission_levels_bps: [] }, costs: { fulfillment: f } });
    expect(rule('G8', plan(4_499))).toMatchObject({ status: 'pass', numbers: { stress_contribution_margin: 1 } });
    expect(rule('G8', plan(4_500))).toMatchObject({ status: 'pass', numbers: { stress_contribution_margin: 0 } });
    expect(rule('G8', plan(4_501))).toMatchObject({ status: 'fail', numbers: { stress_ok: false, cm_ok: true, stress_contribution_margin: -1 } });
  });

  it('G8 base margin: a negative CM per order fails', () => {
    const r = rule('G8', { incentives: { commission_levels_bps: [] }, costs: { fulfillment: 5_001 } });
    expect(r.numbers).toMatchObject({ cm_ok: false, contribution_margin: -1 });
    expect(rule('G8', { incentives: { commission_levels_bps: [] }, costs: { fulfillment: 5_000 } }).numbers.cm_ok).toBe(true);
  });

  it('G8 price: paid equal to cost passes, 1 fen below fails unless declared clearance', () => {
    expect(rule('G8', { product: { price: 10_000, cogs: 10_000 } }).numbers.price_ok).toBe(true);
    expect(rule('G8', { product: { price: 10_000, cogs: 10_001 } }).numbers.price_ok).toBe(false);
    expect(rule('G8', { product: { price: 10_000, cogs: 10_001 }, clearance: true }).numbers.price_ok).toBe(true);
  });

  it('G8 subsidy: needs both a budget and an end date', () => {
    const coupon = { incentives: { commission_levels_bps: [1_000], coupon_subsidy: 1 } };
    expect(rule('G8', { ...coupon, subsidy: { budget: 1, ends_at: '2025-06-30' } }).numbers.subsidy_ok).toBe(true);
    expect(rule('G8', { ...coupon, subsidy: { budget: 0, ends_at: '2025-06-30' } })).toMatchObject({ status: 'fail', numbers: { subsidy_ok: false } });
    expect(rule('G8', { ...coupon, subsidy: { budget: 1, ends_at: null } })).toMatchObject({ status: 'fail', numbers: { subsidy_ok: false } });
  });

  it('G9 hold: 6 days fails, 7 passes, 8 passes', () => {
    expect(status('G9', { hold_days: 6 })).toBe('fail');
    expect(status('G9', { hold_days: 7 })).toBe('pass');
    expect(status('G9', { hold_days: 8 })).toBe('pass');
  });

  it('G10 profit sharing: 30% passes, 1 fen more fails; 50 receivers pass, 51 fail', () => {
    const at = { product: { price: 10_000, cogs: 1_000 } };
    expect(status('G10', { ...at, incentives: { commission_levels_bps: [3_000] } })).toBe('pass');
    expect(status('G10', { ...at, incentives: { commission_levels_bps: [3_001] } })).toBe('fail');
    expect(status('G10', { ...at, incentives: { commission_levels_bps: new Array(50).fill(1) } })).toBe('pass');
    expect(rule('G10', { ...at, incentives: { commission_levels_bps: new Array(51).fill(1) } })).toMatchObject({ status: 'fail', numbers: { receivers: 51 } });
  });

  it('G11 claims: plain texts pass, income promises and share-to-unlock fail', () => {
    expect(status('G11', { marketing: { claims: ['本月入库新品，明日自提', 'Fresh fruit picked this morning'] } })).toBe('pass');
    const zh = rule('G11', { marketing: { claims: ['分享给朋友，月入过万'] } });
    expect(zh.status).toBe('fail');
    expect(zh.message.zh).toContain('月入过万');
    expect(status('G11', { marketing: { claims: ['Earn $5,000 a month from home'] } })).toBe('fail');
    expect(status('G11', { marketing: { share_to_unlock: true } })).toBe('fail');
  });

  it('G12 anti-Sybil: off with payouts fails, off without payouts passes, self-purchase rebates warn', () => {
    expect(status('G12', { incentives: { anti_sybil: false } })).toBe('fail');
    expect(status('G12', { incentives: { anti_sybil: false, commission_levels_bps: [] } })).toBe('pass');
    expect(status('G12', { incentives: { self_purchase_counts: true } })).toBe('warn');
  });

  it('G13 share losing money: 50% passes, just above warns, 80% warns, just above fails', () => {
    const facts = deriveFacts(parsePlan(clean), { participants: 500 });
    const at = (share: number) => g13ParticipantLoss({ ...facts, payoff: { ...facts.payoff, share_losing_money: share } }).status;
    expect(at(0.5)).toBe('pass');
    expect(at(0.5001)).toBe('warn');
    expect(at(0.8)).toBe('warn');
    expect(at(0.8001)).toBe('fail');
  });

  it('G13 flags an entry-fee scheme where most participants lose', () => {
    const r = rule('G13', { incentives: { entry_fee: 39_900, recruit_reward: 10_000 } });
    expect(r.numbers.share_losing_money as number).toBeGreaterThan(0.5);
    expect(r.status).not.toBe('pass');
  });
});

describe('verdict and overrides', () => {
  it('a fail rejects; an override with a reason turns an overridable fail into a warning', () => {
    const plan = parsePlan(merge({ hold_days: 6 }));
    expect(check(plan, { participants: 500 }).verdict).toBe('reject');
    const overridden = check(parsePlan(merge({ hold_days: 6, overrides: [{ rule: 'G9', reason: 'fresh goods, no returns' }] })), { participants: 500 });
    expect(overridden.verdict).toBe('warn');
    expect(overridden.rules.find((r) => r.id === 'G9')).toMatchObject({ status: 'fail', overridden: true });
  });

  it('overrides of G1, G2 and G3 are ignored', () => {
    const plan = parsePlan(merge({ incentives: { entry_fee: 100 }, overrides: [{ rule: 'G1', reason: 'please' }] }));
    const result = check(plan, { participants: 500 });
    expect(result.verdict).toBe('reject');
    expect(result.ignored_overrides).toEqual(['G1']);
  });

  it('warnings alone give warn', () => {
    const plan = parsePlan(clean);
    const rules = RULES.map((r) => r(deriveFacts(plan, { participants: 500 })));
    rules[2] = { ...(rules[2] as RuleResult), status: 'warn' };
    expect(decide(plan, rules).verdict).toBe('warn');
  });
});
