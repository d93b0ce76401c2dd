import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { slug } from '../b-nodes/b-nodes.schema.js';
import { money, timestamp } from '../../platform/http/schemas.js';
import { paymentSchema, refundSchema } from '../payments/payments.schema.js';
import { attributionSchema } from '../sharing/sharing.schema.js';

export const MAX_LINES = 100;
export const MAX_QUANTITY = 999;

export const checkoutBody = z.object({
  shop: slug,
  lines: z.array(z.object({ sku_id: id, quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict()).min(1).max(MAX_LINES),
  fulfillment: z.enum(['pickup']).default('pickup'),
  note: z.string().max(500).default(''),
  /** The campaign the order is bought under (a flash sale, a group buy…): its kind and row id. */
  campaign: z.object({
    kind: z.enum(['group_buy', 'flash_sale', 'presale', 'bargain']),
    ref: id,
    group_id: id.optional().describe('group_buy: the group to join; absent to open a new one'),
  }).strict().optional(),
  coupon_ids: z.array(id).max(5).optional().describe('Coupons from the buyer\'s wallet to use; one unless each stacks with coupons'),
}).strict();
export type CheckoutInput = z.infer<typeof checkoutBody>;

export const orderStatusSchema = z.enum(['pending_payment', 'paid', 'ready_for_pickup', 'completed', 'partially_refunded', 'refunded', 'expired', 'cancelled']).meta({ id: 'OrderStatus' });
export type OrderStatus = z.infer<typeof orderStatusSchema>;
export const fulfillmentSchema = z.enum(['pickup', 'delivery']).meta({ id: 'Fulfillment' });
export type Fulfillment = z.infer<typeof fulfillmentSchema>;

export const listOrdersQuery = z.object({
  status: orderStatusSchema.optional(),
  b_node_id: id.optional(),
  q: z.string().max(64).optional().describe('An order number, part of a phone number, or part of a customer name'),
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

// Responses. Amounts are integer fen.
export const orderLineSchema = z.object({
  line_no: z.number().int(),
  sku_id: z.string(),
  sku_code: z.string(),
  title: z.string(),
  quantity: z.number().int(),
  unit_price: money,
  unit_supply_cost: money.optional().describe('Absent for staff'),
  line_total: money,
  discount: money,
  refunded_quantity: z.number().int(),
  refunded_amount: money,
}).meta({ id: 'OrderLine' });

/** One discount an order carries (or a quote would): a subsidy campaign's or a coupon's, its total over the lines. */
export const discountLineSchema = z.object({
  kind: z.enum(['subsidy', 'coupon', 'bargain']),
  ref: z.string().describe('The campaign id (subsidy), the wallet coupon id (coupon) or the bargain id (bargain: what the helpers cut)'),
  name: z.string(),
  amount: money,
}).meta({ id: 'DiscountLine' });

/** An order; read one by one it also carries its shop, customer, payments and refunds. */
export const orderSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: orderStatusSchema,
  b_node_id: z.string(),
  customer_id: z.string(),
  fulfillment: fulfillmentSchema,
  pickup_code: z.string().optional().describe('The buyer\'s alone: present only in the buyer\'s own answers; staff verify the code the buyer shows'),
  subtotal: money,
  discount: money,
  total: money,
  supply_cost: money.optional().describe('Absent for staff'),
  refunded_total: money,
  shipped: z.boolean(),
  note: z.string(),
  expires_at: timestamp,
  created_at: timestamp,
  paid_at: timestamp.nullable(),
  closed_at: timestamp.nullable(),
  picked_up_at: timestamp.nullable().describe('When the buyer took the goods; the return window runs from here'),
  lines: z.array(orderLineSchema),
  campaign_id: z.string().nullable(),
  discounts: z.array(discountLineSchema).optional().describe('What makes up `discount`, one line per subsidy and coupon'),
  shop: z.object({ id: z.string(), name: z.string(), slug: z.string(), pickup_address: z.string() }).nullable().optional(),
  customer: z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() }).nullable().optional(),
  payments: z.array(paymentSchema).optional(),
  refunds: z.array(refundSchema).optional(),
  attribution: attributionSchema.nullable().optional().describe('The sharer whose code the buyer came through within the attribution window'),
  group: z.object({
    group_id: z.string(), group_buy_id: z.string(), status: z.enum(['pending', 'open', 'formed', 'failed']),
    paid_price: money.describe('The group price this order paid'),
    settled_price: money.nullable().describe('Ladder groups: the tier price the group settled at (or has reached so far)'),
    refund_back: money.describe('Ladder groups: the difference given back when the group settled at a higher tier'),
  }).nullable().optional().describe('A group-buy order\'s group'),
}).meta({ id: 'Order' });

/** What checkout would charge for a cart now, priced by checkout's own code; nothing is written. */
export const quoteSchema = z.object({
  shop: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  subtotal: money,
  discount: money,
  total: money,
  lines: z.array(z.object({ sku_id: z.string(), title: z.string(), quantity: z.number().int(), unit_price: money, line_total: money, discount: money })),
  discounts: z.array(discountLineSchema),
  subsidy_replaced_by_coupon: z.boolean().describe('A running subsidy does not apply because a chosen coupon does not stack with it'),
}).meta({ id: 'Quote' });

export const orderListItemSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: orderStatusSchema,
  b_node_id: z.string(),
  b_node_name: z.string(),
  customer_id: z.string(),
  customer_name: z.string(),
  customer_phone: z.string().nullable(),
  total: money,
  refunded_total: money,
  created_at: timestamp,
  paid_at: timestamp.nullable(),
  fulfillment: fulfillmentSchema,
}).meta({ id: 'OrderListItem' });

export const orderListSchema = z.object({
  items: z.array(orderListItemSchema),
  total: z.number().int().describe('Orders the filter matches, over all pages'),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
}).meta({ id: 'OrderList' });

/** Long poll: `changed_from` holds the answer until the status differs from it, for at most `wait_ms`. */
export const orderStatusQuery = z.object({
  changed_from: orderStatusSchema.optional(),
  wait_ms: z.coerce.number().int().min(0).max(25_000).default(0),
}).strict();
export const orderStatusResponse = z.object({
  id,
  status: orderStatusSchema,
  paid_at: timestamp.nullable(),
  expires_at: timestamp,
  closed_at: timestamp.nullable(),
}).meta({ id: 'OrderStatusNow' });
