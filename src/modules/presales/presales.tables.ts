import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { NoShowRule } from './presales.schema.js';

/** A pre-sale (社区团购): SKUs bound to a sales window of fulfilment's; orders under it are taken until its cutoff. */
export interface PresalesTable {
  tenant_id: string;
  id: string;
  window_id: string;
  title: string;
  /** The economics guard's verdict when it was created; null for pre-sales made before it judged them. */
  verdict: StoredVerdict | null;
  guard: ColumnType<GuardSummary | null, string | null, string | null>;
  override_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface PresaleItemsTable { tenant_id: string; presale_id: string; sku_id: string; position: number }

/** What of an order line the buyer has taken so far (partial pickup). */
export interface PickupLinePicksTable { tenant_id: string; order_id: string; line_no: number; picked: number; updated_at: Date }

/** An order's goods arrived at its pickup point; the no-show rule runs from `arrived_at`, once. */
export interface PickupArrivalsTable {
  tenant_id: string;
  order_id: string;
  b_node_id: string;
  customer_id: string;
  arrived_at: Date;
  no_show_at: Date | null;
  no_show_outcome: 'refunded' | 'nothing_left' | null;
}

/** "The goods arrived": one per buyer, node and day. */
export interface ArrivalNoticesTable {
  tenant_id: string;
  id: string;
  b_node_id: string;
  customer_id: string;
  notice_day: string;
  order_count: number;
  messages_queued: number;
  created_at: Date;
}

export interface PresaleSettingsTable { tenant_id: string; no_show_rule: Generated<NoShowRule>; no_show_days: Generated<number>; updated_at: Generated<Date> }

export interface PresaleTables {
  presales: PresalesTable; presale_items: PresaleItemsTable; pickup_line_picks: PickupLinePicksTable;
  pickup_arrivals: PickupArrivalsTable; arrival_notices: ArrivalNoticesTable; presale_settings: PresaleSettingsTable;
}
