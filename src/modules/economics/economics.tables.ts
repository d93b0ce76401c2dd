import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from './economics.schema.js';
import type { CommissionBase } from './engine/plan.js';
import type { Fen } from '../../platform/money.js';

/** The guard's verdict, written as JSON text and read back parsed. */
export type GuardColumn = ColumnType<GuardSummary | null, string, string>;

export interface EconomicsSettingsTable {
  tenant_id: string;
  payment_fee_bps: number;
  platform_take_bps: number;
  fulfillment_per_order: Fen;
  delivery_per_order: Fen;
  spoilage_bps: number;
  expected_refund_bps: number;
  updated_at: Generated<Date>;
}

export interface CommissionPoliciesTable {
  tenant_id: string;
  id: string;
  name: string;
  commission_base: CommissionBase;
  levels_bps: number[];
  leader_bps: number;
  hold_days: number;
  verdict: StoredVerdict;
  guard: GuardColumn;
  override_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrderLineEconomicsTable {
  tenant_id: string; order_id: string; line_no: number; day: string | Date;
  b_node_id: string; sku_id: string; supplier_id: string; policy_id: string | null; campaign_id: string | null;
  list_price: Fen; coupon: Fen; paid: Fen; refunds: Fen; supply_cost: Fen; payment_fee: Fen;
  platform_take: Fen; fulfillment: Fen; delivery: Fen; spoilage: Fen; commission_l1: Fen;
  commission_l2: Fen; leader: Fen; expected_refunds: Fen; campaign_subsidy: Fen; contribution_margin: Fen;
  computed_at: Generated<Date>;
}

/** Campaign costs funded by the operator on an order beyond its discount (booked once per order and kind). */
export interface OrderCampaignCostsTable {
  tenant_id: string; order_id: string; campaign_kind: 'group_buy'; campaign_ref: string; amount: Fen; booked_at: Generated<Date>;
}

export interface EconomicsTables {
  order_campaign_costs: OrderCampaignCostsTable;
  economics_settings: EconomicsSettingsTable;
  commission_policies: CommissionPoliciesTable;
  order_line_economics: OrderLineEconomicsTable;
}
