import { z } from 'zod';
import { fenAmount, id } from '../catalog/catalog.schema.js';

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, 2–63 characters');
export const createBNodeBody = z.object({
  kind: z.enum(['store', 'leader', 'koc']),
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
export const shopProductParams = z.object({ slug, productId: id });
export const shopSessionBody = z.object({
  name: z.string().min(1).max(64),
  phone: z.string().regex(/^\+?[0-9]{6,20}$/, 'digits, optionally with a leading +'),
}).strict();

export const assignPolicyBody = z.object({ policy_id: id.nullable() }).strict();
