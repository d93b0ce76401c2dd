/**
 * The reach screens' pickers: members and stores found by name or id, active members only, and a
 * node role's lists confined to its node — another node's members and store never listed.
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { newId } from '../../platform/ids.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import type { Role } from '../../platform/http/auth.js';

describe('member and store pickers', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const siyu = await startSiyu(db, clock);
  const world = await seedWorld(db, clock);
  const t = world.tenantId;
  const nodeB = newId('bn');
  await db.insertInto('b_nodes').values({ tenant_id: t, id: nodeB, kind: 'store', name: '滨江店', slug: `${world.shop}-b`, warehouse_id: world.warehouseId }).execute();
  const tokenOf = async (role: Role, bNodeId: string) => {
    const user = await createUser(db, t, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, password: 'password-123', b_node_id: bNodeId });
    return (await issueToken(db, clock, t, user.id, 'api', 'tests')).token;
  };
  const ownerA = await tokenOf('b_owner', world.bNodeId);
  const staffB = await tokenOf('staff', nodeB);
  await db.insertInto('wecom_members').values([
    { tenant_id: t, userid: 'zhang', name: '张店长', b_node_id: world.bNodeId },
    { tenant_id: t, userid: 'zhao', name: '赵导购', b_node_id: world.bNodeId },
    { tenant_id: t, userid: 'gone', name: '张离职', b_node_id: world.bNodeId, status: 'left' },
    { tenant_id: t, userid: 'wang', name: '王导购', b_node_id: nodeB },
    { tenant_id: t, userid: 'hq', name: '总部运营', b_node_id: null },
  ]).execute();
  await db.insertInto('customer_groups').values([
    { tenant_id: t, id: 'grp_a1', chat_id: 'wr_a1', name: '水果团一群', owner_userid: 'zhang', b_node_id: world.bNodeId, member_count: 12 },
    { tenant_id: t, id: 'grp_a2', chat_id: 'wr_a2', name: '水果团二群', owner_userid: 'zhao', b_node_id: world.bNodeId },
    { tenant_id: t, id: 'grp_a3', chat_id: 'wr_a3', name: '水果团旧群', owner_userid: 'zhang', b_node_id: world.bNodeId, status: 'dismissed' },
    { tenant_id: t, id: 'grp_b1', chat_id: 'wr_b1', name: '滨江水果群', owner_userid: 'wang', b_node_id: nodeB },
  ]).execute();
  const get = async (url: string, token: string) => siyu.server.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
  const userids = async (url: string, token: string) => (await get(url, token)).json().items.map((m: { userid: string }) => m.userid);

  it('lists active members by name or userid, with their store; an admin may narrow to a store', async () => {
    const all = await userids('/reach/members', world.adminToken);
    expect([...all].sort()).toEqual(['hq', 'wang', 'zhang', 'zhao']);
    expect(await userids(`/reach/members?q=${encodeURIComponent('张')}`, world.adminToken)).toEqual(['zhang']);
    expect(await userids('/reach/members?q=WAN', world.adminToken)).toEqual(['wang']);
    expect(await userids(`/reach/members?b_node_id=${nodeB}`, world.adminToken)).toEqual(['wang']);
    const zhang = (await get('/reach/members?q=zhang', world.adminToken)).json().items[0];
    expect(zhang).toMatchObject({ userid: 'zhang', name: '张店长', b_node_id: world.bNodeId, status: 'active' });
    // A handover starts from a member who left: offered when asked for, after the active ones.
    expect(await userids(`/reach/members?q=${encodeURIComponent('张')}&include_left=true`, world.adminToken)).toEqual(['zhang', 'gone']);
    expect(zhang.b_node_name).toBeTruthy();
    // A search pattern's wildcards are taken literally.
    expect(await userids('/reach/members?q=%25', world.adminToken)).toEqual([]);
  });

  it('keeps a node role to its node\'s members, whatever store it asks for', async () => {
    expect((await userids('/reach/members', ownerA)).sort()).toEqual(['zhang', 'zhao']);
    expect(await userids(`/reach/members?b_node_id=${nodeB}`, ownerA)).not.toContain('wang');
    expect(await userids('/reach/members?q=wang', ownerA)).toEqual([]);
    expect(await userids('/reach/members', staffB)).toEqual(['wang']);
    expect(await userids('/reach/members?include_left=true', staffB)).toEqual(['wang']);
  });

  it('lists the stores the user may act for: all for an admin, its own for a node role', async () => {
    const all = (await get('/reach/stores', world.adminToken)).json().items.map((s: { id: string }) => s.id);
    expect(all).toEqual(expect.arrayContaining([world.bNodeId, nodeB]));
    expect((await get(`/reach/stores?q=${encodeURIComponent('滨江')}`, world.adminToken)).json().items).toEqual([{ id: nodeB, name: '滨江店' }]);
    expect((await get('/reach/stores', ownerA)).json().items.map((s: { id: string }) => s.id)).toEqual([world.bNodeId]);
    expect((await get(`/reach/stores?q=${encodeURIComponent('滨江')}`, ownerA)).json().items).toEqual([]);
    expect((await get('/reach/stores', staffB)).json().items.map((s: { id: string }) => s.id)).toEqual([nodeB]);
  });

  it('finds active groups by name or owner, a node role\'s own node\'s only', async () => {
    const ids = async (url: string, token: string) => (await get(url, token)).json().items.map((g: { id: string }) => g.id).sort();
    expect(await ids(`/reach/groups?q=${encodeURIComponent('水果')}`, world.adminToken)).toEqual(['grp_a1', 'grp_a2', 'grp_b1']);
    expect(await ids('/reach/groups?owner_userid=zhang', world.adminToken)).toEqual(['grp_a1']);
    expect((await get('/reach/groups?q=wr_a1', world.adminToken)).json().items).toEqual([
      { id: 'grp_a1', chat_id: 'wr_a1', name: '水果团一群', owner_userid: 'zhang', owner_name: '张店长', b_node_id: world.bNodeId, member_count: 12 },
    ]);
    expect(await ids('/reach/groups', ownerA)).toEqual(['grp_a1', 'grp_a2']);
    expect(await ids(`/reach/groups?b_node_id=${nodeB}`, ownerA)).toEqual(['grp_a1', 'grp_a2']);
    expect(await ids('/reach/groups?owner_userid=wang', ownerA)).toEqual([]);
    expect(await ids('/reach/groups', staffB)).toEqual(['grp_b1']);
  });

  it('refuses the signed-out and bad queries', async () => {
    expect((await siyu.server.inject({ method: 'GET', url: '/api/v1/reach/members' })).statusCode).toBe(401);
    expect((await get('/reach/members?limit=1000', world.adminToken)).statusCode).toBe(400);
    expect((await get('/reach/stores?bogus=1', world.adminToken)).statusCode).toBe(400);
  });
});
