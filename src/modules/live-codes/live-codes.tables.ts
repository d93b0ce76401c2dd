import type { Generated } from 'kysely';

export type LiveCodeKind = 'store' | 'member' | 'campaign' | 'group';
export type WelcomeStatus = 'pending' | 'sending' | 'sent' | 'expired' | 'sent_by_other' | 'failed';

export interface LiveCodesTable {
  tenant_id: string;
  id: string;
  kind: LiveCodeKind;
  name: string;
  state: string;
  b_node_id: string | null;
  campaign_id: string | null;
  userids: Generated<string[]>;
  config_id: string | null;
  qr_code: string | null;
  tag_ids: Generated<string[]>;
  welcome: unknown;
  status: Generated<'active' | 'deleted'>;
  full_warned_at: Date | null;
  created_at: Generated<Date>;
}

export interface LiveCodeGroupsTable { tenant_id: string; live_code_id: string; position: number; group_id: string }

export interface LiveCodeDaysTable { tenant_id: string; live_code_id: string; day: string; requests: Generated<number>; adds: Generated<number> }

/** Who asked through a code on a day: a person's second event of the day (add_half then add, a replay) asks once. */
export interface LiveCodeRequestsTable { tenant_id: string; live_code_id: string; day: string; external_userid: string }

/** A welcome message owed to a new contact, one per welcome_code. */
export interface WelcomeMessagesTable {
  tenant_id: string;
  welcome_code: string;
  live_code_id: string | null;
  userid: string;
  external_userid: string;
  customer_id: string | null;
  content: unknown;
  event_at: Date;
  status: Generated<WelcomeStatus>;
  attempted_at: Date | null;
  delay_ms: number | null;
  errcode: number | null;
}

export interface LiveCodeTables {
  live_codes: LiveCodesTable; live_code_groups: LiveCodeGroupsTable; live_code_days: LiveCodeDaysTable; live_code_requests: LiveCodeRequestsTable; welcome_messages: WelcomeMessagesTable;
}
