import type { Generated } from 'kysely';

/** Units sold per shop and SKU (paid less refunded), refreshed from the orders: what "已售 N" reads. */
export interface ListingSalesTable {
  tenant_id: string;
  b_node_id: string;
  sku_id: string;
  sold: number;
  updated_at: Generated<Date>;
}

export interface ShopCatalogTables { listing_sales: ListingSalesTable }
