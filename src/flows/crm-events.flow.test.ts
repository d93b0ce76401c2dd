import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock, seedWorld, startSiyu } from '../../test/fixtures.js';
import { fakeWecom, wecomEvent } from '../../test/wecom-fake.js';
import { inTransaction } from '../platform/db/database.js';
import { signInWithWechat } from '../modules/customers/customer-identities.service.js';
import { createTagGroup, tagCustomer } from '../modules/crm/crm-tags.service.js';
import { customersMatching } from '../modules/crm/crm.fragments.js';
import type { WecomEvent } from '../modules/wecom/wecom.provider.js';
import { crmWecomEventHandler } from './crm-events.flow.js';

describe('WeCom events in the CRM', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const wecom = fakeWecom();
  const siyu = await startSiyu(db, clock, undefined, { wecomApi: async () => wecom.api });
  const world = await seedWorld(db, clock);
  const t = world.tenantId;
  await db.insertInto('wecom_members').values({ tenant_id: t, userid: 'zhang', name: '张店长', b_node_id: world.bNodeId }).execute();

  const handle = (event: WecomEvent) => inTransaction(db, (tx) => crmWecomEventHandler(tx, t, event));
  const drain = async () => { while ((await siyu.tick()).jobs > 0) { /* until the queue is empty */ } };
  const customerOf = async (external: string) => (await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', t)
    .where('provider', '=', 'wecom_external_userid').where('subject', '=', external).executeTakeFirst())?.customer_id;
  const timeline = async (customerId: string) => (await db.selectFrom('customer_events').select(['kind', 'userid', 'data']).where('tenant_id', '=', t)
    .where('customer_id', '=', customerId).orderBy('occurred_at').orderBy('id').execute());
  const follow = (customerId: string, userid: string) => db.selectFrom('customer_follows').selectAll().where('tenant_id', '=', t).where('customer_id', '=', customerId).where('userid', '=', userid).executeTakeFirst();
  const contact = (external: string, name: string, follows: { userid: string; remark?: string; tags?: string[] }[], unionid?: string) => {
    wecom.contacts.set(external, {
      contact: { external_userid: external, name, type: 1, ...(unionid ? { unionid } : {}) },
      follow: follows.map((f) => ({ userid: f.userid, remark: f.remark ?? '', createtime: 1_790_000_000, tags: (f.tags ?? []).map((id) => ({ group_name: 'g', tag_name: id, tag_id: id, type: 1 as const })) })),
    });
  };

  it('adds a customer on add_external_contact: identity, follow, the member\'s node, the state as channel, "added" once', async () => {
    contact('wm-a1', '李女士', [{ userid: 'zhang', remark: '买过草莓' }]);
    const event = wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-a1', state: 'store-1', welcomeCode: 'wc-1' });
    await handle(event);
    await handle(event); // a replay
    const id = (await customerOf('wm-a1'))!;
    expect(id).toBeDefined();
    const c = await db.selectFrom('customers').select(['b_node_id', 'channel', 'name', 'user_id']).where('tenant_id', '=', t).where('id', '=', id).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ b_node_id: world.bNodeId, channel: 'wecom:store-1' });
    expect(c.user_id).not.toBeNull();
    expect(await follow(id, 'zhang')).toMatchObject({ external_userid: 'wm-a1', state: 'store-1', ended_at: null });
    expect((await timeline(id)).map((e) => e.kind)).toEqual(['added']);
    // The refresh job brings WeCom's name and the member's remark.
    await drain();
    expect((await db.selectFrom('customers').select('name').where('tenant_id', '=', t).where('id', '=', id).executeTakeFirstOrThrow()).name).toBe('李女士');
    expect((await follow(id, 'zhang'))!.remark).toBe('买过草莓');
  });

  it('joins a WeCom contact to the buyer who signed in through WeChat by unionid: one customer, the older, with the follow and orders', async () => {
    const buyer = await inTransaction(db, (tx) => signInWithWechat(tx, clock, t, { openid: 'o-u9', appid: 'wx-mini', unionid: 'union-9', b_node_id: world.bNodeId }));
    contact('wm-u9', '王先生', [{ userid: 'zhang' }], 'union-9');
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-u9' }));
    const fresh = (await customerOf('wm-u9'))!;
    expect(fresh).not.toBe(buyer.customer.id);
    await drain();
    expect(await customerOf('wm-u9')).toBe(buyer.customer.id);
    const merged = await db.selectFrom('customers').select('merged_into').where('tenant_id', '=', t).where('id', '=', fresh).executeTakeFirstOrThrow();
    expect(merged.merged_into).toBe(buyer.customer.id);
    expect(await follow(buyer.customer.id, 'zhang')).toMatchObject({ external_userid: 'wm-u9', ended_at: null });
    expect((await timeline(buyer.customer.id)).map((e) => e.kind)).toEqual(['added', 'merged']);
  });

  it('tells a member deleting a customer from a handover (DELETE_BY_TRANSFER), which is no loss', async () => {
    await db.insertInto('wecom_members').values({ tenant_id: t, userid: 'li', name: '李' }).execute();
    contact('wm-d1', 'D', [{ userid: 'zhang' }, { userid: 'li' }]);
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-d1' }));
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_half_external_contact', userId: 'li', externalUserId: 'wm-d1' }));
    const id = (await customerOf('wm-d1'))!;
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'del_external_contact', userId: 'zhang', externalUserId: 'wm-d1', source: 'DELETE_BY_TRANSFER' }));
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'del_external_contact', userId: 'li', externalUserId: 'wm-d1' }));
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'del_external_contact', userId: 'li', externalUserId: 'wm-d1' }));
    expect((await follow(id, 'zhang'))!.ended_by).toBe('transfer');
    expect((await follow(id, 'li'))!.ended_by).toBe('member');
    expect((await timeline(id)).map((e) => `${e.kind}:${e.userid}`)).toEqual(['added:zhang', 'added:li', 'deleted_by_member:li']);
    expect(await db.selectFrom('churn_alerts').select('id').where('tenant_id', '=', t).where('customer_id', '=', id).execute()).toEqual([]);
  });

  it('raises one churn alert to the member\'s node when the customer deletes the member (del_follow_user)', async () => {
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-c1' }));
    const id = (await customerOf('wm-c1'))!;
    const del = wecomEvent({ event: 'change_external_contact', changeType: 'del_follow_user', userId: 'zhang', externalUserId: 'wm-c1' });
    await handle(del);
    await handle(del);
    expect((await follow(id, 'zhang'))).toMatchObject({ ended_by: 'customer' });
    const alerts = await db.selectFrom('churn_alerts').selectAll().where('tenant_id', '=', t).where('customer_id', '=', id).execute();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ userid: 'zhang', b_node_id: world.bNodeId, acknowledged_at: null });
    expect((await timeline(id)).map((e) => e.kind)).toEqual(['added', 'removed_member', 'churn_alert']);
    // Adding the member back is a new follow: 'added' again.
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-c1' }));
    expect((await follow(id, 'zhang'))).toMatchObject({ ended_by: null, ended_at: null });
    expect((await timeline(id)).map((e) => e.kind)).toEqual(['added', 'removed_member', 'churn_alert', 'added']);
  });

  it('keeps customer groups in step: create syncs members, join and quit scenes, counts, the owner\'s node, dismiss', async () => {
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-g1' }));
    const added = wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-g2' });
    await handle(added);
    const g1 = (await customerOf('wm-g1'))!;
    const g2 = (await customerOf('wm-g2'))!;
    wecom.groups.set('wr-1', { chat_id: 'wr-1', name: '草莓群', owner: 'zhang', create_time: 1_790_000_000, member_version: 'v1', member_list: [
      { userid: 'zhang', type: 1, join_time: 1_790_000_000, join_scene: 1 },
      { userid: 'wm-g1', type: 2, join_time: added.createTime, join_scene: 3 },
    ] });
    await handle(wecomEvent({ event: 'change_external_chat', changeType: 'create', chatId: 'wr-1' }));
    await drain();
    const group = await db.selectFrom('customer_groups').selectAll().where('tenant_id', '=', t).where('chat_id', '=', 'wr-1').executeTakeFirstOrThrow();
    expect(group).toMatchObject({ name: '草莓群', owner_userid: 'zhang', b_node_id: world.bNodeId, member_count: 2, member_version: 'v1', status: 'active' });
    const join = wecomEvent({ event: 'change_external_chat', changeType: 'update', updateDetail: 'add_member', chatId: 'wr-1', joinScene: 3, memChangeCnt: 1, memChangeList: ['wm-g2'] });
    await handle(join);
    await handle(join);
    const members = () => db.selectFrom('customer_group_members').selectAll().where('tenant_id', '=', t).where('group_id', '=', group.id).orderBy('member_key').execute();
    expect((await members()).find((m) => m.member_key === 'wm-g2')).toMatchObject({ member_type: 2, customer_id: g2, join_scene: 3, left_at: null });
    expect((await db.selectFrom('customer_groups').select('member_count').where('id', '=', group.id).executeTakeFirstOrThrow()).member_count).toBe(3);
    await handle(wecomEvent({ event: 'change_external_chat', changeType: 'update', updateDetail: 'del_member', chatId: 'wr-1', quitScene: 1, memChangeCnt: 1, memChangeList: ['wm-g1'] }));
    expect((await members()).find((m) => m.member_key === 'wm-g1')).toMatchObject({ quit_scene: 1 });
    expect((await timeline(g1)).map((e) => e.kind)).toEqual(['added', 'joined_group', 'left_group']);
    expect((await timeline(g2)).map((e) => e.kind)).toEqual(['added', 'joined_group']);
    await handle(wecomEvent({ event: 'change_external_chat', changeType: 'dismiss', chatId: 'wr-1' }));
    expect(await db.selectFrom('customer_groups').select(['status', 'member_count']).where('id', '=', group.id).executeTakeFirstOrThrow()).toEqual({ status: 'dismissed', member_count: 0 });
    expect((await timeline(g2)).map((e) => e.kind)).toEqual(['added', 'joined_group', 'left_group']);
  });

  it('mirrors WeCom\'s corp tags and a contact\'s tags; deletes apply at once', async () => {
    wecom.setTags([{ group_id: 'et-gA', group_name: '会员', create_time: 0, order: 1, tag: [{ id: 'et-vip', name: 'VIP', create_time: 0, order: 1 }, { id: 'et-new', name: '新客', create_time: 0, order: 2 }] }]);
    await handle(wecomEvent({ event: 'change_external_tag', changeType: 'create', tagId: 'et-vip', tagType: 'tag' }));
    await drain();
    const tags = await db.selectFrom('customer_tags').select(['id', 'name', 'wecom_id']).where('tenant_id', '=', t).where('deleted_at', 'is', null).orderBy('position').execute();
    expect(tags.map((x) => x.name)).toEqual(['VIP', '新客']);
    contact('wm-a1', '李女士', [{ userid: 'zhang', remark: '老客', tags: ['et-vip'] }]);
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'edit_external_contact', userId: 'zhang', externalUserId: 'wm-a1' }));
    await drain();
    const id = (await customerOf('wm-a1'))!;
    const links = () => db.selectFrom('customer_tag_links').select('tag_id').where('tenant_id', '=', t).where('customer_id', '=', id).execute();
    expect((await links()).map((l) => l.tag_id)).toEqual([tags[0]!.id]);
    expect((await follow(id, 'zhang'))!.remark).toBe('老客');
    await handle(wecomEvent({ event: 'change_external_tag', changeType: 'delete', tagId: 'et-vip', tagType: 'tag' }));
    expect(await links()).toEqual([]);
  });

  it('keeps a tag given here moments ago when a refresh reads WeCom before the tag is marked there; takes it off once the grace has passed', async () => {
    wecom.setTags([{ group_id: 'et-gB', group_name: '扫码来源', create_time: 0, order: 2, tag: [{ id: 'et-scan', name: '门店扫码', create_time: 0, order: 1 }] }]);
    await handle(wecomEvent({ event: 'change_external_tag', changeType: 'create', tagId: 'et-scan', tagType: 'tag' }));
    contact('wm-g1', '周先生', [{ userid: 'zhang', tags: [] }]);
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhang', externalUserId: 'wm-g1' }));
    await drain();
    const id = (await customerOf('wm-g1'))!;
    const tag = (await db.selectFrom('customer_tags').select('id').where('tenant_id', '=', t).where('wecom_id', '=', 'et-scan').executeTakeFirstOrThrow()).id;
    // As a live code does: the tag linked here, its mark at WeCom still to come.
    await db.insertInto('customer_tag_links').values({ tenant_id: t, customer_id: id, tag_id: tag, tagged_at: clock.now() }).execute();
    const linked = async () => (await db.selectFrom('customer_tag_links').select('tag_id').where('tenant_id', '=', t).where('customer_id', '=', id).execute()).map((l) => l.tag_id);
    clock.advance(60_000);
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'edit_external_contact', userId: 'zhang', externalUserId: 'wm-g1' }));
    await drain();
    expect(await linked()).toEqual([tag]);
    clock.advance(10 * 60_000);
    await handle(wecomEvent({ event: 'change_external_contact', changeType: 'edit_external_contact', userId: 'zhang', externalUserId: 'wm-g1' }));
    await drain();
    expect(await linked()).toEqual([]);
  });

  it('pushes console tags to WeCom, stores its ids back, and marks a customer\'s tags on each member who follows them', async () => {
    const made = await inTransaction(db, (tx) => createTagGroup(tx, t, { name: '渠道', tags: ['门店', '社群'] }));
    await drain();
    const stored = await db.selectFrom('customer_tags').select(['id', 'wecom_id']).where('tenant_id', '=', t).where('group_id', '=', made.id).orderBy('position').execute();
    expect(stored.every((s) => s.wecom_id !== null)).toBe(true);
    expect(wecom.calls.filter((c) => c.api === 'addCorpTag')).toHaveLength(1);
    const id = (await customerOf('wm-a1'))!;
    await inTransaction(db, (tx) => tagCustomer(tx, t, id, { add: [stored[0]!.id] }, clock.now()));
    await inTransaction(db, (tx) => tagCustomer(tx, t, id, { add: [stored[0]!.id] }, clock.now())); // again: nothing new
    await drain();
    const marks = wecom.calls.filter((c) => c.api === 'markTag');
    expect(marks).toEqual([{ api: 'markTag', request: { userid: 'zhang', external_userid: 'wm-a1', add_tag: [stored[0]!.wecom_id] } }]);
    expect((await timeline(id)).filter((e) => e.kind === 'tagged')).toHaveLength(2); // one from WeCom's VIP, one here
  });

  it('chooses customers by tag, node, owner and group through one fragment', async () => {
    const ids = async (filter: Parameters<typeof customersMatching>[1]) =>
      (await sql<{ customer_id: string }>`SELECT customer_id FROM ${customersMatching(t, filter)} m ORDER BY customer_id`.execute(db)).rows.map((r) => r.customer_id);
    const a1 = (await customerOf('wm-a1'))!;
    const tag = (await db.selectFrom('customer_tag_links').select('tag_id').where('customer_id', '=', a1).executeTakeFirstOrThrow()).tag_id;
    expect(await ids({ tags_any: [tag] })).toEqual([a1]);
    expect(await ids({ tags_all: [tag, 'nope'] })).toEqual([]);
    expect(await ids({ owner: 'zhang' })).toContain(a1);
    expect(await ids({ owner: 'zhang' })).not.toContain(await customerOf('wm-d1'));
    expect(await ids({ b_node_id: world.bNodeId, min_spend: 1 })).toEqual([]);
  });
});
