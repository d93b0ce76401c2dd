import type { ColumnType, Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { CouponKind, CouponTarget } from './coupons.schema.js';

/** The guard's verdict on the template, written as JSON text and read back parsed. */
type GuardColumn = ColumnType<GuardSummary | null, string, string>;

export interface CouponTemplatesTable {
  tenant_id: string;
  id: string;
  name: string;
  kind: CouponKind;
  amount: Fen | null;
  percent_bps: number | null;
  max_discount: Fen | null;
  min_total: Fen;
  target: CouponTarget;
  target_ids: string[];
  stacks_with_subsidy: boolean;
  stacks_with_coupons: boolean;
  claim_starts_at: Date;
  claim_ends_at: Date;
  valid_until: Date | null;
  valid_days: number | null;
  per_customer_limit: number;
  total_count: number;
  used_count: Generated<number>;
  claimed_count: Generated<number>;
  budget: Fen;
  spent: Generated<Fen>;
  b_node_id: string | null;
  status: 'active' | 'ended';
  verdict: StoredVerdict;
  guard: GuardColumn;
  override_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface CouponHoldersTable {
  tenant_id: string;
  template_id: string;
  customer_id: string;
  claimed: number;
}

export interface CouponsTable {
  tenant_id: string;
  id: string;
  template_id: string;
  customer_id: string;
  source: 'claim' | 'reward';
  status: 'available' | 'used';
  order_id: string | null;
  claimed_at: Date;
  valid_until: Date;
}

export interface CouponRedemptionsTable {
  tenant_id: string;
  id: string;
  coupon_id: string;
  template_id: string;
  order_id: string;
  customer_id: string;
  amount: Fen;
  created_at: Date;
  returned_at: Date | null;
}

export interface CouponTables {
  coupon_templates: CouponTemplatesTable;
  coupon_holders: CouponHoldersTable;
  coupons: CouponsTable;
  coupon_redemptions: CouponRedemptionsTable;
}
