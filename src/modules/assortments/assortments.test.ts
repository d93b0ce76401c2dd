import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { consumerTokens, injectApi } from '../../../test/race/helpers.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';
import type { Role } from '../../platform/http/auth.js';

describe('assortments: targeting, curation, supplier changes, isolation, caps', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock, { stock: 100 });
  const t = world.tenantId;
  const api = injectApi(siyu);
  const put = (url: string, body: unknown, o: { token?: string } = {}) => api.request('PUT', url, { ...o, body });
  const patch = (url: string, body: unknown, o: { token?: string } = {}) => api.request('PATCH', url, { ...o, body });

  // Regions: north ⊃ beijing; south. Nodes: A (the world's leader) in beijing, tier 2; store S in
  // north itself, tier 1; leader K in south, tier 3.
  await db.insertInto('regions').values([
    { tenant_id: t, id: 'north', parent_id: null, name: '华北' },
    { tenant_id: t, id: 'beijing', parent_id: 'north', name: '北京' },
    { tenant_id: t, id: 'south', parent_id: null, name: '华南' },
  ]).execute();
  const nodeA = world.bNodeId;
  await db.updateTable('b_nodes').set({ region_id: 'beijing', tier: 2 }).where('tenant_id', '=', t).where('id', '=', nodeA).execute();
  const nodeS = newId('bn');
  const nodeK = newId('bn');
  for (const [id, kind, region, tier] of [[nodeS, 'store', 'north', 1], [nodeK, 'leader', 'south', 3]] as const) {
    const slug = `s-${id.slice(-8).toLowerCase()}`;
    await db.insertInto('b_nodes').values({ tenant_id: t, id, kind, name: `Node ${id.slice(-4)}`, slug, warehouse_id: world.warehouseId, region_id: region, parent_id: null, tier, pickup_lat: null, pickup_lng: null }).execute();
    await db.insertInto('shop_routes').values({ slug, tenant_id: t, b_node_id: id }).execute();
  }
  // Supplier Y with a SKU of its own.
  const supplierY = newId('sup');
  const productY = newId('prd');
  const skuY = newId('sku');
  await db.insertInto('suppliers').values({ tenant_id: t, id: supplierY, name: 'Other Farm' }).execute();
  await db.insertInto('products').values({ tenant_id: t, id: productY, supplier_id: supplierY, title: 'Pears', image_url: null }).execute();
  await db.insertInto('skus').values({ tenant_id: t, id: skuY, product_id: productY, code: 'PEAR-1', name: '1 kg', supply_price: 500, suggested_price: 900, retail_floor: 700, retail_ceiling: 1200 }).execute();

  const tokenOf = async (role: Role, scope: { b_node_id?: string; supplier_id?: string } = {}) => {
    const user = await createUser(db, t, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, ...scope });
    return { token: (await issueToken(db, clock, t, user.id, 'api', 'tests')).token };
  };
  const admin = { token: world.adminToken };
  const supplierX = await tokenOf('supplier_operator', { supplier_id: world.supplierId });
  const supplierYT = await tokenOf('supplier_operator', { supplier_id: supplierY });
  const ownerA = await tokenOf('b_owner', { b_node_id: nodeA });
  const ownerK = await tokenOf('b_owner', { b_node_id: nodeK });
  const staffA = await tokenOf('staff', { b_node_id: nodeA });

  const [sku0, sku1] = world.skus;
  const day = 86_400_000;
  const window = () => ({ valid_from: new Date(clock.now().getTime() - 1000).toISOString(), valid_until: new Date(clock.now().getTime() + 7 * day).toISOString() });
  const item = (skuId: string, over: Record<string, unknown> = {}) => ({ sku_id: skuId, supply_price: 600, retail_floor: 900, retail_ceiling: 1400, commission_bp: 1000, ...over });
  const create = async (target: Record<string, unknown>, items = [item(sku0!.id)], who = supplierX) => {
    const res = await api.post('/api/v1/assortments', { name: `Offer ${newId('n').slice(-4)}`, ...window(), target, items }, who);
    expect(res.status, res.text).toBe(201);
    return res.json();
  };
  const reachOf = async (id: string) => ((await api.get(`/api/v1/assortments/${id}/reach`, supplierX)).json().items as { id: string }[]).map((n) => n.id).sort();
  const publish = async (id: string) => expect((await api.post(`/api/v1/assortments/${id}/publish`, {}, supplierX)).status).toBe(200);
  const listingsOf = async (node: string, who = admin) => (await api.get(`/api/v1/b-nodes/${node}/listings`, who)).json().items as { sku_id: string; active: boolean; pause_reason: string | null; retail_price: number; supply_price?: number; assortment_id: string | null; cap_left: number | null }[];

  it('targets a region with everything under it, a node kind, tiers, an explicit list; nobody is a warning', async () => {
    expect(await reachOf((await create({ region_id: 'north' })).id)).toEqual([nodeA, nodeS].sort());
    expect(await reachOf((await create({ region_id: 'beijing' })).id)).toEqual([nodeA]);
    expect(await reachOf((await create({ kinds: ['leader'] })).id)).toEqual([nodeA, nodeK].sort());
    expect(await reachOf((await create({ kinds: ['leader'], tiers: [3] })).id)).toEqual([nodeK]);
    expect(await reachOf((await create({ region_id: 'north', kinds: ['store'] })).id)).toEqual([nodeS]);
    expect(await reachOf((await create({ node_ids: [nodeK] })).id)).toEqual([nodeK]);
    const nobody = await create({ region_id: 'south', kinds: ['store'] });
    expect(nobody).toMatchObject({ reach: 0, warnings: ['targets_nobody'] });
    expect(await create({})).toMatchObject({ reach: 0, warnings: ['targets_nobody'] });
    expect((await create({ region_id: 'north' })).warnings).toEqual([]);
    const unknown = await api.post('/api/v1/assortments', { name: 'x', ...window(), target: { region_id: 'atlantis' }, items: [item(sku0!.id)] }, supplierX);
    expect(unknown.json()).toMatchObject({ code: 'target_unknown' });
  });

  it('re-evaluates targeting when a node moves: the moved node sees the new region\'s assortments only', async () => {
    const north = await create({ region_id: 'north' }, [item(sku1!.id)]);
    const south = await create({ region_id: 'south' }, [item(sku1!.id)]);
    await publish(north.id);
    await publish(south.id);
    const offersOfA = async () => new Set(((await api.get(`/api/v1/b-nodes/${nodeA}/offers`, ownerA)).json().items as { assortment_id: string }[]).map((o) => o.assortment_id));
    expect((await offersOfA()).has(north.id)).toBe(true);
    expect((await offersOfA()).has(south.id)).toBe(false);
    await db.updateTable('b_nodes').set({ region_id: 'south' }).where('tenant_id', '=', t).where('id', '=', nodeA).execute();
    expect((await offersOfA()).has(north.id)).toBe(false);
    expect((await offersOfA()).has(south.id)).toBe(true);
    expect(await reachOf(north.id)).toEqual([nodeS]);
    await db.updateTable('b_nodes').set({ region_id: 'beijing' }).where('tenant_id', '=', t).where('id', '=', nodeA).execute();
  });

  it('a B owner sees only the offers aimed at its node, and lists inside the band only (422 naming it)', async () => {
    const forK = await create({ node_ids: [nodeK] });
    await publish(forK.id);
    expect(((await api.get(`/api/v1/b-nodes/${nodeA}/offers`, ownerA)).json().items as { assortment_id: string }[]).some((o) => o.assortment_id === forK.id)).toBe(false);
    // A's owner cannot list from it (not aimed at A), nor look at K's offers.
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku0!.id}`, { assortment_id: forK.id, retail_price: 1000 }, ownerA)).json().code).toBe('offer_not_found');
    expect((await api.get(`/api/v1/b-nodes/${nodeK}/offers`, ownerA)).status).toBe(404);
    expect((await api.get(`/api/v1/b-nodes/${nodeK}/offers`, staffA)).status).toBe(403);
    const low = await put(`/api/v1/b-nodes/${nodeK}/offers/${sku0!.id}`, { assortment_id: forK.id, retail_price: 899 }, ownerK);
    expect(low.status).toBe(422);
    expect(low.json()).toMatchObject({ code: 'price_outside_band', retail_floor: 900, retail_ceiling: 1400 });
    expect(low.json().detail).toContain('¥9.00–¥14.00');
    const ok = await put(`/api/v1/b-nodes/${nodeK}/offers/${sku0!.id}`, { assortment_id: forK.id, retail_price: 1200 }, ownerK);
    expect(ok.status, ok.text).toBe(200);
    const listed = (await listingsOf(nodeK, ownerK)).find((l) => l.sku_id === sku0!.id)!;
    expect(listed).toMatchObject({ active: true, retail_price: 1200, assortment_id: forK.id, supply_price: 600 });
    // The plain listing route refuses to re-price around the assortment's band.
    expect((await put(`/api/v1/b-nodes/${nodeK}/listings/${sku0!.id}`, { retail_price: 1600 }, ownerK)).json().code).toBe('listing_from_assortment');
    // Pause, then resume by listing again; remove.
    expect((await api.post(`/api/v1/b-nodes/${nodeK}/listings/${sku0!.id}/pause`, {}, ownerK)).json()).toMatchObject({ active: false, pause_reason: 'owner' });
    expect((await api.post(`/api/v1/b-nodes/${nodeK}/listings/${sku0!.id}/pause`, {}, ownerA)).status).toBe(404);
    expect((await put(`/api/v1/b-nodes/${nodeK}/offers/${sku0!.id}`, { assortment_id: forK.id, retail_price: 1200 }, ownerK)).status).toBe(200);
    expect((await listingsOf(nodeK)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: true, pause_reason: null });
    expect((await api.request('DELETE', `/api/v1/b-nodes/${nodeK}/listings/${sku0!.id}`, ownerK)).status).toBe(204);
    expect((await listingsOf(nodeK)).find((l) => l.sku_id === sku0!.id)).toBeUndefined();
  });

  it('a new supply price that would sell at a loss where a shop goes on selling is refused by the economics guard, and changes nothing', async () => {
    const offer = await create({ node_ids: [nodeA] }, [item(sku0!.id)]);
    await publish(offer.id);
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku0!.id}`, { assortment_id: offer.id, retail_price: 1000 }, ownerA)).status).toBe(200);

    const refused = await put(`/api/v1/assortments/${offer.id}/items/${sku0!.id}`, { supply_price: 990, retail_floor: 900, retail_ceiling: 1400, commission_bp: 1000 }, supplierX);
    expect(refused.status, refused.text).toBe(422);
    // The supplier learns the price its SKU sells at, not which shop.
    expect(refused.json()).toMatchObject({ code: 'economics_rejected', retail_price: 1000, supply_price: 990 });
    expect(refused.json().b_node_id).toBeUndefined();
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: true, supply_price: 600, assortment_id: offer.id });

    // A supply price the shop's price still carries goes through.
    expect((await put(`/api/v1/assortments/${offer.id}/items/${sku0!.id}`, { supply_price: 620, retail_floor: 900, retail_ceiling: 1400, commission_bp: 1000 }, supplierX)).status).toBe(200);
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: true, supply_price: 620 });
  });

  it('a supplier\'s new band pauses the listings outside it, tells their owners why, and keeps placed orders\' cost', async () => {
    const offer = await create({ node_ids: [nodeA, nodeS] }, [item(sku1!.id)]);
    await publish(offer.id);
    const ownerS = await tokenOf('b_owner', { b_node_id: nodeS });
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku1!.id}`, { assortment_id: offer.id, retail_price: 1000 }, ownerA)).status).toBe(200);
    expect((await put(`/api/v1/b-nodes/${nodeS}/offers/${sku1!.id}`, { assortment_id: offer.id, retail_price: 1300 }, ownerS)).status).toBe(200);
    const [buyer] = await consumerTokens(siyu, world.shop, 1, '151');
    const before = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: sku1!.id, quantity: 1 }] }, { token: buyer! });
    expect(before.status, before.text).toBe(201);

    const change = await put(`/api/v1/assortments/${offer.id}/items/${sku1!.id}`, { supply_price: 650, retail_floor: 1100, retail_ceiling: 1500, commission_bp: 1000 }, supplierX);
    expect(change.status, change.text).toBe(200);
    expect(change.json().paused_listings).toBe(1);
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku1!.id)).toMatchObject({ active: false, pause_reason: 'outside_band', supply_price: 650 });
    expect((await listingsOf(nodeS)).find((l) => l.sku_id === sku1!.id)).toMatchObject({ active: true, pause_reason: null, supply_price: 650 });
    const notices = (await api.get(`/api/v1/b-nodes/${nodeA}/listing-notices`, ownerA)).json().items;
    expect(notices[0]).toMatchObject({ sku_id: sku1!.id, reason: 'outside_band', details: { retail_price: 1000, retail_floor: 1100, retail_ceiling: 1500 } });
    expect((await api.get(`/api/v1/b-nodes/${nodeA}/listing-notices`, ownerK)).status).toBe(404);
    // The paused listing is off the shop; the order placed before keeps its price and cost.
    expect((await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: sku1!.id, quantity: 1 }] }, { token: buyer! })).json().code).toBe('sku_not_available');
    const line = await db.selectFrom('order_lines').select(['unit_price', 'unit_supply_cost']).where('tenant_id', '=', t).where('order_id', '=', before.json().id).executeTakeFirstOrThrow();
    expect(line).toEqual({ unit_price: 1000, unit_supply_cost: 600 });
  });

  it('withdrawal and expiry pause every listing from the assortment, with the reason', async () => {
    const withdrawn = await create({ node_ids: [nodeA] }, [item(sku0!.id)]);
    await publish(withdrawn.id);
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku0!.id}`, { assortment_id: withdrawn.id, retail_price: 1000 }, ownerA)).status).toBe(200);
    const w = await api.post(`/api/v1/assortments/${withdrawn.id}/withdraw`, {}, supplierX);
    expect(w.json()).toMatchObject({ paused_listings: 1, assortment: { status: 'withdrawn' } });
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: false, pause_reason: 'withdrawn' });
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku0!.id}`, { assortment_id: withdrawn.id, retail_price: 1000 }, ownerA)).json().code).toBe('offer_not_found');
    expect((await api.post(`/api/v1/assortments/${withdrawn.id}/publish`, {}, supplierX)).json().code).toBe('illegal_transition');

    const short = await api.post('/api/v1/assortments', { name: 'Two days', valid_from: new Date(clock.now().getTime() - 1000).toISOString(), valid_until: new Date(clock.now().getTime() + 2 * day).toISOString(), target: { node_ids: [nodeA] }, items: [item(sku0!.id)] }, supplierX);
    await publish(short.json().id);
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${sku0!.id}`, { assortment_id: short.json().id, retail_price: 1000 }, ownerA)).status).toBe(200);
    await siyu.tick();
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: true });
    clock.advance(2 * day + 1000);
    await siyu.tick();
    expect((await api.get(`/api/v1/assortments/${short.json().id}`, supplierX)).json().status).toBe('expired');
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === sku0!.id)).toMatchObject({ active: false, pause_reason: 'expired' });
    const reasons = ((await api.get(`/api/v1/b-nodes/${nodeA}/listing-notices`, ownerA)).json().items as { reason: string }[]).map((n) => n.reason);
    expect(reasons).toEqual(expect.arrayContaining(['withdrawn', 'expired']));
  });

  it('a supplier sees and changes only its own: another supplier\'s assortment, SKU, supplier and warehouse answer 404 (or 422 for a foreign SKU)', async () => {
    const mine = await create({ node_ids: [nodeA] });
    expect((await api.get(`/api/v1/assortments/${mine.id}`, supplierYT)).status).toBe(404);
    expect((await api.get(`/api/v1/assortments/${mine.id}/reach`, supplierYT)).status).toBe(404);
    expect((await api.post(`/api/v1/assortments/${mine.id}/publish`, {}, supplierYT)).status).toBe(404);
    expect((await put(`/api/v1/assortments/${mine.id}/items/${sku0!.id}`, { supply_price: 1, retail_floor: 1, retail_ceiling: 2, commission_bp: 0 }, supplierYT)).status).toBe(404);
    expect((await patch(`/api/v1/assortments/${mine.id}`, { name: 'taken' }, supplierYT)).status).toBe(404);
    const listY = (await api.get('/api/v1/assortments', supplierYT)).json().items as { supplier_id: string }[];
    expect(listY.every((a) => a.supplier_id === supplierY)).toBe(true);
    const foreign = await api.post('/api/v1/assortments', { name: 'x', ...window(), target: { node_ids: [nodeA] }, items: [item(skuY)] }, supplierX);
    expect(foreign.json()).toMatchObject({ code: 'sku_not_of_supplier', sku_ids: [skuY] });
    // Y's own assortment of its own SKU, even naming X as supplier, is Y's.
    const ys = await create({ node_ids: [nodeA] }, [item(skuY, { retail_floor: 700, retail_ceiling: 1200 })], supplierYT);
    expect(ys.supplier_id).toBe(supplierY);
    expect((await api.get(`/api/v1/suppliers/${world.supplierId}`, supplierYT)).status).toBe(404);
    expect((await api.get(`/api/v1/suppliers/${supplierY}`, supplierYT)).json()).toMatchObject({ id: supplierY });
    const whX = await api.post('/api/v1/warehouses', { name: 'X depot' }, supplierX);
    expect(whX.json()).toMatchObject({ supplier_id: world.supplierId });
    expect((await api.get(`/api/v1/warehouses/${whX.json().id}/stock`, supplierYT)).status).toBe(404);
    expect((await api.request('PUT', '/api/v1/stock', { ...supplierYT, body: { warehouse_id: whX.json().id, sku_id: skuY, on_hand: 5 } })).status).toBe(404);
    expect(((await api.get('/api/v1/warehouses', supplierYT)).json().items as { id: string }[]).map((w) => w.id)).not.toContain(whX.json().id);
    // Consumers, staff and owners have no assortment screens.
    for (const who of [ownerA, staffA]) expect((await api.get('/api/v1/assortments', who)).status).toBe(403);
    expect((await api.get('/api/v1/assortments')).status).toBe(401);
  });

  it('an admin creates suppliers and their operator logins; an operator signs in to its own supplier', async () => {
    const sup = await api.post('/api/v1/suppliers', { name: '自营', kind: 'tenant' }, admin);
    expect(sup.json()).toMatchObject({ kind: 'tenant' });
    expect((await patch(`/api/v1/suppliers/${sup.json().id}`, { name: '自营品牌' }, admin)).json()).toMatchObject({ name: '自营品牌', kind: 'tenant' });
    const op = await api.post(`/api/v1/suppliers/${sup.json().id}/operators`, { login: 'own-brand', display_name: '运营', password: 'op-password-1' }, admin);
    expect(op.status, op.text).toBe(201);
    expect((await api.get(`/api/v1/suppliers/${sup.json().id}/operators`, admin)).json().items).toHaveLength(1);
    expect((await api.post(`/api/v1/suppliers/${sup.json().id}/operators`, { login: 'x', display_name: 'x', password: 'op-password-1' }, supplierX)).status).toBe(403);
    expect((await api.post('/api/v1/suppliers/nope/operators', { login: 'y', display_name: 'y', password: 'op-password-1' }, admin)).status).toBe(404);
    const login = await api.post('/api/v1/auth/login', { tenant: world.tenantSlug, login: 'own-brand', password: 'op-password-1' });
    expect(login.json().user).toMatchObject({ role: 'supplier_operator', supplier_id: sup.json().id });
  });

  it('caps what one B node sells of a SKU from an assortment, at checkout', async () => {
    const capped = await create({ node_ids: [nodeA] }, [item(world.skus[2]!.id, { retail_floor: 1000, retail_ceiling: 1800, node_cap: 3 })]);
    await publish(capped.id);
    expect((await put(`/api/v1/b-nodes/${nodeA}/offers/${world.skus[2]!.id}`, { assortment_id: capped.id, retail_price: 1500 }, ownerA)).status).toBe(200);
    const [buyer] = await consumerTokens(siyu, world.shop, 1, '152');
    const order = (lines: { sku_id: string; quantity: number }[]) => api.post('/api/v1/orders', { shop: world.shop, lines }, { token: buyer! });
    expect((await order([{ sku_id: world.skus[2]!.id, quantity: 4 }])).json().code).toBe('listing_cap_reached');
    const second = await order([{ sku_id: world.skus[2]!.id, quantity: 2 }]);
    expect(second.status).toBe(201);
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === world.skus[2]!.id)!.cap_left).toBe(1);
    expect((await order([{ sku_id: world.skus[2]!.id, quantity: 2 }])).json().code).toBe('listing_cap_reached');
    const last = await order([{ sku_id: world.skus[2]!.id, quantity: 1 }]);
    expect(last.status, last.text).toBe(201);
    expect((await order([{ sku_id: world.skus[2]!.id, quantity: 1 }])).json().code).toBe('listing_cap_reached');
    // Re-pricing keeps what is left of the cap.
    await put(`/api/v1/b-nodes/${nodeA}/offers/${world.skus[2]!.id}`, { assortment_id: capped.id, retail_price: 1600 }, ownerA);
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === world.skus[2]!.id)!.cap_left).toBe(0);
    // Orders that close unpaid give their units back: one cancelled, the other expired.
    const cancelled = await api.post(`/api/v1/orders/${second.json().id}/cancel`, {}, { token: buyer! });
    expect(cancelled.status, cancelled.text).toBeLessThan(300);
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === world.skus[2]!.id)!.cap_left).toBe(2);
    clock.advance(60 * 60_000);
    await siyu.tick();
    expect((await listingsOf(nodeA)).find((l) => l.sku_id === world.skus[2]!.id)!.cap_left).toBe(3);
  });

  it('concurrent checkouts never sell past the cap', async () => {
    const skuId = world.skus[1]!.id;
    const capped = await create({ node_ids: [nodeS] }, [item(skuId, { retail_floor: 1000, retail_ceiling: 1800, node_cap: 2 })]);
    await publish(capped.id);
    const ownerS = await tokenOf('b_owner', { b_node_id: nodeS });
    expect((await put(`/api/v1/b-nodes/${nodeS}/offers/${skuId}`, { assortment_id: capped.id, retail_price: 1500 }, ownerS)).status).toBe(200);
    const slug = (await db.selectFrom('b_nodes').select('slug').where('tenant_id', '=', t).where('id', '=', nodeS).executeTakeFirstOrThrow()).slug;
    const buyers = await consumerTokens(siyu, slug, 6, '153');
    const answers = await Promise.all(buyers.map((b) => api.post('/api/v1/orders', { shop: slug, lines: [{ sku_id: skuId, quantity: 1 }] }, { token: b })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.json().code)).toEqual(Array(4).fill('listing_cap_reached'));
    expect((await listingsOf(nodeS)).find((l) => l.sku_id === skuId)!.cap_left).toBe(0);
  });

  it('a node that leaves an assortment\'s segment (moved, or the assortment retargeted) has its listings from it paused', async () => {
    const skuId = world.skus[0]!.id;
    const ownerS = await tokenOf('b_owner', { b_node_id: nodeS });
    const north = await create({ region_id: 'north', kinds: ['store'] }, [item(skuId)]);
    await publish(north.id);
    expect((await put(`/api/v1/b-nodes/${nodeS}/offers/${skuId}`, { assortment_id: north.id, retail_price: 1200 }, ownerS)).status).toBe(200);
    await siyu.tick();
    expect((await listingsOf(nodeS)).find((l) => l.sku_id === skuId)).toMatchObject({ active: true });
    await db.updateTable('b_nodes').set({ region_id: 'south' }).where('tenant_id', '=', t).where('id', '=', nodeS).execute();
    await siyu.tick();
    expect((await listingsOf(nodeS)).find((l) => l.sku_id === skuId)).toMatchObject({ active: false, pause_reason: 'untargeted' });
    expect(((await api.get(`/api/v1/b-nodes/${nodeS}/listing-notices`, ownerS)).json().items as { reason: string }[])[0]!.reason).toBe('untargeted');
    await db.updateTable('b_nodes').set({ region_id: 'north' }).where('tenant_id', '=', t).where('id', '=', nodeS).execute();

    const forK = await create({ node_ids: [nodeK] }, [item(skuId)]);
    await publish(forK.id);
    expect((await put(`/api/v1/b-nodes/${nodeK}/offers/${skuId}`, { assortment_id: forK.id, retail_price: 1200 }, ownerK)).status).toBe(200);
    const retarget = await patch(`/api/v1/assortments/${forK.id}`, { target: { node_ids: [nodeS] } }, supplierX);
    expect(retarget.json()).toMatchObject({ paused_listings: 1, assortment: { reach: 1 } });
    expect((await listingsOf(nodeK)).find((l) => l.sku_id === skuId)).toMatchObject({ active: false, pause_reason: 'untargeted' });
  });
});
