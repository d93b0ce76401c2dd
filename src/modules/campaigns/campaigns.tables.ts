import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { CampaignStatus, FundedBy } from './campaigns.schema.js';
import type { Fen } from '../../platform/money.js';

/** The guard's verdict on the campaign, written as JSON text and read back parsed. */
type GuardColumn = ColumnType<GuardSummary | null, string, string>;

export interface CampaignsTable {
  tenant_id: string;
  id: string;
  name: string;
  b_node_id: string | null;
  funded_by: FundedBy;
  discount_per_order: Fen;
  min_order_total: Fen;
  budget: Fen;
  spent: Generated<Fen>;
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
