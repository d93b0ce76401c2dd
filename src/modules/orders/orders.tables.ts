import type { Generated } from 'kysely';
import type { Fulfillment, OrderStatus } from './orders.schema.js';

type Bigint = string | number;

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
  subtotal: Bigint;
  discount: Generated<Bigint>;
  total: Bigint;
  supply_cost: Bigint;
  refunded_total: Generated<Bigint>;
  shipped: Generated<boolean>;
  note: Generated<string>;
  expires_at: Date;
  created_at: Generated<Date>;
  paid_at: Date | null;
  closed_at: Date | null;
  campaign_id: Generated<string | null>;
}

export interface OrderLinesTable {
  tenant_id: string;
  order_id: string;
  line_no: number;
  sku_id: string;
  sku_code: string;
  title: string;
  quantity: number;
  unit_price: Bigint;
  unit_supply_cost: Bigint;
  line_total: Bigint;
  refunded_quantity: Generated<number>;
  refunded_amount: Generated<Bigint>;
  discount: Generated<Bigint>;
}

export interface StockReservationsTable {
  tenant_id: string;
  order_id: string;
  sku_id: string;
  warehouse_id: string;
  quantity: number;
  status: 'active' | 'released' | 'consumed';
  updated_at: Generated<Date>;
}

export interface OrderTables { orders: OrdersTable; order_lines: OrderLinesTable; stock_reservations: StockReservationsTable }
