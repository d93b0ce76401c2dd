import { sql } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { CouponKind, CouponTarget } from './coupons.schema.js';

/** A chosen wallet coupon with its template, as checkout's read returns it (JSON: timestamps as text). */
export interface ChosenCoupon {
  coupon_id: string; template_id: string; name: string; kind: CouponKind;
  amount: Fen | null; percent_bps: number | null; max_discount: Fen | null; min_total: Fen;
  target: CouponTarget; target_ids: string[]; stacks_with_subsidy: boolean; stacks_with_coupons: boolean;
  status: 'available' | 'used'; valid_until: string; template_status: 'active' | 'ended'; template_b_node_id: string | null;
  total_count: number; used_count: number; budget: Fen; spent: Fen;
}

/**
 * The buyer's chosen coupons with their templates, as one JSON array (a scalar subquery): what
 * checkout prices them by. Another buyer's coupon is simply not there.
 */
export function chosenCoupons(tenantId: string, customerId: string | null, couponIds: string[]) {
  return sql<ChosenCoupon[]>`(SELECT coalesce(json_agg(json_build_object(
        'coupon_id', c.id, 'template_id', t.id, 'name', t.name, 'kind', t.kind, 'amount', t.amount, 'percent_bps', t.percent_bps,
        'max_discount', t.max_discount, 'min_total', t.min_total, 'target', t.target, 'target_ids', t.target_ids,
        'stacks_with_subsidy', t.stacks_with_subsidy, 'stacks_with_coupons', t.stacks_with_coupons, 'status', c.status,
        'valid_until', c.valid_until, 'template_status', t.status, 'template_b_node_id', t.b_node_id,
        'total_count', t.total_count, 'used_count', t.used_count, 'budget', t.budget, 'spent', t.spent) ORDER BY c.id), '[]'::json)
      FROM coupons c JOIN coupon_templates t ON t.tenant_id = c.tenant_id AND t.id = c.template_id
     WHERE c.tenant_id = ${tenantId} AND c.customer_id = ${customerId} AND c.id = ANY(${couponIds}::text[]))`;
}

export interface CouponUse { coupon_id: string; template_id: string; amount: Fen; redemption_id: string }

/**
 * CTE bodies taking an order's coupons in checkout's one write: each template's count and money
 * budget by one conditional update (`used_count + n <= total_count AND spent + amount <= budget`),
 * each wallet coupon flipped available → used by another (still valid, the buyer's). Checkout
 * places the order only when every template and coupon came back; `redemptions` then records
 * each use against the new order.
 */
export function takeCoupons(tenantId: string, customerId: string, orderId: string, uses: CouponUse[], now: Date) {
  const byTemplate = new Map<string, { n: number; amount: number }>();
  for (const u of uses) {
    const t = byTemplate.get(u.template_id) ?? { n: 0, amount: 0 };
    byTemplate.set(u.template_id, { n: t.n + 1, amount: t.amount + u.amount });
  }
  const templates = [...byTemplate.keys()].sort();
  return {
    templatesTaken: sql`(UPDATE coupon_templates t SET used_count = t.used_count + x.n, spent = t.spent + x.amount
        FROM unnest(${templates}::text[], ${templates.map((k) => byTemplate.get(k)!.n)}::int[], ${templates.map((k) => byTemplate.get(k)!.amount)}::bigint[]) AS x(id, n, amount)
       WHERE t.tenant_id = ${tenantId} AND t.id = x.id AND t.status = 'active'
         AND t.used_count + x.n <= t.total_count AND t.spent + x.amount <= t.budget
      RETURNING t.id)`,
    couponsTaken: sql`(UPDATE coupons SET status = 'used', order_id = ${orderId}
       WHERE tenant_id = ${tenantId} AND customer_id = ${customerId} AND id = ANY(${uses.map((u) => u.coupon_id)}::text[])
         AND status = 'available' AND valid_until > ${now}
      RETURNING id)`,
    templateCount: templates.length,
    redemptions: (orderIds: ReturnType<typeof sql>) => sql`(INSERT INTO coupon_redemptions (tenant_id, id, coupon_id, template_id, order_id, customer_id, amount, created_at)
        SELECT ${tenantId}, u.id, u.coupon_id, u.template_id, o.id, ${customerId}, u.amount, ${now}
          FROM ${orderIds} o, unnest(${uses.map((u) => u.redemption_id)}::text[], ${uses.map((u) => u.coupon_id)}::text[],
                                     ${uses.map((u) => u.template_id)}::text[], ${uses.map((u) => u.amount)}::bigint[]) AS u(id, coupon_id, template_id, amount)
        RETURNING 1)`,
  };
}
