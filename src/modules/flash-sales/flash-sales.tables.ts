import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { Fen } from '../../platform/money.js';
import type { FlashSaleStatus } from './flash-sales.schema.js';

type GuardColumn = ColumnType<GuardSummary | null, string, string>;

export interface FlashSalesTable {
  tenant_id: string;
  id: string;
  name: string;
  b_node_id: string;
  sku_id: string;
  price: Fen;
  stock_cap: number;
  sold: Generated<number>;
  per_customer_limit: number;
  starts_at: Date;
  ends_at: Date;
  status: FlashSaleStatus;
  verdict: StoredVerdict;
  guard: GuardColumn;
  override_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** Units a customer holds of a sale (placed and not released). */
export interface FlashSaleBuyersTable { tenant_id: string; flash_sale_id: string; customer_id: string; bought: number }

/** What an order took of a sale; `released_at` is set once, when the unpaid order closes. */
export interface FlashSaleOrdersTable { tenant_id: string; order_id: string; flash_sale_id: string; customer_id: string; quantity: number; released_at: Date | null }

export interface FlashSaleTables { flash_sales: FlashSalesTable; flash_sale_buyers: FlashSaleBuyersTable; flash_sale_orders: FlashSaleOrdersTable }
