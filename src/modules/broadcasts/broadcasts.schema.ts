import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';
import { customerFilter } from '../crm/crm.schema.js';

const key = z.string().min(1).max(64);

export const capPeriodSchema = z.enum(['month', 'week', 'day']).meta({ id: 'BroadcastCapPeriod' });
export const skipReasonSchema = z.enum(['over_cap', 'not_contact', 'over_member_daily', 'over_member_task_limit', 'over_group_task_limit', 'no_sender'])
  .meta({ id: 'BroadcastSkipReason' });
export const recipientStatusSchema = z.enum(['planned', 'skipped', 'submitting', 'uncertain', 'pending', 'sent', 'failed', 'not_contact', 'refused_by_wecom', 'cancelled'])
  .meta({ id: 'BroadcastRecipientStatus' });
export const broadcastStatusSchema = z.enum(['planned', 'scheduled', 'sending', 'sent', 'cancelled']).meta({ id: 'BroadcastStatus' });

/**
 * Single customers: the CRM's customer filter (tags any/all, B node, owner, group, last order,
 * spend — the segments), optionally narrowed to listed customers.
 */
export const customerAudienceSchema = customerFilter.omit({ q: true }).extend({
  customer_ids: z.array(key).min(1).max(20_000).optional(),
}).strict().meta({ id: 'BroadcastCustomerAudience' });
export type CustomerAudience = z.infer<typeof customerAudienceSchema>;

export const groupAudienceSchema = z.object({
  b_node_id: key.optional(),
  owner_userid: key.optional(),
  group_ids: z.array(key).max(5_000).optional(),
}).strict().meta({ id: 'BroadcastGroupAudience' });
export type GroupAudience = z.infer<typeof groupAudienceSchema>;

const url = z.url({ protocol: /^https?$/ }).max(2048);
export const attachmentSchema = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('image'), image: z.object({ media_id: z.string().max(256).optional(), pic_url: url.optional() }).strict()
    .refine((i) => Boolean(i.media_id) !== Boolean(i.pic_url), { message: 'an image is a media_id or a pic_url' }) }).strict(),
  z.object({ msgtype: z.literal('link'), link: z.object({ title: z.string().min(1).max(128), picurl: url.optional(), desc: z.string().max(512).optional(), url }).strict() }).strict(),
  z.object({ msgtype: z.literal('miniprogram'), miniprogram: z.object({ title: z.string().min(1).max(64), pic_media_id: z.string().min(1).max(256), appid: z.string().min(1).max(64), page: z.string().min(1).max(512) }).strict() }).strict(),
]).meta({ id: 'BroadcastAttachment' });

/** Text plus up to nine attachments (WeCom's limit); at least one of them. */
export const contentSchema = z.object({
  text: z.string().min(1).max(4000).optional(),
  attachments: z.array(attachmentSchema).max(9).default([]),
}).strict().refine((c) => c.text !== undefined || c.attachments.length > 0, { message: 'a message needs text or an attachment' })
  .meta({ id: 'BroadcastContent' });
export type BroadcastContent = z.infer<typeof contentSchema>;

export const createBroadcastBody = z.discriminatedUnion('chat_type', [
  z.object({
    chat_type: z.literal('single'), initiator: z.enum(['corp', 'member']).default('corp'), sender_userid: key.optional(),
    audience: customerAudienceSchema, content: contentSchema, send_at: z.iso.datetime({ offset: true }).optional(),
  }).strict(),
  z.object({
    chat_type: z.literal('group'), initiator: z.enum(['corp', 'member']).default('corp'), sender_userid: key.optional(),
    audience: groupAudienceSchema, content: contentSchema, send_at: z.iso.datetime({ offset: true }).optional(),
  }).strict(),
]).meta({ id: 'CreateBroadcast' });
export type CreateBroadcastInput = z.infer<typeof createBroadcastBody>;

export const sendBroadcastBody = z.object({}).strict();

export const broadcastSchema = z.object({
  id: z.string(),
  chat_type: z.enum(['single', 'group']),
  initiator: z.enum(['corp', 'member']),
  sender_userid: z.string().nullable(),
  status: broadcastStatusSchema,
  audience: z.record(z.string(), z.unknown()),
  content: z.record(z.string(), z.unknown()),
  send_at: timestamp,
  planned_at: timestamp,
  sent_at: timestamp.nullable(),
  results_at: timestamp.nullable(),
  created_at: timestamp,
  /** Recipients by status, and the skipped by reason: the plan at a glance. */
  counts: z.object({
    total: z.number().int(), will_receive: z.number().int(), skipped: z.number().int(),
    by_status: z.record(z.string(), z.number().int()), by_skip_reason: z.record(z.string(), z.number().int()),
  }),
  /** The cap in force for the send's period, in the tenant's time zone. */
  cap: z.object({ period: capPeriodSchema, limit: z.number().int(), starts_at: timestamp, ends_at: timestamp }),
}).meta({ id: 'Broadcast' });

/** A customer by name and masked phone, a group by name and owner: who receives, or was skipped, as people read it. */
export const recipientSchema = z.object({
  recipient_key: z.string(),
  customer_id: z.string().nullable(),
  customer_name: z.string().nullable(),
  /** The customer's phone masked (138****5678). */
  customer_phone: z.string().nullable(),
  group_id: z.string().nullable(),
  /** The group's name in WeCom (empty when WeCom has none). */
  group_name: z.string().nullable(),
  group_owner_userid: z.string().nullable(),
  group_owner_name: z.string().nullable(),
  chat_id: z.string().nullable(),
  external_userid: z.string().nullable(),
  sender_userid: z.string().nullable(),
  status: recipientStatusSchema,
  skip_reason: skipReasonSchema.nullable(),
  sent_time: timestamp.nullable(),
}).meta({ id: 'BroadcastRecipient' });

export const recipientsQuery = z.object({
  status: recipientStatusSchema.optional(),
  skip_reason: skipReasonSchema.optional(),
  after: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
}).strict();

export const broadcastSettingsSchema = z.object({ cap_period: capPeriodSchema }).meta({ id: 'BroadcastSettings' });
export const listBroadcastsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();
