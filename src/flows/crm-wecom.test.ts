import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock } from '../../test/fixtures.js';
import { wecomWorld } from '../../test/wecom-world.js';
import { simCreateGroup, simCustomerDeletesMember, simJoinGroup, simLeaveGroup, simScanContactWay } from '../simulators/wecom/wecom.sim-state.js';

const CORP = 'wwcrm000000000001';

/** The CRM end to end through the WeCom simulator: signed, encrypted callbacks in, API calls out. */
describe('the CRM through WeCom\'s signed callbacks (simulator)', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date());
  const { world, api, post, drain, req } = await wecomWorld(db, clock, CORP);
  const get = (url: string) => req('GET', url);
  const postApi = (url: string, payload: object) => req('POST', url, payload);

  it('scan → customer with WeCom\'s name and the code\'s state → in a group → tagged in WeCom → deletes the member: churn alert', async () => {
    const way = await api.addContactWay({ type: 1, scene: 2, state: 'store-1', user: ['zhangsan'] });
    const scan = await simScanContactWay(db, post, clock.now(), { corpId: CORP, configId: way.config_id, person: 'alice', name: 'Alice' });
    if ('errcode' in scan) throw new Error(String(scan.errcode));
    await drain();
    const list = (await get(`/customers?owner=zhangsan`)).json().items;
    expect(list).toMatchObject([{ name: 'Alice', channel: 'wecom:store-1', b_node_id: world.bNodeId, owners: [{ userid: 'zhangsan', name: '张三' }] }]);
    const customerId = list[0].id as string;

    const group = await simCreateGroup(db, post, clock.now(), { corpId: CORP, owner: 'zhangsan', name: '一店福利群' });
    if ('errcode' in group) throw new Error(String(group.errcode));
    await simJoinGroup(db, post, clock.now(), { corpId: CORP, chatId: group.chat_id, person: 'alice' });
    await drain();
    const groups = (await get('/customer-groups')).json().items;
    expect(groups).toMatchObject([{ chat_id: group.chat_id, name: '一店福利群', member_count: 2, customers: 1, b_node_id: world.bNodeId }]);
    expect((await get(`/customers?group_id=${groups[0].id}`)).json().items.map((c: { id: string }) => c.id)).toEqual([customerId]);

    clock.advance(2000);
    const made = await postApi('/customer-tag-groups', { name: '会员', tags: ['VIP'] });
    expect(made.statusCode).toBe(201);
    await drain();
    const vip = (await get('/customer-tags')).json().items.find((g: { name: string }) => g.name === '会员').tags[0];
    expect(vip.wecom_id).not.toBeNull();
    expect((await postApi(`/customers/${customerId}/tags`, { add: [vip.id] })).statusCode).toBe(200);
    await drain();
    expect((await api.getExternalContact(scan.external_userid)).follow_user[0]!.tags).toEqual([expect.objectContaining({ tag_id: vip.wecom_id, tag_name: 'VIP' })]);

    clock.advance(2000);
    await simLeaveGroup(db, post, clock.now(), { corpId: CORP, chatId: group.chat_id, externalUserid: scan.external_userid });
    await simCustomerDeletesMember(db, post, clock.now(), { corpId: CORP, userid: 'zhangsan', externalUserid: scan.external_userid });
    await drain();
    const page = (await get(`/customers/${customerId}`)).json();
    expect(page.timeline.map((e: { kind: string }) => e.kind).reverse()).toEqual(['added', 'joined_group', 'tagged', 'left_group', 'removed_member', 'churn_alert']);
    expect((await get('/churn-alerts')).json().items).toMatchObject([{ customer_id: customerId, userid: 'zhangsan' }]);
  });
});
