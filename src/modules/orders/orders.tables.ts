import type { Generated } from 'kysely';
import type { Fulfillment, OrderStatus } from './orders.schema.js';
import type { Fen } from '../../platform/money.js';

export interface OrdersTable {
  tenant_id: string;
  id: string;
  number: string;
  b_node_id: string;
  customer_id: string;
  warehouse_id: string;
  status: OrderStatus;
  fulfillment: Generated<Fulfillment>;
  pickup_code: string;
  subtotal: Fen;
  discount: Generated<Fen>;
  total: Fen;
  supply_cost: Fen;
  refunded_total: Generated<Fen>;
  shipped: Generated<boolean>;
  note: Generated<string>;
  expires_at: Date;
  created_at: Generated<Date>;
  paid_at: Date | null;
  closed_at: Date | null;
  /** When the buyer took the goods (核销); the return window runs from here. */
  picked_up_at: Generated<Date | null>;
  campaign_id: Generated<string | null>;
  /** The part of `discount` a subsidy campaign paid (goes back to its budget when the order closes unpaid); the rest is coupons'. */
  subsidy_discount: Generated<Fen>;
  /** The campaign the order was bought under, of any kind; its table's row in campaign_ref. */
  campaign_kind: Generated<'subsidy' | 'group_buy' | 'flash_sale' | 'presale' | 'bargain' | null>;
  campaign_ref: Generated<string | null>;
  /** The share code the buyer last came through within the attribution window, its sharer and B node (migration 015). */
  share_code: Generated<string | null>;
  sharer_user_id: Generated<string | null>;
  sharer_b_node_id: Generated<string | null>;
}

export interface OrderLinesTable {
  tenant_id: string;
  order_id: string;
  line_no: number;
  sku_id: string;
  sku_code: string;
  title: string;
  quantity: number;
  unit_price: Fen;
  unit_supply_cost: Fen;
  line_total: Fen;
  refunded_quantity: Generated<number>;
  refunded_amount: Generated<Fen>;
  discount: Generated<Fen>;
}

/** Wrong pickup codes in a row for an order, and until when its code verification is locked. */
export interface PickupCodeAttemptsTable {
  tenant_id: string;
  order_id: string;
  failures: number;
  locked_until: Date | null;
  last_failed_at: Date;
}

export interface OrderTables { orders: OrdersTable; order_lines: OrderLinesTable; pickup_code_attempts: PickupCodeAttemptsTable }
