import type { Conn, Tx } from '../database.js';
import { supplierScopeOf, type Actor } from '../platform/http/auth.js';
import { AppError } from '../platform/errors.js';
import { applySkuUpdate, prepareSkuUpdate, type SkuPatch } from '../modules/catalog/catalog.service.js';
import { activeListingsOfSku, assignCommissionPolicy, getBNode, prepareListing, saveListing } from '../modules/b-nodes/b-nodes.service.js';
import { guardChange, listingPlans, policyExists, summary } from '../modules/economics/economics-guard.service.js';
import { economicsError } from '../modules/economics/engine/errors.js';
import { listingOf } from '../modules/b-nodes/listings.service.js';
import { bNodeError } from '../modules/b-nodes/b-nodes.errors.js';

/**
 * Prices and policies the economics guard must accept before they change. The modules that own
 * them (catalog, b-nodes) know nothing of economics; economics reads their facts. Each change is
 * checked by its owner, judged by the guard, then written by its owner, in one transaction.
 */

/**
 * Lists a SKU in a B node's shop at a price inside the supplier's band, and only if the economics
 * guard accepts the unit economics at that price (no price below landed cost except declared
 * clearance, margin ≥ 0 after fees and commission). A tenant admin may override with a reason.
 */
export async function putListingGuarded(tx: Tx, actor: Actor, bNodeId: string, skuId: string, input: { retail_price: number; active: boolean; clearance?: boolean | undefined; override_reason?: string | undefined }) {
  // A listing curated from an assortment is priced inside that assortment's band, at its supply
  // price: through the curation flow (PUT /b-nodes/{id}/offers/{skuId}), not around it.
  await getBNode(tx, actor, bNodeId);
  const current = await listingOf(tx, actor.tenantId, bNodeId, skuId);
  if (current?.assortment_id) throw bNodeError('listing_from_assortment', { assortment_id: current.assortment_id });
  const sku = await prepareListing(tx, actor, bNodeId, skuId, input.retail_price);
  const [plan] = await listingPlans(tx, actor.tenantId, sku.supply_price, [{ b_node_id: bNodeId, price: input.retail_price, clearance: input.clearance ?? false }]);
  const guard = await guardChange(tx, actor, { kind: 'listing', id: `${bNodeId}/${skuId}` }, plan!, input.override_reason ? { reason: input.override_reason } : undefined);
  await saveListing(tx, actor.tenantId, bNodeId, skuId, input);
  return { b_node_id: bNodeId, sku_id: skuId, retail_price: input.retail_price, active: input.active, economics: summary(guard) };
}

/**
 * Changes a SKU. A new supply price is checked against every shop that lists the SKU: a supplier
 * cannot silently turn B nodes' prices into losses. A rejection names the shop and its price; a
 * tenant admin may override it with a reason (audited), or the shops raise their prices first.
 */
export async function updateSkuGuarded(tx: Tx, actor: Actor, skuId: string, input: SkuPatch & { override_reason?: string | undefined }) {
  const { override_reason: overrideReason, ...patch } = input;
  const { current, next } = await prepareSkuUpdate(tx, actor, skuId, patch);
  if (patch.supply_price !== undefined && patch.supply_price !== current.supply_price) {
    await guardSupplyPrice(tx, actor, skuId, patch.supply_price, await activeListingsOfSku(tx, actor.tenantId, skuId), overrideReason);
  }
  return applySkuUpdate(tx, actor.tenantId, skuId, patch, next);
}

/**
 * A new supply price for a SKU, judged by the guard at each shop's price that would go on selling
 * it. A rejection names the shop and its price to the tenant's staff, and to a supplier only what
 * it needs (see supplierView); a tenant admin may override with a reason (audited).
 */
export async function guardSupplyPrice(tx: Tx, actor: Actor, skuId: string, supplyPrice: number, atPrices: { b_node_id: string; price: number }[], overrideReason?: string) {
  const plans = await listingPlans(tx, actor.tenantId, supplyPrice, atPrices);
  for (const [i, plan] of plans.entries()) {
    const { b_node_id: bNodeId, price } = atPrices[i]!;
    try {
      await guardChange(tx, actor, { kind: 'sku_supply_price', id: `${skuId}@${bNodeId}` }, plan, overrideReason ? { reason: overrideReason } : undefined);
    } catch (err) {
      if (err instanceof AppError && err.code === 'economics_rejected') {
        const details = supplierScopeOf(actor) === undefined
          ? { ...err.details, b_node_id: bNodeId, retail_price: price, supply_price: supplyPrice }
          : supplierView(err.details, price, supplyPrice);
        throw new AppError(err.code, err.status, err.message, err.messageZh, details);
      }
      throw err;
    }
  }
}

/**
 * What a supplier learns when its new supply price is refused: the retail price its own SKU sells
 * at (what it needs to choose a workable supply price) and which rules failed — not which shop,
 * nor the rules' numbers (the shop's commission, fees and margin).
 */
function supplierView(details: Record<string, unknown> | undefined, retailPrice: number, supplyPrice: number) {
  const rules = (details?.rules as { id: string; status: string; overridable: boolean }[] | undefined) ?? [];
  return { verdict: details?.verdict, rules: rules.map((r) => ({ id: r.id, status: r.status, overridable: r.overridable })), retail_price: retailPrice, supply_price: supplyPrice };
}

/** Assigns (or, with null, removes) a B node's commission policy, which must exist in the tenant. */
export async function assignPolicyChecked(db: Conn, actor: Actor, bNodeId: string, policyId: string | null) {
  await getBNode(db, actor, bNodeId);
  if (policyId && !(await policyExists(db, actor.tenantId, policyId))) throw economicsError('policy_not_found');
  return assignCommissionPolicy(db, actor.tenantId, bNodeId, policyId);
}
