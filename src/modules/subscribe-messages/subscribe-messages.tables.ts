import type { Generated } from 'kysely';
import type { OrderEvent, TemplateField } from './subscribe-messages.schema.js';

/** A tenant's subscribe-message template for an order event (migration 015). */
export interface SubscribeTemplatesTable {
  tenant_id: string;
  event: OrderEvent;
  template_id: string;
  page: Generated<string>;
  /** WeChat's template key (thing1, character_string2 …) → what of the order fills it. */
  fields: Record<string, TemplateField>;
  updated_at: Generated<Date>;
}

/** One-time opt-ins left per customer and template. */
export interface SubscribeOptInsTable {
  tenant_id: string;
  customer_id: string;
  template_id: string;
  remaining: number;
  accepted: number;
  updated_at: Generated<Date>;
}

export type SubscribeMessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface SubscribeMessagesTable {
  tenant_id: string;
  id: string;
  event: OrderEvent;
  /** The order, or the refund for refund_done: one message per event and subject. */
  subject_id: string;
  order_id: string;
  customer_id: string;
  template_id: string;
  status: SubscribeMessageStatus;
  opt_in_taken: Generated<boolean>;
  touser: string | null;
  errcode: number | null;
  error: Generated<string>;
  attempts: Generated<number>;
  created_at: Date;
  settled_at: Date | null;
}

export interface SubscribeMessageTables { subscribe_templates: SubscribeTemplatesTable; subscribe_opt_ins: SubscribeOptInsTable; subscribe_messages: SubscribeMessagesTable }
