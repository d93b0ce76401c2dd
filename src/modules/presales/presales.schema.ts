import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { money, timestamp } from '../../platform/http/schemas.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const noShowRuleSchema = z.enum(['hold', 'refund']).meta({ id: 'NoShowRule' });
export type NoShowRule = z.infer<typeof noShowRuleSchema>;

export { PICKUP_QR_PREFIX, pickupQrText, parsePickupQr } from './pickup-qr.js';

export const createPresaleBody = z.object({
  window_id: id,
  title: z.string().trim().min(1).max(60),
  sku_ids: z.array(id).min(1).max(100),
  override: z.object({ reason: z.string().trim().min(5).max(1000) }).strict().optional()
    .describe('A tenant admin\'s written reason to sell at prices the economics guard rejects (audited; some rules cannot be overridden)'),
}).strict();
export type CreatePresaleInput = z.infer<typeof createPresaleBody>;

const presaleItemSchema = z.object({
  sku_id: z.string(),
  sku_code: z.string(),
  title: z.string(),
  sku_name: z.string(),
  /** Units bought under the pre-sale, paid less refunded, across every pickup point. */
  sold: z.number().int(),
  /** A few recent buyers, masked (王**). */
  buyers: z.array(z.string()),
});

export const presaleSchema = z.object({
  id: z.string(),
  title: z.string(),
  window_id: z.string(),
  window_name: z.string(),
  window_status: z.enum(['open', 'closed', 'cancelled']),
  cutoff_at: timestamp,
  /** Orders are taken: the window is open and its cutoff ahead. */
  open: z.boolean(),
  /** Paid orders under the pre-sale (less those refunded in full). */
  orders: z.number().int(),
  items: z.array(presaleItemSchema),
  /** The economics guard's verdict on the SKUs at every shop's price and commission when it was created (null: made before the guard judged pre-sales). */
  verdict: storedVerdictSchema.nullable(),
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable(),
  created_at: timestamp,
}).meta({ id: 'Presale' });
export type Presale = z.input<typeof presaleSchema>;

export const shopPresaleSchema = z.object({
  id: z.string(),
  title: z.string(),
  cutoff_at: timestamp,
  items: z.array(presaleItemSchema.extend({ product_id: z.string(), price: money, image_url: z.string().nullable() })),
}).meta({ id: 'ShopPresale' });

export const presaleSettingsSchema = z.object({
  no_show_rule: noShowRuleSchema.describe('hold: goods wait at the pickup point; refund: what was not picked up is refunded no_show_days after arrival'),
  no_show_days: z.number().int().min(1).max(60),
}).meta({ id: 'PresaleSettings' });
export const presaleSettingsBody = presaleSettingsSchema.strict();
export type PresaleSettings = z.infer<typeof presaleSettingsSchema>;

export const pickupDayQuery = z.object({
  b_node_id: id.optional().describe('Required for admins; owners and staff see their own node'),
  date: z.iso.date().optional().describe('The arrival date (YYYY-MM-DD, the tenant\'s calendar); default today'),
}).strict();

export const pickupOrderSchema = z.object({
  order_id: z.string(),
  number: z.string(),
  status: z.string(),
  customer_name: z.string(),
  phone_tail: z.string().nullable(),
  arrived_at: timestamp.nullable(),
  /** Past the no-show rule's days since arrival and not picked up in full. */
  overdue: z.boolean(),
  lines: z.array(z.object({
    line_no: z.number().int(), sku_id: z.string(), sku_code: z.string(), title: z.string(),
    /** Units the buyer has, refunds taken off. */
    quantity: z.number().int(),
    picked: z.number().int(),
  })),
});

export const pickupDaySchema = z.object({
  b_node_id: z.string(),
  b_node_name: z.string(),
  pickup_address: z.string(),
  pickup_hours: z.string(),
  no_show: presaleSettingsSchema,
  /** The arrival date listed (the tenant's calendar). */
  date: z.iso.date(),
  /** The date is today: orders whose goods have not arrived yet are listed too. */
  today: z.boolean(),
  /** Units still to hand out per SKU among the day's orders, and what was handed out already. */
  by_product: z.array(z.object({ sku_id: z.string(), sku_code: z.string(), title: z.string(), quantity: z.number().int(), picked: z.number().int(), buyers: z.number().int() })),
  /** The day's orders waiting for pickup at this point (paid, not yet taken in full): arrived that day or, today, still on their way; by buyer. */
  orders: z.array(pickupOrderSchema),
  /** Orders that arrived before the date and still wait (overdue ones among them), oldest arrival first. */
  earlier: z.array(pickupOrderSchema),
}).meta({ id: 'PickupDay' });
export type PickupDay = z.input<typeof pickupDaySchema>;

export const verifyPickupBody = z.object({
  code: z.string().regex(/^[0-9]{6}$/).optional().describe('The six digits the buyer shows'),
  qr: z.string().min(1).max(200).optional().describe('The text of the buyer\'s pickup QR, as scanned'),
  order_id: id.optional().describe('With a typed code: the order it is for, when several share it'),
  b_node_id: id.optional().describe('Required for admins'),
  lines: z.array(z.object({ line_no: z.number().int().min(1).max(100), quantity: z.number().int().min(1).max(999) }).strict()).min(1).max(100).optional()
    .describe('What the buyer takes now; absent: everything left'),
}).strict().refine((b) => (b.code === undefined) !== (b.qr === undefined), { message: 'give either code or qr' });
export type VerifyPickupInput = z.infer<typeof verifyPickupBody>;

export const verifyPickupResult = z.object({
  order_id: z.string(),
  number: z.string(),
  /** Every unit taken: the order is complete. */
  completed: z.boolean(),
  lines: z.array(z.object({ line_no: z.number().int(), title: z.string(), quantity: z.number().int(), picked: z.number().int() })),
}).meta({ id: 'PickupVerified' });

export const arrivedBody = z.object({
  b_node_id: id.optional().describe('Required for admins'),
  order_ids: z.array(id).min(1).max(1000).optional().describe('Absent: every paid order waiting at this pickup point'),
}).strict();
export const arrivedResult = z.object({
  orders: z.number().int().describe('Orders newly marked arrived'),
  buyers: z.number().int().describe('Buyers told today (one notice each)'),
  messages: z.number().int().describe('Subscribe messages queued (buyers who opted in get them)'),
}).meta({ id: 'ArrivalNotice' });

export const noShowRunResult = z.object({ refunded: z.number().int(), settled: z.number().int() });
