import type { RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { catalogError } from '../catalog/catalog.errors.js';
import { listCategories } from '../catalog/categories.service.js';
import { imageView, productImages, type PublicUrl, type StoredImageRow } from '../catalog/catalog.service.js';
import { getBNode, publicShop, resolveShop } from './b-nodes.service.js';
import { shopCatalogRepo, type ShopListingRow } from './shop-catalog.repo.js';

export type ShopSort = 'position' | 'sales';
export interface ShopQuery { q?: string | undefined; category?: string | undefined; sort?: ShopSort | undefined }

interface ShopProductView {
  id: string; title: string; description: string; category: string; category_id: string | null; image_url: string | null;
  skus: { id: string; code: string; name: string; price: number; available: number; attributes: Record<string, string> }[];
  min_price: number; sold: number; position: number; matches: boolean;
}

/** Listings (one row per SKU) grouped into products, in the rows' order; a product's position is its first listing's. */
function groupProducts(rows: ShopListingRow[], publicUrl: PublicUrl): ShopProductView[] {
  const products = new Map<string, ShopProductView>();
  for (const r of rows) {
    let p = products.get(r.product_id);
    if (!p) {
      const cover = r.cover_key && r.cover_format ? imageView(publicUrl, { id: '', position: 0, key: r.cover_key, format: r.cover_format, width: 1, height: 1 }).thumb_url : null;
      p = { id: r.product_id, title: r.title, description: r.description, category: r.category, category_id: r.category_id, image_url: cover ?? r.image_url,
        skus: [], min_price: r.retail_price, sold: 0, position: r.position, matches: r.matches };
      products.set(r.product_id, p);
    }
    p.skus.push({ id: r.sku_id, code: r.code, name: r.sku_name, price: r.retail_price, available: r.available, attributes: r.sku_attributes });
    p.min_price = Math.min(p.min_price, r.retail_price);
    p.position = Math.min(p.position, r.position);
    p.sold += r.sold;
  }
  return [...products.values()];
}

/**
 * The public shop: its categories (those holding something it sells, with counts), and its
 * products filtered by category (and everything under it) and search text, sorted by the owner's
 * order or by units sold; ties by title in pinyin order. Stock is per SKU (per size), never summed.
 */
export async function browseShop(db: Conn, slug: string, query: ShopQuery, publicUrl: PublicUrl) {
  const node = await resolveShop(db, slug);
  const [rows, tree] = await Promise.all([
    shopCatalogRepo.listings(db, node.tenant_id, node.id, { q: query.q }),
    listCategories(db, node.tenant_id),
  ]);
  const all = groupProducts(rows, publicUrl);
  const parentOf = new Map(tree.map((c) => [c.id, c.parent_id]));
  const lineage = (categoryId: string | null) => {
    const ids: string[] = [];
    for (let c = categoryId; c && !ids.includes(c); c = parentOf.get(c) ?? null) ids.push(c);
    return ids;
  };
  const counts = new Map<string, number>();
  for (const p of all) for (const c of lineage(p.category_id)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const categories = tree.filter((c) => counts.has(c.id)).map((c) => ({ id: c.id, parent_id: c.parent_id, name: c.name, product_count: counts.get(c.id)! }));

  let products = all.filter((p) => p.matches);
  if (query.category) products = products.filter((p) => lineage(p.category_id).includes(query.category!));
  // Position 0 is "not placed yet": after the products the owner placed. The sort is stable, so
  // equal keys keep the rows' pinyin order.
  const place = (p: ShopProductView) => (p.position === 0 ? Number.MAX_SAFE_INTEGER : p.position);
  products.sort(query.sort === 'sales'
    ? (a, b) => b.sold - a.sold || place(a) - place(b)
    : (a, b) => place(a) - place(b));
  return { shop: publicShop(node), categories, products: products.map(toPublic) };
}

function toPublic({ position: _p, matches: _m, ...product }: ShopProductView) {
  return product;
}

/** One product of a shop with every image and each SKU's own stock; 404 when the shop does not sell it. */
export async function shopProductPage(db: Conn, slug: string, productId: string, publicUrl: PublicUrl) {
  const node = await resolveShop(db, slug);
  const rows = await shopCatalogRepo.listings(db, node.tenant_id, node.id, { productId });
  const [product] = groupProducts(rows, publicUrl);
  if (!product) throw catalogError('product_not_found');
  const images = (await productImages(db, node.tenant_id, productId)).map((i: StoredImageRow) => {
    const { position: _position, ...view } = imageView(publicUrl, i);
    return view;
  });
  return { shop: publicShop(node), product: { ...toPublic(product), images } };
}

/** The owner's order of the shop: the products named come first, in that order. */
export async function orderShopListings(db: Conn, actor: Actor, bNodeId: string, productIds: string[]) {
  await getBNode(db, actor, bNodeId);
  await shopCatalogRepo.orderListings(db, actor.tenantId, bNodeId, productIds);
}

/** Brings the "已售 N" counters up to date from `soldUnits` (orders' fragment); returns the rows changed. */
export const refreshListingSales = (db: Conn, soldUnits: RawBuilder<unknown>) => shopCatalogRepo.refreshSales(db, soldUnits);
