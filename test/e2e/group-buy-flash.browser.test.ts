import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/database.js';
import type { World } from '../fixtures.js';
import { waitForAttribute, waitForText, localInput, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { screenshot } from './demo-console.js';
import { groupBuyLiveServer, openSalesCampaigns, placeAndPay } from './group-buy-live.js';
import { signInWithCode } from './shop-sign-in.js';

const live = groupBuyLiveServer({ skuCount: 2, productTitle: '丹东草莓' });
let db: Db;
let world: World;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, browser, base } = live); });

describe('flash sales and group buys, from the console to a buyer\'s phone', () => {
  it('an operator creates a group buy with the guard\'s verdict; a flash sale runs in the shop', async () => {
    const { page, close } = await openSalesCampaigns(browser, base, world);
    await page.getByTestId('group-form-card').waitFor();
    await page.getByTestId('group-name').fill('草莓三人团');
    await page.getByTestId('group-node').selectOption({ label: '幸福里团购' });
    await page.getByTestId('group-sku').selectOption({ index: 1 });
    await page.getByTestId('group-opener').fill('8.5');
    await page.getByTestId('group-member').fill('8');
    await page.getByTestId('group-cap').fill('30');
    await page.getByTestId('group-starts').fill(localInput(-60_000));
    await page.getByTestId('group-ends').fill(localInput(86_400_000));
    await page.getByTestId('group-submit').click();
    await waitForText(page.getByTestId('group-created'), '草莓三人团');
    const row = page.locator('[data-testid="group-row"][data-name="草莓三人团"]');
    await row.waitFor();
    expect(['accept', 'warn']).toContain(await row.getByTestId('group-verdict').getAttribute('data-verdict'));
    await screenshot(page, 'group-buy-console-created');
    await close();

    const res = await fetch(`${base}/api/v1/flash-sales`, {
      method: 'POST', headers: { authorization: `Bearer ${world.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '整点秒杀', b_node_id: world.bNodeId, sku_id: world.skus[1]!.id, price: 900, stock_cap: 5, per_customer_limit: 1, starts_at: new Date(Date.now() - 1000).toISOString(), ends_at: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expect(res.status).toBe(201);
  });

  let groupUrl = '';
  it('a buyer on a phone sees the flash sale and the group buy, buys at the flash price and opens a group', async () => {
    const context = await browser.newContext(phoneDevice);
    const page = await context.newPage();
    await page.goto(`${base}/s/${world.shop}`);
    const flash = page.getByTestId('flash-card');
    await waitForText(flash.getByTestId('flash-price'), '¥9.00');
    await waitForText(flash.getByTestId('flash-limit'), '限购 1 件');
    await waitForText(flash.getByTestId('flash-clock'), /距结束 \d+:\d\d:\d\d/);
    await waitForText(page.getByTestId('group-member-price'), '¥8.00');
    await screenshot(page, 'shop-campaigns-390');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);

    await flash.getByTestId('flash-buy').click();
    await signInWithCode(page, db, world.tenantId, '13800138201', '张三');
    await waitForText(page.getByTestId('checkout-total'), '¥9.00');
    const flashOrder = await placeAndPay(page);
    expect(await db.selectFrom('orders').select(['total', 'campaign_kind']).where('id', '=', flashOrder).executeTakeFirstOrThrow()).toEqual({ total: 900, campaign_kind: 'flash_sale' });

    await page.goto(`${base}/s/${world.shop}`);
    await page.getByTestId('group-start').click();
    await waitForText(page.getByTestId('checkout-total'), '¥8.50');
    const openerOrder = await placeAndPay(page);
    const { group_id } = await db.selectFrom('group_buy_members').select('group_id').where('order_id', '=', openerOrder).executeTakeFirstOrThrow();
    groupUrl = `${base}/s/${world.shop}/groups/${group_id}`;
    await page.goto(groupUrl);
    await waitForAttribute(page.getByTestId('group-page'), 'data-status', 'open');
    await waitForText(page.getByTestId('group-slots-left'), '还差 2 人');
    await waitForText(page.getByTestId('group-clock'), /剩余 \d+:\d\d:\d\d/);
    await waitForText(page.getByTestId('group-members'), '张*');
    expect(await page.getByTestId('group-share-link').inputValue()).toBe(groupUrl);
    await screenshot(page, 'group-page-390');
    await context.close();
  });

  it('a friend opens the shared group link, joins at the member price, and the group shows both', async () => {
    expect(groupUrl).not.toBe('');
    const context = await browser.newContext(phoneDevice);
    const page = await context.newPage();
    await page.goto(groupUrl);
    await page.getByTestId('group-join').click();
    await signInWithCode(page, db, world.tenantId, '13800138202', '李四');
    await waitForText(page.getByTestId('checkout-total'), '¥8.00');
    await placeAndPay(page);
    await page.goto(groupUrl);
    await waitForText(page.getByTestId('group-slots-left'), '还差 1 人');
    expect(await page.getByTestId('group-member').count()).toBe(2);
    await waitForText(page.getByTestId('group-members'), '李*');
    await screenshot(page, 'group-page-joined-390');
    await context.close();

    const { page: console, close: closeConsole } = await openSalesCampaigns(browser, base, world);
    const row = console.locator('[data-testid="group-row"][data-name="草莓三人团"]');
    await waitForText(row.getByTestId('groups-open'), '1');
    await waitForText(row.getByTestId('flash-sold').or(console.getByTestId('flash-sold')).first(), '1 / 5');
    await screenshot(console, 'sales-campaigns-console');
    await closeConsole();
  });
});
