import { z } from 'zod';
import { money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const campaignStatusSchema = z.enum(['active', 'ended']).meta({ id: 'CampaignStatus' });
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;
export const fundedBySchema = z.enum(['platform', 'supplier', 'b_node']).meta({ id: 'CampaignFunder' });
export type FundedBy = z.infer<typeof fundedBySchema>;

const override = z.object({ reason: z.string().trim().min(5).max(1000) }).strict();

export const createCampaignBody = z.object({
  name: z.string().min(1).max(128),
  b_node_id: id.nullable().default(null),
  funded_by: fundedBySchema.default('platform'),
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

// Responses. Amounts are integer fen.
export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  b_node_id: z.string().nullable(),
  funded_by: fundedBySchema,
  discount_per_order: money,
  min_order_total: money,
  budget: money,
  spent: money,
  starts_at: timestamp,
  ends_at: timestamp,
  status: campaignStatusSchema,
  verdict: storedVerdictSchema,
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable(),
}).meta({ id: 'Campaign' });
