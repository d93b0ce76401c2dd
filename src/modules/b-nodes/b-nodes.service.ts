import type { Conn, Db, Tx } from '../../database.js';
import { can, nodeScopeOf, seesNode, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { catalogError } from '../catalog/catalog.errors.js';
import { findSku } from '../catalog/catalog.service.js';
import { assertWarehouse } from '../inventory/inventory.service.js';
import { findOrCreateConsumer } from '../customers/customers.service.js';
import type { PhoneVault } from '../customers/customer-phones.service.js';
import { homeTenant, issueToken } from '../identity/identity.service.js';
import { bNodeError } from './b-nodes.errors.js';
import { bNodeRepo } from './b-nodes.repo.js';
import type { BNodeKind } from './b-nodes.schema.js';

/** B node owners and staff act only on their own node; another node is not found (404), so ids cannot be probed. */
export function assertNodeScope(actor: Actor, bNodeId: string) {
  if (!seesNode(actor, bNodeId)) throw bNodeError('b_node_not_found');
}

export async function createBNode(db: Db, tenantId: string, input: { kind: BNodeKind; name: string; slug: string; warehouse_id: string; pickup_address: string }) {
  await assertWarehouse(db, tenantId, input.warehouse_id);
  const id = newId('bn');
  return db.transaction().execute(async (tx) => {
    const route = await tx.insertInto('shop_routes').values({ slug: input.slug, tenant_id: tenantId, b_node_id: id })
      .onConflict((oc) => oc.column('slug').doNothing()).returning('slug').executeTakeFirst();
    if (!route) throw bNodeError('slug_taken');
    await tx.insertInto('b_nodes').values({ tenant_id: tenantId, id, ...input }).execute();
    return { id, ...input };
  });
}

/** The B nodes the actor sees: every one of the tenant, or a node role's own. */
export async function listBNodes(db: Conn, actor: Actor) {
  const scope = nodeScopeOf(actor);
  const nodes = await bNodeRepo.list(db, actor.tenantId);
  return scope === undefined ? nodes : nodes.filter((n) => n.id === scope);
}

/** The demo tenant's slug, which `siyu start` seeds; a home page with no tenant named shows its shops. */
export const DEMO_TENANT_SLUG = 'demo';

/** A tenant's shops for the site's home page: the tenant named, else the only one, else the demo's. */
export async function shopDirectory(db: Conn, tenantSlug: string | undefined) {
  const tenant = await homeTenant(db, tenantSlug, DEMO_TENANT_SLUG);
  if (!tenant) return { tenant: null, shops: [] };
  const shops = await bNodeRepo.list(db, tenant.id);
  return {
    tenant: { slug: tenant.slug, name: tenant.name },
    shops: shops.map((s) => ({ name: s.name, slug: s.slug, kind: s.kind, pickup_address: s.pickup_address })),
  };
}

export async function getBNode(db: Conn, actor: Actor, id: string) {
  assertNodeScope(actor, id);
  const node = await bNodeRepo.byId(db, actor.tenantId, id);
  if (!node) throw bNodeError('b_node_not_found');
  return node;
}

/** Checks a listing change (node scope, SKU exists, price inside the supplier's band); returns the SKU. Writes nothing. */
export async function prepareListing(db: Conn, actor: Actor, bNodeId: string, skuId: string, retailPrice: number) {
  await getBNode(db, actor, bNodeId);
  const sku = await findSku(db, actor.tenantId, skuId);
  if (retailPrice < sku.retail_floor || retailPrice > sku.retail_ceiling) {
    throw bNodeError('price_outside_band', { retail_price: retailPrice, retail_floor: sku.retail_floor, retail_ceiling: sku.retail_ceiling });
  }
  return sku;
}

/** Writes a listing prepared (and guarded) by the caller. */
export async function saveListing(db: Conn, tenantId: string, bNodeId: string, skuId: string, input: { retail_price: number; active: boolean }) {
  // Listed inactive here is the owner's own pause; listing it active clears any pause reason.
  const pauseReason = input.active ? null : 'owner' as const;
  await db.insertInto('listings').values({ tenant_id: tenantId, b_node_id: bNodeId, sku_id: skuId, retail_price: input.retail_price, active: input.active, pause_reason: pauseReason })
    .onConflict((oc) => oc.columns(['tenant_id', 'b_node_id', 'sku_id']).doUpdateSet({ retail_price: input.retail_price, active: input.active, pause_reason: pauseReason, updated_at: new Date() }))
    .execute();
}

/** The shops listing a SKU now, at their prices: whom a new supply price would affect. */
export async function activeListingsOfSku(db: Conn, tenantId: string, skuId: string) {
  const rows = await db.selectFrom('listings').select(['b_node_id', 'retail_price'])
    .where('tenant_id', '=', tenantId).where('sku_id', '=', skuId).where('active', '=', true).execute();
  return rows.map((l) => ({ b_node_id: l.b_node_id, price: l.retail_price }));
}

/** A shop's public card (name, slug, pickup address) for an order; null if the node is gone. */
export async function shopCard(db: Conn, tenantId: string, bNodeId: string) {
  const node = await bNodeRepo.byId(db, tenantId, bNodeId);
  return node ? { id: node.id, name: node.name, slug: node.slug, pickup_address: node.pickup_address } : null;
}

export async function listListings(db: Conn, actor: Actor, bNodeId: string) {
  await getBNode(db, actor, bNodeId);
  const rows = await bNodeRepo.listings(db, actor.tenantId, bNodeId, false);
  return can(actor.role, 'supply_cost.read') ? rows : rows.map(({ supply_price: _hidden, ...row }) => row);
}

export async function resolveShop(db: Conn, slug: string) {
  const node = await bNodeRepo.bySlug(db, slug);
  if (!node) throw bNodeError('shop_not_found');
  return node;
}

/** The public shop: what a consumer sees, grouped by product, with stock available now. */
export async function shopCatalog(db: Conn, slug: string, productId?: string) {
  const node = await resolveShop(db, slug);
  const listings = await bNodeRepo.listings(db, node.tenant_id, node.id, true, productId);
  const products = new Map<string, { id: string; title: string; description: string; category: string; image_url: string | null; skus: { id: string; code: string; name: string; price: number; available: number }[]; min_price: number }>();
  for (const l of listings) {
    const p = products.get(l.product_id) ?? { id: l.product_id, title: l.title, description: l.description, category: l.category, image_url: l.image_url, skus: [], min_price: l.retail_price };
    p.skus.push({ id: l.sku_id, code: l.code, name: l.sku_name, price: l.retail_price, available: l.available });
    p.min_price = Math.min(p.min_price, l.retail_price);
    products.set(l.product_id, p);
  }
  return { shop: publicShop(node), products: [...products.values()] };
}

export async function shopProduct(db: Conn, slug: string, productId: string) {
  // Only this product's listings are read: a shop of hundreds of products costs the same.
  const { shop, products } = await shopCatalog(db, slug, productId);
  const product = products.find((p) => p.id === productId);
  if (!product) throw catalogError('product_not_found');
  return { shop, product };
}

/**
 * The sandbox's shortcut, never offered in live mode: a consumer names a phone, proves nothing, and
 * gets a session. Demos and `siyu bench journey` use it; real sign-in goes through a one-time code.
 */
export async function openShopSession(db: Db, clock: Clock, phones: PhoneVault, slug: string, input: { name?: string | undefined; phone: string }) {
  const node = await resolveShop(db, slug);
  return db.transaction().execute(async (tx) => {
    const consumer = await findOrCreateConsumer(tx, phones, node.tenant_id, { phone: input.phone, name: input.name?.trim() || `尾号${input.phone.slice(-4)}`, b_node_id: node.id });
    const session = await issueToken(tx, clock, node.tenant_id, consumer.user_id, 'session');
    return { ...session, customer: { id: consumer.id, name: consumer.name, phone: consumer.phone }, shop: publicShop(node) };
  });
}

/** What a shop's visitors may know of its B node. */
export function publicShop(node: { id: string; tenant_id: string; kind: BNodeKind; name: string; slug: string; pickup_address: string }) {
  return { id: node.id, tenant_id: node.tenant_id, kind: node.kind, name: node.name, slug: node.slug, pickup_address: node.pickup_address };
}

/** Assigns (or, with null, removes) a B node's commission policy; the caller checks that the policy exists. */
export async function assignCommissionPolicy(db: Conn, tenantId: string, bNodeId: string, policyId: string | null) {
  await db.updateTable('b_nodes').set({ commission_policy_id: policyId }).where('tenant_id', '=', tenantId).where('id', '=', bNodeId).execute();
  return { b_node_id: bNodeId, policy_id: policyId };
}
