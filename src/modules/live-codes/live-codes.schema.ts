import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';
import { contentSchema } from '../broadcasts/broadcasts.schema.js';

const key = z.string().min(1).max(64);

export const liveCodeKindSchema = z.enum(['store', 'member', 'campaign', 'group']).meta({ id: 'LiveCodeKind' });

export const createLiveCodeBody = z.object({
  kind: liveCodeKindSchema,
  name: z.string().trim().min(1).max(64),
  /** Echoed by WeCom in each add event (≤ 30 characters); made up when left out. */
  state: z.string().regex(/^[A-Za-z0-9_-]{1,30}$/).optional(),
  b_node_id: key.optional(),
  campaign_id: key.optional(),
  /** The members a contact is offered to: exactly one for a member code. */
  userids: z.array(key).max(100).default([]),
  /** A group code's groups, in the order they fill. */
  group_ids: z.array(key).max(50).default([]),
  tag_ids: z.array(key).max(20).default([]),
  welcome: contentSchema.optional(),
}).strict()
  .refine((b) => b.kind === 'group' ? b.group_ids.length > 0 : b.userids.length > 0, { message: 'a group code lists groups, any other code members', path: ['userids'] })
  .refine((b) => b.kind !== 'member' || b.userids.length === 1, { message: 'a member code names exactly one member', path: ['userids'] })
  .refine((b) => b.kind !== 'store' || Boolean(b.b_node_id), { message: 'a store code names its B node', path: ['b_node_id'] })
  .meta({ id: 'CreateLiveCode' });
export type CreateLiveCodeInput = z.infer<typeof createLiveCodeBody>;

export const liveCodeSchema = z.object({
  id: z.string(),
  kind: liveCodeKindSchema,
  name: z.string(),
  state: z.string(),
  b_node_id: z.string().nullable(),
  campaign_id: z.string().nullable(),
  userids: z.array(z.string()),
  config_id: z.string().nullable(),
  qr_code: z.string().nullable(),
  tag_ids: z.array(z.string()),
  welcome: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(['active', 'deleted']),
  created_at: timestamp,
  /** A group code: its groups in order, the one people join now, and whether all are full (the operator's warning). */
  groups: z.array(z.object({ group_id: z.string(), chat_id: z.string().nullable(), name: z.string().nullable(), member_count: z.number().int().nullable() })),
  current_group_id: z.string().nullable(),
  all_full: z.boolean(),
  /**
   * What it brought, the last 30 days in the tenant's time zone, and in all. WeCom reports no scans:
   * `requests` counts the people who scanned and asked to add a member (add_half or add events, each
   * person once a day), `adds` those whose add completed (add events).
   */
  days: z.array(z.object({
    day: z.string(),
    requests: z.number().int().describe('People who scanned and asked to add a member this day (add_half_external_contact or add_external_contact), each once'),
    adds: z.number().int().describe('Adds completed this day (add_external_contact)'),
  })),
  total_requests: z.number().int(),
  total_adds: z.number().int(),
}).meta({ id: 'LiveCode' });

export const welcomeMessageSchema = z.object({
  welcome_code: z.string(), live_code_id: z.string().nullable(), userid: z.string(), external_userid: z.string(), customer_id: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'sent', 'expired', 'sent_by_other', 'failed']), event_at: timestamp, attempted_at: timestamp.nullable(),
  delay_ms: z.number().int().nullable(), errcode: z.number().int().nullable(),
}).meta({ id: 'WelcomeMessage' });
