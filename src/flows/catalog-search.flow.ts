import type { Conn } from '../database.js';
import { can, type Actor } from '../platform/http/auth.js';
import { getProduct, listProducts, type PublicUrl } from '../modules/catalog/catalog.service.js';
import type { ProductQuery } from '../modules/catalog/catalog.schema.js';
import { freeStock } from '../modules/inventory/inventory.fragments.js';

/**
 * The console's catalog with stock: the catalog finds and shapes the products, inventory's stock
 * rows give each SKU's free stock over all warehouses (and the "stock low" filter). Only roles
 * that may read warehouse stock get it.
 */
export function searchCatalog(db: Conn, actor: Actor, query: ProductQuery, publicUrl: PublicUrl) {
  const stock = can(actor.role, 'stock.read') ? freeStock(actor.tenantId) : undefined;
  return listProducts(db, actor, stock ? query : { ...query, low_stock: undefined }, stock, publicUrl);
}

export function catalogProduct(db: Conn, actor: Actor, productId: string, publicUrl: PublicUrl) {
  return getProduct(db, actor, productId, can(actor.role, 'stock.read') ? freeStock(actor.tenantId) : undefined, publicUrl);
}
