export type HandoverItemStatus = 'queued' | 'refused' | 'waiting' | 'done' | 'failed';

export interface HandoversTable {
  tenant_id: string; id: string; kind: 'onjob' | 'resigned'; handover_userid: string; takeover_userid: string;
  created_by: string | null; created_at: Date; submitted_at: Date | null;
  /** The B node whose member hands over (their node when created): node roles see their node's handovers only. */
  b_node_id: string | null;
}

export interface HandoverItemsTable {
  tenant_id: string; handover_id: string; item_key: string; customer_id: string | null; external_userid: string | null;
  group_id: string | null; chat_id: string | null; status: HandoverItemStatus; reason: string | null; errcode: number | null;
  created_at: Date; settled_at: Date | null;
}

export interface HandoverTables { handovers: HandoversTable; handover_items: HandoverItemsTable }
