import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';

export const RELATION_TYPES = ['STORE_OWNER', 'STORE', 'STAFF', 'DISTRIBUTOR', 'PARTNER', 'HEADQUARTER', 'BRAND', 'USER', 'SUPPLIER', 'SERVICE_PROVIDER', 'CUSTOM'] as const;

/** A B node's owner as a receiver: their openid under the tenant's app, or their own merchant id. */
export const addReceiverBody = z.object({
  b_node_id: z.string().min(1).max(64),
  type: z.enum(['PERSONAL_OPENID', 'MERCHANT_ID']),
  account: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(256).optional().describe('real name (optional for a person) or the merchant\'s full name (required); sent encrypted, never returned'),
  relation_type: z.enum(RELATION_TYPES).default('STORE_OWNER'),
  custom_relation: z.string().trim().min(1).max(10).optional(),
}).strict().refine((b) => b.relation_type !== 'CUSTOM' || b.custom_relation !== undefined, { message: 'custom_relation is required with relation_type CUSTOM', path: ['custom_relation'] });

export const receiverSchema = z.object({
  id: z.string(), b_node_id: z.string(), type: z.enum(['PERSONAL_OPENID', 'MERCHANT_ID']), account: z.string(),
  has_name: z.boolean(), relation_type: z.string(), custom_relation: z.string().nullable(),
  status: z.enum(['pending', 'active', 'failed', 'removing', 'removed']), error: z.string().nullable(), created_at: timestamp,
}).meta({ id: 'ProfitSharingReceiver' });

export const splitSchema = z.object({
  id: z.string(), kind: z.enum(['split', 'unfreeze']), order_id: z.string(), payment_id: z.string(), transaction_id: z.string(),
  out_order_no: z.string(), receiver_id: z.string().nullable(), b_node_id: z.string().nullable(), amount: money, returned_amount: money,
  status: z.enum(['pending', 'processing', 'finished', 'failed']), error: z.string().nullable(), created_at: timestamp, finished_at: timestamp.nullable(),
}).meta({ id: 'ProfitSharingOrder' });

export const returnSchema = z.object({
  id: z.string(), split_id: z.string(), out_return_no: z.string(), amount: money,
  status: z.enum(['pending', 'processing', 'succeeded', 'failed']), error: z.string().nullable(), created_at: timestamp, finished_at: timestamp.nullable(),
}).meta({ id: 'ProfitSharingReturn' });

export const orderProfitSharingSchema = z.object({ items: z.array(splitSchema), returns: z.array(returnSchema) }).meta({ id: 'OrderProfitSharing' });
export const splitBody = z.object({ unfreeze_unsplit: z.boolean().default(true).describe('release what is left to the merchant with this split (no further splits of the order)') }).strict();
export const idParams = z.object({ id: z.string().min(1).max(64) });

export type AddReceiverInput = z.output<typeof addReceiverBody>;
