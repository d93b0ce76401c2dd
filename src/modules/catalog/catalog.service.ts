import type { Conn, Tx } from '../../platform/db/database.js';
import { guardChange, listingPlans } from '../economics/economics-guard.service.js';
import type { Actor } from '../../platform/http/auth.js';
import { AppError, platformError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { catalogError } from './catalog.errors.js';
import { catalogRepo } from './catalog.repo.js';
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

/**
 * Changes a SKU. A new supply price is checked against every shop that lists the SKU: a supplier
 * cannot silently turn B nodes' prices into losses. A rejection names the shop and its price; a
 * tenant admin may override it with a reason (audited), or the shops raise their prices first.
 */
export async function updateSku(db: Tx, actor: Actor, skuId: string, input: Partial<Omit<SkuFields, 'code'>> & { override_reason?: string | undefined }) {
  const { override_reason: overrideReason, ...patch } = input;
  const [sku] = await catalogRepo.skusByIds(db, actor.tenantId, [skuId]);
  if (!sku) throw catalogError('sku_not_found');
  assertSupplierScope(actor, sku.supplier_id);
  const next = { ...sku, ...patch };
  assertPriceBand(next);
  if (patch.supply_price !== undefined && patch.supply_price !== sku.supply_price) {
    const listings = await db.selectFrom('listings').select(['b_node_id', 'retail_price'])
      .where('tenant_id', '=', actor.tenantId).where('sku_id', '=', skuId).where('active', '=', true).execute();
    const atPrices = listings.map((l) => ({ b_node_id: l.b_node_id, price: l.retail_price }));
    const plans = await listingPlans(db, actor.tenantId, patch.supply_price, atPrices);
    for (const [i, plan] of plans.entries()) {
      const { b_node_id: bNodeId, price } = atPrices[i]!;
      try {
        await guardChange(db, actor, { kind: 'sku_supply_price', id: `${skuId}@${bNodeId}` }, plan, overrideReason ? { reason: overrideReason } : undefined);
      } catch (err) {
        if (err instanceof AppError && err.code === 'economics_rejected') {
          throw new AppError(err.code, err.status, err.message, err.messageZh, { ...err.details, b_node_id: bNodeId, retail_price: price, supply_price: patch.supply_price });
        }
        throw err;
      }
    }
  }
  await db.updateTable('skus').set(patch).where('tenant_id', '=', actor.tenantId).where('id', '=', skuId).execute();
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

export async function createWarehouse(db: Conn, tenantId: string, input: { name: string }) {
  const id = newId('wh');
  await db.insertInto('warehouses').values({ tenant_id: tenantId, id, name: input.name }).execute();
  return { id, name: input.name };
}

export const listWarehouses = (db: Conn, tenantId: string) => catalogRepo.warehouses(db, tenantId);

export async function setStock(db: Conn, actor: Actor, input: { warehouse_id: string; sku_id: string; on_hand: number }) {
  if (!(await catalogRepo.warehouse(db, actor.tenantId, input.warehouse_id))) throw catalogError('warehouse_not_found');
  const [sku] = await catalogRepo.skusByIds(db, actor.tenantId, [input.sku_id]);
  if (!sku) throw catalogError('sku_not_found');
  assertSupplierScope(actor, sku.supplier_id);
  const { rows } = await catalogRepo.setOnHand(db, actor.tenantId, input.warehouse_id, input.sku_id, input.on_hand);
  if (!rows[0]) throw catalogError('stock_below_reserved');
  return { warehouse_id: input.warehouse_id, sku_id: input.sku_id, on_hand: rows[0].on_hand, reserved: rows[0].reserved, available: rows[0].on_hand - rows[0].reserved };
}

export async function listStock(db: Conn, tenantId: string, warehouseId: string) {
  if (!(await catalogRepo.warehouse(db, tenantId, warehouseId))) throw catalogError('warehouse_not_found');
  const rows = await catalogRepo.stockList(db, tenantId, warehouseId);
  return rows.map((r) => ({ ...r, available: r.on_hand - r.reserved }));
}
