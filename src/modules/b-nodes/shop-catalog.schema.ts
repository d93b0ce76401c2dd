import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';

export const shopCatalogQuery = z.object({
  q: z.string().trim().min(1).max(50).optional().describe('Text in a product\'s title or a SKU\'s name; Chinese of one character or more'),
  category: id.optional().describe('A category id: its products and those of every category under it'),
  sort: z.enum(['position', 'sales']).default('position').describe('position: the owner\'s order; sales: most sold first'),
}).strict();

export const listingOrderBody = z.object({
  product_ids: z.array(id).min(1).max(2000).refine((ids) => new Set(ids).size === ids.length, 'each product once')
    .describe('Products of the shop in the order they should show; products not named keep their place after these'),
}).strict();
