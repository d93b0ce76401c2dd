import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { expectProblem, injectApi, paidOrder } from '../../../test/race/helpers.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import { fen } from '../../platform/money.js';
import { settleNoShows } from '../../flows/pickup-day.flow.js';
import { pickupQrText } from './presales.schema.js';

describe('community pre-sale and the leader’s day', async () => {
  const { db } = await createTestDatabase({ max: 20 });
  const clock = manualClock(new Date('2026-11-02T02:00:00Z')); // 10:00 in Shanghai
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 1000 });
  const api = injectApi(siyu);
  const admin = { token: world.adminToken };
  const t = world.tenantId;
  const [apples, pears, plums] = world.skus as [typeof world.skus[0], typeof world.skus[0], typeof world.skus[0]];

  const node2 = newId('bn');
  const shop2 = `${world.shop}-2`;
  await db.insertInto('b_nodes').values({ tenant_id: t, id: node2, kind: 'leader', name: 'Leader Wang', slug: shop2, warehouse_id: world.warehouseId, pickup_address: '幸福小区 3 号楼', pickup_hours: '17:00–20:00' }).execute();
  await db.insertInto('shop_routes').values({ slug: shop2, tenant_id: t, b_node_id: node2 }).execute();
  await db.insertInto('listings').values(world.skus.map((s) => ({ tenant_id: t, b_node_id: node2, sku_id: s.id, retail_price: s.price }))).execute();
  const userToken = async (login: string, role: 'b_owner' | 'staff', bNodeId: string) => {
    const u = await createUser(db, t, { login, display_name: login, role, password: 'password-123', b_node_id: bNodeId });
    return { token: (await issueToken(db, clock, t, u.id, 'api', 'tests')).token };
  };
  const owner = await userToken('owner1', 'b_owner', world.bNodeId);
  const staff = await userToken('staff1', 'staff', world.bNodeId);
  const owner2 = await userToken('owner2', 'b_owner', node2);
  const buyer = async (shop: string, name: string, phone: string) => {
    const res = await api.post(`/api/v1/shops/${shop}/session`, { name, phone }, { key: false });
    expect(res.status, res.text).toBe(201);
    return res.json().token as string;
  };
  const wang = await buyer(world.shop, '王小明', '13800000001');
  const li = await buyer(world.shop, '李娜', '13800000002');
  const zhao = await buyer(shop2, '赵六', '13800000003');
  const late = await buyer(world.shop, '孙七', '13800000004');
  const count = async (table: 'orders' | 'pickup_line_picks' | 'pickup_arrivals' | 'arrival_notices' | 'refunds' | 'presales') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', t).executeTakeFirstOrThrow()).n);

  let windowId = '';
  let presaleId = '';
  it('binds SKUs to an open sales window; unknown SKUs and closed windows are refused, nothing written', async () => {
    const w = await api.post('/api/v1/sales-windows', { name: '今日团', cutoff_time: '20:00' }, admin);
    expect(w.status, w.text).toBe(201);
    windowId = w.json().id;
    expectProblem(await api.post('/api/v1/presales', { window_id: windowId, title: '今日团购', sku_ids: [apples.id, 'sku_nope'] }, admin), 422, 'unknown_sku');
    expect((await api.post('/api/v1/presales', { window_id: windowId, title: '今日团购', sku_ids: [apples.id] }, owner)).status).toBe(403);
    const other = await api.post('/api/v1/sales-windows', { name: 'x', cutoff_time: '21:00' }, admin);
    await api.post(`/api/v1/sales-windows/${other.json().id}/cancel`, {}, admin);
    expectProblem(await api.post('/api/v1/presales', { window_id: other.json().id, title: 'x', sku_ids: [apples.id] }, admin), 409, 'window_not_open');
    expect(await count('presales')).toBe(0);
    const res = await api.post('/api/v1/presales', { window_id: windowId, title: '今日团购', sku_ids: [apples.id, pears.id] }, admin);
    expect(res.status, res.text).toBe(201);
    expect(res.json()).toMatchObject({ open: true, cutoff_at: '2026-11-02T12:00:00.000Z', orders: 0, items: [{ sku_id: apples.id, sold: 0 }, { sku_id: pears.id, sold: 0 }] });
    presaleId = res.json().id;
  });

  it('judges a pre-sale with the economics guard at every shop\'s price and commission: a loss is refused with the guard\'s code unless an admin overrides it', async () => {
    expect((await api.get(`/api/v1/presales/${presaleId}`, admin)).json()).toMatchObject({ verdict: expect.stringMatching(/^(accept|warn)$/), guard: { rules: expect.any(Array) }, override_reason: null });
    // The second shop sells plums below their supply cost.
    await db.updateTable('listings').set({ retail_price: 1 }).where('tenant_id', '=', t).where('b_node_id', '=', node2).where('sku_id', '=', plums.id).execute();
    const before = await count('presales');
    const refused = await api.post('/api/v1/presales', { window_id: windowId, title: '亏本团', sku_ids: [apples.id, plums.id] }, admin);
    expectProblem(refused, 422, 'economics_rejected');
    expect(refused.json()).toMatchObject({ sku_id: plums.id, b_node_id: node2, retail_price: 1 });
    const unlistedSku = newId('sku');
    const { product_id: productId } = await db.selectFrom('skus').select('product_id').where('id', '=', plums.id).executeTakeFirstOrThrow();
    await db.insertInto('skus').values({ tenant_id: t, id: unlistedSku, product_id: productId, code: 'UNLISTED-1', name: 'x', supply_price: fen(100), suggested_price: fen(200), retail_floor: fen(150), retail_ceiling: fen(300), barcode: null }).execute();
    expectProblem(await api.post('/api/v1/presales', { window_id: windowId, title: '无价团', sku_ids: [unlistedSku] }, admin), 422, 'presale_sku_not_listed');
    expect(await count('presales')).toBe(before);
    const overridden = await api.post('/api/v1/presales', { window_id: windowId, title: '清仓团', sku_ids: [plums.id], override: { reason: 'clearing the last plums of the season' } }, admin);
    expect(overridden.status, overridden.text).toBe(201);
    expect(overridden.json()).toMatchObject({ override_reason: 'clearing the last plums of the season', guard: { rules: expect.arrayContaining([expect.objectContaining({ overridden: true })]) } });
    await db.updateTable('listings').set({ retail_price: plums.price }).where('tenant_id', '=', t).where('b_node_id', '=', node2).where('sku_id', '=', plums.id).execute();
    // Out of the way of the shop's pre-sale list the next tests read.
    await db.deleteFrom('presale_items').where('presale_id', '=', overridden.json().id).execute();
    await db.deleteFrom('presales').where('id', '=', overridden.json().id).execute();
  });

  const orders: Record<string, { id: string; pickup_code: string }> = {};
  it('takes orders under the pre-sale as ordinary pickup orders that record it; a SKU outside it is refused', async () => {
    const before = await count('orders');
    const outside = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: plums.id, quantity: 1 }], campaign: { kind: 'presale', ref: presaleId } }, { token: wang });
    expectProblem(outside, 422, 'sku_not_in_presale');
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: apples.id, quantity: 1 }], campaign: { kind: 'presale', ref: 'pre_nope' } }, { token: wang }), 404, 'presale_not_found');
    expect(await count('orders')).toBe(before);

    clock.advance(60_000);
    for (const [name, token, shop, lines] of [
      ['wang', wang, world.shop, [{ sku_id: apples.id, quantity: 3 }, { sku_id: pears.id, quantity: 2 }]],
      ['li', li, world.shop, [{ sku_id: apples.id, quantity: 1 }]],
      ['zhao', zhao, shop2, [{ sku_id: apples.id, quantity: 4 }]],
    ] as const) {
      clock.advance(60_000);
      const res = await api.post('/api/v1/orders', { shop, lines, campaign: { kind: 'presale', ref: presaleId } }, { token });
      expect(res.status, res.text).toBe(201);
      const pay = await api.post(`/api/v1/orders/${res.json().id}/payments`, {}, { token });
      const { postNotification, signedNotification, newEventId } = await import('../../../test/race/helpers.js');
      await postNotification(api, signedNotification({ kind: 'payment', tenant_id: t, payment_id: pay.json().payment_id, amount: pay.json().amount, event_id: newEventId() }));
      orders[name] = { id: res.json().id, pickup_code: res.json().pickup_code };
    }
    const row = await db.selectFrom('orders').select(['campaign_kind', 'campaign_ref', 'status', 'fulfillment']).where('id', '=', orders.wang!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ campaign_kind: 'presale', campaign_ref: presaleId, status: 'paid', fulfillment: 'pickup' });
    // An ordinary order (no pre-sale) records none.
    const { order: plain } = await paidOrder(api, t, li, world.shop, [{ sku_id: apples.id, quantity: 5 }]);
    expect((await db.selectFrom('orders').select('campaign_kind').where('id', '=', plain.id).executeTakeFirstOrThrow()).campaign_kind).toBeNull();
  });

  it('shows the countdown’s cutoff and progress from paid-less-refunded units with masked buyers', async () => {
    // An unpaid pre-sale order is no progress.
    const unpaid = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: apples.id, quantity: 9 }], campaign: { kind: 'presale', ref: presaleId } }, { token: late });
    expect(unpaid.status).toBe(201);
    // A refunded unit is taken off.
    expect((await api.post(`/api/v1/orders/${orders.zhao!.id}/refunds`, { lines: [{ line_no: 1, quantity: 1 }] }, admin)).status).toBe(201);
    const shop = await api.get(`/api/v1/shops/${world.shop}/presales`, {});
    expect(shop.status, shop.text).toBe(200);
    const [p] = shop.json().items;
    expect(p).toMatchObject({ id: presaleId, cutoff_at: '2026-11-02T12:00:00.000Z' });
    const apple = p.items.find((i: { sku_id: string }) => i.sku_id === apples.id);
    expect(apple).toMatchObject({ sold: 3 + 1 + 3, price: apples.price });
    expect(apple.buyers).toEqual(['赵**', '李**', '王**']);
    expect(JSON.stringify(shop.json())).not.toContain('小明');
    const admin1 = await api.get(`/api/v1/presales/${presaleId}`, admin);
    expect(admin1.json()).toMatchObject({ orders: 3, items: [{ sku_id: apples.id, sold: 7 }, { sku_id: pears.id, sold: 2 }] });
  });

  it('refuses orders after the cutoff with presale_closed, nothing written', async () => {
    clock.set(new Date('2026-11-02T12:00:00Z'));
    const before = await count('orders');
    expectProblem(await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: apples.id, quantity: 1 }], campaign: { kind: 'presale', ref: presaleId } }, { token: late }), 409, 'presale_closed');
    expect(await count('orders')).toBe(before);
    expect((await api.get(`/api/v1/shops/${world.shop}/presales`, {})).json().items).toEqual([]);
    // The cutoff aggregates pre-sale orders like any other paid pickup order of their node.
    const cut = await api.post(`/api/v1/sales-windows/${windowId}/cutoff`, {}, admin);
    expect(cut.status, cut.text).toBe(200);
    expect(cut.json()).toMatchObject({ orders: 4, pick_lists: 2 });
  });

  it('gives the leader today’s arrivals by buyer and by product, never a pickup code, and tells each buyer once', async () => {
    const day = await api.get('/api/v1/pickup-day', owner);
    expect(day.status, day.text).toBe(200);
    expect(JSON.stringify(day.json())).not.toMatch(new RegExp(`${orders.wang!.pickup_code}|${orders.li!.pickup_code}`));
    expect(day.json().orders.map((o: { order_id: string }) => o.order_id).sort()).toEqual(expect.arrayContaining([orders.wang!.id, orders.li!.id]));
    expect(day.json().by_product.find((p: { sku_id: string }) => p.sku_id === pears.id)).toMatchObject({ quantity: 2, picked: 0, buyers: 1 });
    expect(day.json().orders.find((o: { order_id: string }) => o.order_id === orders.wang!.id)).toMatchObject({ customer_name: '王小明', phone_tail: '0001', arrived_at: null });
    // Another node's orders are not in it; admins name the node.
    expect(JSON.stringify(day.json())).not.toContain(orders.zhao!.id);
    expectProblem(await api.get('/api/v1/pickup-day', admin), 400, 'validation_failed');
    expect((await api.get(`/api/v1/pickup-day?b_node_id=${node2}`, owner)).status).toBe(404);

    const arrived = await api.post('/api/v1/pickup-day/arrived', {}, owner);
    expect(arrived.status, arrived.text).toBe(200);
    expect(arrived.json()).toMatchObject({ orders: 3, buyers: 2 });
    expect((await api.post('/api/v1/pickup-day/arrived', {}, staff)).json()).toMatchObject({ orders: 0, buyers: 0, messages: 0 });
    expect(await count('arrival_notices')).toBe(2);
    expect((await db.selectFrom('orders').select('status').where('id', '=', orders.wang!.id).executeTakeFirstOrThrow()).status).toBe('ready_for_pickup');
    const print = await api.get('/api/v1/pickup-day/print?layout=receipt', owner);
    expect(print.status).toBe(200);
    expect(print.text).toContain('王小明');
    const xlsx = await api.get('/api/v1/pickup-day/export.xlsx', owner);
    expect(xlsx.status).toBe(200);
  });

  it('lists the day by arrival date in the tenant\'s calendar: today by default, any date picked, earlier arrivals still waiting apart', async () => {
    const arrivedDay = '2026-11-02'; // 20:00 in Shanghai, when the goods arrived
    const today = await api.get('/api/v1/pickup-day', owner);
    expect(today.json()).toMatchObject({ date: arrivedDay, today: true, earlier: [] });
    expect(today.json().orders.map((o: { order_id: string }) => o.order_id)).toEqual(expect.arrayContaining([orders.wang!.id, orders.li!.id]));
    const before = await api.get('/api/v1/pickup-day?date=2026-11-01', owner);
    expect(before.json()).toMatchObject({ date: '2026-11-01', today: false, orders: [], earlier: [], by_product: [] });
    expectProblem(await api.get('/api/v1/pickup-day?date=2026-13-01', owner), 400, 'validation_failed');

    const now = clock.now();
    clock.set(new Date('2026-11-03T01:00:00Z')); // 09:00 the next day in Shanghai (still the 2nd in UTC: the tenant's calendar decides)
    const next = await api.get('/api/v1/pickup-day', owner);
    expect(next.json()).toMatchObject({ date: '2026-11-03', today: true, orders: [], by_product: [] });
    expect(next.json().earlier.map((o: { order_id: string }) => o.order_id)).toEqual(expect.arrayContaining([orders.wang!.id, orders.li!.id]));
    const picked = await api.get(`/api/v1/pickup-day?date=${arrivedDay}`, owner);
    expect(picked.json()).toMatchObject({ date: arrivedDay, today: false, earlier: [] });
    expect(picked.json().by_product.find((p: { sku_id: string }) => p.sku_id === pears.id)).toMatchObject({ quantity: 2, buyers: 1 });
    const print = await api.get(`/api/v1/pickup-day/print?layout=a4&date=${arrivedDay}`, owner);
    expect(print.status).toBe(200);
    expect(print.text).toContain(`${arrivedDay} 到货自提`);
    expect(print.text).toContain('王小明');
    const xlsx = await api.get(`/api/v1/pickup-day/export.xlsx?date=${arrivedDay}`, owner);
    expect(xlsx.headers['content-disposition']).toContain(`pickup-${arrivedDay}.xlsx`);
    clock.set(now);
  });

  it('verifies a scanned QR for part of an order, then the typed code for the rest; wrong, excessive and used codes write nothing', async () => {
    const wangCode = orders.wang!.pickup_code;
    const wrong = wangCode === '000000' ? '000001' : '000000';
    expectProblem(await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wrong) }, staff), 422, 'wrong_pickup_code');
    expectProblem(await api.post('/api/v1/pickup-day/verify', { qr: 'https://example.com/x' }, staff), 422, 'unreadable_pickup_qr');
    // Another pickup point's leader cannot verify this order, whatever the QR says.
    expect((await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wangCode) }, owner2)).status).toBe(404);
    expectProblem(await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wangCode), lines: [{ line_no: 1, quantity: 4 }] }, staff), 422, 'pick_exceeds_order');
    expectProblem(await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wangCode), lines: [{ line_no: 1, quantity: 1 }, { line_no: 2, quantity: 3 }] }, staff), 422, 'pick_exceeds_order');
    expect(await count('pickup_line_picks')).toBe(0);

    const part = await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wangCode), lines: [{ line_no: 1, quantity: 2 }] }, staff);
    expect(part.status, part.text).toBe(200);
    expect(part.json()).toMatchObject({ completed: false, lines: [{ line_no: 1, quantity: 3, picked: 2 }, { line_no: 2, quantity: 2, picked: 0 }] });
    expectProblem(await api.post('/api/v1/pickup-day/verify', { code: wangCode, lines: [{ line_no: 1, quantity: 2 }] }, staff), 422, 'pick_exceeds_order');
    const rest = await api.post('/api/v1/pickup-day/verify', { code: wangCode }, staff);
    expect(rest.status, rest.text).toBe(200);
    expect(rest.json()).toMatchObject({ completed: true, lines: [{ line_no: 1, picked: 3 }, { line_no: 2, picked: 2 }] });
    const row = await db.selectFrom('orders').select(['status', 'picked_up_at']).where('id', '=', orders.wang!.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
    expect(row.picked_up_at).not.toBeNull();
    expectProblem(await api.post('/api/v1/pickup-day/verify', { code: wangCode }, staff), 409, 'pickup_already_completed');
    expectProblem(await api.post('/api/v1/pickup-day/verify', { qr: pickupQrText(orders.wang!.id, wangCode) }, staff), 409, 'pickup_already_completed');
    const day = await api.get('/api/v1/pickup-day', owner);
    expect(day.json().orders.map((o: { order_id: string }) => o.order_id)).not.toContain(orders.wang!.id);
  });

  it('refunds no-shows under the refund rule once, even when two runs race; the hold rule refunds nothing', async () => {
    const before = await count('refunds');
    clock.advance(5 * 86_400_000);
    expect(await settleNoShows(db, clock)).toEqual({ refunded: 0, settled: 0 }); // default rule: hold
    expect((await api.request('PUT', '/api/v1/presale-settings', { body: { no_show_rule: 'refund', no_show_days: 3 }, ...owner })).status).toBe(403);
    expectProblem(await api.request('PUT', '/api/v1/presale-settings', { body: { no_show_rule: 'refund', no_show_days: 0 }, ...admin }), 400, 'validation_failed');
    const put = await api.request('PUT', '/api/v1/presale-settings', { body: { no_show_rule: 'refund', no_show_days: 3 }, ...admin });
    expect(put.status, put.text).toBe(200);
    const day = await api.get('/api/v1/pickup-day', owner);
    expect(day.json().orders.every((o: { overdue: boolean }) => o.overdue)).toBe(true);
    const [a, b] = await Promise.all([settleNoShows(db, clock), settleNoShows(db, clock)]);
    expect(a.refunded + b.refunded).toBe(2); // li's pre-sale order and her plain one; wang's completed order had nothing left
    expect(a.settled + b.settled).toBe(3);
    expect(await count('refunds')).toBe(before + 2);
    expect((await db.selectFrom('orders').select('status').where('id', '=', orders.li!.id).executeTakeFirstOrThrow()).status).toBe('refunded');
    expect(await settleNoShows(db, clock)).toEqual({ refunded: 0, settled: 0 });
  });
});
