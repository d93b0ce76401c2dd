import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { auth, consumerToken, manualClock, seedWorld, startSiyu } from '../../../test/fixtures.js';
import { fakeWecom, wecomEvent } from '../../../test/wecom-fake.js';
import { inTransaction } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { createUser, issueToken } from '../identity/identity.service.js';
import { crmWecomEventHandler } from '../../flows/crm-events.flow.js';
import type { Role } from '../../platform/http/auth.js';
import type { WecomEvent } from '../wecom/wecom.provider.js';

describe('the CRM console API', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const wecom = fakeWecom();
  const siyu = await startSiyu(db, clock, undefined, { wecomApi: async () => wecom.api });
  const world = await seedWorld(db, clock, { stock: 100 });
  const t = world.tenantId;
  const nodeB = newId('bn');
  await db.insertInto('b_nodes').values({ tenant_id: t, id: nodeB, kind: 'store', name: 'Store B', slug: `${world.shop}-b`, warehouse_id: world.warehouseId }).execute();
  const tokenOf = async (role: Role, scope: { b_node_id?: string; supplier_id?: string } = {}) => {
    const user = await createUser(db, t, { login: `${role}-${newId('u').slice(-6)}`, display_name: role, role, password: 'password-123', ...scope });
    return { id: user.id, token: (await issueToken(db, clock, t, user.id, 'api', 'tests')).token };
  };
  const ownerA = await tokenOf('b_owner', { b_node_id: world.bNodeId });
  const staffB = await tokenOf('staff', { b_node_id: nodeB });
  const supplier = await tokenOf('supplier_operator', { supplier_id: world.supplierId });
  await db.insertInto('wecom_members').values([
    { tenant_id: t, userid: 'zhang', name: '张店长', b_node_id: world.bNodeId, user_id: ownerA.id },
    { tenant_id: t, userid: 'wang', name: '王导购', b_node_id: nodeB, user_id: staffB.id },
  ]).execute();
  const handle = (event: WecomEvent) => inTransaction(db, (tx) => crmWecomEventHandler(tx, t, event));
  const drain = async () => { while ((await siyu.tick()).jobs > 0) { /* empty the queue */ } };
  let key = 0;
  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) =>
    siyu.server.inject({ method, url: `/api/v1${url}`, headers: auth(token, { 'idempotency-key': `k-${++key}` }), ...(payload ? { payload } : {}) });

  await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-a', state: 'store-a' }));
  await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'wang', externalUserId: 'wm-b' }));
  const idOf = async (ext: string) => (await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', t).where('subject', '=', ext).executeTakeFirstOrThrow()).customer_id;
  const a = await idOf('wm-a');
  const b = await idOf('wm-b');

  it('puts paid orders and refunds in the buyer\'s timeline, and shows the page with masked phones', async () => {
    const token = await consumerToken(siyu, world.shop, '13812345678');
    const order = (await req('POST', '/orders', token, { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }] })).json();
    const pay = (await req('POST', `/orders/${order.id}/payments`, token, {})).json();
    await req('POST', `/sandbox/payments/${pay.payment_id}/pay`, token, {});
    await drain();
    const refund = await req('POST', `/orders/${order.id}/refunds`, world.adminToken, { lines: [{ line_no: 1, quantity: 1 }], reason: 'bruised' });
    expect(refund.statusCode).toBe(201);
    const buyer = (await db.selectFrom('orders').select('customer_id').where('id', '=', order.id).executeTakeFirstOrThrow()).customer_id;
    const page = await req('GET', `/customers/${buyer}`, world.adminToken);
    expect(page.statusCode).toBe(200);
    expect(page.json().phone).toBe('138****5678');
    expect(page.json().identities.find((i: { provider: string }) => i.provider === 'phone')?.subject ?? '138****5678').toBe('138****5678');
    expect(page.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(['refunded', 'ordered']);
    expect(page.json().timeline[1].data).toMatchObject({ order_id: order.id, total: world.skus[0]!.price * 2 });
    expect(page.json().recent_orders).toHaveLength(1);
    expect(page.json().spend).toBe(world.skus[0]!.price);
    const spenders = (await req('GET', `/customers?min_spend=1`, world.adminToken)).json();
    expect(spenders.items.map((c: { id: string }) => c.id)).toEqual([buyer]);
    // The admin reveals the phone, audited; an owner may not.
    expect((await req('POST', `/customers/${buyer}/phone`, world.adminToken)).json()).toEqual({ phone: '13812345678' });
    expect(await db.selectFrom('audit_log').select('action').where('tenant_id', '=', t).where('action', '=', 'customer.phone_revealed').execute()).toHaveLength(1);
    expect((await req('POST', `/customers/${buyer}/phone`, ownerA.token)).statusCode).toBe(403);
  });

  it('scopes customers to the node and its members for owners and staff; others get 403, another node\'s customer 404', async () => {
    const all = (await req('GET', '/customers', world.adminToken)).json().items.map((c: { id: string }) => c.id);
    expect(all).toEqual(expect.arrayContaining([a, b]));
    const mine = (await req('GET', '/customers', ownerA.token)).json().items.map((c: { id: string }) => c.id);
    expect(mine).toContain(a);
    expect(mine).not.toContain(b);
    expect((await req('GET', `/customers/${b}`, ownerA.token)).statusCode).toBe(404);
    expect((await req('GET', `/customers/${b}`, staffB.token)).json().owners).toEqual([{ userid: 'wang', name: '王导购' }]);
    expect((await req('GET', '/customers?owner=zhang', staffB.token)).json().items).toEqual([]);
    expect((await req('GET', '/customers', supplier.token)).statusCode).toBe(403);
    const consumer = await consumerToken(siyu, world.shop, '13900000001');
    expect((await req('GET', '/customers', consumer)).statusCode).toBe(403);
    expect((await req('GET', '/churn-alerts', consumer)).statusCode).toBe(403);
    expect((await req('POST', `/customers/${b}/tags`, ownerA.token, { add: [] })).statusCode).toBe(404);
  });

  it('edits tags in the console and tags customers, filtering the list by them', async () => {
    const group = await req('POST', '/customer-tag-groups', world.adminToken, { name: '偏好', tags: ['水果', '蔬菜'] });
    expect(group.statusCode).toBe(201);
    expect((await req('POST', '/customer-tag-groups', ownerA.token, { name: 'x' })).statusCode).toBe(403);
    const [fruit, veg] = group.json().tags;
    await drain(); // WeCom has the group and its tags now
    const tagged = await req('POST', `/customers/${a}/tags`, ownerA.token, { add: [fruit.id, veg.id] });
    expect(tagged.json()).toEqual({ added: [fruit.id, veg.id], removed: [] });
    expect((await req('POST', `/customers/${a}/tags`, ownerA.token, { add: ['nope'] })).statusCode).toBe(404);
    expect((await req('GET', `/customers?tags_all=${fruit.id},${veg.id}`, world.adminToken)).json().items.map((c: { id: string }) => c.id)).toEqual([a]);
    expect((await req('DELETE', `/customer-tags/${veg.id}`, world.adminToken)).statusCode).toBe(204);
    expect((await req('GET', `/customers/${a}`, world.adminToken)).json().tags).toEqual([{ id: fruit.id, name: '水果' }]);
    await drain();
    expect(wecom.calls.filter((c) => c.api === 'addCorpTag')).toHaveLength(1);
    const vegWecomId = wecom.tags.flatMap((g) => g.tag).find((x) => x.name === '蔬菜')!.id;
    expect(wecom.calls.filter((c) => c.api === 'delCorpTag')).toEqual([{ api: 'delCorpTag', request: { tag_id: [vegWecomId] } }]);
  });

  it('lists churn alerts to the member\'s node and lets its owner acknowledge them', async () => {
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'del_follow_user', userId: 'zhang', externalUserId: 'wm-a' }));
    const alerts = (await req('GET', '/churn-alerts', ownerA.token)).json().items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ customer_id: a, userid: 'zhang', member_name: '张店长', b_node_id: world.bNodeId });
    expect((await req('GET', '/churn-alerts', staffB.token)).json().items).toEqual([]);
    expect((await req('POST', `/churn-alerts/${alerts[0].id}/acknowledge`, staffB.token)).statusCode).toBe(404);
    const ack = await req('POST', `/churn-alerts/${alerts[0].id}/acknowledge`, ownerA.token);
    expect(ack.statusCode).toBe(200);
    expect(ack.json().acknowledged_at).not.toBeNull();
    expect((await req('GET', '/churn-alerts', ownerA.token)).json().items).toEqual([]);
    expect((await req('POST', `/churn-alerts/${alerts[0].id}/acknowledge`, ownerA.token)).statusCode).toBe(404);
  });

  it('shows groups with members and their orders, scoped to the node', async () => {
    wecom.groups.set('wr-b', { chat_id: 'wr-b', name: 'B 群', owner: 'wang', create_time: 1_790_000_000, member_version: 'v1', member_list: [
      { userid: 'wang', type: 1, join_time: 1_790_000_000, join_scene: 1 }, { userid: 'wm-b', type: 2, join_time: 1_790_000_001, join_scene: 3 },
    ] });
    await handle(wecomEvent({ event: 'change_external_chat', changeType: 'create', chatId: 'wr-b' }));
    await drain();
    const list = (await req('GET', '/customer-groups', staffB.token)).json().items;
    expect(list).toMatchObject([{ name: 'B 群', owner_name: '王导购', member_count: 2, customers: 1, b_node_id: nodeB }]);
    expect((await req('GET', '/customer-groups', ownerA.token)).json().items).toEqual([]);
    expect((await req('GET', `/customer-groups/${list[0].id}`, ownerA.token)).statusCode).toBe(404);
    const detail = (await req('GET', `/customer-groups/${list[0].id}`, world.adminToken)).json();
    expect(detail.members.map((m: { member_key: string; customer_id: string | null }) => [m.member_key, m.customer_id])).toEqual([['wang', null], ['wm-b', b]]);
    expect((await req('GET', `/customers?group_id=${list[0].id}`, world.adminToken)).json().items.map((c: { id: string }) => c.id)).toEqual([b]);
  });
});
