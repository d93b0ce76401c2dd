import type { Generated } from 'kysely';

export type ShareChannel = 'link' | 'mini_program' | 'shop';

/** A short code standing for a sharer, a B node and optionally a product or campaign (migration 015). */
export interface ShareCodesTable {
  tenant_id: string;
  code: string;
  sharer_user_id: string;
  sharer_name: string;
  b_node_id: string;
  product_id: string | null;
  campaign_id: string | null;
  /** A group buy's group whose page the code opens. */
  group_id: Generated<string | null>;
  /** The mini-program code, stored once generated. */
  wxacode_png: Buffer | null;
  created_at: Generated<Date>;
}

/** An arrival through a code; claimed for the buyer once they are signed in. */
export interface ShareVisitsTable {
  tenant_id: string;
  id: string;
  code: string;
  channel: ShareChannel;
  customer_id: string | null;
  self_share: Generated<boolean>;
  visited_at: Date;
  claimed_at: Date | null;
}

export interface ShareSettingsTable {
  tenant_id: string;
  attribution_days: Generated<number>;
  updated_at: Generated<Date>;
}

export interface SharingTables { share_codes: ShareCodesTable; share_visits: ShareVisitsTable; share_settings: ShareSettingsTable }
