import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';
import { id } from '../catalog/catalog.schema.js';
import { bNodeKindSchema } from './b-nodes.schema.js';

/**
 * GCJ-02 (what AMap, Tencent and WeChat maps use) is an offset of WGS-84 defined only inside China;
 * a point outside this box is a typo or a WGS-84/BD-09 mix-up, refused before it misplaces a pickup.
 */
export const GCJ02_BOUNDS = { minLat: 3.86, maxLat: 53.56, minLng: 73.66, maxLng: 135.05 } as const;
export const insideGcj02 = (lat: number, lng: number) =>
  lat >= GCJ02_BOUNDS.minLat && lat <= GCJ02_BOUNDS.maxLat && lng >= GCJ02_BOUNDS.minLng && lng <= GCJ02_BOUNDS.maxLng;

const regionName = z.string().trim().min(1).max(60);
export const createRegionBody = z.object({ name: regionName, parent_id: id.nullable().default(null) }).strict();
export const updateRegionBody = z.object({ name: regionName.optional(), parent_id: id.nullable().optional() }).strict();

/** Where a node sits: its region, the store a leader belongs to, its tier (1 = entry). Omitted fields stay. */
export const placeBNodeBody = z.object({
  region_id: id.nullable().optional(),
  parent_id: id.nullable().optional(),
  tier: z.number().int().min(1).max(9).optional(),
}).strict();

export const pickupPointBody = z.object({
  address: z.string().trim().max(500),
  /** GCJ-02 latitude and longitude, both or neither. */
  lat: z.number().min(-90).max(90).nullable(),
  lng: z.number().min(-180).max(180).nullable(),
  hours: z.string().trim().max(200).default(''),
}).strict().refine((p) => (p.lat === null) === (p.lng === null), { message: 'lat and lng come together', path: ['lng'] });

export const regionSchema = z.object({
  id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string(),
  created_at: timestamp.optional(),
}).meta({ id: 'Region' });

export const placementSchema = z.object({
  id: z.string(),
  kind: bNodeKindSchema,
  name: z.string(),
  slug: z.string(),
  region_id: z.string().nullable(),
  parent_id: z.string().nullable(),
  tier: z.number().int(),
}).meta({ id: 'BNodePlacement' });

export const pickupPointSchema = z.object({
  b_node_id: z.string(),
  name: z.string(),
  address: z.string(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  hours: z.string(),
  /** An AMap marker link built from the GCJ-02 point; null without coordinates. */
  map_url: z.string().nullable(),
}).meta({ id: 'PickupPoint' });

export const hierarchySchema = z.object({
  regions: z.array(regionSchema),
  nodes: z.array(placementSchema.extend({ pickup_address: z.string(), has_coordinates: z.boolean() })),
  /** Staff accounts, each bound to its node. */
  staff: z.array(z.object({ id: z.string(), name: z.string(), b_node_id: z.string() })),
}).meta({ id: 'Hierarchy' });
