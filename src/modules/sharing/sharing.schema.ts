import { z } from 'zod';
import { id } from '../catalog/catalog.schema.js';
import { slug } from '../b-nodes/b-nodes.schema.js';
import { timestamp } from '../../platform/http/schemas.js';

/** A share code as the server issues it: an upper-case letter then 15 letters or digits (≈ 94 bits; never a shop slug). */
export const SHARE_CODE = /^[A-Z][0-9A-Za-z]{15}$/;
/** What WeChat allows in a mini-program code's `scene`: at most 32 of these characters. */
export const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export const shareCode = z.string().regex(SHARE_CODE, 'a share code');
export const scene = z.string().max(64).describe('The share code a link or mini-program code carried (its `scene`); anything that resolves to nothing opens the shop unattributed');

export const createShareCodeBody = z.object({
  b_node_id: id.optional().describe('Staff and owners: their own node (default). Admins: required unless `shop` is given'),
  shop: slug.optional().describe('Consumers share the shop they are in'),
  product_id: id.optional(),
  campaign_id: id.optional(),
}).strict();
export type CreateShareCodeInput = z.infer<typeof createShareCodeBody>;

export const shareCodeSchema = z.object({
  code: z.string(),
  sharer_name: z.string(),
  b_node_id: z.string(),
  shop: z.string().describe('The slug of the B node\'s shop'),
  product_id: z.string().nullable(),
  campaign_id: z.string().nullable(),
  group_id: z.string().nullable().describe('A group buy\'s group whose page the link opens'),
  link: z.string().describe('The short link for the H5 shop: records a visit and opens the shop'),
  qr_url: z.string().describe('PNG: a QR code of the short link'),
  poster_url: z.string().describe('PNG: the share poster (product, price, leader, QR code)'),
  wxacode_url: z.string().describe('PNG: the mini-program code (getwxacodeunlimit), generated once'),
  created_at: timestamp,
}).meta({ id: 'ShareCode' });

export const shareCodeParams = z.object({ code: shareCode });

export const resolveQuery = z.object({ scene }).strict();
export const resolvedShareSchema = z.object({
  resolved: z.boolean().describe('false: the scene names no code; open the shop without attribution'),
  code: z.string().nullable(),
  tenant_slug: z.string().nullable(),
  shop: z.string().nullable(),
  b_node_id: z.string().nullable(),
  product_id: z.string().nullable(),
  campaign_id: z.string().nullable(),
  sharer_name: z.string().nullable(),
  path: z.string().describe('Where to open: the shop\'s page (product page when the code names one), or the home page'),
}).meta({ id: 'ResolvedShare' });

export const recordVisitBody = z.object({
  scene,
  channel: z.enum(['mini_program', 'shop']).default('shop'),
  visit_id: z.string().max(64).optional().describe('The visit the short link recorded (its `visit` query parameter), claimed for the signed-in buyer'),
}).strict();
export const visitSchema = z.object({
  visit_id: z.string().nullable(),
  attributed: z.boolean().describe('Whether orders the buyer places in the window are attributed to the sharer (signed in, not their own code)'),
}).meta({ id: 'ShareVisit' });

export const shareSettingsSchema = z.object({
  attribution_days: z.number().int().min(0).max(90).describe('Days after a visit through a code during which the buyer\'s orders are attributed to the sharer'),
}).meta({ id: 'ShareSettings' });
export const shareSettingsBody = shareSettingsSchema.strict();

export const attributionSchema = z.object({
  code: z.string(),
  sharer_user_id: z.string(),
  sharer_name: z.string(),
  b_node_id: z.string(),
}).meta({ id: 'OrderAttribution' });
