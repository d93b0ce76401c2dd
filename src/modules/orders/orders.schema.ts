import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { slug } from '../b-nodes/b-nodes.schema.js';

export const MAX_LINES = 100;
export const MAX_QUANTITY = 999;

export const checkoutBody = z.object({
  shop: slug,
  lines: z.array(z.object({ sku_id: id, quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict()).min(1).max(MAX_LINES),
  fulfillment: z.enum(['pickup']).default('pickup'),
  note: z.string().max(500).default(''),
}).strict();
export type CheckoutInput = z.infer<typeof checkoutBody>;

export const orderStatusSchema = z.enum(['pending_payment', 'paid', 'ready_for_pickup', 'completed', 'partially_refunded', 'refunded', 'expired', 'cancelled']);

export const listOrdersQuery = z.object({
  status: orderStatusSchema.optional(),
  b_node_id: id.optional(),
  q: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
}).strict();

export const orderParams = z.object({ id });
export const pickupBody = z.object({ code: z.string().regex(/^[0-9]{6}$/) }).strict();
export const refundBody = z.object({
  lines: z.array(z.object({ line_no: z.number().int().min(1).max(MAX_LINES), quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict()).min(1).max(MAX_LINES).optional(),
  reason: z.string().max(500).default(''),
}).strict();
export type RefundInput = z.infer<typeof refundBody>;
