import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { id } from '../catalog/catalog.schema.js';

export const paymentStatusSchema = z.enum(['pending', 'succeeded', 'failed', 'partially_refunded', 'refunded']).meta({ id: 'PaymentStatus' });
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;
export const refundStatusSchema = z.enum(['pending', 'succeeded', 'failed']).meta({ id: 'RefundStatus' });
export type RefundStatus = z.infer<typeof refundStatusSchema>;

export const createPaymentBody = z.object({ provider: z.enum(['sandbox', 'wechatpay']).default('sandbox') }).strict();
export const providerParams = z.object({ provider: z.string().min(1).max(32) });
export const sandboxPayBody = z.object({
  outcome: z.enum(['success', 'fail']).default('success'),
  copies: z.number().int().min(1).max(5).default(1),
  delay_ms: z.number().int().min(0).max(60_000).default(0),
}).strict();
export const paymentParams = z.object({ id });

// Responses. Amounts are integer fen.
/** A started payment and what the client needs to pay it (provider-specific members, e.g. the sandbox cashier's `pay_url`). */
export const paymentStartSchema = z.looseObject({
  payment_id: z.string(),
  order_id: z.string(),
  provider: z.string(),
  amount: money,
  status: z.literal('pending'),
  expires_at: z.string().meta({ format: 'date-time' }),
  pay_url: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'PaymentStart' });

export const paymentSchema = z.object({
  id: z.string(),
  provider: z.string(),
  amount: money,
  status: paymentStatusSchema,
  refunded_amount: money,
  created_at: timestamp,
  succeeded_at: timestamp.nullable(),
}).meta({ id: 'Payment' });

export const refundLineSchema = z.object({ line_no: z.number().int(), sku_id: z.string(), quantity: z.number().int(), amount: money });
export const refundSchema = z.object({
  id: z.string(),
  amount: money,
  status: refundStatusSchema,
  reason: z.string(),
  restocked: z.boolean(),
  lines: z.array(refundLineSchema).nullable(),
  created_at: timestamp,
  settled_at: timestamp.nullable(),
}).meta({ id: 'Refund' });

/** A refund just started: the money goes back through the provider afterwards. */
export const refundStartSchema = z.object({
  id: z.string(),
  amount: money,
  status: z.literal('pending'),
  restocked: z.boolean(),
}).meta({ id: 'RefundStart' });

/** What a provider's notification did; `code: SUCCESS` tells the provider to stop retrying. */
export const notificationAckSchema = z.object({
  code: z.literal('SUCCESS'),
  outcome: z.string(),
  duplicate: z.boolean(),
}).meta({ id: 'NotificationAck' });

export const sandboxPaySchema = z.object({ event_id: z.string(), notifications: z.number().int() }).meta({ id: 'SandboxPayment' });

/** A tenant's WeChat Pay merchant as the console shows it: never a secret, only that one is set. */
export const wechatpaySettingsSchema = z.object({
  configured: z.boolean(),
  mchid: z.string().optional(),
  appids: z.array(z.string()).optional(),
  merchant_serial: z.string().optional(),
  platform_keys: z.array(z.object({ serial: z.string(), kind: z.enum(['public_key', 'certificate']) })).optional(),
  api_base: z.string().optional(),
  simulator: z.boolean().optional(),
  profit_sharing: z.boolean().optional(),
  private_key_set: z.boolean().optional(),
  apiv3_key_set: z.boolean().optional(),
  updated_at: z.string().meta({ format: 'date-time' }).optional(),
}).meta({ id: 'WechatpaySettings' });
