import { z } from 'zod';
import { bps, money, timestamp } from '../../platform/http/schemas.js';
import { fenAmount, id } from '../catalog/catalog.schema.js';
import { bNodeKindSchema } from '../b-nodes/b-nodes.schema.js';

export const assortmentStatusSchema = z.enum(['draft', 'published', 'withdrawn', 'expired']).meta({ id: 'AssortmentStatus' });
export type AssortmentStatus = z.infer<typeof assortmentStatusSchema>;

/**
 * Whom an assortment is for. A node is aimed at when it is named in `node_ids`, or when at least one
 * of `region_id`, `kinds` and `tiers` is set and the node meets every one set (`region_id`: that
 * region or any region below it). Evaluated when read, so a node that changes is judged as it is now.
 */
export const targetSchema = z.object({
  region_id: id.nullable().default(null),
  kinds: z.array(bNodeKindSchema).max(3).nullable().default(null),
  tiers: z.array(z.number().int().min(1).max(9)).max(9).nullable().default(null),
  node_ids: z.array(id).max(1000).default([]),
}).strict().meta({ id: 'AssortmentTarget' });
export type Target = z.infer<typeof targetSchema>;

export const itemFields = z.object({
  supply_price: fenAmount,
  retail_floor: fenAmount.min(1),
  retail_ceiling: fenAmount.min(1),
  commission_bp: z.number().int().min(0).max(10_000),
  node_cap: z.number().int().min(1).max(1_000_000).nullable().default(null).describe('Most units one B node may sell from this assortment; null: no cap'),
}).strict();
export const itemBody = itemFields.extend({ sku_id: id }).strict();
export type ItemInput = z.infer<typeof itemBody>;

const instant = z.iso.datetime({ offset: true });
export const createAssortmentBody = z.object({
  supplier_id: id.optional().describe('A tenant admin names the supplier; a supplier operator publishes for its own'),
  name: z.string().trim().min(1).max(100),
  valid_from: instant,
  valid_until: instant,
  target: targetSchema,
  items: z.array(itemBody).min(1).max(500),
}).strict();
export const updateAssortmentBody = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  valid_until: instant.optional(),
  target: targetSchema.optional(),
}).strict();
export const assortmentParams = z.object({ id });
export const assortmentItemParams = z.object({ id, skuId: id });
export const assortmentListQuery = z.object({ status: assortmentStatusSchema.optional() }).strict();

export const curateBody = z.object({
  assortment_id: id,
  retail_price: fenAmount.min(1),
  clearance: z.boolean().optional(),
  override_reason: z.string().trim().min(5).max(1000).optional(),
}).strict();
export const nodeSkuParams = z.object({ id, skuId: id });

// Responses. Amounts are integer fen, rates basis points.
export const assortmentItemSchema = z.object({
  sku_id: z.string(),
  code: z.string(),
  sku_name: z.string(),
  title: z.string(),
  supply_price: money,
  retail_floor: money,
  retail_ceiling: money,
  commission_bp: bps,
  node_cap: z.number().int().nullable(),
}).meta({ id: 'AssortmentItem' });

export const assortmentSchema = z.object({
  id: z.string(),
  supplier_id: z.string(),
  supplier_name: z.string(),
  name: z.string(),
  status: assortmentStatusSchema,
  valid_from: timestamp,
  valid_until: timestamp,
  target: z.object({ region_id: z.string().nullable(), kinds: z.array(bNodeKindSchema).nullable(), tiers: z.array(z.number().int()).nullable(), node_ids: z.array(z.string()) }),
  reach: z.number().int().describe('How many B nodes the targeting reaches now'),
  items: z.array(assortmentItemSchema),
  warnings: z.array(z.enum(['targets_nobody'])).describe('targets_nobody: no B node matches the targeting now'),
  created_at: timestamp,
  published_at: timestamp.nullable(),
}).meta({ id: 'Assortment' });

export const reachedNodeSchema = z.object({
  id: z.string(), name: z.string(), kind: bNodeKindSchema, tier: z.number().int(), region_id: z.string().nullable(),
}).meta({ id: 'ReachedNode' });

/** An SKU a B node may list, from an assortment aimed at it, with its own listing if it has one. */
export const offerSchema = z.object({
  assortment_id: z.string(),
  assortment_name: z.string(),
  supplier_name: z.string(),
  valid_until: timestamp,
  sku_id: z.string(),
  code: z.string(),
  sku_name: z.string(),
  title: z.string(),
  image_url: z.string().nullable(),
  supply_price: money.describe('What the node pays the supplier: the owner needs it to price inside the band with a margin'),
  retail_floor: money,
  retail_ceiling: money,
  commission_bp: bps,
  node_cap: z.number().int().nullable(),
}).meta({ id: 'AssortmentOffer' });

export const assortmentChangeSchema = z.object({
  assortment: assortmentSchema,
  paused_listings: z.number().int().describe('Listings the change paused (each node was told why)'),
}).meta({ id: 'AssortmentChange' });

export const targetOptionsSchema = z.object({
  regions: z.array(z.object({ id: z.string(), name: z.string(), parent_id: z.string().nullable() })),
  nodes: z.array(reachedNodeSchema),
}).meta({ id: 'AssortmentTargetOptions' });
