import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { loadConfig } from '../../platform/config.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import { multipartFile } from '../../../test/multipart.js';

describe('catalog: categories, products, SKUs, search and images', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-files-'));
  const config = loadConfig({ SIYU_RATE_LIMITS: 'off', SIYU_STORAGE_DIR: files, SIYU_IMAGE_MAX_BYTES: String(200 * 1024) });
  const siyu = await startSiyu(db, clock, config);
  const world = await seedWorld(db, clock);
  const other = await seedWorld(db, clock);
  const admin = auth(world.adminToken);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, headers = admin, payload?: unknown) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const tokenOf = async (role: 'supplier_operator' | 'staff' | 'b_owner', scope: Record<string, string>) => {
    const user = await createUser(db, world.tenantId, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, password: 'password-123', ...scope });
    return auth((await issueToken(db, clock, world.tenantId, user.id, 'api', 'tests')).token);
  };
  const secondSupplier = newId('sup');
  await db.insertInto('suppliers').values({ tenant_id: world.tenantId, id: secondSupplier, name: 'Other Farm' }).execute();
  const supplierX = await tokenOf('supplier_operator', { supplier_id: world.supplierId });
  const supplierY = await tokenOf('supplier_operator', { supplier_id: secondSupplier });
  const staff = await tokenOf('staff', { b_node_id: world.bNodeId });

  const category = async (name: string, parent_id: string | null = null) => {
    const r = await call('POST', '/categories', admin, { name, parent_id });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };

  it('keeps the category tree a tree: no cycles, bounded depth, unique names per parent, deletes only when empty', async () => {
    const fresh = await category('生鲜');
    const fruit = await category('水果', fresh);
    const citrus = await category('柑橘', fruit);
    expect((await call('POST', '/categories', admin, { name: '水果', parent_id: fresh })).json().code).toBe('category_name_taken');
    // Under itself, or under its own grandchild: refused, nothing changes.
    for (const parent of [fresh, citrus]) {
      const r = await call('PATCH', `/categories/${fresh}`, admin, { parent_id: parent });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().code).toBe('category_cycle');
    }
    expect((await call('GET', '/categories')).json().items.find((c: { id: string }) => c.id === fresh).parent_id).toBeNull();
    // A legal move takes the subtree along; renaming and reordering work.
    const dairy = await category('乳品');
    const moved = await call('PATCH', `/categories/${citrus}`, admin, { parent_id: dairy, name: '橙', position: 3 });
    expect(moved.json()).toMatchObject({ id: citrus, parent_id: dairy, name: '橙', position: 3 });
    // Five levels at most.
    let parent = dairy;
    for (const name of ['a', 'b', 'c', 'd']) parent = await category(name, parent);
    expect((await call('POST', '/categories', admin, { name: 'too deep', parent_id: parent })).json().code).toBe('category_too_deep');
    expect((await call('PATCH', `/categories/${fruit}`, admin, { parent_id: parent })).json().code).toBe('category_too_deep');
    // Deleting a category with children is refused; a leaf goes.
    expect((await call('DELETE', `/categories/${dairy}`)).json().code).toBe('category_not_empty');
    expect((await call('DELETE', `/categories/${parent}`)).statusCode).toBe(204);
    // Another tenant's category is unknown here; suppliers and staff may read but not change the tree.
    expect((await call('PATCH', `/categories/${fresh}`, auth(other.adminToken), { name: 'x' })).statusCode).toBe(404);
    expect((await call('POST', '/categories', supplierX, { name: 'mine' })).statusCode).toBe(403);
    expect((await call('GET', '/categories', staff)).statusCode).toBe(200);
  });

  it('creates products with a category and attributes, and SKUs with barcode, case pack, minimum order and attributes, validated', async () => {
    const tea = await category('茶饮');
    const created = await call('POST', '/products', supplierX, { supplier_id: world.supplierId, title: '西湖龙井', category_id: tea, attributes: { 产地: '杭州' } });
    expect(created.statusCode, created.body).toBe(201);
    const productId = created.json().id as string;
    const sku = await call('POST', `/products/${productId}/skus`, supplierX, {
      code: 'LJ-250', name: '250 g', supply_price: 6000, suggested_price: 9900, retail_floor: 8900, retail_ceiling: 12900,
      barcode: '6901234567892', case_pack: 12, min_order_qty: 24, attributes: { 规格: '250g' },
    });
    expect(sku.statusCode, sku.body).toBe(201);
    expect(sku.json()).toMatchObject({ barcode: '6901234567892', case_pack: 12, min_order_qty: 24, attributes: { 规格: '250g' } });
    const dup = await call('POST', `/products/${productId}/skus`, supplierX, { code: 'LJ-500', name: '500 g', supply_price: 1, suggested_price: 2, retail_floor: 1, retail_ceiling: 3, barcode: '6901234567892' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('barcode_taken');
    for (const bad of [{ case_pack: 0 }, { min_order_qty: -1 }, { barcode: 'ab' }, { attributes: { '': 'x' } }]) {
      expect((await call('PATCH', `/skus/${sku.json().id}`, supplierX, bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
    const patched = await call('PATCH', `/skus/${sku.json().id}`, supplierX, { case_pack: 6, attributes: { 规格: '250g', 包装: '罐' } });
    expect(patched.json()).toMatchObject({ case_pack: 6, min_order_qty: 24, attributes: { 包装: '罐' } });
    // Another supplier cannot see or change this product; naming an unknown category is 404.
    expect((await call('PATCH', `/products/${productId}`, supplierY, { title: 'mine now' })).statusCode).toBe(404);
    expect((await call('PATCH', `/products/${productId}`, supplierX, { category_id: 'cat_nope' })).json().code).toBe('category_not_found');
    const read = (await call('GET', `/products/${productId}`)).json();
    expect(read).toMatchObject({ title: '西湖龙井', category_id: tea, attributes: { 产地: '杭州' }, skus: [{ code: 'LJ-250', barcode: '6901234567892', case_pack: 6, available: 0 }] });
    // Staff read the catalog without supply prices and without warehouse stock.
    const asStaff = (await call('GET', `/products/${productId}`, staff)).json();
    expect(asStaff.skus[0]).not.toHaveProperty('supply_price');
    expect(asStaff.skus[0]).not.toHaveProperty('available');
  });

  it('finds products by Chinese text of one or two characters, by SKU code or barcode, by category subtree, supplier and low stock', async () => {
    const root = await category('粮油');
    const rice = await category('大米', root);
    const make = async (title: string, categoryId: string | null, supplier = world.supplierId) => {
      const p = (await call('POST', '/products', admin, { supplier_id: supplier, title, category_id: categoryId })).json();
      const s = (await call('POST', `/products/${p.id}/skus`, admin, { code: `C-${newId('c').slice(-8)}`, name: '1 袋', supply_price: 100, suggested_price: 200, retail_floor: 150, retail_ceiling: 300 })).json();
      return { id: p.id as string, sku: s.id as string, code: s.code as string };
    };
    const northeast = await make('东北大米 5kg', rice);
    const oil = await make('花生油', root, secondSupplier);
    const noodles = await make('手工挂面', null);
    await call('PUT', '/stock', admin, { warehouse_id: world.warehouseId, sku_id: northeast.sku, on_hand: 500 });
    await call('PUT', '/stock', admin, { warehouse_id: world.warehouseId, sku_id: oil.sku, on_hand: 3 });
    await call('PUT', '/stock', admin, { warehouse_id: world.warehouseId, sku_id: noodles.sku, on_hand: 40 });
    const ids = async (query: string, as = admin) => {
      const r = await call('GET', `/products?${query}`, as);
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().items as { id: string }[]).map((p) => p.id).sort();
    };
    expect(await ids(`q=${encodeURIComponent('大米')}`)).toEqual([northeast.id]);
    expect(await ids(`q=${encodeURIComponent('油')}`)).toEqual([oil.id]);
    expect(await ids(`q=${encodeURIComponent('挂面')}`)).toEqual([noodles.id]);
    expect(await ids(`q=${encodeURIComponent('米油')}`)).toEqual([]);
    expect(await ids(`q=5KG`)).toEqual([northeast.id]);
    expect(await ids(`q=${noodles.code}`)).toEqual([noodles.id]);
    expect(await ids(`q=${encodeURIComponent('%')}`)).toEqual([]);
    expect(await ids(`category_id=${root}`)).toEqual([northeast.id, oil.id].sort());
    expect(await ids(`category_id=${rice}`)).toEqual([northeast.id]);
    expect(await ids(`supplier_id=${secondSupplier}`)).toEqual([oil.id]);
    expect(await ids(`low_stock=5&category_id=${root}`)).toEqual([oil.id]);
    expect(await ids(`q=${encodeURIComponent('油')}`, supplierX)).toEqual([]);
    expect(await ids(`supplier_id=${secondSupplier}`, supplierX)).toEqual([]);
    expect(await ids(`q=${encodeURIComponent('油')}`, supplierY)).toEqual([oil.id]);
  });

  it('serves a Chinese title search from the trigram index, even for two characters', async () => {
    // A catalog large enough for the planner to prefer an index, with titles that mostly do not match.
    const bulk = await seedWorld(db, clock);
    await sql`INSERT INTO products (tenant_id, id, supplier_id, title)
        SELECT ${bulk.tenantId}, 'bulk' || i, ${bulk.supplierId}, '商品' || chr(19968 + (i * 7919) % 20000) || chr(19968 + (i * 104729) % 20000) || ' ' || i
          FROM generate_series(1, 20000) AS i`.execute(db);
    await sql`ANALYZE products`.execute(db);
    const plan = await db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM products
          WHERE tenant_id = ${bulk.tenantId} AND catalog_search_key(title) LIKE '%' || catalog_search_key('大米') || '%' AND title ILIKE '%大米%'`.execute(tx);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('products_title_search');
  });

  describe('images', () => {
    const photo = () => sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toBuffer();
    const upload = (productId: string, body: { payload: Buffer; headers: Record<string, string> }, as = admin) =>
      siyu.server.inject({ method: 'POST', url: `/api/v1/products/${productId}/images`, headers: { ...as, ...body.headers }, payload: body.payload });
    const product = async (as = admin) => (await call('POST', '/products', as, { supplier_id: world.supplierId, title: `相册 ${newId('p').slice(-5)}` })).json().id as string;

    it('resizes an upload to a square thumbnail and a detail image, stored on disk and served cacheable', async () => {
      const productId = await product();
      const r = await upload(productId, multipartFile(await photo()));
      expect(r.statusCode, r.body).toBe(201);
      const image = r.json();
      expect(image).toMatchObject({ position: 0, width: 1080, height: 810 });
      const thumb = await siyu.server.inject({ method: 'GET', url: image.thumb_url });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['cache-control']).toContain('immutable');
      expect(thumb.headers['content-type']).toBe('image/webp');
      expect(await sharp(thumb.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 320, height: 320 });
      const detail = await siyu.server.inject({ method: 'GET', url: image.detail_url });
      expect(await sharp(detail.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 1080, height: 810 });
      expect(fs.readdirSync(path.join(files, 'products', world.tenantId, productId)).sort()).toEqual([`${image.id}-detail.webp`, `${image.id}-thumb.webp`]);
      // The product now shows its first image instead of a placeholder.
      expect((await call('GET', `/products/${productId}`)).json()).toMatchObject({ image_url: image.thumb_url, images: [{ id: image.id }] });
    });

    it('refuses what is not an image (415), an SVG (415) and what is over the limit (413), storing nothing', async () => {
      const productId = await product();
      const notImage = await upload(productId, multipartFile(Buffer.from('%PDF-1.4 not a photo'), 'x.jpg'));
      expect(notImage.statusCode).toBe(415);
      expect(notImage.headers['content-type']).toContain('application/problem+json');
      expect(notImage.json().code).toBe('image_unsupported');
      const svg = await upload(productId, multipartFile(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'), 'x.svg', 'image/svg+xml'));
      expect(svg.statusCode).toBe(415);
      const noisy = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
      expect(noisy.length).toBeGreaterThan(200 * 1024);
      const big = await upload(productId, multipartFile(noisy, 'big.png', 'image/png'));
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe('image_too_large');
      expect(fs.existsSync(path.join(files, 'products', world.tenantId, productId))).toBe(false);
      expect((await call('GET', `/products/${productId}`)).json().images).toEqual([]);
    });

    it('orders and removes images; another supplier, staff and strangers cannot upload', async () => {
      const productId = await product(supplierX);
      const a = (await upload(productId, multipartFile(await photo()), supplierX)).json();
      const b = (await upload(productId, multipartFile(await photo()), supplierX)).json();
      expect(b.position).toBe(1);
      const reordered = await call('PUT', `/products/${productId}/images/order`, supplierX, { image_ids: [b.id, a.id] });
      expect(reordered.json().items.map((i: { id: string }) => i.id)).toEqual([b.id, a.id]);
      expect((await call('PUT', `/products/${productId}/images/order`, supplierX, { image_ids: [b.id] })).json().code).toBe('image_order_invalid');
      expect((await upload(productId, multipartFile(await photo()), supplierY)).statusCode).toBe(404);
      expect((await upload(productId, multipartFile(await photo()), staff)).statusCode).toBe(403);
      expect((await upload(productId, multipartFile(await photo()), {} as never)).statusCode).toBe(401);
      expect((await call('DELETE', `/products/${productId}/images/${a.id}`, supplierY)).statusCode).toBe(404);
      expect((await call('DELETE', `/products/${productId}/images/${a.id}`, supplierX)).statusCode).toBe(204);
      expect((await siyu.server.inject({ method: 'GET', url: a.thumb_url })).statusCode).toBe(404);
      expect((await call('GET', `/products/${productId}`, supplierX)).json().images.map((i: { id: string }) => i.id)).toEqual([b.id]);
      expect([400, 404]).toContain((await siyu.server.inject({ method: 'GET', url: '/api/v1/media/products/x/y/..%2F..%2Fetc%2Fpasswd' })).statusCode);
    });
  });
});
