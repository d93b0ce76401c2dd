import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { id } from '../catalog/catalog.schema.js';

export const windowStatusSchema = z.enum(['open', 'closed', 'cancelled']).meta({ id: 'SalesWindowStatus' });
export type WindowStatus = z.infer<typeof windowStatusSchema>;
export const recurrenceSchema = z.enum(['once', 'daily']).meta({ id: 'SalesWindowRecurrence' });
export type Recurrence = z.infer<typeof recurrenceSchema>;
export const purchaseOrderStatusSchema = z.enum(['open', 'confirmed']).meta({ id: 'PurchaseOrderStatus' });
export type PurchaseOrderStatus = z.infer<typeof purchaseOrderStatusSchema>;

/** The cutoff is a wall-clock time in the tenant's time zone; without a date, its next occurrence. */
export const createWindowBody = z.object({
  name: z.string().trim().min(1).max(60),
  recurrence: recurrenceSchema.default('daily'),
  cutoff_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour'),
  cutoff_date: z.iso.date().optional(),
}).strict();
export type CreateWindowInput = z.infer<typeof createWindowBody>;

export const windowListQuery = z.object({ status: windowStatusSchema.optional() }).strict();

export const salesWindowSchema = z.object({
  id: z.string(),
  name: z.string(),
  recurrence: recurrenceSchema,
  status: windowStatusSchema,
  opens_at: timestamp,
  cutoff_at: timestamp,
  /** The cutoff as the tenant's wall clock shows it, e.g. "2026-12-02 20:00". */
  cutoff_local: z.string(),
  time_zone: z.string(),
  closed_at: timestamp.nullable(),
  order_count: z.number().int(),
  purchase_order_count: z.number().int(),
  pick_list_count: z.number().int(),
}).meta({ id: 'SalesWindow' });
export type SalesWindow = z.input<typeof salesWindowSchema>;

export const cutoffResultSchema = z.object({
  window: salesWindowSchema,
  /** False when the window had already been cut off: nothing was written. */
  ran: z.boolean(),
  orders: z.number().int(),
  purchase_orders: z.number().int(),
  pick_lists: z.number().int(),
  next_window_id: z.string().nullable(),
}).meta({ id: 'CutoffResult' });
export type CutoffResult = z.input<typeof cutoffResultSchema>;

export const purchaseOrderListQuery = z.object({ window_id: id.optional(), status: purchaseOrderStatusSchema.optional() }).strict();

export const purchaseOrderSchema = z.object({
  id: z.string(),
  number: z.string(),
  window_id: z.string(),
  window_name: z.string(),
  cutoff_at: timestamp,
  supplier_id: z.string(),
  supplier_name: z.string(),
  warehouse_id: z.string(),
  warehouse_name: z.string(),
  status: purchaseOrderStatusSchema,
  created_at: timestamp,
  confirmed_at: timestamp.nullable(),
  line_count: z.number().int(),
  demand_units: z.number().int(),
  ordered_units: z.number().int(),
  ordered_cost: money,
}).meta({ id: 'PurchaseOrder' });

export const purchaseOrderLineSchema = z.object({
  sku_id: z.string(),
  sku_code: z.string(),
  title: z.string(),
  demand_qty: z.number().int(),
  case_pack: z.number().int(),
  ordered_qty: z.number().int(),
  unit_supply_cost: money,
  confirmed_qty: z.number().int().nullable(),
}).meta({ id: 'PurchaseOrderLine' });

export const shortShipmentRefundSchema = z.object({
  order_id: z.string(),
  order_number: z.string(),
  line_no: z.number().int(),
  sku_code: z.string(),
  quantity: z.number().int(),
  amount: money,
  paid_at: timestamp.nullable(),
}).meta({ id: 'ShortShipmentRefund' });

export const purchaseOrderDetailSchema = purchaseOrderSchema.extend({
  lines: z.array(purchaseOrderLineSchema),
  /** Units refunded to buyers because of a short shipment, and their value. */
  short_units: z.number().int(),
  short_amount: money,
  /** The refunds line by line (tenant staff only; a supplier sees the totals). */
  refunds: z.array(shortShipmentRefundSchema).optional(),
}).meta({ id: 'PurchaseOrderDetail' });
export type PurchaseOrderDetail = z.input<typeof purchaseOrderDetailSchema>;

export const confirmPurchaseOrderBody = z.object({
  /** Lines left out ship as ordered. */
  lines: z.array(z.object({ sku_id: id, confirmed_qty: z.number().int().min(0).max(10_000_000) }).strict()).max(2000).default([]),
}).strict();
export type ConfirmPurchaseOrderInput = z.infer<typeof confirmPurchaseOrderBody>;

export const pickListSchema = z.object({
  id: z.string(),
  window_id: z.string(),
  window_name: z.string(),
  cutoff_at: timestamp,
  b_node_id: z.string(),
  b_node_name: z.string(),
  pickup_address: z.string(),
  pickup_hours: z.string(),
  order_count: z.number().int(),
  /** Units to hand out now (refunds taken off), and as aggregated at the cutoff. */
  units: z.number().int(),
  units_at_cutoff: z.number().int(),
  created_at: timestamp,
}).meta({ id: 'PickList' });

export const pickListDetailSchema = pickListSchema.extend({
  items: z.array(z.object({ sku_id: z.string(), sku_code: z.string(), title: z.string(), quantity: z.number().int() })),
  orders: z.array(z.object({
    order_id: z.string(),
    number: z.string(),
    customer_name: z.string(),
    /** The last four digits of the buyer's phone, to tell buyers apart at the pickup point. */
    phone_tail: z.string().nullable(),
    lines: z.array(z.object({ line_no: z.number().int(), sku_code: z.string(), title: z.string(), quantity: z.number().int() })),
  })),
}).meta({ id: 'PickListDetail' });
export type PickListDetail = z.input<typeof pickListDetailSchema>;

export const pickListQuery = z.object({ window_id: id.optional() }).strict();

export const layoutQuery = z.object({ layout: z.enum(['a4', 'receipt']).default('a4') }).strict();

export const subOrderSchema = z.object({
  supplier_id: z.string(),
  supplier_name: z.string(),
  line_count: z.number().int(),
  goods_amount: money,
  discount: money,
  /** What the buyer paid for this part: goods less its share of the discount. */
  paid_amount: money,
  supply_cost: money,
  lines: z.array(z.object({ line_no: z.number().int(), sku_code: z.string(), title: z.string(), quantity: z.number().int(), refunded_quantity: z.number().int() })),
}).meta({ id: 'SupplierSubOrder' });
export type SubOrder = z.infer<typeof subOrderSchema>;
