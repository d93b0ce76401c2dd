import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';

export const orderEventSchema = z.enum(['order_paid', 'ready_for_pickup', 'refund_done']).meta({ id: 'OrderMessageEvent' });
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** What of an order can fill a template key. */
export const templateFieldSchema = z.enum(['order_number', 'amount', 'shop_name', 'pickup_address', 'event_text', 'time']).meta({ id: 'TemplateField' });
export type TemplateField = z.infer<typeof templateFieldSchema>;

const templateKey = z.string().regex(/^[a-z_]+[0-9]+$/, 'a template key such as thing1 or character_string2');

export const templateSchema = z.object({
  event: orderEventSchema,
  template_id: z.string(),
  page: z.string(),
  fields: z.record(z.string(), templateFieldSchema),
}).meta({ id: 'SubscribeTemplate' });

export const templateParams = z.object({ event: orderEventSchema });
export const putTemplateBody = z.object({
  template_id: z.string().min(1).max(128).regex(/^[0-9A-Za-z_-]+$/, 'a template id from WeChat\'s console'),
  page: z.string().max(256).default(''),
  fields: z.record(templateKey, templateFieldSchema).refine((f) => Object.keys(f).length >= 1 && Object.keys(f).length <= 10, 'between 1 and 10 keys'),
}).strict();
export type PutTemplateInput = z.infer<typeof putTemplateBody>;

/** What wx.requestSubscribeMessage resolved with: each template id → accept | reject | ban | filter. */
export const optInBody = z.object({
  results: z.record(z.string().min(1).max(128), z.enum(['accept', 'reject', 'ban', 'filter'])).refine((r) => Object.keys(r).length <= 3, 'at most 3 templates at once (WeChat\'s limit)'),
}).strict();

export const optInsSchema = z.object({
  items: z.array(z.object({ template_id: z.string(), event: orderEventSchema.nullable(), remaining: z.number().int(), accepted: z.number().int() })),
}).meta({ id: 'SubscribeOptIns' });

export const messageStatusSchema = z.enum(['queued', 'sending', 'sent', 'failed', 'skipped']).meta({ id: 'SubscribeMessageStatus' });
export const messageListQuery = z.object({
  status: messageStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();
export const messageSchema = z.object({
  id: z.string(),
  event: orderEventSchema,
  order_id: z.string(),
  order_number: z.string().nullable(),
  customer_id: z.string(),
  template_id: z.string(),
  status: messageStatusSchema,
  errcode: z.number().int().nullable(),
  error: z.string(),
  created_at: timestamp,
  settled_at: timestamp.nullable(),
}).meta({ id: 'SubscribeMessage' });
