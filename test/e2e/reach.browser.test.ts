/**
 * Reaching customers in a browser, over the sandbox's simulated WeCom: an admin makes a store live
 * code with a tag and a welcome text; two customers scan it in the simulated client and are added,
 * tagged and welcomed; one then deletes the member. A mass message planned for the tag shows the
 * first as will-receive and the second skipped (not a contact); confirmed, the member sends it in
 * the client and the per-recipient results come back. A store owner opens the same screens on a phone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { inTransaction } from '../../src/platform/db/database.js';
import { createTagGroup } from '../../src/modules/crm/crm-tags.service.js';
import { waitForText, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { demoConsoleForFile, loginAsDemo, loginAsDemoAdmin, screenshot, type DemoConsole } from './demo-console.js';

const c = demoConsoleForFile();
let page: DemoConsole['page'];
let base: string;
let siyu: DemoConsole['siyu'];
let db: DemoConsole['db'];
let tenantId: string;
beforeAll(() => { ({ page, base, siyu, db, tenantId } = c); siyu.startBackground(200); });

const CORP = 'wwe2ereach000001';
const TOKEN = 'E2eReachToken';
const AES_KEY = 'E2eReachEncodingAesKey00000000000000000000A';
const MEMBER = 'zhangsan';

/** Makes the queued jobs of a kind due now (a retry waiting out its backoff; WeCom's results, first fetched an hour after sending). */
/**
 * Reloads and counts the rows with this test id that show `text`, once the rows have rendered:
 * counted right after the reload, before the page's data arrived, it would read 0 every time.
 */
async function countAfterReload(page: Page, testId: string, text: string): Promise<number> {
  await page.reload();
  await page.getByTestId(testId).first().waitFor();
  return page.getByTestId(testId).filter({ hasText: text }).count();
}

async function runNow(identifier: string) {
  await sql`UPDATE graphile_worker._private_jobs SET run_at = now()
             WHERE task_id IN (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${identifier})`.execute(db);
}

describe('live codes, welcome messages and mass messages in the console', () => {
  it('a store live code brings tagged, welcomed customers; a mass message to the tag skips the one who left and sends to the other', async () => {
    expect(AES_KEY).toHaveLength(43);
    // The code's tag is made before WeCom is connected: its push to WeCom fails and waits for its retry.
    const { tags: [storeTag] } = await inTransaction(db, (tx) => createTagGroup(tx, tenantId, { name: '渠道', tags: ['门店扫码'] }));
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-wecom').click();
    await page.getByTestId('wecom-corp-id').fill(CORP);
    await page.getByTestId('wecom-token').fill(TOKEN);
    await page.getByTestId('wecom-aes-key').fill(AES_KEY);
    await page.getByTestId('wecom-secret').fill('e2e-reach-secret');
    await page.getByTestId('wecom-save').click();
    await waitForText(page.getByTestId('wecom-connected'), CORP);
    const register = await fetch(`${base}/simulators/wecom/sandbox/corps`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corp_id: CORP, secret: 'e2e-reach-secret', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: `${base}/hooks/wecom/demo` }),
    });
    expect(register.status).toBe(200);
    // Connected, the push's retry reaches the simulated WeCom: the tag has WeCom's id.
    await runNow('crm.tags.push');
    await expect.poll(async () => (await db.selectFrom('customer_tags').select('wecom_id').where('tenant_id', '=', tenantId).where('id', '=', storeTag!.id).executeTakeFirstOrThrow()).wecom_id, { timeout: 20_000 }).toBeTruthy();
    // The store is the demo leader's, who opens the same screens on a phone below.
    const node = await db.selectFrom('users').select('b_node_id as id').where('tenant_id', '=', tenantId).where('login', '=', 'leader1').executeTakeFirstOrThrow();
    await db.insertInto('wecom_members').values([
      { tenant_id: tenantId, userid: MEMBER, name: '张三', b_node_id: node.id },
      { tenant_id: tenantId, userid: 'lisi', name: '李四', b_node_id: node.id },
    ]).execute();

    // The customer list leads to the live codes; the admin makes a store code.
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('reach-live-codes').click();
    await page.getByTestId('live-code-kind').selectOption('store');
    await page.getByTestId('live-code-name-input').fill('旗舰店前台');
    await page.getByTestId('live-code-state-input').fill('store-reach');
    // The store and the member are picked from what the server lists, never typed as ids.
    const nodeName = (await db.selectFrom('b_nodes').select('name').where('tenant_id', '=', tenantId).where('id', '=', node.id!).executeTakeFirstOrThrow()).name;
    await page.getByTestId('live-code-node-search').fill(nodeName);
    await page.getByTestId('live-code-node-option').filter({ hasText: nodeName }).first().click();
    await waitForText(page.getByTestId('live-code-node-chosen'), nodeName);
    await page.getByTestId('live-code-userids-search').fill('张三');
    await page.getByTestId('live-code-userids-option').filter({ hasText: MEMBER }).click();
    await waitForText(page.getByTestId('live-code-userids-chosen'), MEMBER);
    await page.getByTestId('live-code-tags').getByLabel('门店扫码').check();
    await page.getByTestId('live-code-welcome').fill('欢迎光临旗舰店！');
    await page.getByTestId('live-code-create').click();
    const card = page.getByTestId('live-code').filter({ hasText: '旗舰店前台' });
    await waitForText(card.getByTestId('live-code-state'), 'store-reach');
    const qr = await card.getByTestId('live-code-qr').locator('img').getAttribute('src');
    expect(qr).toContain('/simulators/wecom/');
    expect((await fetch(qr!.startsWith('http') ? qr! : `${base}${qr}`)).headers.get('content-type')).toContain('image/png');
    await screenshot(page, 'reach-live-code');

    // Two customers scan it in the simulated client; the second then deletes the member.
    const simulator = await page.context().newPage();
    await simulator.goto(`${base}/simulators/wecom/sandbox?corp=${CORP}`);
    for (const person of ['alice', 'bob']) {
      const row = simulator.locator('tr', { hasText: 'store-reach' }).first();
      await row.locator('input[name="person"]').fill(person);
      await row.getByRole('button', { name: 'scan' }).click();
      await waitForText(simulator.getByTestId('sim-contact').filter({ hasText: person }), 'store-reach');
    }
    await screenshot(simulator, 'reach-simulator-scans');

    // Both are customers with the code's tag, and each was welcomed.
    await expect.poll(async () => (await db.selectFrom('customer_tag_links').select('customer_id').where('tenant_id', '=', tenantId).execute()).length, { timeout: 20_000 }).toBe(2);
    // And marked on both at WeCom, where the member sees it.
    const wecomTag = (await db.selectFrom('customer_tags').select('wecom_id').where('tenant_id', '=', tenantId).where('id', '=', storeTag!.id).executeTakeFirstOrThrow()).wecom_id!;
    await expect.poll(async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM wecom_sim_follows WHERE corp_id = ${CORP} AND ${wecomTag} = ANY(tag_ids)`.execute(db)).rows[0]!.n, { timeout: 20_000 }).toBe(2);
    await page.reload();
    await waitForText(page.getByTestId('live-code').filter({ hasText: '旗舰店前台' }).getByTestId('live-code-adds'), '累计添加 2');
    // The code's contacts per day: today's two adds.
    await waitForText(page.getByTestId('live-code').filter({ hasText: '旗舰店前台' }).getByTestId('live-code-day-adds'), '2');
    await expect.poll(() => countAfterReload(page, 'welcome-status', '已发送'), { timeout: 20_000 }).toBe(2);
    await screenshot(page, 'reach-welcomes');
    await page.getByTestId('nav-customers').click();
    // The list's owner filter is a picker too: Li Si, picked by name, has none of them.
    await page.getByTestId('crm-filter-owner-search').fill('李四');
    await page.getByTestId('crm-filter-owner-option').filter({ hasText: 'lisi' }).click();
    await page.getByTestId('crm-filter-apply').click();
    await page.getByTestId('crm-customers-empty').waitFor();
    expect(new URL(page.url()).searchParams.get('owner')).toBe('lisi');
    // One filter form after applying (the form and the list once shared a key and the old form stayed).
    expect(await page.locator('form.crm-filters').count()).toBe(1);
    await page.getByTestId('crm-filter-owner-chosen').click();
    await page.getByTestId('crm-filter-tag').selectOption({ label: '门店扫码' });
    await page.getByTestId('crm-filter-apply').click();
    await expect.poll(() => page.getByTestId('crm-customer').filter({ hasText: '门店扫码' }).count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('crm-customer').count(), { timeout: 10_000 }).toBe(2);

    // Bob then deletes the member in the client: no longer a contact.
    await simulator.getByTestId('sim-contact').filter({ hasText: 'bob' }).getByRole('button', { name: 'customer deletes member' }).click();
    await expect.poll(() => simulator.getByTestId('sim-contact').filter({ hasText: 'bob' }).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(async () => (await db.selectFrom('churn_alerts').select('id').where('tenant_id', '=', tenantId).execute()).length, { timeout: 20_000 }).toBe(1);

    // A mass message to the tag: planned, one receives, one is skipped as no longer a contact.
    await page.getByTestId('reach-broadcasts').click();
    await page.getByTestId('broadcast-tags').getByLabel('门店扫码').check();
    await page.getByTestId('broadcast-text').fill('周末到店有礼');
    await page.getByTestId('broadcast-plan').click();
    await waitForText(page.getByTestId('broadcast-counts'), '将收到 1');
    await waitForText(page.getByTestId('broadcast-counts'), '跳过 1');
    await waitForText(page.getByTestId('broadcast-reasons'), '不是好友: 1');
    await waitForText(page.getByTestId('recipient').filter({ hasText: '将收到' }), '将收到');
    await waitForText(page.getByTestId('recipient').filter({ hasText: '跳过' }).getByTestId('recipient-reason'), '不是好友');
    await screenshot(page, 'reach-plan');
    await page.getByTestId('broadcast-confirm').click();
    await waitForText(page.getByTestId('broadcast-status'), /发送中|已发送/);

    // The member sends it in the client; WeCom's results are fetched back.
    await expect.poll(async () => { await simulator.goto(`${base}/simulators/wecom/sandbox?corp=${CORP}`); return simulator.getByRole('button', { name: 'member confirms' }).count(); }, { timeout: 20_000 }).toBe(1);
    await simulator.getByRole('button', { name: 'member confirms' }).click();
    await waitForText(simulator.getByTestId('outcome'), /\S/);
    // The send job enqueues the results fetch only after recording WeCom's task, which can land
    // after the member's button shows, and a fetch that ran before the member confirmed is due
    // again hours later: each poll makes whichever fetch exists due now.
    await expect.poll(async () => { await runNow('broadcasts.results'); return countAfterReload(page, 'recipient-status', '已发送'); }, { timeout: 20_000 }).toBe(1);
    await waitForText(page.getByTestId('broadcast-results'), '已发送 1');
    await screenshot(page, 'reach-results');

    // The admin sets the cap; it holds on reload.
    await page.goto(`${base}/admin/broadcasts`);
    await page.getByTestId('broadcast-cap-period').selectOption('week');
    await waitForText(page.getByTestId('broadcast-cap'), '已保存');
    await page.reload();
    expect(await page.getByTestId('broadcast-cap-period').inputValue()).toBe('week');
  });

  it('the store\'s leader on a 390 px phone picks members to plan a segment and a group mass message, and hands a member\'s customers over', async () => {
    const node = await db.selectFrom('users').select('b_node_id as id').where('tenant_id', '=', tenantId).where('login', '=', 'leader1').executeTakeFirstOrThrow();
    // Another store's member, whom the leader's pickers never offer; and a customer group of the leader's member.
    const other = await db.selectFrom('b_nodes').select('id').where('tenant_id', '=', tenantId).where('id', '!=', node.id!).executeTakeFirstOrThrow();
    await db.insertInto('wecom_members').values({ tenant_id: tenantId, userid: 'wangwu', name: '王五', b_node_id: other.id }).execute();
    await db.insertInto('customer_groups').values({ tenant_id: tenantId, id: 'grp_e2e_fruit', chat_id: 'wr_e2e_fruit', name: '旗舰店水果群', owner_userid: MEMBER, b_node_id: node.id, member_count: 3 }).execute();

    const phone = await page.context().browser()!.newContext(phoneDevice);
    const mobile = await phone.newPage();
    const fits = async () => expect(await pageWidth(mobile)).toBeLessThanOrEqual(PHONE_WIDTH);
    await loginAsDemo(mobile, base, 'leader1', 'leader123', '张丽');
    await mobile.getByTestId('nav-customers').click();
    await mobile.getByTestId('reach-live-codes').click();
    await waitForText(mobile.getByTestId('live-code').filter({ hasText: '旗舰店前台' }).getByTestId('live-code-adds'), '累计添加 2');
    await waitForText(mobile.getByTestId('welcome-list'), '已发送');
    await fits();
    await screenshot(mobile, 'reach-live-codes-phone');

    // A segment: customers of the member picked by name, with the store's tag — Alice (Bob left him).
    await mobile.goto(`${base}/admin/broadcasts`);
    await mobile.getByTestId('broadcast-form').waitFor();
    expect(await mobile.getByTestId('broadcast-cap').count()).toBe(0); // the cap is the admins'
    expect(await mobile.getByTestId('broadcast-store').count()).toBe(0); // a leader's store is their own
    await mobile.getByTestId('broadcast-owner-search').fill('王');
    await waitForText(mobile.getByTestId('broadcast-owner'), '没有匹配的结果');
    await mobile.getByTestId('broadcast-owner-search').fill('张');
    await mobile.getByTestId('broadcast-owner-option').filter({ hasText: MEMBER }).click();
    await waitForText(mobile.getByTestId('broadcast-owner-chosen'), '张三');
    await mobile.getByTestId('broadcast-tag-match').selectOption('all');
    await mobile.getByTestId('broadcast-tags').getByLabel('门店扫码').check();
    await mobile.getByTestId('broadcast-text').fill('张三的老客：本周水果到店');
    await mobile.getByTestId('broadcast-attachment').selectOption('link');
    await mobile.getByTestId('broadcast-link-title').fill('本周水果');
    await mobile.getByTestId('broadcast-link-url').fill('https://shop.example.com/fruit');
    await fits();
    await screenshot(mobile, 'reach-segment-form-phone');
    await mobile.getByTestId('broadcast-plan').click();
    await waitForText(mobile.getByTestId('broadcast-counts'), '共 1');
    await waitForText(mobile.getByTestId('broadcast-counts'), '将收到 1');
    await waitForText(mobile.getByTestId('recipient'), 'alice');
    await waitForText(mobile.getByTestId('broadcast-content-kind'), '附件：链接「本周水果」');
    await fits();
    await screenshot(mobile, 'reach-segment-plan-phone');
    const segment = await db.selectFrom('broadcasts').select(['audience', 'content']).where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(segment.audience).toMatchObject({ owner: MEMBER, tags_all: [expect.any(String)], b_node_id: node.id });
    expect(segment.content).toMatchObject({ attachments: [{ msgtype: 'link', link: { title: '本周水果', url: 'https://shop.example.com/fruit' } }] });

    // A mass message to a customer group picked by name.
    await mobile.goto(`${base}/admin/broadcasts`);
    await mobile.getByTestId('broadcast-audience-groups').check();
    await mobile.getByTestId('broadcast-groups-search').fill('水果');
    await mobile.getByTestId('broadcast-groups-option').filter({ hasText: '旗舰店水果群' }).click();
    await waitForText(mobile.getByTestId('broadcast-groups-hint'), '已选 1 个群');
    await mobile.getByTestId('broadcast-text').fill('群里的朋友：周末试吃');
    await fits();
    await screenshot(mobile, 'reach-group-form-phone');
    await mobile.getByTestId('broadcast-plan').click();
    await waitForText(mobile.getByTestId('broadcast-counts'), '将收到 1');
    await waitForText(mobile.getByTestId('recipient'), 'wr_e2e_fruit');
    // The group is shown by its name and its owner's, not only WeCom's chat id.
    await waitForText(mobile.getByTestId('recipient').getByTestId('recipient-name'), '旗舰店水果群');
    await waitForText(mobile.getByTestId('recipient').getByTestId('recipient-group-owner'), '群主 张三');
    await fits();
    await screenshot(mobile, 'reach-group-plan-phone');
    const grouped = await db.selectFrom('broadcasts').select(['chat_type', 'audience']).where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(grouped).toMatchObject({ chat_type: 'group', audience: { group_ids: ['grp_e2e_fruit'], b_node_id: node.id } });

    // A handover from a member picked by name to another.
    await mobile.goto(`${base}/admin/handovers`);
    await mobile.getByTestId('handover-member-search').fill('张三');
    await mobile.getByTestId('handover-member-option').filter({ hasText: MEMBER }).click();
    await waitForText(mobile.getByTestId('handover-customers'), 'alice');
    await mobile.getByTestId('handover-groups').getByRole('checkbox').uncheck(); // the group stays with him
    await fits();
    await screenshot(mobile, 'reach-handover-phone');
    expect(await mobile.getByTestId('handover-takeover-option').filter({ hasText: MEMBER }).count()).toBe(0); // not to himself
    await mobile.getByTestId('handover-takeover-search').fill('李四');
    await mobile.getByTestId('handover-takeover-option').filter({ hasText: 'lisi' }).click();
    await mobile.getByTestId('handover-transfer').click();
    await waitForText(mobile.getByTestId('handover-detail'), 'zhangsan → lisi');
    await expect.poll(async () => { await mobile.reload(); return mobile.getByTestId('handover-item').filter({ hasText: /等待接替|完成/ }).count(); }, { timeout: 20_000 }).toBe(1);
    await screenshot(mobile, 'reach-handover-result-phone');
    await phone.close();
  });
});
