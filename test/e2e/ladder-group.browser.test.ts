import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Db } from '../../src/database.js';
import type { Siyu } from '../../src/app.js';
import type { World } from '../fixtures.js';
import { settleDueGroupBuys } from '../../src/flows/group-settlement.flow.js';
import { consumerTokens, injectApi, newEventId, postNotification, signedNotification, startPayment } from '../race/helpers.js';
import { waitForAttribute, waitForText, localInput, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { screenshot } from './demo-console.js';
import { groupBuyLiveServer, openSalesCampaigns, placeAndPay } from './group-buy-live.js';
import { signInWithCode } from './shop-sign-in.js';

const live = groupBuyLiveServer({ skuCount: 1, productTitle: '赣南脐橙' });
let db: Db;
let world: World;
let browser: Browser;
let base: string;
let siyu: Siyu;
beforeAll(() => { ({ db, world, browser, base, siyu } = live); });

describe('a ladder group buy, from the console\'s form to the buyer\'s refund back', () => {
  let campaign = '';
  it('an operator sets tiers in the group-buy form and gets the guard\'s verdict', async () => {
    const { page, close } = await openSalesCampaigns(browser, base, world);
    await page.getByTestId('group-form-card').waitFor();
    await page.getByTestId('group-name').fill('脐橙阶梯团');
    await page.getByTestId('group-node').selectOption({ label: '幸福里团购' });
    await page.getByTestId('group-sku').selectOption({ index: 1 });
    await page.getByTestId('group-timer').fill('30');
    await page.getByTestId('group-opener').fill('9.5');
    await page.getByTestId('group-tiers-input').fill('3:9.5, 3:9');
    await page.getByTestId('group-tiers-invalid').waitFor();
    expect(await page.getByTestId('group-submit').isDisabled()).toBe(true);
    await page.getByTestId('group-tiers-input').fill('3:9.5, 4:9, 5:8.5');
    await waitForText(page.getByTestId('group-tiers-preview'), '5 人团 ¥8.50');
    expect(await page.getByTestId('group-size').isDisabled()).toBe(true);
    await page.getByTestId('group-cap').fill('30');
    await page.getByTestId('group-starts').fill(localInput(-60_000));
    await page.getByTestId('group-ends').fill(localInput(86_400_000));
    await screenshot(page, 'ladder-console-form');
    await page.getByTestId('group-submit').click();
    await waitForText(page.getByTestId('group-created'), '脐橙阶梯团');
    const row = page.locator('[data-testid="group-row"][data-name="脐橙阶梯团"]');
    await waitForText(row.getByTestId('group-tiers'), '3 人团 ¥9.50 · 4 人团 ¥9.00 · 5 人团 ¥8.50');
    expect(['accept', 'warn']).toContain(await row.getByTestId('group-verdict').getAttribute('data-verdict'));
    await waitForText(row.getByTestId('tiers-reached'), '暂无');
    campaign = (await db.selectFrom('group_buys').select('id').where('name', '=', '脐橙阶梯团').executeTakeFirstOrThrow()).id;
    await close();
  });

  let groupUrl = '';
  let buyerPhone: BrowserContext | undefined;
  let buyerOrder = '';
  it('on a phone the group page shows the ladder, the next tier and a poster; a friend joins and the group climbs', async () => {
    // Three buyers open the group and pay (through the API: the phone is the fourth).
    const api = injectApi(siyu);
    const tokens = await consumerTokens(siyu, world.shop, 3, '136');
    let groupId = '';
    for (const token of tokens) {
      const placed = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }], campaign: { kind: 'group_buy', ref: campaign, ...(groupId ? { group_id: groupId } : {}) } }, { token });
      expect(placed.status, placed.text).toBe(201);
      const payment = await startPayment(api, token, placed.json().id);
      await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: payment.payment_id, amount: payment.amount, event_id: newEventId() }));
      if (!groupId) groupId = (await db.selectFrom('group_buy_members').select('group_id').where('order_id', '=', placed.json().id).executeTakeFirstOrThrow()).group_id;
    }
    groupUrl = `${base}/s/${world.shop}/groups/${groupId}`;

    buyerPhone = await browser.newContext(phoneDevice);
    const page = await buyerPhone.newPage();
    await page.goto(groupUrl);
    await waitForAttribute(page.getByTestId('group-page'), 'data-status', 'open');
    await waitForText(page.getByTestId('group-product'), '赣南脐橙');
    await waitForText(page.getByTestId('ladder-next'), '再差 1 人 → ¥9.00/件');
    expect(await page.locator('[data-testid="ladder-tier"][data-current="true"]').innerText()).toContain('3 人团 ¥9.50');
    await page.getByTestId('group-join').click();
    await signInWithCode(page, db, world.tenantId, '13800138301', '王五');
    await waitForText(page.getByTestId('checkout-total'), '¥9.50');
    await waitForText(page.getByTestId('buy-ladder'), '差价自动退回');
    buyerOrder = await placeAndPay(page);

    await page.goto(groupUrl);
    await waitForText(page.getByTestId('ladder-next'), '再差 1 人 → ¥8.50/件');
    expect(await page.locator('[data-testid="ladder-tier"][data-current="true"]').innerText()).toContain('4 人团 ¥9.00');
    await page.getByTestId('group-poster-make').click();
    const poster = page.getByTestId('group-poster');
    await poster.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="group-poster"]');
      return !!img && img.complete && img.naturalWidth === 750;
    });
    expect(await page.getByTestId('group-share-link').inputValue()).toMatch(/\/s\/[A-Z][0-9A-Za-z]{15}$/);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(page, 'ladder-group-page-390');
    await page.close();
  });

  it('when the timer ends the group settles at the tier reached: the buyer\'s order shows the refund back, the console the tiers reached', async () => {
    // The group's 30 minutes, run now by a settlement that sees the time past them.
    const later = { now: () => new Date(Date.now() + 31 * 60_000) };
    expect((await settleDueGroupBuys(db, later)).formed).toBe(1);

    expect(buyerOrder).not.toBe('');
    const page = await buyerPhone!.newPage();
    await page.goto(groupUrl);
    await waitForAttribute(page.getByTestId('group-page'), 'data-status', 'formed');
    await page.goto(`${base}/s/${world.shop}/orders/${buyerOrder}`);
    await waitForText(page.getByTestId('order-group-refund-back'), '−¥0.50');
    await waitForText(page.getByTestId('order-group-refund-back'), '本团按 ¥9.00/件 结算');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(page, 'ladder-order-refund-back-390');
    await buyerPhone!.close();

    const { page: console, close: closeConsole } = await openSalesCampaigns(browser, base, world);
    const row = console.locator('[data-testid="group-row"][data-name="脐橙阶梯团"]');
    await waitForText(row.getByTestId('tiers-reached'), '4 人团 ¥9.00 × 1');
    await waitForText(row.getByTestId('refunded-back'), '¥2.00');
    await screenshot(console, 'ladder-console-results');
    await closeConsole();
  });
});
