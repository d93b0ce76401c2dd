import type { Db, Tx } from '../database.js';
import type { Actor } from '../platform/http/auth.js';
import type { Clock } from '../platform/clock.js';
import { expireDueAssortments, getAssortment, setItem, tenantsWithLiveAssortments, untargetedListings, updateAssortment, withdrawAssortment } from '../modules/assortments/assortments.service.js';
import { activeListingsFromAssortment, applyAssortmentTerms, pauseListingsFromAssortments, pauseUntargetedListings } from '../modules/b-nodes/listings.service.js';
import { guardSupplyPrice } from './guarded-changes.flow.js';
import type { ItemInput, Target } from '../modules/assortments/assortments.schema.js';

/**
 * A supplier's change to an assortment reaches every listing made from it, in the same
 * transaction: a new supply price is the listings' cost from now on (orders keep the cost they
 * snapshotted), a listing priced outside a new band pauses, withdrawal pauses them all; each node
 * whose listing paused gets a notice saying why (and sees the reason on its listings screen). A
 * new supply price must pass the economics guard at every price that stays on sale, as a SKU's does.
 */

export async function setItemPropagated(tx: Tx, actor: Actor, assortmentId: string, skuId: string, fields: Omit<ItemInput, 'sku_id'>) {
  const change = await setItem(tx, actor, assortmentId, skuId, fields);
  if (change.status === 'published' && change.before?.supply_price !== fields.supply_price) {
    await guardSupplyPrice(tx, actor, skuId, fields.supply_price, await activeListingsFromAssortment(tx, actor.tenantId, assortmentId, skuId, fields));
  }
  const paused = change.status === 'published'
    ? await applyAssortmentTerms(tx, actor.tenantId, assortmentId, skuId, { supply_price: fields.supply_price, retail_floor: fields.retail_floor, retail_ceiling: fields.retail_ceiling })
    : [];
  return { assortment: await getAssortment(tx, actor, assortmentId), paused_listings: paused.length };
}

export async function withdrawPropagated(tx: Tx, clock: Clock, actor: Actor, assortmentId: string) {
  const assortment = await withdrawAssortment(tx, actor, clock, assortmentId);
  const paused = await pauseListingsFromAssortments(tx, actor.tenantId, [assortmentId], 'withdrawn');
  return { assortment, paused_listings: paused.length };
}

/** Retargets (or renames, extends) an assortment; listings of nodes it no longer aims at pause at once. */
export async function updateAssortmentPropagated(tx: Tx, actor: Actor, assortmentId: string, patch: { name?: string | undefined; valid_until?: string | undefined; target?: Target | undefined }) {
  await updateAssortment(tx, actor, assortmentId, patch);
  const paused = patch.target ? await pauseUntargetedListings(tx, actor.tenantId, (await untargetedListings(tx, actor.tenantId)).filter((l) => l.assortment_id === assortmentId)) : [];
  return { assortment: await getAssortment(tx, actor, assortmentId), paused_listings: paused.length };
}

/**
 * Periodic work: assortments past their validity expire and their listings pause by themselves;
 * listings whose node an assortment no longer aims at pause too.
 * One transaction; a concurrent run finds nothing left to expire (the status flip is conditional).
 */
export async function expireAssortments(db: Db, clock: Clock): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const expired = await expireDueAssortments(tx, clock);
    const byTenant = new Map<string, string[]>();
    for (const a of expired) byTenant.set(a.tenant_id, [...(byTenant.get(a.tenant_id) ?? []), a.id]);
    for (const [tenantId, ids] of byTenant) await pauseListingsFromAssortments(tx, tenantId, ids, 'expired');
    // A node that moved region, or changed kind or tier, may have left an assortment's segment:
    // its listings from it pause (targeting is read, never copied, so this is where it shows).
    for (const tenantId of await tenantsWithLiveAssortments(tx)) await pauseUntargetedListings(tx, tenantId, await untargetedListings(tx, tenantId));
    return expired.length;
  });
}
