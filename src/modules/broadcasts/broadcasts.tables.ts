import type { Generated } from 'kysely';

export type CapPeriod = 'month' | 'week' | 'day';
export type BroadcastStatus = 'planned' | 'scheduled' | 'sending' | 'sent' | 'cancelled';
export type SkipReason = 'over_cap' | 'not_contact' | 'over_member_daily' | 'over_member_task_limit' | 'over_group_task_limit' | 'no_sender';
export type RecipientStatus = 'planned' | 'skipped' | 'submitting' | 'uncertain' | 'pending' | 'sent' | 'failed' | 'not_contact' | 'refused_by_wecom' | 'cancelled';

/** How many mass messages one customer or group may receive per period (default: days-in-month per month). */
export interface BroadcastSettingsTable {
  tenant_id: string;
  cap_period: Generated<CapPeriod>;
  updated_at: Generated<Date>;
}

export interface BroadcastsTable {
  tenant_id: string;
  id: string;
  chat_type: 'single' | 'group';
  initiator: Generated<'corp' | 'member'>;
  sender_userid: string | null;
  audience: unknown;
  content: unknown;
  status: Generated<BroadcastStatus>;
  send_at: Date;
  planned_at: Date;
  sent_at: Date | null;
  results_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** One recipient of a broadcast: the plan's decision, then WeCom's result; the send history the caps count. */
export interface BroadcastRecipientsTable {
  tenant_id: string;
  broadcast_id: string;
  recipient_key: string;
  initiator: 'corp' | 'member';
  customer_id: string | null;
  group_id: string | null;
  external_userid: string | null;
  chat_id: string | null;
  sender_userid: string | null;
  skip_reason: SkipReason | null;
  status: RecipientStatus;
  counted_at: Date | null;
  msgid: string | null;
  sent_time: Date | null;
  /** The add_msg_template call that carries (or carried) this recipient. */
  submission_id: Generated<string | null>;
}

/**
 * One add_msg_template call, recorded (submitting) and committed before WeCom is called, so a crash
 * between the call and recording its msgid is found on the retry: the task is looked up at WeCom
 * and adopted (submitted), or, not found for sure, left uncertain for the operator to resend.
 */
export interface BroadcastSubmissionsTable {
  tenant_id: string;
  broadcast_id: string;
  id: string;
  sender_userid: string;
  status: 'submitting' | 'submitted' | 'uncertain' | 'resent';
  msgid: string | null;
  started_at: Date;
  settled_at: Date | null;
}

export interface BroadcastTables {
  broadcast_settings: BroadcastSettingsTable; broadcasts: BroadcastsTable; broadcast_recipients: BroadcastRecipientsTable; broadcast_submissions: BroadcastSubmissionsTable;
}
