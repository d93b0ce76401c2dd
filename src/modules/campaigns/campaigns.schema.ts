import { z } from 'zod';
import { fenAmount, id } from '../catalog/catalog.schema.js';

const override = z.object({ reason: z.string().trim().min(5).max(1000) }).strict();

export const createCampaignBody = z.object({
  name: z.string().min(1).max(128),
  b_node_id: id.nullable().default(null),
  funded_by: z.enum(['platform', 'supplier', 'b_node']).default('platform'),
  discount_per_order: fenAmount.min(1),
  min_order_total: fenAmount.min(2),
  budget: z.number().int().min(1).max(1_000_000_000_000),
  starts_at: z.iso.datetime({ offset: true }).optional(),
  ends_at: z.iso.datetime({ offset: true }),
  override: override.optional(),
}).strict().refine((b) => b.min_order_total > b.discount_per_order, { message: 'min_order_total must exceed discount_per_order, so every order still pays something', path: ['min_order_total'] });
export type CreateCampaignInput = z.infer<typeof createCampaignBody>;

export const updateCampaignBody = z.object({
  name: z.string().min(1).max(128).optional(),
  discount_per_order: fenAmount.min(1).optional(),
  min_order_total: fenAmount.min(2).optional(),
  budget: z.number().int().min(1).max(1_000_000_000_000).optional(),
  ends_at: z.iso.datetime({ offset: true }).optional(),
  override: override.optional(),
}).strict();
export type UpdateCampaignInput = z.infer<typeof updateCampaignBody>;
