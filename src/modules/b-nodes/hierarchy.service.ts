import type { Conn } from '../../database.js';
import { nodeScopeOf, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { nodeStaff } from '../identity/identity.service.js';
import { bNodeError } from './b-nodes.errors.js';
import { bNodeRepo } from './b-nodes.repo.js';
import { hierarchyError } from './hierarchy.errors.js';
import { hierarchyRepo } from './hierarchy.repo.js';
import { insideGcj02 } from './hierarchy.schema.js';

/**
 * Region → store → leaders (and the staff bound to a node). Regions form a tree of any depth with no
 * loop; a leader's or KOC's parent is a store; a store has no parent. The database refuses the same
 * (migration 022's triggers): these checks only give each refusal its own code.
 */

export async function listRegions(db: Conn, tenantId: string) {
  return hierarchyRepo.regions(db, tenantId);
}

async function assertRegion(db: Conn, tenantId: string, id: string) {
  const region = await hierarchyRepo.region(db, tenantId, id);
  if (!region) throw hierarchyError('region_not_found', { region_id: id });
  return region;
}

export async function createRegion(db: Conn, tenantId: string, input: { name: string; parent_id: string | null }) {
  if (input.parent_id !== null) await assertRegion(db, tenantId, input.parent_id);
  const id = newId('rgn');
  const row = await db.insertInto('regions').values({ tenant_id: tenantId, id, name: input.name, parent_id: input.parent_id })
    .returning(['id', 'parent_id', 'name', 'created_at']).executeTakeFirstOrThrow();
  return row;
}

export async function updateRegion(db: Conn, tenantId: string, id: string, patch: { name?: string | undefined; parent_id?: string | null | undefined }) {
  const region = await assertRegion(db, tenantId, id);
  if (patch.parent_id) {
    await assertRegion(db, tenantId, patch.parent_id);
    if (await hierarchyRepo.isSelfOrBelow(db, tenantId, id, patch.parent_id)) throw hierarchyError('region_cycle', { region_id: id, parent_id: patch.parent_id });
  }
  const next = { name: patch.name ?? region.name, parent_id: patch.parent_id === undefined ? region.parent_id : patch.parent_id };
  return db.updateTable('regions').set(next).where('tenant_id', '=', tenantId).where('id', '=', id)
    .returning(['id', 'parent_id', 'name', 'created_at']).executeTakeFirstOrThrow();
}

export async function deleteRegion(db: Conn, tenantId: string, id: string) {
  await assertRegion(db, tenantId, id);
  if (await hierarchyRepo.regionInUse(db, tenantId, id)) throw hierarchyError('region_not_empty', { region_id: id });
  await db.deleteFrom('regions').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Moves a node in the tree: its region, the store it belongs to (leaders, KOCs), its tier. */
export async function placeBNode(db: Conn, tenantId: string, id: string, patch: { region_id?: string | null | undefined; parent_id?: string | null | undefined; tier?: number | undefined }) {
  const node = await bNodeRepo.byId(db, tenantId, id);
  if (!node) throw bNodeError('b_node_not_found');
  if (patch.region_id) await assertRegion(db, tenantId, patch.region_id);
  if (patch.parent_id) {
    const parent = await bNodeRepo.byId(db, tenantId, patch.parent_id);
    if (!parent) throw bNodeError('b_node_not_found', { parent_id: patch.parent_id });
    if (parent.kind !== 'store' || node.kind === 'store') throw hierarchyError('parent_not_store', { parent_id: patch.parent_id, parent_kind: parent.kind, kind: node.kind });
  }
  const next = {
    region_id: patch.region_id === undefined ? node.region_id : patch.region_id,
    parent_id: patch.parent_id === undefined ? node.parent_id : patch.parent_id,
    tier: patch.tier ?? node.tier,
  };
  await db.updateTable('b_nodes').set(next).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return { id, kind: node.kind, name: node.name, slug: node.slug, ...next };
}

/** The whole tree for the console: regions, nodes with their places, staff under their nodes. */
export async function hierarchy(db: Conn, tenantId: string) {
  const [regions, nodes, staff] = await Promise.all([hierarchyRepo.regions(db, tenantId), hierarchyRepo.nodes(db, tenantId), nodeStaff(db, tenantId)]);
  return {
    regions,
    nodes: nodes.map(({ pickup_lat, pickup_lng, ...n }) => ({ ...n, has_coordinates: pickup_lat !== null && pickup_lng !== null })),
    staff,
  };
}

/** An AMap marker link for a GCJ-02 point (AMap's own coordinate system, so no conversion). */
export function amapMarkerUrl(lat: number, lng: number, name: string) {
  const q = new URLSearchParams({ position: `${lng},${lat}`, name, coordinate: 'gaode', callnative: '1' });
  return `https://uri.amap.com/marker?${q.toString()}`;
}

type PickupRow = { id: string; name: string; pickup_address: string; pickup_lat: number | null; pickup_lng: number | null; pickup_hours: string };
export function pickupPointOf(node: PickupRow) {
  const located = node.pickup_lat !== null && node.pickup_lng !== null;
  return {
    b_node_id: node.id, name: node.name, address: node.pickup_address, lat: node.pickup_lat, lng: node.pickup_lng, hours: node.pickup_hours,
    map_url: located ? amapMarkerUrl(node.pickup_lat!, node.pickup_lng!, node.name) : null,
  };
}

/** A node's pickup point: admins see any, a node's owner and staff their own; another node answers 404. */
export async function getPickupPoint(db: Conn, actor: Actor, bNodeId: string) {
  const scope = nodeScopeOf(actor);
  if (scope !== undefined && scope !== bNodeId) throw bNodeError('b_node_not_found');
  const node = await bNodeRepo.byId(db, actor.tenantId, bNodeId);
  if (!node) throw bNodeError('b_node_not_found');
  return pickupPointOf(node);
}

export async function setPickupPoint(db: Conn, actor: Actor, bNodeId: string, input: { address: string; lat: number | null; lng: number | null; hours: string }) {
  await getPickupPoint(db, actor, bNodeId);
  if (input.lat !== null && input.lng !== null && !insideGcj02(input.lat, input.lng)) throw hierarchyError('coordinates_outside_china', { lat: input.lat, lng: input.lng });
  const row = await db.updateTable('b_nodes').set({ pickup_address: input.address, pickup_lat: input.lat, pickup_lng: input.lng, pickup_hours: input.hours })
    .where('tenant_id', '=', actor.tenantId).where('id', '=', bNodeId)
    .returning(['id', 'name', 'pickup_address', 'pickup_lat', 'pickup_lng', 'pickup_hours']).executeTakeFirstOrThrow();
  return pickupPointOf(row);
}

/** The pickup point a shop's visitors see. */
export async function shopPickupPoint(db: Conn, slug: string) {
  const node = await bNodeRepo.bySlug(db, slug);
  if (!node) throw bNodeError('shop_not_found');
  return pickupPointOf(node);
}
