import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { loadConfig } from '../../platform/config.js';
import { newId } from '../../platform/ids.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { refreshSalesCounts } from '../../flows/sales-counts.flow.js';
import { multipartFile } from '../../../test/multipart.js';

interface ShopProduct { id: string; title: string; image_url: string | null; sold: number; skus: { code: string; available: number; attributes: Record<string, string> }[] }

describe('the browsable shop: categories, Chinese search, sort, images, per-size stock, sales counts', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const config = loadConfig({ SIYU_RATE_LIMITS: 'off', SIYU_STORAGE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-files-')) });
  const siyu = await startSiyu(db, clock, config);
  const world = await seedWorld(db, clock, { skuCount: 1, stock: 50 });
  const admin = auth(world.adminToken);
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, headers: Record<string, string> = admin, payload?: unknown) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const category = async (name: string, parent_id: string | null = null) => (await call('POST', '/categories', admin, { name, parent_id })).json().id as string;

  const clothes = await category('服饰');
  const tops = await category('上衣', clothes);
  const food = await category('食品');
  /** A product listed in the shop: SKUs with attributes and their own stock. */
  const listed = async (title: string, categoryId: string | null, sizes: { size: string; stock: number }[]) => {
    const product = (await call('POST', '/products', admin, { supplier_id: world.supplierId, title, category_id: categoryId })).json();
    const skus = [];
    for (const { size, stock } of sizes) {
      const sku = (await call('POST', `/products/${product.id}/skus`, admin, {
        code: `S-${newId('c').slice(-8)}`, name: size, supply_price: 3000, suggested_price: 5900, retail_floor: 4900, retail_ceiling: 7900, attributes: { 尺码: size },
      })).json();
      await call('PUT', '/stock', admin, { warehouse_id: world.warehouseId, sku_id: sku.id, on_hand: stock });
      const listing = await call('PUT', `/b-nodes/${world.bNodeId}/listings/${sku.id}`, admin, { retail_price: 5900 });
      expect(listing.statusCode, listing.body).toBe(200);
      skus.push(sku.id as string);
    }
    return { id: product.id as string, skus };
  };
  const tee = await listed('纯棉T恤', tops, [{ size: 'S', stock: 3 }, { size: 'M', stock: 0 }, { size: 'L', stock: 7 }]);
  const coat = await listed('羊毛大衣', clothes, [{ size: 'M', stock: 2 }]);
  const rice = await listed('五常大米', food, [{ size: '5kg', stock: 20 }]);
  const apples = (await call('GET', `/shops/${world.shop}`, {})).json().products.find((p: ShopProduct) => p.title === 'Apples').id as string;

  const browse = async (query = '') => {
    const r = await call('GET', `/shops/${world.shop}${query}`, {});
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { categories: { id: string; name: string; product_count: number }[]; products: ShopProduct[] };
  };
  const titles = async (query = '') => (await browse(query)).products.map((p) => p.title);

  it('lists the categories that hold what the shop sells, counting their subtrees, and filters by one', async () => {
    const { categories } = await browse();
    expect(categories.map((c) => [c.name, c.product_count])).toEqual(expect.arrayContaining([['服饰', 2], ['上衣', 1], ['食品', 1]]));
    expect(await titles(`?category=${clothes}`)).toEqual(expect.arrayContaining(['纯棉T恤', '羊毛大衣']));
    expect(await titles(`?category=${clothes}`)).toHaveLength(2);
    expect(await titles(`?category=${tops}`)).toEqual(['纯棉T恤']);
  });

  it('searches Chinese text of one or two characters, and SKU names', async () => {
    expect(await titles(`?q=${encodeURIComponent('大米')}`)).toEqual(['五常大米']);
    expect(await titles(`?q=${encodeURIComponent('衣')}`)).toEqual(['羊毛大衣']);
    expect(await titles(`?q=${encodeURIComponent('t恤')}`)).toEqual(['纯棉T恤']);
    expect(await titles(`?q=5KG`)).toEqual(['五常大米']);
    expect(await titles(`?q=${encodeURIComponent('鞋')}`)).toEqual([]);
  });

  it('sorts by the owner\'s order, titles in pinyin order among equals; only the shop\'s owner or an admin may set it', async () => {
    // Pinyin: 纯棉 (chun), 五常 (wu), 羊毛 (yang), then Latin as Chinese collation has it — not the code points (五 4E94 < 纯 7EAF < 羊 7F8A).
    expect(await titles()).toEqual(['纯棉T恤', '五常大米', '羊毛大衣', 'Apples']);
    const owner = await createUser(db, world.tenantId, { login: `owner-${newId('u').slice(-6)}`, display_name: 'Owner', role: 'b_owner', password: 'password-123', b_node_id: world.bNodeId });
    const ownerAuth = auth((await issueToken(db, clock, world.tenantId, owner.id, 'api', 't')).token);
    const order = await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, ownerAuth, { product_ids: [rice.id, coat.id] });
    expect(order.statusCode, order.body).toBe(204);
    // The products named first, in that order; the rest after them, in pinyin order.
    expect(await titles()).toEqual(['五常大米', '羊毛大衣', '纯棉T恤', 'Apples']);
    await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, ownerAuth, { product_ids: [apples, coat.id, rice.id, tee.id] });
    expect(await titles()).toEqual(['Apples', '羊毛大衣', '五常大米', '纯棉T恤']);
    const other = await seedWorld(db, clock);
    const consumer = auth(await consumerToken(siyu, world.shop, '13900000077'));
    expect((await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, consumer, { product_ids: [tee.id] })).statusCode).toBe(403);
    expect((await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, {}, { product_ids: [tee.id] })).statusCode).toBe(401);
    expect((await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, auth(other.adminToken), { product_ids: [tee.id] })).statusCode).toBe(404);
    expect((await call('PUT', `/b-nodes/${other.bNodeId}/listing-order`, ownerAuth, { product_ids: [tee.id] })).statusCode).toBe(404);
    expect((await call('PUT', `/b-nodes/${world.bNodeId}/listing-order`, ownerAuth, { product_ids: [tee.id, tee.id] })).statusCode).toBe(400);
    expect(await titles()).toEqual(['Apples', '羊毛大衣', '五常大米', '纯棉T恤']);
  });

  it('shows stock per size on the product page, never summed, and images instead of a placeholder', async () => {
    const photo = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#3a7' } }).jpeg().toBuffer();
    const form = multipartFile(photo);
    const up = await siyu.server.inject({ method: 'POST', url: `/api/v1/products/${tee.id}/images`, headers: { ...admin, ...form.headers }, payload: form.payload });
    expect(up.statusCode, up.body).toBe(201);
    const page = (await call('GET', `/shops/${world.shop}/products/${tee.id}`, {})).json().product;
    expect(page.skus.map((s: ShopProduct['skus'][number]) => [s.attributes['尺码'], s.available])).toEqual([['S', 3], ['M', 0], ['L', 7]]);
    expect(page.images).toHaveLength(1);
    expect(page.image_url).toBe(up.json().thumb_url);
    expect((await siyu.server.inject({ method: 'GET', url: page.images[0].detail_url })).statusCode).toBe(200);
    const card = (await browse()).products.find((p) => p.id === tee.id)!;
    expect(card.image_url).toBe(up.json().thumb_url);
    expect((await call('GET', `/shops/${world.shop}/products/${tee.id}`, {})).json().product).not.toHaveProperty('supply_price');
  });

  it('counts units sold (paid, less refunded) per product, refreshed without reading orders on a page view, and sorts by them', async () => {
    const buyer = await consumerToken(siyu, world.shop, '13900000001');
    let key = 0;
    const buy = async (lines: { sku_id: string; quantity: number }[]) => {
      const order = (await siyu.server.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(buyer, { 'idempotency-key': `k${++key}` }), payload: { shop: world.shop, lines } })).json();
      const pay = (await siyu.server.inject({ method: 'POST', url: `/api/v1/orders/${order.id}/payments`, headers: auth(buyer, { 'idempotency-key': `k${++key}` }), payload: {} })).json();
      await siyu.server.inject({ method: 'POST', url: `/api/v1/sandbox/payments/${pay.payment_id}/pay`, headers: auth(buyer), payload: {} });
      await siyu.tick();
      return order.id as string;
    };
    const paid = await buy([{ sku_id: tee.skus[0]!, quantity: 2 }, { sku_id: tee.skus[2]!, quantity: 3 }]);
    await buy([{ sku_id: coat.skus[0]!, quantity: 1 }]);
    // Unpaid: never counted.
    await siyu.server.inject({ method: 'POST', url: '/api/v1/orders', headers: auth(buyer, { 'idempotency-key': `k${++key}` }), payload: { shop: world.shop, lines: [{ sku_id: rice.skus[0]!, quantity: 9 }] } });
    const refund = await siyu.server.inject({ method: 'POST', url: `/api/v1/orders/${paid}/refunds`, headers: auth(world.adminToken, { 'idempotency-key': `k${++key}` }), payload: { lines: [{ line_no: 2, quantity: 1 }], reason: 'one too many' } });
    expect(refund.statusCode, refund.body).toBeLessThan(300);
    await siyu.tick();

    const soldOf = async () => Object.fromEntries((await browse()).products.map((p) => [p.title, p.sold]));
    expect(await soldOf()).toMatchObject({ 纯棉T恤: 0, 羊毛大衣: 0 }); // not yet refreshed: the page reads counters only
    expect(await refreshSalesCounts(db)).toBeGreaterThan(0);
    expect(await soldOf()).toEqual({ 纯棉T恤: 4, 羊毛大衣: 1, 五常大米: 0, Apples: 0 });
    expect(await refreshSalesCounts(db)).toBe(0); // nothing changed, nothing written
    expect(await titles('?sort=sales')).toEqual(['纯棉T恤', '羊毛大衣', 'Apples', '五常大米']);
    // Per-size stock after the sale: S 3 − 2, L 7 − 3 + 1 refunded before shipping.
    const page = (await call('GET', `/shops/${world.shop}/products/${tee.id}`, {})).json().product;
    expect(page.skus.map((s: ShopProduct['skus'][number]) => s.available)).toEqual([1, 0, 5]);
    expect(page.sold).toBe(4);
  });
});
