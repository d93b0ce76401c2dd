import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';

describe('catalog, B nodes and shops over HTTP', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const admin = auth(world.adminToken);

  it('creates a supplier, product and SKU with a valid price band, and refuses an inverted band', async () => {
    const supplier = (await inject({ method: 'POST', url: '/api/v1/suppliers', payload: { name: 'Dairy Co' }, headers: admin })).json();
    const product = await inject({ method: 'POST', url: '/api/v1/products', payload: { supplier_id: supplier.id, title: 'Milk' }, headers: admin });
    expect(product.statusCode).toBe(201);
    const good = await inject({ method: 'POST', url: `/api/v1/products/${product.json().id}/skus`, headers: admin,
      payload: { code: 'MILK-1L', name: '1 L', supply_price: 800, suggested_price: 1200, retail_floor: 1000, retail_ceiling: 1500 } });
    expect(good.statusCode).toBe(201);
    const bad = await inject({ method: 'POST', url: `/api/v1/products/${product.json().id}/skus`, headers: admin,
      payload: { code: 'MILK-2L', name: '2 L', supply_price: 800, suggested_price: 1200, retail_floor: 1300, retail_ceiling: 1500 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('price_band_invalid');
    const dup = await inject({ method: 'POST', url: `/api/v1/products/${product.json().id}/skus`, headers: admin,
      payload: { code: 'MILK-1L', name: '1 L', supply_price: 800, suggested_price: 1200, retail_floor: 1000, retail_ceiling: 1500 } });
    expect(dup.json().code).toBe('sku_code_taken');
  });

  it('lists a SKU only at a price inside its band', async () => {
    const sku = world.skus[1]!; // band: 0.8×–1.5× of 1100
    const url = `/api/v1/b-nodes/${world.bNodeId}/listings/${sku.id}`;
    const inside = await inject({ method: 'PUT', url, payload: { retail_price: 1200 }, headers: admin });
    expect(inside.statusCode).toBe(200);
    const below = await inject({ method: 'PUT', url, payload: { retail_price: 879 }, headers: admin });
    expect(below.statusCode).toBe(422);
    expect(below.json()).toMatchObject({ code: 'price_outside_band', retail_floor: 880 });
    const above = await inject({ method: 'PUT', url, payload: { retail_price: 1651 }, headers: admin });
    expect(above.json().code).toBe('price_outside_band');
  });

  it('the public shop shows listed SKUs with price and available stock', async () => {
    const shop = await inject({ method: 'GET', url: `/api/v1/shops/${world.shop}` });
    expect(shop.statusCode).toBe(200);
    const body = shop.json();
    expect(body.shop.slug).toBe(world.shop);
    const skus = body.products.flatMap((p: { skus: { id: string; available: number }[] }) => p.skus);
    expect(skus).toHaveLength(world.skus.length);
    expect(skus[0].available).toBe(100);
    expect((await inject({ method: 'GET', url: '/api/v1/shops/no-such-shop' })).json().code).toBe('shop_not_found');
  });

  it('stock cannot be set below what open orders hold', async () => {
    await db.updateTable('stock').set({ reserved: 5 }).where('sku_id', '=', world.skus[2]!.id).execute();
    const r = await inject({ method: 'PUT', url: '/api/v1/stock', payload: { warehouse_id: world.warehouseId, sku_id: world.skus[2]!.id, on_hand: 4 }, headers: admin });
    expect(r.statusCode).toBe(409);
    expect(r.json().code).toBe('stock_below_reserved');
    const ok = await inject({ method: 'PUT', url: '/api/v1/stock', payload: { warehouse_id: world.warehouseId, sku_id: world.skus[2]!.id, on_hand: 50 }, headers: admin });
    expect(ok.json()).toMatchObject({ on_hand: 50, reserved: 5, available: 45 });
  });

  it('serves OpenAPI 3.1 and health', async () => {
    const spec = (await inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/api/v1/orders');
    expect((await inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', db: 'ok', jobs: { due: expect.any(Number), oldest_due_ms: expect.any(Number) } });
    expect((await inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });
});
