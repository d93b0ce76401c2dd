import type { RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { can, supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { imageView } from './catalog-images.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo, type SkuView } from './catalog.repo.js';
import type { ProductQuery, SkuFields } from './catalog.schema.js';
import { assertCategory } from './categories.service.js';

/** How image URLs are made: a store that publishes its objects gives their address, else the server serves them. */
export type PublicUrl = (key: string) => string | null;
const served: PublicUrl = () => null;

/**
 * A supplier operator reads and acts only for its own supplier; admins act for any. Another
 * supplier's product or SKU is not found (404), so ids cannot be probed.
 */
export function seesSupplier(actor: Actor, supplierId: string): boolean {
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


export interface NewProduct {
  supplier_id: string; title: string; description: string; category: string;
  category_id?: string | null | undefined; attributes?: Record<string, string> | undefined; image_url?: string | undefined;
}

export async function createProduct(db: Conn, actor: Actor, input: NewProduct) {
  if (!seesSupplier(actor, input.supplier_id) || !(await catalogRepo.supplier(db, actor.tenantId, input.supplier_id))) throw catalogError('supplier_not_found');
  if (input.category_id) await assertCategory(db, actor.tenantId, input.category_id);
  const id = newId('prd');
  const row = {
    tenant_id: actor.tenantId, id, supplier_id: input.supplier_id, title: input.title, description: input.description, category: input.category,
    category_id: input.category_id ?? null, attributes: input.attributes ?? {}, image_url: input.image_url ?? null,
  };
  await db.insertInto('products').values({ ...row, attributes: JSON.stringify(row.attributes) as never }).execute();
  return { ...row, images: [], skus: [] };
}

/** Changes a product's text, category or attributes; another supplier's product is not found. */
export async function updateProduct(db: Conn, actor: Actor, productId: string, patch: { title?: string | undefined; description?: string | undefined; category_id?: string | null | undefined; attributes?: Record<string, string> | undefined }) {
  await productOfScope(db, actor, productId);
  if (patch.category_id) await assertCategory(db, actor.tenantId, patch.category_id);
  const set = {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.category_id !== undefined ? { category_id: patch.category_id } : {}),
    ...(patch.attributes !== undefined ? { attributes: JSON.stringify(patch.attributes) as never } : {}),
  };
  if (Object.keys(set).length > 0) await db.updateTable('products').set(set).where('tenant_id', '=', actor.tenantId).where('id', '=', productId).execute();
  return getProduct(db, actor, productId);
}

/** A product the actor may see or change: a supplier operator only its own supplier's; another's, like an unknown one, 404. */
export async function productOfScope(db: Conn, actor: Actor, productId: string) {
  const product = await catalogRepo.product(db, actor.tenantId, productId);
  if (!product || !seesSupplier(actor, product.supplier_id)) throw catalogError('product_not_found');
  return product;
}

export function assertPriceBand(p: { retail_floor: number; suggested_price: number; retail_ceiling: number }) {
  if (!(p.retail_floor > 0 && p.retail_floor <= p.suggested_price && p.suggested_price <= p.retail_ceiling)) {
    throw catalogError('price_band_invalid', { retail_floor: p.retail_floor, suggested_price: p.suggested_price, retail_ceiling: p.retail_ceiling });
  }
}

export async function createSku(db: Conn, actor: Actor, productId: string, input: SkuFields) {
  await productOfScope(db, actor, productId);
  assertPriceBand(input);
  const id = newId('sku');
  const sku = { ...input, barcode: input.barcode ?? null, case_pack: input.case_pack ?? 1, min_order_qty: input.min_order_qty ?? 1, attributes: input.attributes ?? {} };
  if (sku.barcode !== null && (await barcodeTaken(db, actor.tenantId, sku.barcode, null))) throw catalogError('barcode_taken');
  const inserted = await db.insertInto('skus').values({ tenant_id: actor.tenantId, id, product_id: productId, ...sku, attributes: JSON.stringify(sku.attributes) as never })
    .onConflict((oc) => oc.columns(['tenant_id', 'code']).doNothing()).returning('id').executeTakeFirst();
  if (!inserted) throw catalogError('sku_code_taken');
  return { id, product_id: productId, ...sku };
}

/** Whether another SKU of the tenant carries this barcode (the unique index is the final word; this names the conflict). */
async function barcodeTaken(db: Conn, tenantId: string, barcode: string, exceptSkuId: string | null) {
  let q = db.selectFrom('skus').select('id').where('tenant_id', '=', tenantId).where('barcode', '=', barcode);
  if (exceptSkuId) q = q.where('id', '<>', exceptSkuId);
  return (await q.executeTakeFirst()) !== undefined;
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
  if (patch.barcode && (await barcodeTaken(db, actor.tenantId, patch.barcode, skuId))) throw catalogError('barcode_taken');
  return { current: sku, next };
}

/** Writes a SKU change prepared (and, for a supply price, guarded) by the caller. */
export async function applySkuUpdate(db: Conn, tenantId: string, skuId: string, patch: SkuPatch, next: SkuView & { title: string; supplier_id: string }) {
  const { attributes, ...rest } = patch;
  await db.updateTable('skus').set({ ...rest, ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) as never } : {}) })
    .where('tenant_id', '=', tenantId).where('id', '=', skuId).execute();
  const { title: _t, supplier_id: _s, ...view } = next;
  return view;
}

/** The suppliers the actor sees: all of the tenant's, or a supplier operator's own. */
export async function listSuppliers(db: Conn, actor: Actor) {
  const rows = await catalogRepo.suppliers(db, actor.tenantId);
  return rows.filter((s) => seesSupplier(actor, s.id));
}

/**
 * Products with their SKUs, images and free stock, found by the console's filters: a supplier
 * operator gets its own supplier's only (naming another supplier finds nothing). `freeStock` is
 * inventory's stock rows, passed in because the catalog does not read inventory itself.
 */
export async function listProducts(db: Conn, actor: Actor, query: ProductQuery = {}, freeStock?: RawBuilder<unknown>, publicUrl: PublicUrl = served) {
  const scope = supplierScopeOf(actor);
  if (scope !== undefined && query.supplier_id !== undefined && query.supplier_id !== scope) return [];
  const products = await catalogRepo.products(db, actor.tenantId, {
    supplierId: scope ?? query.supplier_id,
    q: query.q,
    categoryId: query.category_id,
    lowStock: query.low_stock !== undefined && freeStock ? { atMost: query.low_stock, freeStock } : undefined,
  });
  return withDetails(db, actor, products, freeStock, publicUrl);
}

export async function getProduct(db: Conn, actor: Actor, productId: string, freeStock?: RawBuilder<unknown>, publicUrl: PublicUrl = served) {
  const product = await productOfScope(db, actor, productId);
  const [detailed] = await withDetails(db, actor, [product], freeStock, publicUrl);
  return detailed!;
}

async function withDetails<P extends { id: string; image_url: string | null }>(db: Conn, actor: Actor, products: P[], freeStock: RawBuilder<unknown> | undefined, publicUrl: PublicUrl) {
  const ids = products.map((p) => p.id);
  const [skuRows, images] = await Promise.all([catalogRepo.skusOfProducts(db, actor.tenantId, ids), catalogRepo.imagesOfProducts(db, actor.tenantId, ids)]);
  const free = freeStock ? await catalogRepo.freeStockOf(db, skuRows.map((s) => s.id), freeStock) : undefined;
  const skus = skusFor(actor, skuRows).map((s) => (free ? { ...s, available: free.get(s.id) ?? 0 } : s));
  return products.map((p) => {
    const own = images.filter((i) => i.product_id === p.id).map((i) => imageView(publicUrl, i));
    return { ...p, image_url: own[0]?.thumb_url ?? p.image_url, images: own, skus: skus.filter((s) => s.product_id === p.id) };
  });
}


/** A product's images in order, as stored (for another module to show with imageView). */
export const productImages = (db: Conn, tenantId: string, productId: string) => catalogRepo.imagesOfProducts(db, tenantId, [productId]);

export { imageView, type StoredImageRow } from './catalog-images.js';
