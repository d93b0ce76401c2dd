import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';

/** Amounts in fen: whole numbers, bounded so a typo cannot create a ten-million-yuan SKU. */
export const fenAmount = z.number().int().min(0).max(100_000_000);
export const id = z.string().min(1).max(64);

export const supplierKindSchema = z.enum(['tenant', 'third_party']).meta({ id: 'SupplierKind' });
export const createSupplierBody = z.object({
  name: z.string().trim().min(1).max(128),
  kind: supplierKindSchema.default('third_party').describe('tenant: the tenant\'s own brand; third_party: an outside supplier with its own logins'),
}).strict();
export const createProductBody = z.object({
  supplier_id: id,
  title: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  category: z.string().min(1).max(64).default('general'),
  image_url: z.string().url().max(1000).optional(),
}).strict();
export const skuFields = z.object({
  code: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  supply_price: fenAmount,
  suggested_price: fenAmount,
  retail_floor: fenAmount,
  retail_ceiling: fenAmount,
}).strict();
export const updateSkuBody = skuFields.partial().omit({ code: true }).extend({
  /** A tenant admin's written reason to accept an overridable economics rejection of a new supply price. */
  override_reason: z.string().trim().min(5).max(1000).optional(),
}).strict();
export const idParams = z.object({ id });

export type SkuFields = z.infer<typeof skuFields>;

// Responses. Amounts are integer fen.
export const supplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: supplierKindSchema.optional(),
  created_at: timestamp.optional(),
}).meta({ id: 'Supplier' });

export const skuSchema = z.object({
  id: z.string(),
  product_id: z.string(),
  code: z.string(),
  name: z.string(),
  supply_price: money.optional().describe('Absent for staff'),
  suggested_price: money,
  retail_floor: money,
  retail_ceiling: money,
}).meta({ id: 'Sku' });

export const productSchema = z.object({
  tenant_id: z.string().optional(),
  id: z.string(),
  supplier_id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  image_url: z.string().nullable(),
  created_at: timestamp.optional(),
  skus: z.array(skuSchema),
}).meta({ id: 'Product' });
