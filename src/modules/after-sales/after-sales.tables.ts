import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { AfterSalesStatus } from './after-sales.schema.js';

/** A tenant's after-sales rules; no row means the defaults. */
export interface AfterSalesSettingsTable {
  tenant_id: string;
  auto_approve_before_ready: Generated<boolean>;
  return_window_days: Generated<number>;
  updated_at: Generated<Date>;
}

export interface AfterSalesRequestsTable {
  tenant_id: string;
  id: string;
  order_id: string;
  b_node_id: string;
  customer_id: string;
  status: AfterSalesStatus;
  /** [{ line_no, quantity }] as asked. */
  lines: unknown;
  amount: Fen;
  reason: string;
  decision_note: Generated<string>;
  auto_approved: Generated<boolean>;
  refund_id: string | null;
  requested_by: string;
  decided_by: string | null;
  created_at: Generated<Date>;
  decided_at: Date | null;
  closed_at: Date | null;
}

/** Work staff must do: today a refund the provider reported failed. */
export interface AfterSalesActionsTable {
  tenant_id: string;
  id: string;
  kind: 'refund_failed' | 'refund_abnormal';
  order_id: string;
  b_node_id: string;
  refund_id: string;
  request_id: string | null;
  amount: Fen;
  details: unknown;
  created_at: Generated<Date>;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: Generated<string>;
}

export interface AfterSalesTables { after_sales_settings: AfterSalesSettingsTable; after_sales_requests: AfterSalesRequestsTable; after_sales_actions: AfterSalesActionsTable }
