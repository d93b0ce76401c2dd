import type { Generated } from 'kysely';

/** bigint columns arrive from pg as strings; they are converted with `fen()` at the repo edge. */
type Bigint = string | number;

export interface SuppliersTable { tenant_id: string; id: string; name: string; created_at: Generated<Date> }

export interface ProductsTable {
  tenant_id: string;
  id: string;
  supplier_id: string;
  title: string;
  description: Generated<string>;
  category: Generated<string>;
  image_url: string | null;
  created_at: Generated<Date>;
}

export interface SkusTable {
  tenant_id: string;
  id: string;
  product_id: string;
  code: string;
  name: string;
  supply_price: Bigint;
  suggested_price: Bigint;
  retail_floor: Bigint;
  retail_ceiling: Bigint;
  created_at: Generated<Date>;
}

export interface CatalogTables {
  suppliers: SuppliersTable;
  products: ProductsTable;
  skus: SkusTable;
}
