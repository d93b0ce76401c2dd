import type { Conn, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import { formatYuan } from '../platform/money.js';
import { getBNode } from '../modules/b-nodes/b-nodes.service.js';
import { bNodeError } from '../modules/b-nodes/b-nodes.errors.js';
import { saveCuratedListing } from '../modules/b-nodes/listings.service.js';
import { offerFor, offersFor } from '../modules/assortments/assortments.service.js';
import { assortmentError } from '../modules/assortments/assortments.errors.js';
import { guardChange, listingPlans, summary } from '../modules/economics/economics-guard.service.js';

/**
 * A B node curates its shop from the assortments aimed at it: it lists an offered SKU at a retail
 * price inside the assortment's band (outside → 422 naming the band), checked by the economics
 * guard at the assortment's supply price, like any listing price. Listing again re-prices, or
 * resumes a paused listing, under the same checks.
 */
export async function curateListing(tx: Tx, clock: Clock, actor: Actor, bNodeId: string, skuId: string,
  input: { assortment_id: string; retail_price: number; clearance?: boolean | undefined; override_reason?: string | undefined }) {
  await getBNode(tx, actor, bNodeId);
  // Not aimed at this node, not live (draft, withdrawn, expired, not yet valid) or no such SKU in it: all the same 404.
  const offer = await offerFor(tx, actor.tenantId, bNodeId, input.assortment_id, skuId, clock.now());
  if (!offer) throw assortmentError('offer_not_found');
  if (input.retail_price < offer.retail_floor || input.retail_price > offer.retail_ceiling) {
    // The answer names the band in words as well as in its fields, so the owner sees what to type.
    const band = bNodeError('price_outside_band', { retail_price: input.retail_price, retail_floor: offer.retail_floor, retail_ceiling: offer.retail_ceiling, assortment_id: input.assortment_id });
    const range = `${formatYuan(offer.retail_floor)}–${formatYuan(offer.retail_ceiling)}`;
    throw new AppError(band.code, band.status, `The retail price must lie within the assortment's band, ${range}.`, `零售价须在货盘价格区间 ${range} 之内。`, band.details);
  }
  const [plan] = await listingPlans(tx, actor.tenantId, offer.supply_price, [{ b_node_id: bNodeId, price: input.retail_price, clearance: input.clearance ?? false }]);
  const guard = await guardChange(tx, actor, { kind: 'listing', id: `${bNodeId}/${skuId}` }, plan!, input.override_reason ? { reason: input.override_reason } : undefined);
  await saveCuratedListing(tx, actor.tenantId, bNodeId, skuId, { retail_price: input.retail_price, assortment_id: input.assortment_id, supply_price: offer.supply_price, node_cap: offer.node_cap });
  return { b_node_id: bNodeId, sku_id: skuId, retail_price: input.retail_price, active: true, economics: summary(guard) };
}

/** The offers a node may list now, for its owner (node scope checked: another node answers 404). */
export async function nodeOffers(db: Conn, clock: Clock, actor: Actor, bNodeId: string) {
  await getBNode(db, actor, bNodeId);
  return offersFor(db, actor.tenantId, bNodeId, clock.now());
}
