import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { PurchaseOrderStatus, Recurrence, WindowStatus } from './fulfilment.schema.js';

/** One part of an order per supplier of its SKUs: sums of the order's lines, so the parts add up to the order. */
export interface SupplierSubOrdersTable {
  tenant_id: string;
  order_id: string;
  supplier_id: string;
  line_count: number;
  goods_amount: Fen;
  discount: Fen;
  supply_cost: Fen;
  created_at: Generated<Date>;
}

export interface SalesWindowsTable {
  tenant_id: string;
  id: string;
  name: string;
  recurrence: Generated<Recurrence>;
  opens_at: Date;
  cutoff_at: Date;
  status: Generated<WindowStatus>;
  closed_at: Date | null;
  previous_id: string | null;
  created_at: Generated<Date>;
}

/** The window whose cutoff took an order (once). */
export interface WindowOrdersTable { tenant_id: string; order_id: string; window_id: string; b_node_id: string; warehouse_id: string; paid_at: Date }

export interface PurchaseOrdersTable {
  tenant_id: string;
  id: string;
  number: string;
  window_id: string;
  supplier_id: string;
  warehouse_id: string;
  status: Generated<PurchaseOrderStatus>;
  created_at: Generated<Date>;
  confirmed_at: Date | null;
  confirmed_by: string | null;
}

export interface PurchaseOrderLinesTable {
  tenant_id: string;
  purchase_order_id: string;
  sku_id: string;
  demand_qty: number;
  case_pack: number;
  ordered_qty: number;
  unit_supply_cost: Fen;
  confirmed_qty: number | null;
}

/** A pickup point's list for a window; its items are the window's orders at that node, read as they stand. */
export interface PickListsTable { tenant_id: string; id: string; window_id: string; b_node_id: string; order_count: number; units: number; created_at: Generated<Date> }

export interface ShortShipmentRefundsTable {
  tenant_id: string;
  purchase_order_id: string;
  order_id: string;
  line_no: number;
  sku_id: string;
  quantity: number;
  amount: Fen;
  refund_id: string;
  created_at: Generated<Date>;
}

export interface FulfilmentTables { supplier_sub_orders: SupplierSubOrdersTable; sales_windows: SalesWindowsTable; window_orders: WindowOrdersTable; purchase_orders: PurchaseOrdersTable; purchase_order_lines: PurchaseOrderLinesTable; pick_lists: PickListsTable; short_shipment_refunds: ShortShipmentRefundsTable }
