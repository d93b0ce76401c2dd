import type { RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { bNodeError } from './b-nodes.errors.js';
import { getBNode } from './b-nodes.service.js';
import { listingsRepo } from './listings.repo.js';

/**
 * Listing writes beyond a plain price: curated from assortments, paused or removed by the owner,
 * paused by a supplier's change (with a notice to the owner saying why). The node's scope is
 * checked by the caller through getBNode (another node answers 404).
 */

export const listingOf = (db: Conn, tenantId: string, bNodeId: string, skuId: string) => listingsRepo.one(db, tenantId, bNodeId, skuId);

/** Writes a listing from an assortment offer prepared (band, guard) by the caller; the cap starts at the offer's per-node cap. */
export async function saveCuratedListing(db: Conn, tenantId: string, bNodeId: string, skuId: string, input: { retail_price: number; assortment_id: string; supply_price: number; node_cap: number | null }) {
  await listingsRepo.upsertCurated(db, { tenant_id: tenantId, b_node_id: bNodeId, sku_id: skuId, retail_price: input.retail_price, assortment_id: input.assortment_id, supply_price: input.supply_price, cap_left: input.node_cap });
}

/** The owner takes a listing off sale; a listing a supplier's change already paused keeps that reason. */
export async function pauseListing(db: Conn, actor: Actor, bNodeId: string, skuId: string) {
  await getBNode(db, actor, bNodeId);
  const row = await listingsRepo.pause(db, actor.tenantId, bNodeId, skuId);
  if (!row) throw bNodeError('listing_not_found');
  return { b_node_id: bNodeId, sku_id: skuId, active: row.active, pause_reason: row.pause_reason };
}

/** The owner removes a SKU from the shop; orders already placed keep their own snapshot of it. */
export async function removeListing(db: Conn, actor: Actor, bNodeId: string, skuId: string) {
  await getBNode(db, actor, bNodeId);
  if (!(await listingsRepo.remove(db, actor.tenantId, bNodeId, skuId))) throw bNodeError('listing_not_found');
}

/** Carries a supplier's new terms for a SKU to every listing from that assortment; returns the nodes told of a pause. */
/**
 * The active listings curated from an assortment's SKU whose price stays inside a band: the shops
 * that would go on selling at a new supply price (those outside the band pause instead).
 */
export async function activeListingsFromAssortment(db: Conn, tenantId: string, assortmentId: string, skuId: string, band: { retail_floor: number; retail_ceiling: number }) {
  const rows = await db.selectFrom('listings').select(['b_node_id', 'retail_price'])
    .where('tenant_id', '=', tenantId).where('assortment_id', '=', assortmentId).where('sku_id', '=', skuId).where('active', '=', true)
    .where('retail_price', '>=', band.retail_floor).where('retail_price', '<=', band.retail_ceiling).execute();
  return rows.map((l) => ({ b_node_id: l.b_node_id, price: l.retail_price }));
}

export const applyAssortmentTerms = (db: Conn, tenantId: string, assortmentId: string, skuId: string, terms: { supply_price: number; retail_floor: number; retail_ceiling: number }) =>
  listingsRepo.applyTerms(db, tenantId, assortmentId, skuId, terms);

/** Pauses every listing from withdrawn or expired assortments; returns the nodes told (one entry per listing). */
export const pauseListingsFromAssortments = (db: Conn, tenantId: string, assortmentIds: string[], reason: 'withdrawn' | 'expired') =>
  assortmentIds.length ? listingsRepo.pauseFromAssortments(db, tenantId, assortmentIds, reason) : Promise.resolve([]);

/** Pauses listings whose assortment no longer aims at their node (it was retargeted, or the node changed). */
export const pauseUntargetedListings = (db: Conn, tenantId: string, refs: { b_node_id: string; sku_id: string; assortment_id: string }[]) =>
  listingsRepo.pauseSome(db, tenantId, refs, 'untargeted');

/** What supply changes did to a node's listings, newest first. */
export async function listingNotices(db: Conn, actor: Actor, bNodeId: string) {
  await getBNode(db, actor, bNodeId);
  return listingsRepo.notices(db, actor.tenantId, bNodeId, 50);
}

/**
 * Gives capped units back to the listings they were taken from, when the orders that took them
 * close unpaid. `taken` yields rows (b_node_id, sku_id, quantity): the closed orders' lines.
 */
export const returnListingCaps = (db: Conn, tenantId: string, taken: RawBuilder<unknown>) => listingsRepo.returnCaps(db, tenantId, taken);
