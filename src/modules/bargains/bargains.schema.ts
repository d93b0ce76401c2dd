import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { money, timestamp } from '../../platform/http/schemas.js';
import { guardSummarySchema, storedVerdictSchema } from '../economics/economics.schema.js';

export const createBargainCampaignBody = z.object({
  b_node_id: id,
  sku_id: id,
  title: z.string().trim().min(1).max(60),
  start_price: z.number().int().min(1).max(100_000_000),
  floor_price: z.number().int().min(1).max(100_000_000),
  helpers_needed: z.number().int().min(1).max(100),
  valid_hours: z.number().int().min(1).max(168).default(24).describe('How long a buyer\'s bargain stays open once started'),
  starts_at: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
  ends_at: z.iso.datetime({ offset: true }),
  override: z.object({ reason: z.string().trim().min(5).max(1000) }).strict().optional()
    .describe('A tenant admin\'s written reason to run a bargain whose floor price the economics guard rejects (audited; some rules cannot be overridden)'),
}).strict();
export type CreateBargainCampaignInput = z.infer<typeof createBargainCampaignBody>;

export const bargainCampaignSchema = z.object({
  id: z.string(),
  b_node_id: z.string(),
  sku_id: z.string(),
  title: z.string(),
  product_title: z.string(),
  sku_name: z.string(),
  start_price: money,
  floor_price: money,
  helpers_needed: z.number().int(),
  valid_hours: z.number().int(),
  starts_at: timestamp,
  ends_at: timestamp,
  running: z.boolean(),
  /** Results: bargains started, those that reached the floor, and those bought. */
  started: z.number().int(),
  reached: z.number().int(),
  bought: z.number().int(),
  /** The economics guard's verdict at the floor price, the worst a buyer can pay (null: made before the guard judged bargains). */
  verdict: storedVerdictSchema.nullable(),
  guard: guardSummarySchema.nullable(),
  override_reason: z.string().nullable(),
}).meta({ id: 'BargainCampaign' });

export const bargainSchema = z.object({
  id: z.string(),
  campaign_id: z.string(),
  title: z.string(),
  product_title: z.string(),
  sku_id: z.string(),
  sku_name: z.string(),
  shop_slug: z.string(),
  start_price: money,
  floor_price: money,
  price: money.describe('The price reached so far'),
  helped: z.number().int(),
  helpers_needed: z.number().int(),
  expires_at: timestamp,
  status: z.enum(['open', 'reached', 'bought', 'expired']),
  /** The starter's masked name, and each help's masked helper and cut, in order. */
  starter: z.string(),
  helps: z.array(z.object({ helper: z.string(), cut: money, at: timestamp })),
  mine: z.boolean().describe('The viewer started it'),
  helped_by_me: z.boolean(),
  order_id: z.string().nullable(),
}).meta({ id: 'Bargain' });
export type Bargain = z.input<typeof bargainSchema>;

export const startBargainBody = z.object({ campaign_id: id }).strict();
