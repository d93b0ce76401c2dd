import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { newId } from '../../platform/ids.js';

describe('the B-node hierarchy and pickup points', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const other = await seedWorld(db, clock);
  const inject = siyu.server.inject.bind(siyu.server);
  const admin = auth(world.adminToken);
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  const storeId = newId('bn');
  await db.insertInto('b_nodes').values({ tenant_id: world.tenantId, id: storeId, kind: 'store', name: 'Store Wang', slug: `store-${world.tenantSlug}`, warehouse_id: world.warehouseId }).execute();
  const ownerOf = async (bNodeId: string, tenantId = world.tenantId, role: 'b_owner' | 'staff' = 'b_owner') => {
    const user = await createUser(db, tenantId, { login: `${role}-${newId("u").slice(-8)}`, display_name: `${role} of ${bNodeId}`, role, password: 'owner-password', b_node_id: bNodeId });
    return auth((await issueToken(db, clock, tenantId, user.id, 'api', 'tests')).token);
  };

  it('regions form a tree: a region cannot move under itself or its own subregion', async () => {
    const east = (await api('POST', '/regions', admin, { name: '华东' })).json();
    const sh = (await api('POST', '/regions', admin, { name: '上海', parent_id: east.id })).json();
    const pd = (await api('POST', '/regions', admin, { name: '浦东', parent_id: sh.id })).json();
    expect(pd.parent_id).toBe(sh.id);
    const loop = await api('PATCH', `/regions/${east.id}`, admin, { parent_id: pd.id });
    expect(loop.statusCode).toBe(422);
    expect(loop.json().code).toBe('region_cycle');
    expect((await api('PATCH', `/regions/${east.id}`, admin, { parent_id: east.id })).json().code).toBe('region_cycle');
    // The database refuses the same loop when the service is bypassed.
    await expect(db.updateTable('regions').set({ parent_id: pd.id }).where('id', '=', east.id).execute()).rejects.toThrow(/ancestor/);
    const moved = await api('PATCH', `/regions/${pd.id}`, admin, { parent_id: east.id, name: '浦东新区' });
    expect(moved.json()).toMatchObject({ parent_id: east.id, name: '浦东新区' });
    expect((await api('DELETE', `/regions/${east.id}`, admin)).json().code).toBe('region_not_empty');
    expect((await api('POST', '/regions', admin, { name: 'x', parent_id: 'rgn_nope' })).json().code).toBe('region_not_found');
    // Another tenant's region is not found.
    expect((await api('PATCH', `/regions/${east.id}`, auth(other.adminToken), { name: 'mine' })).statusCode).toBe(404);
    const regions = (await api('GET', '/regions', admin)).json().items;
    expect(regions.map((r: { name: string }) => r.name).sort()).toEqual(['上海', '华东', '浦东新区']);
  });

  it('a leader sits under a store, never under a leader; a store under nothing', async () => {
    const region = (await api('POST', '/regions', admin, { name: '北京' })).json();
    const placed = await api('PATCH', `/b-nodes/${world.bNodeId}/placement`, admin, { region_id: region.id, parent_id: storeId, tier: 3 });
    expect(placed.statusCode).toBe(200);
    expect(placed.json()).toMatchObject({ region_id: region.id, parent_id: storeId, tier: 3 });
    const underLeader = await api('PATCH', `/b-nodes/${storeId}/placement`, admin, { parent_id: world.bNodeId });
    expect(underLeader.json().code).toBe('parent_not_store');
    await expect(db.updateTable('b_nodes').set({ parent_id: world.bNodeId }).where('id', '=', storeId).execute()).rejects.toThrow(/must be a store/);
    expect((await api('PATCH', `/b-nodes/${world.bNodeId}/placement`, admin, { tier: 10 })).statusCode).toBe(400);
    const tree = (await api('GET', '/hierarchy', admin)).json();
    expect(tree.nodes.find((n: { id: string }) => n.id === world.bNodeId)).toMatchObject({ parent_id: storeId, region_id: region.id, tier: 3 });
    // An owner may not rearrange the tree.
    expect((await api('PATCH', `/b-nodes/${world.bNodeId}/placement`, await ownerOf(world.bNodeId, world.tenantId, 'staff'), { tier: 1 })).statusCode).toBe(403);
  });

  it('staff show under their node in the tree', async () => {
    await ownerOf(storeId, world.tenantId, 'staff');
    const tree = (await api('GET', '/hierarchy', admin)).json();
    expect(tree.staff).toContainEqual(expect.objectContaining({ b_node_id: storeId }));
  });

  it('an owner edits its own pickup point, with GCJ-02 coordinates inside China; another node answers 404', async () => {
    const owner = await ownerOf(world.bNodeId);
    const point = { address: '上海市浦东新区世纪大道 100 号', lat: 31.2354, lng: 121.5055, hours: '周一至周日 9:00–21:00' };
    const set = await api('PUT', `/b-nodes/${world.bNodeId}/pickup-point`, owner, point);
    expect(set.statusCode).toBe(200);
    expect(set.json().map_url).toBe(`https://uri.amap.com/marker?position=121.5055%2C31.2354&name=Leader+Li&coordinate=gaode&callnative=1`);
    expect((await api('PUT', `/b-nodes/${storeId}/pickup-point`, owner, point)).statusCode).toBe(404);
    expect((await api('PUT', `/b-nodes/${other.bNodeId}/pickup-point`, admin, point)).statusCode).toBe(404);
    const london = await api('PUT', `/b-nodes/${world.bNodeId}/pickup-point`, owner, { ...point, lat: 51.5, lng: -0.12 });
    expect(london.statusCode).toBe(422);
    expect(london.json().code).toBe('coordinates_outside_china');
    expect((await api('PUT', `/b-nodes/${world.bNodeId}/pickup-point`, owner, { ...point, lng: null })).statusCode).toBe(400);
    const staff = await ownerOf(world.bNodeId, world.tenantId, 'staff');
    expect((await api('PUT', `/b-nodes/${world.bNodeId}/pickup-point`, staff, point)).statusCode).toBe(403);
    expect((await api('GET', `/b-nodes/${world.bNodeId}/pickup-point`, staff)).json().address).toBe(point.address);
    const consumer = auth(await consumerToken(siyu, world.shop, '13900001111'));
    expect((await api('PUT', `/b-nodes/${world.bNodeId}/pickup-point`, consumer, point)).statusCode).toBe(403);

    // The shop shows it to anyone, unchanged by the refused attempts.
    const shown = await inject({ method: 'GET', url: `/api/v1/shops/${world.shop}/pickup-point` });
    expect(shown.json()).toMatchObject({ address: point.address, lat: point.lat, lng: point.lng, hours: point.hours, map_url: expect.stringContaining('uri.amap.com/marker') });
  });
});
