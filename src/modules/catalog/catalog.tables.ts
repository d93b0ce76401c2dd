import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';

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
  supply_price: Fen;
  suggested_price: Fen;
  retail_floor: Fen;
  retail_ceiling: Fen;
  created_at: Generated<Date>;
}

export interface CatalogTables {
  suppliers: SuppliersTable;
  products: ProductsTable;
  skus: SkusTable;
}
