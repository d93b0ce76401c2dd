import type { Generated } from 'kysely';

/** A WeCom member (企业成员) of the tenant's corp; `left` members' customers await handover. */
export interface WecomMembersTable {
  tenant_id: string;
  userid: string;
  name: Generated<string>;
  user_id: string | null;
  b_node_id: string | null;
  status: Generated<'active' | 'left'>;
  updated_at: Generated<Date>;
}

/** A member following a customer; ended by either side's deletion or by a handover. */
export interface CustomerFollowsTable {
  tenant_id: string;
  customer_id: string;
  userid: string;
  external_userid: string;
  remark: Generated<string>;
  state: string | null;
  add_way: number | null;
  added_at: Date;
  ended_at: Date | null;
  ended_by: 'member' | 'customer' | 'transfer' | null;
}

export interface CustomerTagGroupsTable {
  tenant_id: string;
  id: string;
  name: string;
  position: Generated<number>;
  wecom_id: string | null;
  deleted_at: Date | null;
}

export interface CustomerTagsTable {
  tenant_id: string;
  id: string;
  group_id: string;
  name: string;
  position: Generated<number>;
  wecom_id: string | null;
  deleted_at: Date | null;
}

export interface CustomerTagLinksTable {
  tenant_id: string;
  customer_id: string;
  tag_id: string;
  tagged_at: Generated<Date>;
}

export interface CustomerGroupsTable {
  tenant_id: string;
  id: string;
  chat_id: string;
  name: Generated<string>;
  owner_userid: string | null;
  b_node_id: string | null;
  notice: Generated<string>;
  status: Generated<'active' | 'dismissed'>;
  member_count: Generated<number>;
  member_version: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** member_type 1: a WeCom member (member_key = userid); 2: an external contact (external_userid). */
export interface CustomerGroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_key: string;
  member_type: 1 | 2;
  customer_id: string | null;
  join_time: Date | null;
  join_scene: number | null;
  left_at: Date | null;
  quit_scene: number | null;
}

export type CustomerEventKind =
  | 'added' | 'removed_member' | 'deleted_by_member' | 'joined_group' | 'left_group' | 'tagged' | 'untagged'
  | 'messaged' | 'welcomed' | 'ordered' | 'refunded' | 'transferred' | 'transfer_failed' | 'merged' | 'churn_alert';

/** The customer's timeline. */
export interface CustomerEventsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  kind: CustomerEventKind;
  userid: string | null;
  data: Generated<Record<string, unknown>>;
  occurred_at: Date;
}

/** A customer deleted a member: an alert to the member's B node until acknowledged. */
export interface ChurnAlertsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  userid: string;
  b_node_id: string | null;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

export interface CrmTables {
  churn_alerts: ChurnAlertsTable; wecom_members: WecomMembersTable; customer_follows: CustomerFollowsTable; customer_tag_groups: CustomerTagGroupsTable;
  customer_tags: CustomerTagsTable; customer_tag_links: CustomerTagLinksTable; customer_groups: CustomerGroupsTable;
  customer_group_members: CustomerGroupMembersTable; customer_events: CustomerEventsTable;
}
