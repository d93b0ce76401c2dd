import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { money, timestamp } from '../../platform/http/schemas.js';
import { MAX_LINES, MAX_QUANTITY, orderStatusSchema } from '../orders/orders.schema.js';

export const afterSalesStatusSchema = z.enum(['requested', 'approved', 'refunded', 'failed', 'rejected', 'cancelled']).meta({ id: 'AfterSalesStatus' });
export type AfterSalesStatus = z.infer<typeof afterSalesStatusSchema>;

export const requestLine = z.object({ line_no: z.number().int().min(1).max(MAX_LINES), quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict();

export const createRequestBody = z.object({
  lines: z.array(requestLine).min(1).max(MAX_LINES),
  reason: z.string().trim().min(1).max(500),
}).strict();
export type CreateRequestInput = z.infer<typeof createRequestBody>;

export const approveBody = z.object({ note: z.string().trim().max(500).default('') }).strict();
export const rejectBody = z.object({ note: z.string().trim().min(1).max(500) }).strict();
export const resolveBody = z.object({ note: z.string().trim().min(1).max(500) }).strict();

export const listRequestsQuery = z.object({
  status: afterSalesStatusSchema.optional(),
  b_node_id: id.optional(),
  order_id: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
}).strict();
export type ListRequestsQuery = z.infer<typeof listRequestsQuery>;

export const requestParams = z.object({ id });

export const afterSalesSettingsBody = z.object({
  /** Approve a buyer's request at once while the goods are still in the warehouse (paid, not yet ready). */
  auto_approve_before_ready: z.boolean(),
  /** Days after pickup a buyer may still ask; 0: no requests after pickup. */
  return_window_days: z.number().int().min(0).max(365),
}).partial().strict();

export const afterSalesSettingsSchema = z.object({
  auto_approve_before_ready: z.boolean(),
  return_window_days: z.number().int(),
}).meta({ id: 'AfterSalesSettings' });

export const afterSalesLineSchema = z.object({
  line_no: z.number().int(),
  sku_id: z.string(),
  title: z.string(),
  quantity: z.number().int(),
  amount: money.describe('what these units refund, as priced when asked'),
}).meta({ id: 'AfterSalesLine' });

export const afterSalesRequestSchema = z.object({
  id: z.string(),
  order_id: z.string(),
  order_number: z.string(),
  order_status: orderStatusSchema,
  b_node_id: z.string(),
  b_node_name: z.string(),
  customer_id: z.string(),
  customer_name: z.string(),
  status: afterSalesStatusSchema,
  lines: z.array(afterSalesLineSchema),
  amount: money,
  reason: z.string(),
  decision_note: z.string(),
  auto_approved: z.boolean(),
  refund_id: z.string().nullable(),
  created_at: timestamp,
  decided_at: timestamp.nullable(),
  closed_at: timestamp.nullable(),
}).meta({ id: 'AfterSalesRequest' });

export const afterSalesListSchema = z.object({
  items: z.array(afterSalesRequestSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
}).meta({ id: 'AfterSalesRequestList' });

export const afterSalesActionSchema = z.object({
  id: z.string(),
  kind: z.enum(['refund_failed', 'refund_abnormal']),
  order_id: z.string(),
  order_number: z.string(),
  b_node_id: z.string(),
  b_node_name: z.string(),
  refund_id: z.string(),
  request_id: z.string().nullable(),
  amount: money,
  details: z.record(z.string(), z.unknown()).describe('what was put back: order status before and after, whether stock was held again'),
  created_at: timestamp,
  resolved_at: timestamp.nullable(),
  resolution: z.string(),
}).meta({ id: 'AfterSalesAction' });
