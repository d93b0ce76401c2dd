import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { platformError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo, type SkuView } from './catalog.repo.js';
import type { SkuFields } from './catalog.schema.js';

/** A supplier operator acts only for its own supplier; admins act for any. */
function assertSupplierScope(actor: Actor, supplierId: string) {
  if (actor.role === 'supplier_operator' && actor.supplierId !== supplierId) throw platformError('forbidden');
}

export async function createSupplier(db: Conn, tenantId: string, input: { name: string }) {
  const id = newId('sup');
  await db.insertInto('suppliers').values({ tenant_id: tenantId, id, name: input.name }).execute();
  return { id, name: input.name };
}

export const listSuppliers = (db: Conn, tenantId: string) => catalogRepo.suppliers(db, tenantId);

export async function createProduct(db: Conn, actor: Actor, input: { supplier_id: string; title: string; description: string; category: string; image_url?: string | undefined }) {
  if (!(await catalogRepo.supplier(db, actor.tenantId, input.supplier_id))) throw catalogError('supplier_not_found');
  assertSupplierScope(actor, input.supplier_id);
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
  if (!product) throw catalogError('product_not_found');
  assertSupplierScope(actor, product.supplier_id);
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

/** A SKU the actor may change: a supplier operator only its own supplier's (403), any other unknown one 404. */
export async function skuOfScope(db: Conn, actor: Actor, skuId: string) {
  const [sku] = await catalogRepo.skusByIds(db, actor.tenantId, [skuId]);
  if (!sku) throw catalogError('sku_not_found');
  assertSupplierScope(actor, sku.supplier_id);
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

export async function listProducts(db: Conn, actor: Actor) {
  const supplierId = actor.role === 'supplier_operator' ? actor.supplierId ?? '' : undefined;
  const products = await catalogRepo.products(db, actor.tenantId, supplierId);
  const skus = await catalogRepo.skusOfProducts(db, actor.tenantId, products.map((p) => p.id));
  return products.map((p) => ({ ...p, skus: skus.filter((s) => s.product_id === p.id) }));
}

export async function getProduct(db: Conn, tenantId: string, productId: string) {
  const product = await catalogRepo.product(db, tenantId, productId);
  if (!product) throw catalogError('product_not_found');
  return { ...product, skus: await catalogRepo.skusOfProducts(db, tenantId, [productId]) };
}

