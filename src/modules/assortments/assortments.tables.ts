import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { AssortmentStatus } from './assortments.schema.js';

export interface AssortmentsTable {
  tenant_id: string;
  id: string;
  supplier_id: string;
  name: string;
  status: Generated<AssortmentStatus>;
  valid_from: Date;
  valid_until: Date;
  target_region_id: string | null;
  target_kinds: ('store' | 'leader' | 'koc')[] | null;
  target_tiers: number[] | null;
  target_node_ids: Generated<string[]>;
  published_at: Date | null;
  closed_at: Date | null;
  created_at: Generated<Date>;
}

export interface AssortmentItemsTable {
  tenant_id: string;
  assortment_id: string;
  sku_id: string;
  supply_price: Fen;
  retail_floor: Fen;
  retail_ceiling: Fen;
  commission_bp: number;
  node_cap: number | null;
}

export interface AssortmentTables { assortments: AssortmentsTable; assortment_items: AssortmentItemsTable }
