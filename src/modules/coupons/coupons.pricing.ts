import { allocate, type Fen } from '../../platform/money.js';
import { couponError } from './coupons.errors.js';
import type { CouponKind, CouponTarget } from './coupons.schema.js';

/** A coupon's terms as checkout reads them from the buyer's wallet. */
export interface CouponTerms {
  coupon_id: string; template_id: string; name: string; kind: CouponKind;
  amount: Fen | null; percent_bps: number | null; max_discount: Fen | null; min_total: Fen;
  target: CouponTarget; target_ids: string[]; stacks_with_subsidy: boolean; stacks_with_coupons: boolean;
}
export interface CouponLine { sku_id: string; line_total: Fen; category_path: string[] }

/**
 * What one coupon takes off an order whose lines already carry `before` (the subsidy, earlier
 * coupons), and how it splits over the lines. The rule:
 *
 *  - the coupon applies to its eligible lines (target SKUs, lines in a target category or below it,
 *    every line when the order's B node is a target or the target is the whole order);
 *  - the minimum (`min_total`, the 满减 threshold) is judged on the eligible goods at list price;
 *  - fixed and threshold take `amount`; percent takes `percent_bps` of what the eligible lines
 *    still cost, rounded down to the fen (the buyer never gets more than the stated percent),
 *    then capped at `max_discount`;
 *  - never more than the eligible lines still cost, so no line goes below zero;
 *  - split over the eligible lines by what they still cost, largest remainder, so refunds by line
 *    and commissions stay exact.
 */
export function couponDiscount(terms: CouponTerms, lines: CouponLine[], bNodeId: string, before: Fen[]): { amount: Fen; perLine: Fen[] } {
  const targets = new Set(terms.target_ids);
  const eligible = lines.map((l) => {
    switch (terms.target) {
      case 'order': return true;
      case 'b_nodes': return targets.has(bNodeId);
      case 'skus': return targets.has(l.sku_id);
      case 'categories': return l.category_path.some((c) => targets.has(c));
    }
  });
  const goods = lines.reduce((a, l, i) => a + (eligible[i] ? l.line_total : 0), 0);
  if (goods === 0) throw couponError('coupon_out_of_scope', { coupon_id: terms.coupon_id });
  if (goods < terms.min_total) throw couponError('coupon_threshold_not_met', { coupon_id: terms.coupon_id, min_total: terms.min_total, eligible_total: goods });
  const left = lines.map((l, i) => (eligible[i] ? l.line_total - before[i]! : 0));
  const leftTotal = left.reduce((a, b) => a + b, 0);
  const raw = terms.kind === 'percent'
    ? Math.min(Math.floor((leftTotal * terms.percent_bps!) / 10_000), terms.max_discount ?? Number.MAX_SAFE_INTEGER)
    : terms.amount!;
  const amount = Math.min(raw, leftTotal);
  if (amount <= 0) throw couponError('coupon_out_of_scope', { coupon_id: terms.coupon_id });
  return { amount, perLine: allocate(amount, left) };
}

/**
 * Which of the order's discounts stand together. One coupon per order unless every chosen coupon
 * stacks with others; a subsidy applies beside coupons only when every coupon stacks with it —
 * otherwise the coupon takes the subsidy's place (the quote shows which).
 */
export function stacking(coupons: CouponTerms[]): { subsidyAllowed: boolean } {
  if (coupons.length > 1 && coupons.some((c) => !c.stacks_with_coupons)) {
    throw couponError('coupon_not_stackable', { coupon_ids: coupons.filter((c) => !c.stacks_with_coupons).map((c) => c.coupon_id) });
  }
  return { subsidyAllowed: coupons.every((c) => c.stacks_with_subsidy) };
}
