import type { Generated } from 'kysely';
import type { Fen } from '../../platform/money.js';
import type { BNodeKind } from './b-nodes.schema.js';

export interface BNodesTable {
  tenant_id: string;
  id: string;
  kind: BNodeKind;
  name: string;
  slug: string;
  warehouse_id: string;
  pickup_address: Generated<string>;
  commission_policy_id: Generated<string | null>;
  region_id: string | null;
  parent_id: string | null;
  tier: Generated<number>;
  pickup_lat: number | null;
  pickup_lng: number | null;
  pickup_hours: Generated<string>;
  created_at: Generated<Date>;
}

export interface RegionsTable {
  tenant_id: string;
  id: string;
  parent_id: string | null;
  name: string;
  created_at: Generated<Date>;
}

export interface ShopRoutesTable { slug: string; tenant_id: string; b_node_id: string }

export interface ListingsTable {
  tenant_id: string;
  b_node_id: string;
  sku_id: string;
  retail_price: Fen;
  active: Generated<boolean>;
  /** The shop's own order (lower first); ties sort by title. */
  position: Generated<number>;
  updated_at: Generated<Date>;
  assortment_id: Generated<string | null>;
  supply_price: Generated<Fen | null>;
  pause_reason: Generated<ListingPauseReason | null>;
  cap_left: Generated<number | null>;
}

/** Why a listing is paused: its owner paused it, or a supply change did (the owner is told). */
export type ListingPauseReason = 'owner' | 'outside_band' | 'withdrawn' | 'expired' | 'untargeted';

export interface ListingNoticesTable {
  tenant_id: string;
  id: string;
  b_node_id: string;
  sku_id: string;
  assortment_id: string | null;
  reason: Exclude<ListingPauseReason, 'owner'>;
  details: Record<string, unknown>;
  created_at: Generated<Date>;
}

export interface BNodeTables { b_nodes: BNodesTable; regions: RegionsTable; shop_routes: ShopRoutesTable; listings: ListingsTable; listing_notices: ListingNoticesTable }
