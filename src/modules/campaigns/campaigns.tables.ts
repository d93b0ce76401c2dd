import type { Generated } from 'kysely';
import type { GuardColumn } from '../economics/economics.tables.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import type { CampaignStatus, FundedBy } from './campaigns.schema.js';

type Bigint = string | number;

export interface CampaignsTable {
  tenant_id: string;
  id: string;
  name: string;
  b_node_id: string | null;
  funded_by: FundedBy;
  discount_per_order: Bigint;
  min_order_total: Bigint;
  budget: Bigint;
  spent: Generated<Bigint>;
  starts_at: Date;
  ends_at: Date;
  status: CampaignStatus;
  verdict: StoredVerdict;
  guard: GuardColumn;
  override_reason: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CampaignTables { campaigns: CampaignsTable }
