import type { Conn } from '../../database.js';
import { can, supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo, type SkuView } from './catalog.repo.js';
import type { SkuFields } from './catalog.schema.js';

/**
 * A supplier operator reads and acts only for its own supplier; admins act for any. Another
 * supplier's product or SKU is not found (404), so ids cannot be probed.
 */
function seesSupplier(actor: Actor, supplierId: string): boolean {
  const scope = supplierScopeOf(actor);
  return scope === undefined || scope === supplierId;
}

/** SKUs as the actor may read them: staff get no supply price. */
function skusFor<T extends { supply_price: number }>(actor: Actor, skus: T[]) {
  return can(actor.role, 'supply_cost.read') ? skus : skus.map(({ supply_price: _hidden, ...sku }) => sku);
}

export async function createSupplier(db: Conn, tenantId: string, input: { name: string; kind?: 'tenant' | 'third_party' | undefined }) {
  const id = newId('sup');
  const kind = input.kind ?? 'third_party';
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id, name: input.name, kind }).execute();
  return { id, name: input.name, kind };
}


export async function createProduct(db: Conn, actor: Actor, input: { supplier_id: string; title: string; description: string; category: string; image_url?: string | undefined }) {
  if (!seesSupplier(actor, input.supplier_id) || !(await catalogRepo.supplier(db, actor.tenantId, input.supplier_id))) throw catalogError('supplier_not_found');
  const id = newId('prd');
  const row = { tenant_id: actor.tenantId, id, supplier_id: input.supplier_id, title: input.title, description: input.description, category: input.category, image_url: input.image_url ?? null };
  await db.insertInto('products').values(row).execute();
  return { ...row, skus: [] };
}

export function assertPriceBand(p: { retail_floor: number; suggested_price: number; retail_ceiling: number }) {
  if (!(p.retail_floor > 0 && p.retail_floor <= p.suggested_price && p.suggested_price <= p.retail_ceiling)) {
    throw catalogError('price_band_invalid', { retail_floor: p.retail_floor, suggested_price: p.suggested_price, retail_ceiling: p.retail_ceiling });
  }
}

export async function createSku(db: Conn, actor: Actor, productId: string, input: SkuFields) {
  const product = await catalogRepo.product(db, actor.tenantId, productId);
  if (!product || !seesSupplier(actor, product.supplier_id)) throw catalogError('product_not_found');
  assertPriceBand(input);
  const id = newId('sku');
  const inserted = await db.insertInto('skus').values({ tenant_id: actor.tenantId, id, product_id: productId, ...input })
    .onConflict((oc) => oc.columns(['tenant_id', 'code']).doNothing()).returning('id').executeTakeFirst();
  if (!inserted) throw catalogError('sku_code_taken');
  return { id, product_id: productId, ...input };
}

/** A SKU with its product's title and supplier; 404 when the tenant has no such SKU. */
export async function findSku(db: Conn, tenantId: string, skuId: string) {
  const [sku] = await catalogRepo.skusByIds(db, tenantId, [skuId]);
  if (!sku) throw catalogError('sku_not_found');
  return sku;
}

/** A SKU the actor may change: a supplier operator only its own supplier's; another's, like an unknown one, 404. */
export async function skuOfScope(db: Conn, actor: Actor, skuId: string) {
  const [sku] = await catalogRepo.skusByIds(db, actor.tenantId, [skuId]);
  if (!sku || !seesSupplier(actor, sku.supplier_id)) throw catalogError('sku_not_found');
  return sku;
}

export type SkuPatch = Partial<Omit<SkuFields, 'code'>>;

/** Checks a SKU change (scope, price band) and returns the SKU before and after it; writes nothing. */
export async function prepareSkuUpdate(db: Conn, actor: Actor, skuId: string, patch: SkuPatch) {
  const sku = await skuOfScope(db, actor, skuId);
  const next = { ...sku, ...patch };
  assertPriceBand(next);
  return { current: sku, next };
}

/** Writes a SKU change prepared (and, for a supply price, guarded) by the caller. */
export async function applySkuUpdate(db: Conn, tenantId: string, skuId: string, patch: SkuPatch, next: SkuView & { title: string; supplier_id: string }) {
  await db.updateTable('skus').set(patch).where('tenant_id', '=', tenantId).where('id', '=', skuId).execute();
  const { title: _t, supplier_id: _s, ...view } = next;
  return view;
}

/** The suppliers the actor sees: all of the tenant's, or a supplier operator's own. */
export async function listSuppliers(db: Conn, actor: Actor) {
  const rows = await catalogRepo.suppliers(db, actor.tenantId);
  return rows.filter((s) => seesSupplier(actor, s.id));
}

/** Products with their SKUs: a supplier operator gets its own supplier's only. */
export async function listProducts(db: Conn, actor: Actor) {
  const products = await catalogRepo.products(db, actor.tenantId, supplierScopeOf(actor));
  const skus = skusFor(actor, await catalogRepo.skusOfProducts(db, actor.tenantId, products.map((p) => p.id)));
  return products.map((p) => ({ ...p, skus: skus.filter((s) => s.product_id === p.id) }));
}

export async function getProduct(db: Conn, actor: Actor, productId: string) {
  const product = await catalogRepo.product(db, actor.tenantId, productId);
  if (!product || !seesSupplier(actor, product.supplier_id)) throw catalogError('product_not_found');
  return { ...product, skus: skusFor(actor, await catalogRepo.skusOfProducts(db, actor.tenantId, [productId])) };
}

