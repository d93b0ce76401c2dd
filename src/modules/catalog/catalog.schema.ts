import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';

/** Amounts in fen: whole numbers, bounded so a typo cannot create a ten-million-yuan SKU. */
export const fenAmount = z.number().int().min(0).max(100_000_000);
export const id = z.string().min(1).max(64);

/** Free-form facts of a product or SKU (产地, 规格, 尺码, 颜色…): a few short names with short text values. */
export const attributes = z.record(z.string().trim().min(1).max(32), z.string().trim().max(100))
  .refine((a) => Object.keys(a).length <= 20, 'at most 20 attributes')
  .describe('Name → value, e.g. {"尺码": "L", "颜色": "蓝"}; at most 20');
export const barcode = z.string().regex(/^[0-9A-Za-z-]{4,32}$/, '4–32 letters, digits or dashes (EAN-13, UPC, the supplier\'s own)');

export const supplierKindSchema = z.enum(['tenant', 'third_party']).meta({ id: 'SupplierKind' });
export const createSupplierBody = z.object({
  name: z.string().trim().min(1).max(128),
  kind: supplierKindSchema.default('third_party').describe('tenant: the tenant\'s own brand; third_party: an outside supplier with its own logins'),
}).strict();
export const createProductBody = z.object({
  supplier_id: id,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  category: z.string().min(1).max(64).default('general'),
  category_id: id.nullable().optional(),
  attributes: attributes.optional(),
  image_url: z.string().url().max(1000).optional(),
}).strict();
export const updateProductBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  category_id: id.nullable().optional(),
  attributes: attributes.optional(),
}).strict();
export const skuFields = z.object({
  code: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  supply_price: fenAmount,
  suggested_price: fenAmount,
  retail_floor: fenAmount,
  retail_ceiling: fenAmount,
  barcode: barcode.nullable().optional(),
  case_pack: z.number().int().min(1).max(10_000).optional().describe('Units per case the supplier ships (default 1)'),
  min_order_qty: z.number().int().min(1).max(1_000_000).optional().describe('The least a purchase order may ask of this SKU (default 1)'),
  attributes: attributes.optional(),
}).strict();
export const updateSkuBody = skuFields.partial().omit({ code: true }).extend({
  /** A tenant admin's written reason to accept an overridable economics rejection of a new supply price. */
  override_reason: z.string().trim().min(5).max(1000).optional(),
}).strict();
export const idParams = z.object({ id });
export const imageParams = z.object({ id, imageId: id });
export const imageOrderBody = z.object({ image_ids: z.array(id).min(1).max(12) }).strict();

/** The console's product search: every filter optional, combined with AND. */
export const productQuery = z.object({
  q: z.string().trim().min(1).max(100).optional().describe('Text in the title, a SKU code or a barcode; Chinese works'),
  category_id: id.optional().describe('This category and every category under it'),
  supplier_id: id.optional(),
  low_stock: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Only products with a SKU whose free stock over all warehouses is at most this'),
}).strict();

export const createCategoryBody = z.object({
  name: z.string().trim().min(1).max(60),
  parent_id: id.nullable().default(null),
  position: z.number().int().min(0).max(100_000).optional(),
}).strict();
export const updateCategoryBody = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  parent_id: id.nullable().optional().describe('Moves the category (with everything under it); null makes it a top category'),
  position: z.number().int().min(0).max(100_000).optional(),
}).strict();

export type SkuFields = z.infer<typeof skuFields>;
export type ProductQuery = z.infer<typeof productQuery>;

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
  barcode: z.string().nullable().optional(),
  case_pack: z.number().int().optional(),
  min_order_qty: z.number().int().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  available: z.number().int().optional().describe('Free stock over all warehouses (the product list only)'),
}).meta({ id: 'Sku' });

export const productImageSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  thumb_url: z.string().describe('A square thumbnail, 320 px; cacheable for a year (the URL changes with the image)'),
  detail_url: z.string().describe('At most 1080 px on its longer side'),
}).meta({ id: 'ProductImage' });

export const productSchema = z.object({
  tenant_id: z.string().optional(),
  id: z.string(),
  supplier_id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  category_id: z.string().nullable().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  image_url: z.string().nullable(),
  images: z.array(productImageSchema).optional(),
  created_at: timestamp.optional(),
  skus: z.array(skuSchema),
}).meta({ id: 'Product' });

export const categorySchema = z.object({
  id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string(),
  position: z.number().int(),
}).meta({ id: 'Category' });
