/**
 * The role × endpoint matrix: each role (tenant admin, platform operator, staff and owner of node A,
 * supplier X, a consumer) against the routes it may or may not use, on real PostgreSQL. Refused
 * roles get 403; another node's, supplier's or customer's resource 404 (ids cannot be probed);
 * lists are scoped to what the role sees.
 */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from './test-db.js';
import { consumerToken, manualClock, seedWorld, startSiyu } from './fixtures.js';
import { expectProblem, injectApi, paidOrder, type Res } from './race/helpers.js';
import { createUser, issueToken } from '../src/modules/identity/identity.service.js';
import { newId } from '../src/platform/ids.js';
import type { Role } from '../src/platform/http/auth.js';

describe('role × endpoint matrix', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const api = injectApi(siyu);
  const world = await seedWorld(db, clock, { skuCount: 2, stock: 100 });
  const t = world.tenantId;

  // A second node (B) selling the same SKUs, and a second supplier (Y) with a product of its own.
  const nodeB = newId('bn');
  const shopB = `${world.shop}-b`;
  await db.insertInto('b_nodes').values({ tenant_id: t, id: nodeB, kind: 'store', name: 'Store B', slug: shopB, warehouse_id: world.warehouseId }).execute();
  await db.insertInto('shop_routes').values({ slug: shopB, tenant_id: t, b_node_id: nodeB }).execute();
  await db.insertInto('listings').values(world.skus.map((s) => ({ tenant_id: t, b_node_id: nodeB, sku_id: s.id, retail_price: s.price }))).execute();
  const supplierY = newId('sup');
  const productY = newId('prd');
  const skuY = newId('sku');
  await db.insertInto('suppliers').values({ tenant_id: t, id: supplierY, name: 'Other Farm' }).execute();
  await db.insertInto('products').values({ tenant_id: t, id: productY, supplier_id: supplierY, title: 'Pears', image_url: null }).execute();
  await db.insertInto('skus').values({ tenant_id: t, id: skuY, product_id: productY, code: 'PEAR-1', name: '1 kg', supply_price: 500, suggested_price: 900, retail_floor: 800, retail_ceiling: 1200 }).execute();
  await db.insertInto('stock').values({ tenant_id: t, warehouse_id: world.warehouseId, sku_id: skuY, on_hand: 40 }).execute();
  const productX = (await db.selectFrom('products').select('id').where('tenant_id', '=', t).where('supplier_id', '=', world.supplierId).executeTakeFirstOrThrow()).id;

  const tokenOf = async (role: Role, scope: { b_node_id?: string; supplier_id?: string } = {}) => {
    const user = await createUser(db, t, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, ...scope });
    return (await issueToken(db, clock, t, user.id, 'api', 'matrix')).token;
  };
  const tokens = {
    admin: world.adminToken,
    operator: await tokenOf('platform_operator'),
    staffA: await tokenOf('staff', { b_node_id: world.bNodeId }),
    ownerA: await tokenOf('b_owner', { b_node_id: world.bNodeId }),
    supplierX: await tokenOf('supplier_operator', { supplier_id: world.supplierId }),
    buyerA: await consumerToken(siyu, world.shop, '13900000001'),
    buyerB: await consumerToken(siyu, shopB, '13900000002'),
  };
  type Who = keyof typeof tokens;
  const sku = world.skus[0]!;
  const orderA = (await paidOrder(api, t, tokens.buyerA, world.shop, [{ sku_id: sku.id, quantity: 1 }])).order;
  const orderB = (await paidOrder(api, t, tokens.buyerB, shopB, [{ sku_id: sku.id, quantity: 1 }])).order;

  const campaign = (name: string, bNodeId: string | null) => ({
    tenant_id: t, id: newId('cmp'), name, b_node_id: bNodeId, funded_by: 'platform' as const, discount_per_order: 100, min_order_total: 100_000, budget: 10_000,
    starts_at: clock.now(), ends_at: new Date(clock.now().getTime() + 86_400_000), status: 'active' as const, verdict: 'accept' as const, guard: JSON.stringify(null), override_reason: null, created_by: null,
  });
  const tenantWide = campaign('Everyone', null);
  const ofA = campaign('Node A week', world.bNodeId);
  const ofB = campaign('Node B week', nodeB);
  await db.insertInto('campaigns').values([tenantWide, ofA, ofB]).execute();

  const get = (who: Who, url: string) => api.get(`/api/v1${url}`, { token: tokens[who] });
  const post = (who: Who, url: string, body: unknown = {}) => api.post(`/api/v1${url}`, body, { token: tokens[who] });
  const ok = (res: Res, context: string) => {
    expect(res.status, `${context} → ${res.text.slice(0, 300)}`).toBe(200);
    return res.json();
  };
  const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();

  it('orders list: admins see every node, staff and owner of A only A, a consumer its own, a supplier nothing', async () => {
    for (const who of ['admin', 'operator'] as const) expect(ids(ok(await get(who, '/orders'), who).items)).toEqual([orderA.id, orderB.id].sort());
    for (const who of ['staffA', 'ownerA'] as const) {
      expect(ids(ok(await get(who, '/orders'), who).items), who).toEqual([orderA.id]);
      // Asking for node B, or searching for B's customer by phone, finds nothing.
      expect(ok(await get(who, `/orders?b_node_id=${nodeB}`), who).items, `${who} filters on B`).toEqual([]);
      expect(ok(await get(who, '/orders?q=13900000002'), who).items, `${who} searches B's phone`).toEqual([]);
    }
    expect(ids(ok(await get('buyerA', '/orders'), 'buyer').items)).toEqual([orderA.id]);
    expectProblem(await get('supplierX', '/orders'), 403, 'forbidden', 'supplier lists orders');
  });

  it('order detail: another node\'s order is 404 for staff and owner; the pickup code reaches the buyer alone', async () => {
    for (const who of ['staffA', 'ownerA'] as const) expectProblem(await get(who, `/orders/${orderB.id}`), 404, 'order_not_found', `${who} reads B's order`);
    expectProblem(await get('buyerB', `/orders/${orderA.id}`), 404, 'order_not_found', 'another buyer');
    expectProblem(await get('supplierX', `/orders/${orderA.id}`), 403, 'forbidden', 'supplier');

    const buyer = ok(await get('buyerA', `/orders/${orderA.id}`), 'buyer');
    expect(buyer.pickup_code).toMatch(/^[0-9]{6}$/);
    for (const who of ['admin', 'operator', 'staffA', 'ownerA'] as const) {
      const seen = ok(await get(who, `/orders/${orderA.id}`), who);
      expect(seen, `${who} gets no pickup code`).not.toHaveProperty('pickup_code');
      expect(seen.customer.phone, who).toBe('13900000001');
    }
    // Staff see no supply cost; owners and admins do.
    const staff = ok(await get('staffA', `/orders/${orderA.id}`), 'staff');
    expect(staff).not.toHaveProperty('supply_cost');
    expect(staff.lines[0]).not.toHaveProperty('unit_supply_cost');
    expect(ok(await get('ownerA', `/orders/${orderA.id}`), 'owner').supply_cost).toBe(sku.supply);
  });

  it('pickup: staff verify the code the buyer shows, and cannot reach another node\'s order', async () => {
    const code = ok(await get('buyerA', `/orders/${orderA.id}`), 'buyer').pickup_code as string;
    expectProblem(await post('staffA', `/orders/${orderB.id}/ready`), 404, 'order_not_found', 'ready B');
    expectProblem(await post('staffA', `/orders/${orderB.id}/pickup`, { code }), 404, 'order_not_found', 'pickup B');
    expectProblem(await post('supplierX', `/orders/${orderA.id}/pickup`, { code }), 403, 'forbidden', 'supplier pickup');
    const done = ok(await post('staffA', `/orders/${orderA.id}/pickup`, { code }), 'staff verifies');
    expect(done.status).toBe('completed');
    expect(done).not.toHaveProperty('pickup_code');
  });

  it('refunds: the owner of A refunds A\'s orders, never B\'s; staff and suppliers may not refund', async () => {
    expectProblem(await post('ownerA', `/orders/${orderB.id}/refunds`, {}), 404, 'order_not_found', 'owner refunds B');
    expectProblem(await post('staffA', `/orders/${orderA.id}/refunds`, {}), 403, 'forbidden', 'staff refunds');
    expectProblem(await post('supplierX', `/orders/${orderA.id}/refunds`, {}), 403, 'forbidden', 'supplier refunds');
    expect((await post('ownerA', `/orders/${orderA.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] })).status).toBe(201);
  });

  it('B nodes: staff and owner see their own node only; another node is 404', async () => {
    expect(ids(ok(await get('admin', '/b-nodes'), 'admin').items)).toEqual([world.bNodeId, nodeB].sort());
    for (const who of ['staffA', 'ownerA'] as const) {
      expect(ids(ok(await get(who, '/b-nodes'), who).items), who).toEqual([world.bNodeId]);
      expectProblem(await get(who, `/b-nodes/${nodeB}`), 404, 'b_node_not_found', `${who} reads B`);
      expectProblem(await get(who, `/b-nodes/${nodeB}/listings`), 404, 'b_node_not_found', `${who} lists B`);
    }
    expectProblem(await api.request('PUT', `/api/v1/b-nodes/${nodeB}/listings/${sku.id}`, { token: tokens.ownerA, body: { retail_price: sku.price, active: true } }), 404, 'b_node_not_found', 'owner lists on B');
    // Staff read their shop's listings without supply prices; the owner with them.
    const staffListings = ok(await get('staffA', `/b-nodes/${world.bNodeId}/listings`), 'staff').items;
    expect(staffListings.length).toBe(2);
    for (const l of staffListings) expect(l).not.toHaveProperty('supply_price');
    expect(ok(await get('ownerA', `/b-nodes/${world.bNodeId}/listings`), 'owner').items[0].supply_price).toBe(sku.supply);
  });

  it('economics per node: the owner of A gets A\'s P&L and break-even only; staff and suppliers get none', async () => {
    const rows = ok(await get('ownerA', '/economics/pnl?by=b_node'), 'owner pnl').rows as { key: string }[];
    expect(rows.map((r) => r.key)).toEqual([world.bNodeId]);
    const all = ok(await get('admin', '/economics/pnl?by=b_node'), 'admin pnl').rows as { key: string }[];
    expect(all.map((r) => r.key).sort()).toEqual([world.bNodeId, nodeB].sort());
    expect(ok(await get('ownerA', `/economics/b-nodes/${world.bNodeId}/breakeven`), 'own break-even').b_node_id).toBe(world.bNodeId);
    expectProblem(await get('ownerA', `/economics/b-nodes/${nodeB}/breakeven`), 404, 'b_node_not_found', 'B break-even');
    expectProblem(await get('ownerA', `/orders/${orderB.id}/waterfall`), 404, 'order_not_found', 'B waterfall');
    for (const who of ['staffA', 'supplierX'] as const) {
      expectProblem(await get(who, '/economics/pnl?by=b_node'), 403, 'forbidden', `${who} pnl`);
      expectProblem(await get(who, `/economics/b-nodes/${world.bNodeId}/breakeven`), 403, 'forbidden', `${who} break-even`);
    }
  });

  it('the economics simulator: tenant admins and platform operators only', async () => {
    const plan = { name: 'p', product: { price: 3000, cogs: 1500 }, incentives: { commission_levels_bps: [1000] } };
    for (const who of ['admin', 'operator'] as const) expect((await post(who, '/economics/simulate?days=5&participants=50', plan)).status, who).toBe(200);
    for (const who of ['staffA', 'ownerA', 'supplierX', 'buyerA'] as const) expectProblem(await post(who, '/economics/simulate?days=5&participants=50', plan), 403, 'forbidden', `${who} simulates`);
    // The calculator over typed-in numbers stays open to them.
    for (const who of ['staffA', 'ownerA', 'supplierX'] as const) expect((await post(who, '/economics/check', plan)).status, `${who} checks`).toBe(200);
  });

  it('campaigns: a node role sees the tenant\'s and its own node\'s campaigns, another node\'s is 404', async () => {
    expect(ids(ok(await get('admin', '/campaigns'), 'admin').items)).toEqual([tenantWide.id, ofA.id, ofB.id].sort());
    expect(ids(ok(await get('ownerA', '/campaigns'), 'owner').items)).toEqual([tenantWide.id, ofA.id].sort());
    expectProblem(await get('ownerA', `/campaigns/${ofB.id}`), 404, 'campaign_not_found', 'owner reads B\'s campaign');
    expect(ok(await get('ownerA', `/campaigns/${ofA.id}`), 'owner reads A\'s').id).toBe(ofA.id);
    expectProblem(await get('staffA', '/campaigns'), 403, 'forbidden', 'staff');
  });

  it('suppliers read only their own supplier, products, supply prices and stock', async () => {
    expect(ids(ok(await get('supplierX', '/suppliers'), 'suppliers').items)).toEqual([world.supplierId]);
    expect(ids(ok(await get('supplierX', '/products'), 'products').items)).toEqual([productX]);
    expectProblem(await get('supplierX', `/products/${productY}`), 404, 'product_not_found', 'Y\'s product');
    expect(ok(await get('supplierX', `/products/${productX}`), 'own product').skus[0].supply_price).toBe(sku.supply);
    const stock = ok(await get('supplierX', `/warehouses/${world.warehouseId}/stock`), 'stock').items as { sku_id: string }[];
    expect(stock.map((s) => s.sku_id).sort()).toEqual(world.skus.map((s) => s.id).sort());
    expectProblem(await api.request('PATCH', `/api/v1/skus/${skuY}`, { token: tokens.supplierX, body: { supply_price: 400 } }), 404, 'sku_not_found', 'Y\'s SKU');
    expectProblem(await api.request('PUT', '/api/v1/stock', { token: tokens.supplierX, body: { warehouse_id: world.warehouseId, sku_id: skuY, on_hand: 1 } }), 404, 'sku_not_found', 'Y\'s stock');
    expect(ids(ok(await get('admin', '/products'), 'admin').items)).toEqual([productX, productY].sort());
    // Staff read products without supply prices.
    for (const p of ok(await get('staffA', '/products'), 'staff').items) for (const s of p.skus) expect(s).not.toHaveProperty('supply_price');
    // Warehouse stock is for admins and suppliers; node roles read their shop's through its listings.
    expectProblem(await get('staffA', `/warehouses/${world.warehouseId}/stock`), 403, 'forbidden', 'staff stock');
  });

  it('a supply price refused by the guard tells the supplier its SKU\'s retail price, not the shop nor its margins', async () => {
    const res = await api.request('PATCH', `/api/v1/skus/${sku.id}`, { token: tokens.supplierX, body: { supply_price: sku.price } });
    const body = expectProblem(res, 422, 'economics_rejected', 'supplier raises supply to the retail price');
    expect(body.retail_price).toBe(sku.price);
    expect(body).not.toHaveProperty('b_node_id');
    for (const rule of body.rules) expect(rule).not.toHaveProperty('numbers');
    const admin = expectProblem(await api.request('PATCH', `/api/v1/skus/${sku.id}`, { token: tokens.admin, body: { supply_price: sku.price } }), 422, 'economics_rejected', 'admin');
    expect([world.bNodeId, nodeB]).toContain(admin.b_node_id);
  });

  it('staff and owners must belong to a B node: refused when created without one, and at sign-in for older rows', async () => {
    for (const role of ['staff', 'b_owner'] as const) {
      expectProblem(await post('admin', '/users', { login: `no-node-${role}`, display_name: 'X', role, password: 'password-123' }), 422, 'b_node_required', role);
    }
    expectProblem(await post('admin', '/users', { login: 'no-supplier', display_name: 'X', role: 'supplier_operator', password: 'password-123' }), 422, 'supplier_required', 'supplier');
    expectProblem(await post('admin', '/users', { login: 'ghost-node', display_name: 'X', role: 'staff', password: 'password-123', b_node_id: 'bn_nowhere' }), 422, 'b_node_not_found', 'unknown node');
    // The database refuses such a row too.
    await expect(db.insertInto('users').values({ tenant_id: t, id: newId('usr'), login: 'raw-staff', display_name: 'X', role: 'staff', password_hash: null, supplier_id: null, b_node_id: null }).execute())
      .rejects.toThrow(/users_node_roles_have_b_node/);

    // A row written before the check (as an older database holds) cannot sign in, and its old token is refused.
    const legacy = newId('usr');
    const hash = (await db.selectFrom('users').select('password_hash').where('tenant_id', '=', t).where('login', '=', 'admin').executeTakeFirstOrThrow()).password_hash;
    await db.transaction().execute(async (tx) => {
      await sql`ALTER TABLE users DROP CONSTRAINT users_node_roles_have_b_node`.execute(tx);
      await tx.insertInto('users').values({ tenant_id: t, id: legacy, login: 'legacy-staff', display_name: 'Old', role: 'staff', password_hash: hash, supplier_id: null, b_node_id: null }).execute();
      await sql`ALTER TABLE users ADD CONSTRAINT users_node_roles_have_b_node CHECK (role NOT IN ('b_owner', 'staff') OR b_node_id IS NOT NULL) NOT VALID`.execute(tx);
    });
    expectProblem(await api.post('/api/v1/auth/login', { tenant: world.tenantSlug, login: 'legacy-staff', password: 'admin-password' }), 403, 'no_b_node', 'legacy sign-in');
    const { token } = await issueToken(db, clock, t, legacy, 'session');
    for (const url of ['/orders', '/b-nodes']) expectProblem(await api.get(`/api/v1${url}`, { token }), 403, 'no_b_node', `legacy token ${url}`);
  });

  it('/auth/me names the role, node and permissions the console follows', async () => {
    const staff = ok(await get('staffA', '/auth/me'), 'staff me');
    expect(staff).toMatchObject({ role: 'staff', b_node_id: world.bNodeId });
    expect(staff.permissions).toContain('orders.fulfil');
    expect(staff.permissions).not.toContain('orders.refund');
    expect(staff.permissions).not.toContain('supply_cost.read');
    const owner = ok(await get('ownerA', '/auth/me'), 'owner me');
    expect(owner.permissions).toEqual(expect.arrayContaining(['orders.refund', 'economics.read', 'listings.write']));
    expect(owner.permissions).not.toContain('policies.write');
    expect(owner.permissions).not.toContain('b_nodes.all');
    expect(ok(await get('admin', '/auth/me'), 'admin me').permissions).toEqual(expect.arrayContaining(['b_nodes.all', 'economics.simulate', 'policies.write']));
    expect(ok(await get('supplierX', '/auth/me'), 'supplier me').permissions).not.toContain('orders.read');
  });
});
