import { generateKeyPairSync, randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { saveWechatpayMerchant } from '../../modules/payments/wechatpay-merchant.service.js';
import { SIMULATOR_PLATFORM } from '../../simulators/wechatpay/simulator.keys.js';
import type { Insertable } from 'kysely';
import type { Database, Db, Tx } from '../../database.js';
import { createTenant, createUser, type NewUser } from '../../modules/identity/identity.service.js';
import { createPolicy, updateSettings } from '../../modules/economics/economics-guard.service.js';
import { DEFAULT_SETTINGS } from '../../modules/economics/engine/settings.js';
import { recordOrderEconomics } from '../../modules/economics/order-economics.service.js';
import { DEMO_NODES, DEMO_SUPPLIERS, DEMO_WAREHOUSES, GIVEN_NAMES, MARGIN_BAND, SURNAMES } from './demo-catalog.js';
import { buildHistory, type HistoryCustomer, type HistoryNode, type HistorySku } from './demo-orders.js';
import { seedRng, type SeedRng } from './rng.js';
import { phoneColumns, phoneVault, type PhoneVault } from '../../modules/customers/customer-phones.service.js';
import { SANDBOX_SECRET_KEY } from '../../platform/config.js';

// The home page lists the demo tenant's shops when no tenant is named: one name for both.
export { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
export const DEMO_ORDER_COUNT = 2000;
const DAY = 86_400_000;
const BATCH = 500;
// Smaller packs sell more often than family sizes.
const PACK_DEMAND = [1, 0.55, 0.3];

/** The logins `siyu start` prints; supplier2 exists too but one supplier login is enough to show. */
export const DEMO_LOGINS: { role: string; login: string; password: string }[] = [
  { role: 'tenant admin', login: 'admin', password: 'admin123' },
  { role: 'leader (B node owner)', login: 'leader1', password: 'leader123' },
  { role: 'staff', login: 'staff1', password: 'staff123' },
  { role: 'supplier', login: 'supplier1', password: 'supplier123' },
  { role: 'platform operator', login: 'operator', password: 'operator123' },
];

type Rows = { [T in keyof Database]?: Insertable<Database[T]>[] };

/**
 * Seeds the `demo` tenant: two suppliers, 60 SKUs, two warehouses, five B nodes with their shops,
 * 200 customers and 2,000 orders over the last 90 days. Everything is built in memory from a
 * seeded generator and written in one transaction with multi-row inserts, so it takes seconds and
 * a failure leaves nothing half-made. Does nothing if the tenant already exists.
 */
/**
 * `secretKey` connects the sandbox's WeChat Pay merchant; `phoneKey` (the server's SIYU_SECRET_KEY; the
 * sandbox's published key when not given) seals the customers' phones as the server will open them.
 */
export async function seedDemo(db: Db, opts: { progress?: boolean; seed?: number; now?: Date; secretKey?: string; phoneKey?: string }): Promise<{ created: boolean; counts: string; tenantId?: string }> {
  const existing = await db.selectFrom('tenants').select('id').where('slug', '=', DEMO_TENANT_SLUG).executeTakeFirst();
  if (existing) return { created: false, counts: 'demo tenant already present', tenantId: existing.id };
  const bar = opts.progress
    ? new cliProgress.SingleBar({ format: 'demo seed |{bar}| {percentage}% {step}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
    : undefined;
  try {
    return await db.transaction().execute(async (tx) => {
      const seeded = await seedInside(tx, seedRng(opts.seed ?? 20_260_101), opts.now ?? new Date(), bar, phoneVault(opts.phoneKey ?? opts.secretKey ?? SANDBOX_SECRET_KEY));
      // The demo pays with WeChat Pay through the sandbox's simulator (its merchant key made here).
      if (opts.secretKey && seeded.tenantId) await connectDemoWechatpay(tx, opts.secretKey, seeded.tenantId);
      return seeded;
    });
  } catch (err) {
    // Another process seeded the tenant between our check and our insert: theirs stands.
    const pgErr = err as { code?: string; constraint?: string };
    if (pgErr.code === '23505' && pgErr.constraint === 'tenants_slug_key') {
      return { created: false, counts: 'demo tenant already present' };
    }
    throw err;
  } finally {
    bar?.stop();
  }
}

async function seedInside(tx: Tx, rng: SeedRng, now: Date, bar: cliProgress.SingleBar | undefined, phones: PhoneVault) {
  const step = (name: string) => bar?.increment(1, { step: name });
  const long = new Date(now.getTime() - 150 * DAY);
  const id = (prefix: string, at: Date = long) => `${prefix}_${at.getTime().toString(36).padStart(9, '0')}${rng.hex(16)}`;
  const tenant = await createTenant(tx, { slug: DEMO_TENANT_SLUG, name: '演示零售 / Demo Retail', time_zone: 'Asia/Shanghai' });
  await tx.updateTable('tenants').set({ created_at: long }).where('id', '=', tenant.id).execute();
  const t = tenant.id;
  const rows: Rows = {};

  const { skus, supplierIds } = buildCatalog(rng, t, id, rows);
  const warehouses = DEMO_WAREHOUSES.map((name) => ({ tenant_id: t, id: id('wh'), name }));
  rows.warehouses = warehouses;
  const nodes: HistoryNode[] = DEMO_NODES.map((n) => {
    const nodeId = id('bn');
    const listed = rng.shuffle(skus).slice(0, rng.int(n.listed[0], n.listed[1]));
    return { id: nodeId, warehouseId: warehouses[n.warehouse]!.id, listings: listed.map((s) => ({ sku: s, price: listPrice(rng, s) })) };
  });
  rows.b_nodes = DEMO_NODES.map((n, i) => ({ tenant_id: t, id: nodes[i]!.id, kind: n.kind, name: n.name, slug: n.slug, warehouse_id: nodes[i]!.warehouseId, pickup_address: n.pickupAddress, created_at: long }));
  rows.shop_routes = DEMO_NODES.map((n, i) => ({ slug: n.slug, tenant_id: t, b_node_id: nodes[i]!.id }));
  rows.listings = nodes.flatMap((n) => n.listings.map((l) => ({ tenant_id: t, b_node_id: n.id, sku_id: l.sku.id, retail_price: l.price, updated_at: long })));

  const customers = buildCustomers(rng, t, now, nodes.map((n) => n.id), id, rows, phones);
  const first = nodes[0]!.id;
  const staffUsers: NewUser[] = [
    { login: 'admin', display_name: '总部运营 · 赵敏', role: 'tenant_admin', password: 'admin123' },
    { login: 'operator', display_name: '平台运营 · 孙磊', role: 'platform_operator', password: 'operator123' },
    ...DEMO_SUPPLIERS.map((s, i) => ({ login: s.login, display_name: s.operatorName, role: 'supplier_operator' as const, password: 'supplier123', supplier_id: supplierIds[i]! })),
    { login: 'leader1', display_name: '张丽（团长）', role: 'b_owner', password: 'leader123', b_node_id: first },
    { login: 'staff1', display_name: '陈小雨（店员）', role: 'staff', password: 'staff123', b_node_id: first },
  ];

  const history = buildHistory(rng, { tenantId: t, now, count: DEMO_ORDER_COUNT, nodes, customers, id });
  rows.stock = warehouses.flatMap((w) => skus.map((s) => {
    const reserved = history.reserved.get(`${w.id}|${s.id}`) ?? 0;
    return { tenant_id: t, warehouse_id: w.id, sku_id: s.id, on_hand: Math.max(rng.int(200, 2000), reserved), reserved };
  }));
  rows.orders = history.orders;
  rows.order_lines = history.lines;
  rows.stock_reservations = history.reservations;
  rows.payments = history.payments;

  const order: (keyof Database)[] = ['suppliers', 'products', 'skus', 'warehouses', 'stock', 'b_nodes', 'shop_routes', 'listings', 'customers', 'users', 'orders', 'order_lines', 'stock_reservations', 'payments'];
  const batches = order.reduce((a, k) => a + Math.ceil((rows[k]?.length ?? 0) / BATCH), 0) + Math.ceil(history.refunds.length / BATCH) + staffUsers.length + 1;
  bar?.start(batches, 0, { step: 'catalog' });
  for (const table of order) await insertBatches(tx, table, rows[table] ?? [], step);

  let adminId = '';
  for (const u of staffUsers) {
    const user = await createUser(tx, t, u);
    if (u.login === 'admin') adminId = user.id;
    step(`login ${u.login}`);
  }
  // Refunds name who made them; the admin's id exists only once its login is created.
  await insertBatches(tx, 'refunds', history.refunds.map((r) => ({ ...r, created_by: adminId })), step);
  await seedEconomics(tx, t, adminId, DEMO_NODES.map((n, i) => ({ id: nodes[i]!.id, kind: n.kind })), history.orders.filter((o) => o.paid_at).map((o) => o.id));
  step('economics');

  const statuses = Object.entries(history.statuses).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${n} ${s}`).join(', ');
  const counts = `${DEMO_SUPPLIERS.length} suppliers, ${rows.products!.length} products, ${skus.length} SKUs, ${warehouses.length} warehouses, `
    + `${nodes.length} B nodes, ${customers.length} customers, ${history.orders.length.toLocaleString('en-US')} orders (${statuses})`;
  return { created: true, counts, tenantId: t };
}

/**
 * Commission policies through the guard, as an admin would create them (leaders earn more than
 * stores, who own their shop's margin), then the stored waterfall of every paid historical order.
 */
async function seedEconomics(tx: Tx, tenantId: string, adminId: string, nodes: { id: string; kind: string }[], paidOrderIds: string[]) {
  const admin = { tenantId, userId: adminId, role: 'tenant_admin' as const, bNodeId: null, supplierId: null };
  // Stored, so the console shows and edits the demo tenant's own row rather than implied defaults.
  await updateSettings(tx, tenantId, DEFAULT_SETTINGS);
  const leader = await createPolicy(tx, admin, { name: '团长佣金 8% / Leader 8%', commission_base: 'paid', levels_bps: [], leader_bps: 800, hold_days: 8 });
  const store = await createPolicy(tx, admin, { name: '门店分成 3% / Store 3%', commission_base: 'paid', levels_bps: [], leader_bps: 300, hold_days: 8 });
  for (const n of nodes) {
    await tx.updateTable('b_nodes').set({ commission_policy_id: n.kind === 'leader' ? leader.id : store.id }).where('tenant_id', '=', tenantId).where('id', '=', n.id).execute();
  }
  for (let i = 0; i < paidOrderIds.length; i += 500) await recordOrderEconomics(tx, tenantId, paidOrderIds.slice(i, i + 500));
}

async function insertBatches<T extends keyof Database>(tx: Tx, table: T, rows: readonly Insertable<Database[T]>[], step: (name: string) => void) {
  for (let i = 0; i < rows.length; i += BATCH) {
    // Kysely cannot narrow a generic table's row type; the caller's rows were typed per table.
    await tx.insertInto(table).values(rows.slice(i, i + BATCH) as never).execute();
    step(String(table));
  }
}

function buildCatalog(rng: SeedRng, t: string, id: (p: string) => string, rows: Rows) {
  const skus: DemoSku[] = [];
  const supplierIds: string[] = [];
  rows.suppliers = [];
  rows.products = [];
  rows.skus = [];
  for (const supplier of DEMO_SUPPLIERS) {
    const supplierId = id('sup');
    supplierIds.push(supplierId);
    rows.suppliers.push({ tenant_id: t, id: supplierId, name: supplier.name });
    const [low, high] = supplier.fresh ? MARGIN_BAND.fresh : MARGIN_BAND.packaged;
    supplier.products.forEach((p, pi) => {
      const productId = id('prd');
      rows.products!.push({ tenant_id: t, id: productId, supplier_id: supplierId, title: p.title, description: p.description, category: p.category, image_url: null });
      p.skus.forEach(([variant, suggested], si) => {
        const margin = low + rng.next() * (high - low);
        const supply = Math.round(suggested * (1 - margin));
        // The floor never lets a B node sell at or below what the goods cost it.
        const floor = Math.min(suggested, Math.max(Math.ceil(supply * 1.05), Math.round(suggested * 0.9)));
        const ceiling = Math.round((suggested * 1.2) / 10) * 10;
        const code = `${supplier.codePrefix}${String(pi + 1).padStart(2, '0')}-${si + 1}`;
        const skuId = id('sku');
        rows.skus!.push({ tenant_id: t, id: skuId, product_id: productId, code, name: variant, supply_price: supply, suggested_price: suggested, retail_floor: floor, retail_ceiling: ceiling });
        skus.push({ id: skuId, code, label: `${p.title} ${variant}`, supply, fresh: supplier.fresh, popularity: p.popularity * (PACK_DEMAND[si] ?? 0.3), suggested, floor, ceiling });
      });
    });
  }
  return { skus, supplierIds };
}

type DemoSku = HistorySku & { suggested: number; floor: number; ceiling: number };

/** B nodes price around the suggestion, in whole jiao, never outside the supplier's band. */
function listPrice(rng: SeedRng, sku: DemoSku): number {
  const wanted = Math.round((sku.suggested * (0.95 + rng.next() * 0.13)) / 10) * 10;
  return Math.min(sku.ceiling, Math.max(sku.floor, wanted));
}

/** Customers as `findOrCreateConsumer` makes them: a customer row owned by a node plus a password-less consumer user. */
function buildCustomers(rng: SeedRng, t: string, now: Date, nodeIds: string[], id: (p: string, at: Date) => string, rows: Rows, vault: PhoneVault): HistoryCustomer[] {
  const phones = new Set<string>();
  const out: HistoryCustomer[] = [];
  const customers: Insertable<Database['customers']>[] = (rows.customers = []);
  const users: Insertable<Database['users']>[] = (rows.users = []);
  DEMO_NODES.forEach((node, nodeIndex) => {
    for (let i = 0; i < node.customers; i++) {
      let phone: string;
      do phone = `13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`; while (phones.has(phone));
      phones.add(phone);
      // Most joined before the 90-day window; a fifth joined during it and only buys afterwards.
      const joinedDaysAgo = rng.chance(0.8) ? rng.int(91, 150) : rng.int(10, 85);
      const createdAt = new Date(now.getTime() - joinedDaysAgo * DAY - rng.int(0, DAY - 1));
      const name = `${rng.pick(SURNAMES)}${rng.pick(GIVEN_NAMES)}`;
      const customerId = id('cus', createdAt);
      const userId = id('usr', createdAt);
      const stored = phoneColumns(vault, phone);
      customers.push({ tenant_id: t, id: customerId, user_id: userId, b_node_id: nodeIds[nodeIndex]!, name, ...stored, created_at: createdAt });
      users.push({ tenant_id: t, id: userId, login: `consumer:phone:${stored.phone_index}`, display_name: name, role: 'consumer', password_hash: null, supplier_id: null, b_node_id: null, created_at: createdAt });
      // A few loyal regulars place many orders; most customers buy now and then.
      out.push({ id: customerId, node: nodeIndex, createdAt, weight: 0.2 + rng.next() ** 3 * 4 });
    }
  });
  return out;
}

/** The demo merchant: the sandbox's WeChat Pay simulator, a fresh merchant key, the SDK's public test platform key. */
export const DEMO_WECHATPAY = { mchid: '1900000109', appid: 'wxd930ea5d5a258f4f', serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' } as const;

async function connectDemoWechatpay(tx: Tx, secretKey: string, tenantId: string) {
  const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await saveWechatpayMerchant(tx, secretKey, 'sandbox', tenantId, {
    mchid: DEMO_WECHATPAY.mchid, appids: [DEMO_WECHATPAY.appid], serial: DEMO_WECHATPAY.serial, privateKeyPem,
    apiv3Key: randomBytes(16).toString('hex'),
    platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }],
    apiBase: 'simulator',
  });
}
