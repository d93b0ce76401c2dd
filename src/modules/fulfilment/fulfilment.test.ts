import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { consumerTokens, injectApi, paidOrder, placeOrder } from '../../../test/race/helpers.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import { runDueCutoffs } from '../../flows/cutoff.flow.js';

describe('supplier split and demand aggregation', async () => {
  const { db } = await createTestDatabase({ max: 20 });
  const clock = manualClock(new Date('2026-11-02T02:00:00Z')); // 10:00 in Shanghai
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const t = world.tenantId;

  // A second supplier with two SKUs sold by the case (6 per case, at least 10 a purchase order),
  // and a second pickup point on the same warehouse.
  const supplierB = newId('sup');
  await db.insertInto('suppliers').values({ tenant_id: t, id: supplierB, name: 'Dairy Co' }).execute();
  const productB = newId('prd');
  await db.insertInto('products').values({ tenant_id: t, id: productB, supplier_id: supplierB, title: 'Milk', image_url: null }).execute();
  const milk = [{ id: newId('sku'), price: 600, supply: 400 }, { id: newId('sku'), price: 800, supply: 500 }];
  await db.insertInto('skus').values(milk.map((s, i) => ({
    tenant_id: t, id: s.id, product_id: productB, code: `MILK-${i}`, name: i === 0 ? '1 L' : '2 L', supply_price: s.supply, suggested_price: s.price,
    retail_floor: 500, retail_ceiling: 1000, case_pack: 6, min_order_qty: 10,
  }))).execute();
  await db.insertInto('stock').values(milk.map((s) => ({ tenant_id: t, warehouse_id: world.warehouseId, sku_id: s.id, on_hand: 1000 }))).execute();
  const node2 = newId('bn');
  const shop2 = `${world.shop}-2`;
  await db.insertInto('b_nodes').values({ tenant_id: t, id: node2, kind: 'leader', name: 'Leader Wang', slug: shop2, warehouse_id: world.warehouseId, pickup_address: '幸福小区 3 号楼', pickup_hours: '17:00–20:00' }).execute();
  await db.insertInto('shop_routes').values({ slug: shop2, tenant_id: t, b_node_id: node2 }).execute();
  const allSkus = [...world.skus, ...milk];
  for (const node of [world.bNodeId, node2]) {
    await db.insertInto('listings').values(allSkus.map((s) => ({ tenant_id: t, b_node_id: node, sku_id: s.id, retail_price: s.price }))).onConflict((oc) => oc.doNothing()).execute();
  }
  const userToken = async (login: string, role: 'supplier_operator' | 'b_owner' | 'staff', ids: { supplier_id?: string; b_node_id?: string }) => {
    const u = await createUser(db, t, { login, display_name: login, role, password: 'password-123', supplier_id: ids.supplier_id ?? null, b_node_id: ids.b_node_id ?? null });
    return { token: (await issueToken(db, clock, t, u.id, 'api', 'tests')).token };
  };
  const farm = await userToken('farm', 'supplier_operator', { supplier_id: world.supplierId });
  const dairy = await userToken('dairy', 'supplier_operator', { supplier_id: supplierB });
  const owner1 = await userToken('owner1', 'b_owner', { b_node_id: world.bNodeId });
  const owner2 = await userToken('owner2', 'b_owner', { b_node_id: node2 });
  const buyers = await consumerTokens(siyu, world.shop, 8, '136');
  const buyers2 = await consumerTokens(siyu, shop2, 4, '137');
  const count = async (table: 'purchase_orders' | 'purchase_order_lines' | 'pick_lists' | 'supplier_sub_orders' | 'window_orders' | 'sales_windows') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', t).executeTakeFirstOrThrow()).n);

  it('splits a paid order into supplier sub-orders that sum to the order, fen exact', async () => {
    const ends = new Date(clock.now().getTime() + 86_400_000).toISOString();
    const campaign = await api.post('/api/v1/campaigns', { name: '2 yuan off', b_node_id: world.bNodeId, discount_per_order: 200, min_order_total: 2000, budget: 1000, ends_at: ends }, admin);
    expect(campaign.status).toBe(201);
    const { order } = await paidOrder(api, t, buyers[0]!, world.shop, [
      { sku_id: world.skus[0]!.id, quantity: 1 }, { sku_id: milk[0]!.id, quantity: 1 }, { sku_id: world.skus[2]!.id, quantity: 1 },
    ]);
    await api.post(`/api/v1/campaigns/${campaign.json().id}/end`, {}, admin);
    const res = await api.get(`/api/v1/orders/${order.id}/sub-orders`, admin);
    expect(res.status).toBe(200);
    const parts = res.json().items as { supplier_id: string; goods_amount: number; discount: number; paid_amount: number; supply_cost: number; lines: { line_no: number }[] }[];
    expect(parts.map((p) => p.supplier_id).sort()).toEqual([world.supplierId, supplierB].sort());
    const row = await db.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(Number(row.discount)).toBe(200);
    expect(parts.reduce((a, p) => a + p.goods_amount, 0)).toBe(Number(row.subtotal));
    expect(parts.reduce((a, p) => a + p.discount, 0)).toBe(200);
    expect(parts.reduce((a, p) => a + p.paid_amount, 0)).toBe(Number(row.total));
    expect(parts.reduce((a, p) => a + p.supply_cost, 0)).toBe(Number(row.supply_cost));
    expect(parts.find((p) => p.supplier_id === supplierB)!.lines.map((l) => l.line_no)).toEqual([2]);
    // Another node's owner, a supplier and a consumer do not see it.
    expect((await api.get(`/api/v1/orders/${order.id}/sub-orders`, owner2)).status).toBe(404);
    expect((await api.get(`/api/v1/orders/${order.id}/sub-orders`, farm)).status).toBe(403);
    expect((await api.get(`/api/v1/orders/${order.id}/sub-orders`, { token: buyers[0]! })).status).toBe(403);
  });

  let windowId = '';
  it('opens a window whose cutoff is a time of day in the tenant’s time zone', async () => {
    const bad = await api.post('/api/v1/sales-windows', { name: 'x', cutoff_time: '25:00' }, admin);
    expect(bad.status).toBe(400);
    expect((await api.post('/api/v1/sales-windows', { name: 'x', cutoff_time: '20:00' }, owner1)).status).toBe(403);
    // The order of the test before was placed before the window opens.
    clock.advance(60_000);
    const res = await api.post('/api/v1/sales-windows', { name: '今日团', recurrence: 'daily', cutoff_time: '20:00' }, admin);
    expect(res.status).toBe(201);
    // 10:00 in Shanghai now: today 20:00 Shanghai is 12:00 UTC.
    expect(res.json()).toMatchObject({ status: 'open', recurrence: 'daily', opens_at: '2026-11-02T02:01:00.000Z', cutoff_at: '2026-11-02T12:00:00.000Z', cutoff_local: '2026-11-02 20:00', time_zone: 'Asia/Shanghai' });
    windowId = res.json().id;
  });

  const demand = new Map<string, number>();
  const paid: { id: string; total: number }[] = [];
  it('aggregates paid demand at the cutoff into purchase orders per supplier × warehouse and pick lists per pickup point', async () => {
    // Buyers pay one after another, a minute apart: the order of payment decides who a shortfall hits.
    for (const [i, token] of buyers.slice(1).entries()) {
      clock.advance(60_000);
      const lines = [{ sku_id: world.skus[1]!.id, quantity: 1 + (i % 2) }, { sku_id: milk[1]!.id, quantity: 1 }];
      const { order } = await paidOrder(api, t, token, world.shop, lines);
      paid.push({ id: order.id, total: order.total });
      for (const l of lines) demand.set(l.sku_id, (demand.get(l.sku_id) ?? 0) + l.quantity);
    }
    for (const token of buyers2) {
      clock.advance(60_000);
      await paidOrder(api, t, token, shop2, [{ sku_id: world.skus[1]!.id, quantity: 2 }]);
      demand.set(world.skus[1]!.id, demand.get(world.skus[1]!.id)! + 2);
    }
    // Not demand: an unpaid order, and an order refunded in full.
    await placeOrder(api, buyers[1]!, world.shop, [{ sku_id: world.skus[1]!.id, quantity: 5 }]);
    const { order: refunded } = await paidOrder(api, t, buyers[2]!, world.shop, [{ sku_id: world.skus[1]!.id, quantity: 4 }]);
    expect((await api.post(`/api/v1/orders/${refunded.id}/refunds`, {}, admin)).status).toBe(201);
    clock.advance(60_000);

    const res = await api.post(`/api/v1/sales-windows/${windowId}/cutoff`, {}, admin);
    expect(res.status, res.text).toBe(200);
    // The first order (before the window opened) is not in it; 7 + 4 are.
    expect(res.json()).toMatchObject({ ran: true, orders: 11, purchase_orders: 2, pick_lists: 2 });
    expect(res.json().window.status).toBe('closed');
    const next = await api.get(`/api/v1/sales-windows/${res.json().next_window_id}`, admin);
    expect(next.json()).toMatchObject({ status: 'open', cutoff_local: '2026-11-03 20:00', recurrence: 'daily' });

    const pos = (await api.get(`/api/v1/purchase-orders?window_id=${windowId}`, admin)).json().items as { id: string; supplier_id: string }[];
    const farmPo = (await api.get(`/api/v1/purchase-orders/${pos.find((p) => p.supplier_id === world.supplierId)!.id}`, admin)).json();
    expect(farmPo.lines).toEqual([expect.objectContaining({ sku_id: world.skus[1]!.id, demand_qty: demand.get(world.skus[1]!.id), ordered_qty: demand.get(world.skus[1]!.id), case_pack: 1 })]);
    const dairyPo = (await api.get(`/api/v1/purchase-orders/${pos.find((p) => p.supplier_id === supplierB)!.id}`, admin)).json();
    // 7 units of milk: at least 10, in whole cases of 6 → 12.
    expect(dairyPo.lines).toEqual([expect.objectContaining({ sku_id: milk[1]!.id, demand_qty: 7, case_pack: 6, ordered_qty: 12 })]);
    expect(dairyPo.ordered_cost).toBe(12 * 500);

    const lists = (await api.get(`/api/v1/pick-lists?window_id=${windowId}`, admin)).json().items as { id: string; b_node_id: string; units: number; order_count: number }[];
    expect(lists.find((l) => l.b_node_id === node2)).toMatchObject({ order_count: 4, units: 8 });
    expect(lists.find((l) => l.b_node_id === world.bNodeId)).toMatchObject({ order_count: 7, units: 10 + 7 });
  });

  it('changes nothing when the cutoff runs again (button, CLI or job)', async () => {
    const before = await Promise.all((['purchase_orders', 'purchase_order_lines', 'pick_lists', 'supplier_sub_orders', 'window_orders', 'sales_windows'] as const).map(count));
    const again = await api.post(`/api/v1/sales-windows/${windowId}/cutoff`, {}, admin);
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ ran: false, orders: 0, next_window_id: null });
    await Promise.all([runDueCutoffs(db, clock), runDueCutoffs(db, clock)]);
    expect(await Promise.all((['purchase_orders', 'purchase_order_lines', 'pick_lists', 'supplier_sub_orders', 'window_orders', 'sales_windows'] as const).map(count))).toEqual(before);
  });

  it('shows a supplier only its own purchase orders: another supplier’s answers 404, other roles 403', async () => {
    const mine = (await api.get('/api/v1/purchase-orders', dairy)).json().items as { supplier_id: string; id: string }[];
    expect(mine.length).toBe(1);
    expect(mine.every((p) => p.supplier_id === supplierB)).toBe(true);
    const farmPo = (await api.get('/api/v1/purchase-orders', farm)).json().items[0].id as string;
    expect((await api.get(`/api/v1/purchase-orders/${farmPo}`, dairy)).status).toBe(404);
    expect((await api.post(`/api/v1/purchase-orders/${farmPo}/confirm`, { lines: [] }, dairy)).status).toBe(404);
    expect((await api.get(`/api/v1/purchase-orders/${farmPo}/print`, dairy)).status).toBe(404);
    expect((await api.get(`/api/v1/purchase-orders/${farmPo}/export.xlsx`, dairy)).status).toBe(404);
    expect((await api.get('/api/v1/purchase-orders', owner1)).status).toBe(403);
    expect((await api.get('/api/v1/purchase-orders', { token: buyers[0]! })).status).toBe(403);
    expect((await api.get('/api/v1/purchase-orders', {})).status).toBe(401);
    // What a supplier reads carries no buyer.
    expect((await api.get(`/api/v1/purchase-orders/${mine[0]!.id}`, dairy)).json().refunds).toBeUndefined();
  });

  it('refunds a short shipment to the latest payers first; the refunds add up to the value not shipped', async () => {
    const farmPo = (await api.get('/api/v1/purchase-orders', farm)).json().items[0];
    const sku = world.skus[1]!;
    const wanted = demand.get(sku.id)!;
    const over = await api.post(`/api/v1/purchase-orders/${farmPo.id}/confirm`, { lines: [{ sku_id: sku.id, confirmed_qty: wanted + 1 }] }, farm);
    expect(over.status).toBe(422);
    expect(over.json().code).toBe('confirmed_over_ordered');
    const listBefore = (await api.get(`/api/v1/pick-lists?window_id=${windowId}`, admin)).json().items as { b_node_id: string; units: number }[];

    // 3 units short. The last payers were the four buyers of shop 2 (2 units each): the last one
    // loses both units, the one before loses one.
    const res = await api.post(`/api/v1/purchase-orders/${farmPo.id}/confirm`, { lines: [{ sku_id: sku.id, confirmed_qty: wanted - 3 }] }, farm);
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toMatchObject({ status: 'confirmed', short_units: 3, short_amount: 3 * sku.price });
    const refunds = await db.selectFrom('refunds').select(['order_id', 'amount', 'reason']).where('tenant_id', '=', t).where('reason', '=', 'short_shipment').execute();
    expect(refunds.reduce((a, r) => a + Number(r.amount), 0)).toBe(3 * sku.price);
    const detail = (await api.get(`/api/v1/purchase-orders/${farmPo.id}`, admin)).json();
    const shop2Orders = await db.selectFrom('orders').select(['id', 'paid_at']).where('tenant_id', '=', t).where('b_node_id', '=', node2).orderBy('paid_at', 'desc').execute();
    expect(detail.refunds.map((r: { order_id: string; quantity: number }) => [r.order_id, r.quantity])).toEqual([[shop2Orders[0]!.id, 2], [shop2Orders[1]!.id, 1]]);
    expect((await db.selectFrom('orders').select('status').where('id', '=', shop2Orders[0]!.id).executeTakeFirstOrThrow()).status).toBe('refunded');
    expect((await db.selectFrom('orders').select('status').where('id', '=', shop2Orders[1]!.id).executeTakeFirstOrThrow()).status).toBe('partially_refunded');
    // The refunded units are off the pickup point's list.
    const listAfter = (await api.get(`/api/v1/pick-lists?window_id=${windowId}`, admin)).json().items as { b_node_id: string; units: number }[];
    expect(listAfter.find((l) => l.b_node_id === node2)!.units).toBe(listBefore.find((l) => l.b_node_id === node2)!.units - 3);
    // Once only.
    expect((await api.post(`/api/v1/purchase-orders/${farmPo.id}/confirm`, { lines: [] }, farm)).json().code).toBe('purchase_order_confirmed');
  });

  it('shows a pickup point its own pick list only, with what each buyer collects', async () => {
    const mine = (await api.get('/api/v1/pick-lists', owner2)).json().items as { id: string; b_node_id: string }[];
    expect(mine.map((l) => l.b_node_id)).toEqual([node2]);
    const other = (await api.get('/api/v1/pick-lists', owner1)).json().items[0].id as string;
    expect((await api.get(`/api/v1/pick-lists/${other}`, owner2)).status).toBe(404);
    expect((await api.get(`/api/v1/pick-lists/${other}/print`, owner2)).status).toBe(404);
    expect((await api.get('/api/v1/pick-lists', dairy)).status).toBe(403);
    const detail = (await api.get(`/api/v1/pick-lists/${mine[0]!.id}`, owner2)).json();
    expect(detail).toMatchObject({ pickup_address: '幸福小区 3 号楼', pickup_hours: '17:00–20:00' });
    // The fully refunded buyer has nothing to collect; the partly refunded one collects one unit.
    expect(detail.orders).toHaveLength(3);
    expect(detail.orders.map((o: { lines: { quantity: number }[] }) => o.lines[0]!.quantity).sort()).toEqual([1, 2, 2]);
    expect(detail.orders[0].phone_tail).toMatch(/^\d{4}$/);
  });

  it('prints purchase orders and pick lists in A4 and 80 mm layouts, and exports them to Excel', async () => {
    const po = (await api.get('/api/v1/purchase-orders', dairy)).json().items[0];
    const a4 = await api.get(`/api/v1/purchase-orders/${po.id}/print?layout=a4`, dairy);
    expect(a4.status).toBe(200);
    expect(a4.headers['content-type']).toContain('text/html');
    expect(a4.text).toContain(`<body class="print a4">`);
    expect(a4.text).toContain(po.number);
    expect(a4.text).toContain('/api/v1/fulfilment/print-a4.css');
    const receipt = await api.get(`/api/v1/purchase-orders/${po.id}/print?layout=receipt&lang=en`, dairy);
    expect(receipt.text).toContain('<body class="print receipt">');
    expect(receipt.text).toContain('Purchase order');
    const css = await api.get('/api/v1/fulfilment/print-receipt.css', {});
    expect(css.status).toBe(200);
    expect(css.text).toContain('size: 80mm');

    const file = await siyu.server.inject({ method: 'GET', url: `/api/v1/purchase-orders/${po.id}/export.xlsx`, headers: { authorization: `Bearer ${dairy.token}` } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const line = sheet.getRow(7).values as unknown[];
    expect(line.slice(1, 6)).toEqual(['MILK-1', 'Milk 2 L', 7, 6, 12]);

    const list = (await api.get('/api/v1/pick-lists', owner2)).json().items[0];
    const printed = await api.get(`/api/v1/pick-lists/${list.id}/print?layout=receipt`, owner2);
    expect(printed.text).toContain('幸福小区 3 号楼');
    const xlsx = await siyu.server.inject({ method: 'GET', url: `/api/v1/pick-lists/${list.id}/export.xlsx`, headers: { authorization: `Bearer ${owner2.token}` } });
    const pickBook = new ExcelJS.Workbook();
    await pickBook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(pickBook.worksheets.map((w) => w.name)).toEqual(['汇总 Items', '订单 Orders']);
  });

  it('cuts off due windows as periodic work, once, and opens the next day’s', async () => {
    const open = await db.selectFrom('sales_windows').selectAll().where('tenant_id', '=', t).where('status', '=', 'open').execute();
    expect(open).toHaveLength(1);
    clock.set(new Date(open[0]!.cutoff_at.getTime() + 1000));
    const ran = await Promise.all([runDueCutoffs(db, clock), runDueCutoffs(db, clock)]);
    expect(ran[0]! + ran[1]!).toBe(1);
    const windows = await db.selectFrom('sales_windows').select(['status', 'previous_id']).where('tenant_id', '=', t).orderBy('cutoff_at').execute();
    expect(windows.map((w) => w.status)).toEqual(['closed', 'closed', 'open']);
  });
});
