/**
 * M1, the money waterfall of one order, in integer fen.
 *
 * Rounding: every line that multiplies an amount by rates is computed as the exact rational
 * amount·rate₁·rate₂…/10000ⁿ and rounded once, half-up (x.5 fen goes up), with BigInt so no
 * intermediate product loses precision. Lines are never derived from other rounded lines
 * except by addition and subtraction, so the contribution margin is exactly
 * net sales minus the listed costs.
 */
import { EconomicsError, EconomicsFailure, type EconomicsIssue } from './errors.js';
import type { Plan } from './plan.js';
import type { EconomicsSettings } from './settings.js';

const BPS = 10_000;

/** round(Π nums / Π dens), half-up, for non-negative integers. */
export function roundRatio(nums: readonly number[], dens: readonly number[] = []): number {
  let n = 1n;
  let d = 1n;
  for (const x of nums) n *= BigInt(x);
  for (const x of dens) d *= BigInt(x);
  if (n < 0n || d <= 0n) throw new RangeError('roundRatio takes non-negative factors');
  const q = (2n * n + d) / (2n * d);
  const out = Number(q);
  if (!Number.isSafeInteger(out)) {
    throw new EconomicsFailure(EconomicsError.UnsafeAmount, [{ path: '', message: `${q} fen` }]);
  }
  return out;
}

/** amount·bps/10000, rounded once half-up. */
export function applyBps(amount: number, bps: number): number {
  return roundRatio([amount, bps], [BPS]);
}

export interface Waterfall {
  list_price: number;
  coupon: number;
  paid: number;
  refunds: number;
  net_sales: number;
  supply_cost: number;
  payment_fee: number;
  platform_take: number;
  fulfillment: number;
  delivery: number;
  spoilage: number;
  reserve: number;
  commissions: number[];
  leader: number;
  other_payouts: number;
  payouts: number;
  contribution_margin: number;
}

/** Payouts tied to a recruit rather than to an order; G1/G2 reject any of them. */
export interface PerRecruit {
  entry_fee: number;
  recruit_reward: number;
  fee_commissions: number[];
  to_platform: number;
}

export interface PlanWaterfall extends Waterfall {
  /** The commission base B of one order: paid, or paid − cogs (never negative). */
  commission_base: number;
  /** Commissions + leader on one settled, unrefunded order: what G7/G10 cap. */
  payout_settled: number;
  /** paid − cogs − fees − take − fulfilment − delivery − spoilage − reserve on a settled order. */
  margin_budget: number;
  per_recruit: PerRecruit;
}

type Lines = Omit<Waterfall, 'net_sales' | 'payouts' | 'contribution_margin'>;

function assemble(lines: Lines): Waterfall {
  const net_sales = lines.paid - lines.refunds;
  const commissionSum = lines.commissions.reduce((a, b) => a + b, 0);
  const payouts = commissionSum + lines.leader + lines.other_payouts;
  const costs =
    lines.supply_cost + lines.payment_fee + lines.platform_take + lines.fulfillment +
    lines.delivery + lines.spoilage + lines.reserve + payouts;
  const out = { ...lines, net_sales, payouts, contribution_margin: net_sales - costs };
  for (const [key, value] of Object.entries(out)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (!Number.isSafeInteger(v)) {
        throw new EconomicsFailure(EconomicsError.UnsafeAmount, [{ path: key, message: String(v) }]);
      }
    }
  }
  return out;
}

/** The expected waterfall of one order of the plan (refunds at the plan's refund rate). */
export function computeWaterfall(plan: Plan): PlanWaterfall {
  const { product, costs, incentives } = plan;
  const rho = costs.refund_rate_bps;
  const kept = BPS - rho;
  const paid = product.price - incentives.coupon_subsidy;
  const base = incentives.commission_base === 'paid' ? paid : Math.max(0, paid - product.cogs);

  const lines: Lines = {
    list_price: product.price,
    coupon: incentives.coupon_subsidy,
    paid,
    refunds: applyBps(paid, rho),
    // cogs·(1 − ρ·recovery): the refunded share whose goods come back costs nothing.
    supply_cost: roundRatio([product.cogs, BPS * BPS - rho * costs.refund_recovery_bps], [BPS * BPS]),
    payment_fee: applyBps(paid, costs.payment_fee_bps),
    platform_take: applyBps(paid, costs.platform_take_bps),
    fulfillment: costs.fulfillment,
    delivery: costs.delivery,
    spoilage: applyBps(product.cogs, costs.spoilage_bps),
    reserve: costs.reserve,
    // Refunds reverse commissions, so each level earns on the kept share (1 − ρ) of B.
    commissions: incentives.commission_levels_bps.map((r) => roundRatio([base, r, kept], [BPS, BPS])),
    leader: roundRatio([paid, incentives.leader_bps, kept], [BPS, BPS]),
    other_payouts: 0,
  };
  const waterfall = assemble(lines);

  const payout_settled =
    incentives.commission_levels_bps.reduce((sum, r) => sum + applyBps(base, r), 0) +
    applyBps(paid, incentives.leader_bps);
  const margin_budget =
    paid - product.cogs - lines.payment_fee - lines.platform_take - lines.fulfillment -
    lines.delivery - lines.spoilage - lines.reserve;
  const fee_commissions = incentives.fee_commission_levels_bps.map((r) => applyBps(incentives.entry_fee, r));
  const per_recruit: PerRecruit = {
    entry_fee: incentives.entry_fee,
    recruit_reward: incentives.recruit_reward,
    fee_commissions,
    to_platform:
      incentives.entry_fee - incentives.recruit_reward - fee_commissions.reduce((a, b) => a + b, 0),
  };
  return { ...waterfall, commission_base: base, payout_settled, margin_budget, per_recruit };
}

export interface OrderLineFigures {
  quantity: number;
  /** List price of one unit, fen. */
  unit_price: number;
  /** Landed supply cost of one unit, fen. */
  unit_supply_cost: number;
}

/** Actual figures of one order, as the orders module knows them. All amounts integer fen. */
export interface OrderFigures {
  lines: OrderLineFigures[];
  /** Every discount on the order (platform, merchant, group), fen. */
  coupon: number;
  /** What the buyer paid; must equal Σ quantity·unit_price − coupon. */
  paid: number;
  /** Refunded so far, fen (default 0). */
  refunded?: number;
  /** Supply cost recovered through returned goods, fen (default 0). */
  recovered_supply_cost?: number;
  payment_fee_bps: number;
  platform_take_bps: number;
  /** Spoilage as a share of the order's supply cost. */
  spoilage_bps: number;
  fulfillment: number;
  delivery: number;
  reserve?: number;
  /** Commission credited per level after any reversal, fen. */
  commissions: number[];
  leader: number;
  /** Any other payout tied to this order, fen. */
  other_payouts?: number;
}

function checkAmount(issues: EconomicsIssue[], path: string, v: unknown, maxBps = false): number {
  const ok = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && (!maxBps || v <= BPS);
  if (!ok) issues.push({ path, message: maxBps ? 'expected integer bps 0..10000' : 'expected a non-negative integer (fen)' });
  return ok ? v : 0;
}

/** The actual waterfall of a stored order; refunds are the amounts really refunded. */
export function waterfallForOrder(input: OrderFigures): Waterfall {
  const issues: EconomicsIssue[] = [];
  let list = 0;
  let supply = 0;
  if (!Array.isArray(input.lines) || input.lines.length === 0) {
    issues.push({ path: 'lines', message: 'an order needs at least one line' });
  } else {
    input.lines.forEach((line, i) => {
      const q = checkAmount(issues, `lines.${i}.quantity`, line.quantity);
      list += q * checkAmount(issues, `lines.${i}.unit_price`, line.unit_price);
      supply += q * checkAmount(issues, `lines.${i}.unit_supply_cost`, line.unit_supply_cost);
    });
  }
  const coupon = checkAmount(issues, 'coupon', input.coupon);
  const paid = checkAmount(issues, 'paid', input.paid);
  const refunded = checkAmount(issues, 'refunded', input.refunded ?? 0);
  const recovered = checkAmount(issues, 'recovered_supply_cost', input.recovered_supply_cost ?? 0);
  const feeBps = checkAmount(issues, 'payment_fee_bps', input.payment_fee_bps, true);
  const takeBps = checkAmount(issues, 'platform_take_bps', input.platform_take_bps, true);
  const spoilBps = checkAmount(issues, 'spoilage_bps', input.spoilage_bps, true);
  const commissions = (Array.isArray(input.commissions) ? input.commissions : []).map((c, i) =>
    checkAmount(issues, `commissions.${i}`, c),
  );
  const lines: Lines = {
    list_price: list,
    coupon,
    paid,
    refunds: refunded,
    supply_cost: supply - recovered,
    payment_fee: 0,
    platform_take: 0,
    fulfillment: checkAmount(issues, 'fulfillment', input.fulfillment),
    delivery: checkAmount(issues, 'delivery', input.delivery),
    spoilage: 0,
    reserve: checkAmount(issues, 'reserve', input.reserve ?? 0),
    commissions,
    leader: checkAmount(issues, 'leader', input.leader),
    other_payouts: checkAmount(issues, 'other_payouts', input.other_payouts ?? 0),
  };
  if (!Number.isSafeInteger(list) || !Number.isSafeInteger(supply)) {
    issues.push({ path: 'lines', message: 'order total is outside the safe integer range' });
  }
  if (issues.length === 0 && paid !== list - coupon) {
    issues.push({ path: 'paid', message: `paid ${paid} ≠ lines ${list} − coupon ${coupon}` });
  }
  if (refunded > paid) issues.push({ path: 'refunded', message: `refunded ${refunded} > paid ${paid}` });
  if (recovered > supply) {
    issues.push({ path: 'recovered_supply_cost', message: `recovered ${recovered} > supply cost ${supply}` });
  }
  if (issues.length > 0) throw new EconomicsFailure(EconomicsError.InvalidOrderFigures, issues);

  lines.payment_fee = applyBps(paid, feeBps);
  lines.platform_take = applyBps(paid, takeBps);
  lines.spoilage = applyBps(supply, spoilBps);
  return assemble(lines);
}

/** The parts of an order's waterfall as kept per order line, in the order they are shown. */
export const WATERFALL_PARTS = ['list_price', 'coupon', 'paid', 'refunds', 'supply_cost', 'payment_fee', 'platform_take', 'fulfillment', 'delivery',
  'spoilage', 'commission_l1', 'commission_l2', 'leader', 'expected_refunds', 'campaign_subsidy', 'contribution_margin'] as const;
export type WaterfallPart = (typeof WATERFALL_PARTS)[number];
export type WaterfallRow = Record<WaterfallPart, number>;

/** A stored order as its waterfall needs it: amounts in fen and the B node's commission policy. */
export interface StoredOrder {
  paid: number;
  coupon: number;
  refunded: number;
  /** Still open to refunds, so a provision for future refunds is part of its costs. */
  open: boolean;
  leader_bps: number;
  levels_bps: readonly number[];
  /**
   * Campaign costs the operator funds on this order beyond its discount (a group formed under the
   * disclosed fill rule: its share of the missing members' price concession), fen; default 0.
   */
  campaign_subsidy?: number;
}

export interface StoredOrderLine {
  quantity: number;
  unit_price: number;
  unit_supply_cost: number;
  refunded_quantity: number;
}

/**
 * M1 for a stored order under the tenant's settings. Commissions are earned only on what was not
 * refunded; refunded goods give their supply cost back; a provision for future refunds is kept
 * while the order is open; a campaign subsidy the operator funds on the order is a cost of its own.
 */
export function storedOrderWaterfall(o: StoredOrder, lines: readonly StoredOrderLine[], settings: EconomicsSettings): WaterfallRow {
  const kept = o.paid - o.refunded;
  const subsidy = o.campaign_subsidy ?? 0;
  if (!Number.isSafeInteger(subsidy) || subsidy < 0) {
    throw new EconomicsFailure(EconomicsError.InvalidOrderFigures, [{ path: 'campaign_subsidy', message: 'expected a non-negative integer (fen)' }]);
  }
  const w = waterfallForOrder({
    lines: lines.map((l) => ({ quantity: l.quantity, unit_price: l.unit_price, unit_supply_cost: l.unit_supply_cost })),
    coupon: o.coupon,
    paid: o.paid,
    refunded: o.refunded,
    recovered_supply_cost: lines.reduce((a, l) => a + l.refunded_quantity * l.unit_supply_cost, 0),
    payment_fee_bps: settings.payment_fee_bps,
    platform_take_bps: settings.platform_take_bps,
    spoilage_bps: settings.spoilage_bps,
    fulfillment: settings.fulfillment_per_order,
    delivery: settings.delivery_per_order,
    reserve: o.open ? applyBps(kept, settings.expected_refund_bps) : 0,
    // No referral chain exists yet, so level commissions stay 0 until attribution lands; the
    // B node's own commission is the policy's leader rate on the kept sale.
    commissions: o.levels_bps.map(() => 0),
    leader: applyBps(kept, o.leader_bps),
  });
  return {
    list_price: w.list_price, coupon: w.coupon, paid: w.paid, refunds: w.refunds, supply_cost: w.supply_cost,
    payment_fee: w.payment_fee, platform_take: w.platform_take, fulfillment: w.fulfillment, delivery: w.delivery,
    spoilage: w.spoilage, commission_l1: w.commissions[0] ?? 0, commission_l2: w.commissions[1] ?? 0, leader: w.leader,
    expected_refunds: w.reserve, campaign_subsidy: subsidy, contribution_margin: w.contribution_margin - subsidy,
  };
}
