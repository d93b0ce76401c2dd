/**
 * The CRM in a browser: a store owner on a phone finds their WeCom customers, opens one (masked
 * phone, timeline, tags), tags them, and handles a churn alert; the customer groups screen lists
 * the node's groups with their members.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/database.js';
import { testPhones, type World } from '../fixtures.js';
import { phoneColumns } from '../../src/modules/customers/customer-phones.service.js';
import { inTransaction } from '../../src/platform/db/database.js';
import { crmWecomEventHandler } from '../../src/flows/crm-events.flow.js';
import { applyGroupChat } from '../../src/modules/crm/crm.service.js';
import { createTagGroup } from '../../src/modules/crm/crm-tags.service.js';
import { customersOfExternalUserids } from '../../src/modules/customers/customer-identities.service.js';
import { wecomEvent } from '../wecom-fake.js';
import { waitForText, loginToConsole, phoneDevice } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const OWNER = { login: 'owner', password: 'owner-password-1' };

const live = liveServer({
  skuCount: 1,
  user: (w) => ({ login: OWNER.login, display_name: '店长老周', role: 'b_owner', password: OWNER.password, b_node_id: w.bNodeId }),
  prepare: async (db, world) => {
    const t = world.tenantId;
    await db.insertInto('wecom_members').values({ tenant_id: t, userid: 'zhou', name: '周店长', b_node_id: world.bNodeId }).execute();
    await inTransaction(db, async (tx) => {
      for (const [ext, state] of [['wm-alice', 'store-1'], ['wm-bob', 'store-1'], ['wm-carol', 'poster']] as const) {
        await crmWecomEventHandler(tx, t, wecomEvent({ event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhou', externalUserId: ext, state }));
      }
      await createTagGroup(tx, t, { name: '会员等级', tags: ['VIP', '新客'] });
      const now = Math.floor(Date.now() / 1000);
      await applyGroupChat(tx, t, { chat_id: 'wr-1', name: '周店福利群', owner: 'zhou', create_time: now, member_version: 'v1', member_list: [
        { userid: 'zhou', type: 1, join_time: now, join_scene: 1 }, { userid: 'wm-alice', type: 2, join_time: now, join_scene: 3 },
      ] }, new Date(), await customersOfExternalUserids(tx, t, ['wm-alice']));
      await crmWecomEventHandler(tx, t, wecomEvent({ event: 'change_external_contact', changeType: 'del_follow_user', userId: 'zhou', externalUserId: 'wm-carol' }));
    });
    const ids = await customersOfExternalUserids(db, t, ['wm-alice', 'wm-bob', 'wm-carol']);
    for (const [ext, name, phone] of [['wm-alice', '爱丽丝', '13812345678'], ['wm-bob', '鲍勃', null], ['wm-carol', '卡罗', null]] as const) {
      await db.updateTable('customers').set({ name, ...(phone ? phoneColumns(testPhones, phone) : {}) }).where('tenant_id', '=', t).where('id', '=', ids.get(ext)!).execute();
    }
  },
});
let db: Db;
let world: World;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, browser, base } = live); });

describe('the CRM in a browser', () => {
  it('an owner on a phone finds their customers, opens one, tags them and handles a churn alert', async () => {
    const context = await browser.newContext(phoneDevice);
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, OWNER.login, OWNER.password, '店长老周');
    await page.getByTestId('nav-customers').click();
    await waitForText(page.getByTestId('crm-customer-list'), '爱丽丝');
    expect(await page.getByTestId('crm-customer').count()).toBe(3);
    await waitForText(page.getByTestId('crm-customer-list'), '138****5678');
    expect(await page.getByTestId('crm-customer-list').textContent()).not.toContain('13812345678');
    await screenshot(page, 'crm-customers-phone');

    await page.getByTestId('crm-filter-q').fill('爱丽');
    await page.getByTestId('crm-filter-apply').click();
    await waitForText(page.getByTestId('crm-customer-list'), '爱丽丝');
    expect(await page.getByTestId('crm-customer').count()).toBe(1);
    await page.getByText('爱丽丝').click();
    await waitForText(page.getByTestId('crm-customer-name'), '爱丽丝');
    await waitForText(page.getByTestId('crm-customer-phone'), '138****5678');
    expect(await page.getByTestId('crm-reveal-phone').count()).toBe(0); // owners cannot reveal
    await waitForText(page.getByTestId('crm-timeline'), '添加了 周店长');
    await waitForText(page.getByTestId('crm-timeline'), '加入客户群');
    await page.getByTestId('crm-tags').getByLabel('VIP').check();
    await page.getByTestId('crm-save-tags').click();
    await waitForText(page.getByTestId('crm-timeline'), '打上标签');
    await screenshot(page, 'crm-customer-phone');
    const aliceId = page.url().split('/').pop()!;
    const links = await db.selectFrom('customer_tag_links').select('tag_id').where('tenant_id', '=', world.tenantId).where('customer_id', '=', aliceId).execute();
    expect(links).toHaveLength(1);

    await page.getByTestId('nav-customer-groups').click();
    await waitForText(page.getByTestId('crm-groups'), '周店福利群');
    await page.getByText('周店福利群').click();
    await waitForText(page.getByTestId('crm-group-members'), '爱丽丝');
    await screenshot(page, 'crm-group-phone');

    await page.getByTestId('nav-churn-alerts').click();
    await waitForText(page.getByTestId('crm-alerts'), '卡罗 删除了 周店长');
    await screenshot(page, 'crm-alerts-phone');
    await page.getByTestId('crm-alert-ack').click();
    await waitForText(page.getByTestId('crm-alerts-empty'), '没有待处理的流失提醒');
    await context.close();
  });
});
