import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/platform/config.js';
import type { Db } from '../src/database.js';
import { createSiyu, type Siyu, type SiyuOptions } from '../src/app.js';
import { injectPost } from '../src/providers/sandboxpay.unit.js';
import { createTenant, createUser, issueToken, sandboxPaySecretOf } from '../src/modules/identity/identity.service.js';
import type { Clock } from '../src/platform/clock.js';
import { newId } from '../src/platform/ids.js';
import { phoneVault } from '../src/modules/customers/customer-phones.service.js';

/**
 * Tests drive many consumers from one address, as benchmarks do: per-address request limits are
 * off (their own tests turn them on). Account and pickup-code lockouts still hold. Uploaded files
 * go to a temporary directory, never the project's data directory.
 */
export const testConfig = loadConfig({ SIYU_RATE_LIMITS: 'off', SIYU_STORAGE_DIR: path.join(os.tmpdir(), 'siyu-test-files') });
/** The vault test servers seal phones with: tests find a customer by a phone through its blind index. */
export const testPhones = phoneVault(testConfig.secretKey);

/** A settable clock: tests move time instead of sleeping. */
export function manualClock(start = new Date('2026-11-01T08:00:00Z')) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => { now += ms; }, set: (d: Date) => { now = d.getTime(); } } satisfies Clock & Record<string, unknown>;
}

// Each tenant signs its sandbox notifications with its own key. seedWorld keeps the key and the
// world's clock of every tenant it creates, so a test signs a notification in one synchronous call.
const sandboxKeys = new Map<string, { secret: string; clock: Clock }>();

/** The sandbox key and clock of a tenant seedWorld created. */
export function sandboxKeyOf(tenantId: string): { secret: string; clock: Clock } {
  const key = sandboxKeys.get(tenantId);
  if (!key) throw new Error(`no sandbox key known for tenant ${tenantId}: create it with seedWorld`);
  return key;
}

export interface World {
  tenantId: string;
  tenantSlug: string;
  adminToken: string;
  shop: string;
  bNodeId: string;
  warehouseId: string;
  supplierId: string;
  skus: { id: string; price: number; supply: number }[];
}

/**
 * A tenant with an admin, one supplier, `skuCount` SKUs priced 1000 + 100·i fen (supply 60%),
 * `stock` units each in one warehouse, and one B node listing every SKU. Direct SQL keeps it fast.
 */
export async function seedWorld(db: Db, clock: Clock, options: { skuCount?: number; stock?: number; slug?: string } = {}): Promise<World> {
  const slug = options.slug ?? `t${newId('x').slice(-10)}`;
  const tenant = await createTenant(db, { slug, name: `Tenant ${slug}` });
  sandboxKeys.set(tenant.id, { secret: (await sandboxPaySecretOf(db, tenant.id))!, clock });
  const admin = await createUser(db, tenant.id, { login: 'admin', display_name: 'Admin', role: 'tenant_admin', password: 'admin-password' });
  const { token } = await issueToken(db, clock, tenant.id, admin.id, 'api', 'tests');
  const supplierId = newId('sup');
  const warehouseId = newId('wh');
  const productId = newId('prd');
  const bNodeId = newId('bn');
  await db.insertInto('suppliers').values({ tenant_id: tenant.id, id: supplierId, name: 'Fresh Farm' }).execute();
  await db.insertInto('warehouses').values({ tenant_id: tenant.id, id: warehouseId, name: 'Central' }).execute();
  await db.insertInto('products').values({ tenant_id: tenant.id, id: productId, supplier_id: supplierId, title: 'Apples', image_url: null }).execute();
  const skus = Array.from({ length: options.skuCount ?? 3 }, (_, i) => ({ id: newId('sku'), price: 1000 + 100 * i, supply: Math.round((1000 + 100 * i) * 0.6) }));
  await db.insertInto('skus').values(skus.map((s, i) => ({
    tenant_id: tenant.id, id: s.id, product_id: productId, code: `SKU-${i}`, name: `${i + 1} kg`,
    supply_price: s.supply, suggested_price: s.price, retail_floor: Math.round(s.price * 0.8), retail_ceiling: Math.round(s.price * 1.5),
  }))).execute();
  await db.insertInto('stock').values(skus.map((s) => ({ tenant_id: tenant.id, warehouse_id: warehouseId, sku_id: s.id, on_hand: options.stock ?? 100 }))).execute();
  const shop = `shop-${slug}`;
  await db.insertInto('b_nodes').values({ tenant_id: tenant.id, id: bNodeId, kind: 'leader', name: 'Leader Li', slug: shop, warehouse_id: warehouseId }).execute();
  await db.insertInto('shop_routes').values({ slug: shop, tenant_id: tenant.id, b_node_id: bNodeId }).execute();
  await db.insertInto('listings').values(skus.map((s) => ({ tenant_id: tenant.id, b_node_id: bNodeId, sku_id: s.id, retail_price: s.price }))).execute();
  return { tenantId: tenant.id, tenantSlug: slug, adminToken: token, shop, bNodeId, warehouseId, supplierId, skus };
}

export async function startSiyu(db: Db, clock: Clock, config: Config = testConfig, options: Pick<SiyuOptions, 'logger' | 'subscribeSender' | 'wechatFetch' | 'wechatApi' | 'wecomApi'> = {}): Promise<Siyu> {
  const siyu = await createSiyu(db, config, { clock, sandboxNotifyPost: injectPost, ...options });
  await siyu.server.ready();
  return siyu;
}

/** A consumer session through the public shop endpoint, as the storefront gets one. */
export async function consumerToken(siyu: Siyu, shop: string, phone: string): Promise<string> {
  const res = await siyu.server.inject({ method: 'POST', url: `/api/v1/shops/${shop}/session`, payload: { name: `C${phone.slice(-4)}`, phone } });
  if (res.statusCode !== 201) throw new Error(`session failed: ${res.statusCode} ${res.body}`);
  return res.json().token;
}

export function auth(token: string, extra: Record<string, string> = {}) {
  return { authorization: `Bearer ${token}`, ...extra };
}

export async function stockOf(db: Db, tenantId: string, skuId: string) {
  const row = await db.selectFrom('stock').select(['on_hand', 'reserved']).where('tenant_id', '=', tenantId).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
  const live = await db.selectFrom('stock_reservations').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('quantity'), eb.lit(0)).as('q'))
    .where('tenant_id', '=', tenantId).where('sku_id', '=', skuId).where('status', '=', 'active').executeTakeFirstOrThrow();
  return { on_hand: row.on_hand, reserved: row.reserved, live_reservations: Number(live.q) };
}
