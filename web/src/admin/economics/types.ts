/** Shapes of the economics API; amounts are integer fen, rates basis points. */
export type Verdict = 'accept' | 'warn' | 'reject';
export type RuleStatus = 'pass' | 'warn' | 'fail';
export type PnlDimension = 'day' | 'sku' | 'b_node' | 'supplier' | 'policy';

export interface PnlRow {
  key: string | null; orders: number; list_price: number; coupon: number; paid: number; refunds: number;
  supply_cost: number; payment_fee: number; platform_take: number; fulfillment: number; delivery: number;
  spoilage: number; commission_l1: number; commission_l2: number; leader: number; expected_refunds: number;
  contribution_margin: number;
}
export interface Pnl { by: PnlDimension; rows: PnlRow[] }

/** A rule as the guard reports it; stored and rejected rules carry `message_zh`, checked ones a `{ zh, en }` pair. */
export interface GuardRule {
  id: string; status: RuleStatus; overridable?: boolean; overridden?: boolean;
  numbers?: Record<string, number | boolean | null>;
  message: string | { zh: string; en: string }; message_zh?: string;
}

export interface Policy {
  id: string; name: string; commission_base: 'paid' | 'margin'; levels_bps: number[]; leader_bps: number; hold_days: number;
  verdict: Verdict; override_reason: string | null; created_at: string;
  guard: { verdict: Verdict; rules: GuardRule[]; contribution_margin?: number } | null;
}

export interface PolicyBody {
  name: string; commission_base: 'paid' | 'margin'; levels_bps: number[]; leader_bps: number; hold_days: number;
  override?: { reason: string };
}

export interface PlanWaterfall {
  list_price: number; coupon: number; paid: number; refunds: number; net_sales: number; supply_cost: number;
  payment_fee: number; platform_take: number; fulfillment: number; delivery: number; spoilage: number; reserve: number;
  commissions: number[]; leader: number; other_payouts?: number; payouts: number; contribution_margin: number;
  payout_settled?: number; margin_budget?: number;
}
export interface CheckResult { verdict: Verdict; rules: GuardRule[]; waterfall: PlanWaterfall }

export interface LeaderSweepRow { leader_bps: number; contribution_margin: number; orders_per_day: number | null }
export interface SubsidySweepRow {
  subsidy_bps: number; coupon: number; contribution_margin: number; orders_per_day: number | null;
  daily_result: number | null; runway_days: number | null;
}
export interface NodeBreakeven {
  b_node_id: string; window_days: number; orders: number; actual_orders_per_day: number; actual: PnlRow | null;
  fixed_cost_per_day: number; contribution_margin: number; orders_per_day: number | null;
  leader_sweep: LeaderSweepRow[]; subsidy_sweep: SubsidySweepRow[];
}

export interface BNode { id: string; name: string; kind: string; slug: string; commission_policy_id?: string | null }
export interface Supplier { id: string; name: string }
export interface Product { id: string; title: string; skus: { id: string; code: string; name: string }[] }
export interface OrderWaterfall extends Partial<PnlRow> { order_id?: string; computed?: false; lines?: (PnlRow & { line_no: number; sku_id: string })[] }
