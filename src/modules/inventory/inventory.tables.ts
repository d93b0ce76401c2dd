import type { Generated } from 'kysely';

export interface WarehousesTable { tenant_id: string; id: string; name: string; supplier_id: string | null }

export interface StockTable {
  tenant_id: string;
  warehouse_id: string;
  sku_id: string;
  on_hand: number;
  reserved: Generated<number>;
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

export interface InventoryTables { warehouses: WarehousesTable; stock: StockTable; stock_reservations: StockReservationsTable }
