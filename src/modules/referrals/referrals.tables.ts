import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';

type GuardColumn = ColumnType<GuardSummary | null, string, string>;

export interface ReferralTasksTable {
  tenant_id: string;
  id: string;
  name: string;
  invites_required: number;
  reward_kind: 'coupon' | 'points';
  reward_template_id: string | null;
  reward_points: number | null;
  starts_at: Date;
  ends_at: Date;
  status: 'active' | 'ended';
  verdict: StoredVerdict;
  guard: GuardColumn;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface ReferralInvitesTable {
  tenant_id: string;
  task_id: string;
  invitee_id: string;
  inviter_id: string;
  order_id: string;
  counted: boolean;
  reason: 'self_invite' | 'duplicate_identity' | 'refunded' | null;
  created_at: Date;
}

export interface ReferralRewardsTable {
  tenant_id: string;
  task_id: string;
  inviter_id: string;
  round: number;
  coupon_id: string | null;
  points: number | null;
  created_at: Date;
}

export interface PointsBalancesTable { tenant_id: string; customer_id: string; balance: number }
export interface PointsLedgerTable { tenant_id: string; id: string; customer_id: string; delta: number; reason: string; ref: string; created_at: Date }

export interface ReferralTables {
  referral_tasks: ReferralTasksTable;
  referral_invites: ReferralInvitesTable;
  referral_rewards: ReferralRewardsTable;
  points_balances: PointsBalancesTable;
  points_ledger: PointsLedgerTable;
}
