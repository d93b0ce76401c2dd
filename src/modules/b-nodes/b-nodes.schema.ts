import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema } from '../economics/economics.schema.js';

export const bNodeKindSchema = z.enum(['store', 'leader', 'koc']).meta({ id: 'BNodeKind' });
export type BNodeKind = z.infer<typeof bNodeKindSchema>;
export const listingPauseReasonSchema = z.enum(['owner', 'outside_band', 'withdrawn', 'expired', 'untargeted']).meta({ id: 'ListingPauseReason' });

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2–63 characters');
export const createBNodeBody = z.object({
  kind: bNodeKindSchema,
  name: z.string().min(1).max(128),
  slug,
  warehouse_id: id,
  pickup_address: z.string().max(500).default(''),
}).strict();
export const listingParams = z.object({ id, skuId: id });
export const putListingBody = z.object({
  retail_price: fenAmount.min(1),
  active: z.boolean().default(true),
  /** Declared clearance of fresh, seasonal or overstock goods: the only case a price below cost may pass. */
  clearance: z.boolean().optional(),
  /** A tenant admin's written reason to accept an overridable economics rejection. */
  override_reason: z.string().trim().min(5).max(1000).optional(),
}).strict();
export const slugParams = z.object({ slug });
export const shopDirectoryQuery = z.object({ tenant: z.string().min(1).max(64).optional().describe('A tenant\'s slug; default: the only tenant, else the demo tenant') }).strict();
export const shopDirectorySchema = z.object({
  tenant: z.object({ slug: z.string(), name: z.string() }).nullable(),
  shops: z.array(z.object({ name: z.string(), slug: z.string(), kind: bNodeKindSchema, pickup_address: z.string() })),
}).meta({ id: 'ShopDirectory' });
export const shopProductParams = z.object({ slug, productId: id });
export const phone = z.string().regex(/^\+?[0-9]{6,20}$/, 'digits, optionally with a leading +');
/**
 * With `code`: the one-time code sent by POST /shops/{slug}/otp proves the phone. Without it: the
 * sandbox's phone-only shortcut, refused in live mode. `name` names a new customer only.
 */
export const shopSessionBody = z.object({
  name: z.string().trim().min(1).max(64).optional(),
  phone,
  code: z.string().regex(/^[0-9]{6}$/, 'six digits').optional(),
}).strict();
export const shopOtpBody = z.object({ phone }).strict();

export const assignPolicyBody = z.object({ policy_id: id.nullable() }).strict();

// Responses. Amounts are integer fen.
export const bNodeSchema = z.object({
  tenant_id: z.string().optional(),
  id: z.string(),
  kind: bNodeKindSchema,
  name: z.string(),
  slug: z.string(),
  warehouse_id: z.string(),
  pickup_address: z.string(),
  commission_policy_id: z.string().nullable().optional(),
  created_at: timestamp.optional(),
}).meta({ id: 'BNode' });

export const listingSchema = z.object({
  sku_id: z.string(),
  code: z.string(),
  sku_name: z.string(),
  product_id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  image_url: z.string().nullable(),
  active: z.boolean(),
  retail_price: money,
  retail_floor: money,
  retail_ceiling: money,
  suggested_price: money,
  supply_price: money.optional().describe('Absent for staff'),
  available: z.number().int(),
  assortment_id: z.string().nullable().optional().describe('The assortment it was curated from, if any'),
  pause_reason: listingPauseReasonSchema.nullable().optional().describe('Why an inactive listing is paused: owner, or a supplier\'s change (outside_band, withdrawn, expired, untargeted)'),
  cap_left: z.number().int().nullable().optional().describe('Units this shop may still sell under its assortment\'s per-node cap; null: no cap'),
}).meta({ id: 'Listing' });

export const listingChangeSchema = z.object({
  b_node_id: z.string(),
  sku_id: z.string(),
  retail_price: money,
  active: z.boolean(),
  economics: guardSummarySchema,
}).meta({ id: 'ListingChange' });

export const policyAssignmentSchema = z.object({ b_node_id: z.string(), policy_id: z.string().nullable() }).meta({ id: 'PolicyAssignment' });

export const shopSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  kind: bNodeKindSchema,
  name: z.string(),
  slug: z.string(),
  pickup_address: z.string(),
}).meta({ id: 'Shop' });

export const shopSkuSchema = z.object({
  id: z.string(), code: z.string(), name: z.string(), price: money,
  available: z.number().int().describe('Free stock of this SKU alone (one size, one colour), never summed over the product'),
  attributes: z.record(z.string(), z.string()).optional().describe('Size, colour…'),
}).meta({ id: 'ShopSku' });
export const shopImageSchema = z.object({ id: z.string(), thumb_url: z.string(), detail_url: z.string(), width: z.number().int(), height: z.number().int() }).meta({ id: 'ShopImage' });
export const shopProductSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  category_id: z.string().nullable().optional(),
  image_url: z.string().nullable().describe('The cover thumbnail, or null for none'),
  images: z.array(shopImageSchema).optional().describe('Every image, in order (the product page only)'),
  skus: z.array(shopSkuSchema),
  min_price: money,
  sold: z.number().int().optional().describe('Units sold in this shop: paid, less refunded (refreshed every minute)'),
}).meta({ id: 'ShopProduct' });
export const shopCategorySchema = z.object({
  id: z.string(), parent_id: z.string().nullable(), name: z.string(),
  product_count: z.number().int().describe('Products of this shop in the category or under it'),
}).meta({ id: 'ShopCategory' });

export const shopCatalogSchema = z.object({
  shop: shopSchema,
  categories: z.array(shopCategorySchema).optional().describe('The categories that hold something this shop sells, in tree order'),
  products: z.array(shopProductSchema),
}).meta({ id: 'ShopCatalog' });
export const shopProductPageSchema = z.object({ shop: shopSchema, product: shopProductSchema }).meta({ id: 'ShopProductPage' });

/** The same answer for every phone, known or not: nothing about a customer before the code is verified. */
export const shopOtpSchema = z.object({
  sent: z.literal(true),
  expires_in_s: z.number().int(),
  resend_after_s: z.number().int(),
}).meta({ id: 'ShopOtp' });

/** A consumer's session opened from a shop, after the phone was proven (or by the sandbox's shortcut). */
export const shopSessionSchema = z.object({
  token: z.string(),
  expires_at: z.string().meta({ format: 'date-time' }).nullable(),
  /** `phone` is null for a buyer who signed in through WeChat and has not shared one. */
  customer: z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() }),
  shop: shopSchema,
}).meta({ id: 'ShopSession' });
