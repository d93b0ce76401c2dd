import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';

export interface SuppliersTable {
  tenant_id: string;
  id: string;
  name: string;
  kind: Generated<'tenant' | 'third_party'>;
  created_at: Generated<Date>;
}

export interface CategoriesTable {
  tenant_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  position: Generated<number>;
  created_at: Generated<Date>;
}

export interface ProductsTable {
  tenant_id: string;
  id: string;
  supplier_id: string;
  title: string;
  description: Generated<string>;
  category: Generated<string>;
  image_url: string | null;
  category_id: string | null;
  attributes: Generated<Record<string, string>>;
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
  barcode: string | null;
  case_pack: Generated<number>;
  min_order_qty: Generated<number>;
  attributes: Generated<Record<string, string>>;
  created_at: Generated<Date>;
}

export interface ProductImagesTable {
  tenant_id: string;
  id: string;
  product_id: string;
  position: number;
  key: string;
  format: 'webp' | 'jpeg';
  width: number;
  height: number;
  created_at: Generated<Date>;
}

export interface CatalogTables {
  suppliers: SuppliersTable;
  categories: CategoriesTable;
  products: ProductsTable;
  skus: SkusTable;
  product_images: ProductImagesTable;
}
