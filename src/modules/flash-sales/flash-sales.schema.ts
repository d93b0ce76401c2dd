import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const flashSaleStatusSchema = z.enum(['active', 'ended']).meta({ id: 'FlashSaleStatus' });
export type FlashSaleStatus = z.infer<typeof flashSaleStatusSchema>;

export const createFlashSaleBody = z.object({
  name: z.string().trim().min(1).max(128),
  b_node_id: id,
  sku_id: id,
  price: fenAmount.min(1),
  stock_cap: z.number().int().min(1).max(1_000_000),
  per_customer_limit: z.number().int().min(1).max(999).default(1),
  starts_at: z.iso.datetime({ offset: true }),
  ends_at: z.iso.datetime({ offset: true }),
  override: z.object({ reason: z.string().trim().min(5).max(1000) }).strict().optional(),
}).strict().refine((b) => Date.parse(b.ends_at) > Date.parse(b.starts_at), { message: 'ends_at must be after starts_at', path: ['ends_at'] });
export type CreateFlashSaleInput = z.infer<typeof createFlashSaleBody>;

export const flashSaleSchema = z.object({
  id: z.string(),
  name: z.string(),
  b_node_id: z.string(),
  sku_id: z.string(),
  price: money,
  stock_cap: z.number().int(),
  sold: z.number().int().describe('Units held by orders placed and not released (paid, or awaiting payment)'),
  per_customer_limit: z.number().int(),
  starts_at: timestamp,
  ends_at: timestamp,
  status: flashSaleStatusSchema,
  verdict: storedVerdictSchema,
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable(),
}).meta({ id: 'FlashSale' });

export const flashSaleResultsSchema = flashSaleSchema.extend({
  orders_placed: z.number().int(),
  orders_paid: z.number().int(),
  units_paid: z.number().int(),
  units_released: z.number().int().describe('Units given back by unpaid orders that expired or were cancelled'),
  buyers: z.number().int(),
}).meta({ id: 'FlashSaleResults' });

/** What the shop shows of a sale: its SKU and product, price against the shop's, units left, the limit and the clock. */
export const shopFlashSaleSchema = z.object({
  id: z.string(),
  name: z.string(),
  sku_id: z.string(),
  product_id: z.string(),
  title: z.string(),
  sku_name: z.string(),
  price: money,
  list_price: money,
  per_customer_limit: z.number().int(),
  left: z.number().int(),
  starts_at: timestamp,
  ends_at: timestamp,
  state: z.enum(['upcoming', 'running', 'sold_out']),
}).meta({ id: 'ShopFlashSale' });
