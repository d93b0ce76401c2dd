import type { ColumnType, Generated } from 'kysely';
import type { GuardSummary, StoredVerdict } from '../economics/economics.schema.js';
import type { Fen } from '../../platform/money.js';
import type { GroupBuyStatus, GroupStatus, GroupTier, MemberStatus } from './group-buys.schema.js';

type GuardColumn = ColumnType<GuardSummary | null, string, string>;
type TiersColumn = ColumnType<GroupTier[] | null, string | null | undefined, string | null>;

export interface GroupBuysTable {
  tenant_id: string; id: string; name: string; b_node_id: string; sku_id: string;
  group_size: number; timer_minutes: number; opener_price: Fen; member_price: Fen; per_customer_limit: number;
  stock_cap: number; taken: Generated<number>; form_at_pct: number | null; subsidy_booked: Generated<Fen>;
  starts_at: Date; ends_at: Date; status: GroupBuyStatus; verdict: StoredVerdict; guard: GuardColumn;
  override_reason: string | null; created_by: string | null; created_at: Generated<Date>; tiers: TiersColumn;
}

export interface GroupBuyGroupsTable {
  tenant_id: string; id: string; group_buy_id: string; opener_customer_id: string; size: number;
  members: Generated<number>; paid: Generated<number>; status: GroupStatus;
  expires_at: Date | null; opened_at: Date | null; settled_at: Date | null; subsidy: Generated<Fen>; created_at: Generated<Date>;
  tier_size: Generated<number | null>; tier_price: Generated<Fen | null>; withdrawn: Generated<number>;
}

export interface GroupBuyMembersTable {
  tenant_id: string; order_id: string; group_id: string; group_buy_id: string; customer_id: string;
  role: 'opener' | 'member'; price: Fen; status: MemberStatus; subsidy: Generated<Fen>; joined_at: Generated<Date>; refund_back: Generated<Fen>;
}

/** Groups a customer is in for a campaign (placed, not released or refunded). */
export interface GroupBuyBuyersTable { tenant_id: string; group_buy_id: string; customer_id: string; joined: number }

export interface GroupBuyTables {
  group_buys: GroupBuysTable; group_buy_groups: GroupBuyGroupsTable; group_buy_members: GroupBuyMembersTable; group_buy_buyers: GroupBuyBuyersTable;
}
