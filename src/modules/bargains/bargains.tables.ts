import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { Fen } from '../../platform/money.js';

type GuardColumn = ColumnType<GuardSummary | null, string | null | undefined, string | null>;

/** A bargain campaign (砍价) on one SKU of one shop: friends cut its price from start to floor. */
export interface BargainCampaignsTable {
  tenant_id: string;
  id: string;
  b_node_id: string;
  sku_id: string;
  title: string;
  start_price: Fen;
  floor_price: Fen;
  helpers_needed: number;
  valid_hours: number;
  starts_at: Date;
  ends_at: Date;
  status: Generated<'active' | 'ended'>;
  /** The economics guard's verdict at the floor price (null: made before the guard judged bargains). */
  verdict: ColumnType<StoredVerdict | null, StoredVerdict | null | undefined, StoredVerdict | null>;
  guard: GuardColumn;
  override_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** A buyer's bargain: its seed and the cuts drawn from it once, how many friends helped, the price reached. */
export interface BargainsTable {
  tenant_id: string;
  id: string;
  campaign_id: string;
  customer_id: string;
  seed: number;
  cuts: Fen[];
  helped: Generated<number>;
  price: Fen;
  expires_at: Date;
  order_id: string | null;
  created_at: Date;
}

/** One friend's help: once per friend and bargain (the key), the seq-th cut. */
export interface BargainHelpsTable { tenant_id: string; bargain_id: string; helper_id: string; seq: number; cut: Fen; created_at: Date }

export interface BargainTables { bargain_campaigns: BargainCampaignsTable; bargains: BargainsTable; bargain_helps: BargainHelpsTable }
