import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { assertSupplier, skusOfSupplier } from '../catalog/suppliers.service.js';
import { knownTargets } from '../b-nodes/segments.fragments.js';
import { assortmentError } from './assortments.errors.js';
import { assortmentRepo, type AssortmentRow } from './assortments.repo.js';
import type { AssortmentStatus, ItemInput, Target } from './assortments.schema.js';
import { assortmentMachine } from './assortments.states.js';

/**
 * Assortments (货盘): a supplier offers its own SKUs at a supply price and a retail band to a segment
 * of B nodes for a while. A supplier operator sees and changes only its own supplier's (another's
 * answers 404); tenant admins see all. B nodes see only the offers aimed at them (`offersFor`).
 */

type ItemFields = Omit<ItemInput, 'sku_id'>;

function assertBand(item: { retail_floor: number; retail_ceiling: number }, skuId?: string) {
  if (!(item.retail_floor > 0 && item.retail_floor <= item.retail_ceiling)) {
    throw assortmentError('band_invalid', { sku_id: skuId, retail_floor: item.retail_floor, retail_ceiling: item.retail_ceiling });
  }
}

function assertValidity(from: Date, until: Date) {
  if (!(from < until)) throw assortmentError('validity_invalid', { valid_from: from.toISOString(), valid_until: until.toISOString() });
}

/** Kinds or tiers given as an empty list mean "no criterion", like null. */
function normalTarget(t: Target) {
  return {
    target_region_id: t.region_id,
    target_kinds: t.kinds && t.kinds.length ? [...new Set(t.kinds)] : null,
    target_tiers: t.tiers && t.tiers.length ? [...new Set(t.tiers)] : null,
    target_node_ids: [...new Set(t.node_ids)],
  };
}

async function assertTargetsKnown(db: Conn, tenantId: string, t: Target) {
  const regions = t.region_id ? [t.region_id] : [];
  const nodes = [...new Set(t.node_ids)];
  if (!regions.length && !nodes.length) return;
  const { rows } = await sql<{ kind: string; id: string }>`SELECT * FROM ${knownTargets(tenantId, regions, nodes)} k`.execute(db);
  const known = new Set(rows.map((r) => `${r.kind}:${r.id}`));
  const unknown = [...regions.filter((r) => !known.has(`region:${r}`)).map((id) => ({ region_id: id })), ...nodes.filter((n) => !known.has(`node:${n}`)).map((id) => ({ b_node_id: id }))];
  if (unknown.length) throw assortmentError('target_unknown', { unknown });
}

async function assertOwnSkus(db: Conn, tenantId: string, supplierId: string, skuIds: string[]) {
  const own = new Set((await skusOfSupplier(db, tenantId, supplierId, skuIds)).map((s) => s.id));
  const foreign = skuIds.filter((id) => !own.has(id));
  if (foreign.length) throw assortmentError('sku_not_of_supplier', { sku_ids: foreign });
}

function present(row: AssortmentRow, items: Awaited<ReturnType<typeof assortmentRepo.items>>) {
  return {
    id: row.id, supplier_id: row.supplier_id, supplier_name: row.supplier_name, name: row.name, status: row.status,
    valid_from: row.valid_from, valid_until: row.valid_until,
    target: { region_id: row.target_region_id, kinds: row.target_kinds, tiers: row.target_tiers, node_ids: row.target_node_ids },
    reach: row.reach,
    items: items.filter((i) => i.assortment_id === row.id).map(({ assortment_id: _a, ...i }) => i),
    // Saved either way: a supplier may draft before the nodes exist, but is told nobody sees it.
    warnings: row.reach === 0 ? ['targets_nobody' as const] : [],
    created_at: row.created_at, published_at: row.published_at,
  };
}

/** One assortment the actor may see; another supplier's is not found. */
async function rowOfScope(db: Conn, actor: Actor, id: string) {
  const [row] = await assortmentRepo.list(db, actor.tenantId, { id, supplierId: supplierScopeOf(actor) });
  if (!row) throw assortmentError('assortment_not_found');
  return row;
}

export async function getAssortment(db: Conn, actor: Actor, id: string) {
  const row = await rowOfScope(db, actor, id);
  return present(row, await assortmentRepo.items(db, actor.tenantId, [id]));
}

export async function listAssortments(db: Conn, actor: Actor, status?: AssortmentStatus) {
  const rows = await assortmentRepo.list(db, actor.tenantId, { supplierId: supplierScopeOf(actor), status });
  const items = await assortmentRepo.items(db, actor.tenantId, rows.map((r) => r.id));
  return rows.map((r) => present(r, items));
}

export async function createAssortment(db: Conn, actor: Actor, input: { supplier_id?: string | undefined; name: string; valid_from: string; valid_until: string; target: Target; items: ItemInput[] }) {
  const supplierId = supplierScopeOf(actor) ?? input.supplier_id;
  if (!supplierId) throw assortmentError('supplier_required');
  await assertSupplier(db, actor.tenantId, supplierId);
  const from = new Date(input.valid_from);
  const until = new Date(input.valid_until);
  assertValidity(from, until);
  for (const item of input.items) assertBand(item, item.sku_id);
  const skuIds = [...new Set(input.items.map((i) => i.sku_id))];
  await assertOwnSkus(db, actor.tenantId, supplierId, skuIds);
  await assertTargetsKnown(db, actor.tenantId, input.target);
  const id = newId('asm');
  await db.insertInto('assortments').values({ tenant_id: actor.tenantId, id, supplier_id: supplierId, name: input.name, valid_from: from, valid_until: until, published_at: null, closed_at: null, ...normalTarget(input.target) }).execute();
  const bySku = new Map(input.items.map((i) => [i.sku_id, i]));
  await db.insertInto('assortment_items').values([...bySku.values()].map((i) => ({
    tenant_id: actor.tenantId, assortment_id: id, sku_id: i.sku_id, supply_price: i.supply_price, retail_floor: i.retail_floor,
    retail_ceiling: i.retail_ceiling, commission_bp: i.commission_bp, node_cap: i.node_cap,
  }))).execute();
  return getAssortment(db, actor, id);
}

function assertOpen(row: AssortmentRow) {
  if (row.status === 'withdrawn' || row.status === 'expired') throw assortmentError('assortment_closed', { status: row.status });
}

/** Renames, retargets or extends an open assortment; the new targeting applies at once (it is read, not copied). */
export async function updateAssortment(db: Conn, actor: Actor, id: string, patch: { name?: string | undefined; valid_until?: string | undefined; target?: Target | undefined }) {
  const row = await rowOfScope(db, actor, id);
  assertOpen(row);
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.valid_until !== undefined) {
    const until = new Date(patch.valid_until);
    assertValidity(row.valid_from, until);
    set.valid_until = until;
  }
  if (patch.target !== undefined) {
    await assertTargetsKnown(db, actor.tenantId, patch.target);
    Object.assign(set, normalTarget(patch.target));
  }
  if (Object.keys(set).length) await db.updateTable('assortments').set(set).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
  return getAssortment(db, actor, id);
}

/**
 * Sets one SKU's terms in an open assortment (adding it if new). Returns the terms before and after:
 * for a published assortment the caller carries the change to every listing made from it.
 */
export async function setItem(db: Conn, actor: Actor, id: string, skuId: string, fields: ItemFields) {
  const row = await rowOfScope(db, actor, id);
  assertOpen(row);
  assertBand(fields, skuId);
  await assertOwnSkus(db, actor.tenantId, row.supplier_id, [skuId]);
  const before = await assortmentRepo.item(db, actor.tenantId, id, skuId);
  await assortmentRepo.upsertItem(db, { tenant_id: actor.tenantId, assortment_id: id, sku_id: skuId, ...fields });
  return { status: row.status, before: before ?? null, after: { sku_id: skuId, ...fields } };
}

async function move(db: Conn, actor: Actor, clock: Clock, id: string, to: AssortmentStatus) {
  const row = await rowOfScope(db, actor, id);
  assortmentMachine.assert(row.status, to, id);
  const moved = await assortmentRepo.transition(db, actor.tenantId, id, assortmentMachine.sourcesOf(to), to, clock.now());
  // Someone else moved it meanwhile: report the move that is no longer allowed.
  if (!moved) assortmentMachine.assert((await rowOfScope(db, actor, id)).status, to, id);
  return getAssortment(db, actor, id);
}

export const publishAssortment = (db: Conn, actor: Actor, clock: Clock, id: string) => move(db, actor, clock, id, 'published');
export const withdrawAssortment = (db: Conn, actor: Actor, clock: Clock, id: string) => move(db, actor, clock, id, 'withdrawn');

/** The B nodes an assortment reaches now. */
export async function assortmentReach(db: Conn, actor: Actor, id: string) {
  await rowOfScope(db, actor, id);
  return assortmentRepo.reach(db, actor.tenantId, id);
}

/** Published assortments of every tenant whose validity ended, marked expired: returns them for their listings to pause. */
export const expireDueAssortments = (db: Conn, clock: Clock) => assortmentRepo.expireDue(db, clock.now());

/** Listings from live assortments that no longer aim at their node, for the caller to pause. */
export const untargetedListings = (db: Conn, tenantId: string) => assortmentRepo.untargetedListings(db, tenantId);

/** Tenants that have a published assortment. */
export const tenantsWithLiveAssortments = async (db: Conn) => (await assortmentRepo.liveTenants(db)).map((r) => r.tenant_id);

/**
 * What a B node may list now: the SKUs of live assortments aimed at it. The owner sees the supply
 * price: it is the offer made to that node, and the owner needs it to choose a retail price inside
 * the band that leaves a margin (the economics guard judges the listing at that cost, and the
 * owner's P&L already carries it). Staff never reach this (listings.write), nor other suppliers.
 */
export const offersFor = (db: Conn, tenantId: string, bNodeId: string, now: Date) => assortmentRepo.offers(db, tenantId, bNodeId, now);

/** One offer to a node, or undefined when that assortment does not offer that SKU to it now. */
export async function offerFor(db: Conn, tenantId: string, bNodeId: string, assortmentId: string, skuId: string, now: Date) {
  const [offer] = await assortmentRepo.offers(db, tenantId, bNodeId, now, { assortmentId, skuId });
  return offer;
}

/**
 * What a supplier may aim at: the tenant's regions and B nodes by name, kind and tier. A supplier
 * sees the nodes' names (it must be able to choose them) and nothing else of them.
 */
export const targetOptions = (db: Conn, actor: Actor) => assortmentRepo.targets(db, actor.tenantId);
