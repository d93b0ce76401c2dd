/**
 * A buyer signs in to a shop with a one-time code: the code goes to the sandbox outbox, which
 * the console's Messages screen shows; a wrong code is refused on screen, the right one opens the
 * session and the buyer sees their orders. Both pages say they run in the sandbox.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Siyu } from '../../src/app.js';
import { consumerToken, type World } from '../fixtures.js';
import { maskPhone } from '../../src/modules/customers/customer-phones.service.js';
import { waitForAttribute, waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const PHONE = '13900139000';
const ADMIN = { login: 'ops', password: 'ops-password-1' };

const live = liveServer({
  skuCount: 1,
  user: () => ({ login: ADMIN.login, display_name: '运营小王', role: 'tenant_admin', password: ADMIN.password }),
  prepare: async (db, world) => {
    await db.updateTable('b_nodes').set({ name: '李姐社区团购' }).where('tenant_id', '=', world.tenantId).execute();
  },
});
let world: World;
let siyu: Siyu;
let browser: Browser;
let base: string;

beforeAll(async () => {
  ({ world, siyu, browser, base } = live);
  // The buyer ordered before, through the sandbox's phone-only shortcut.
  const token = await consumerToken(siyu, world.shop, PHONE);
  const placed = await fetch(`${base}/api/v1/orders`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'otp-e2e-1' },
    body: JSON.stringify({ shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }] }),
  });
  expect(placed.status, await placed.clone().text()).toBe(201);
});

describe('OTP sign-in in a browser', () => {
  it('the buyer signs in with the code from the console\'s outbox and sees their orders; a wrong code shows an error', async () => {
    const shopContext = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const shop = await shopContext.newPage();
    await shop.goto(`${base}/s/${world.shop}/orders`);
    await waitForText(shop.getByTestId('sandbox-banner'), '沙箱模式');
    await shop.getByTestId('buyer-phone').fill(PHONE);
    await shop.getByTestId('buyer-submit').click();
    await waitForText(shop.getByTestId('sandbox-code-hint'), '短信');
    await screenshot(shop, 'otp-code-form');

    // The tester reads the code where the sandbox delivers it: the console's Messages screen.
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const admin = await consoleContext.newPage();
    await loginToConsole(admin, base, world.tenantSlug, ADMIN.login, ADMIN.password);
    await waitForText(admin.getByTestId('sandbox-banner'), '沙箱模式');
    await admin.getByTestId('nav-messages').click();
    // The outbox shows the number masked.
    const row = admin.locator(`[data-testid="message"][data-phone="${maskPhone(PHONE)}"]`);
    await waitForAttribute(row, 'data-status', 'sent');
    const text = await waitForText(row.getByTestId('message-body'), /验证码是 \d{6}/);
    const code = /(\d{6})/.exec(text)![1]!;
    await screenshot(admin, 'messages-outbox');

    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await shop.getByTestId('buyer-code').fill(wrongCode);
    await shop.getByTestId('buyer-verify').click();
    await waitForAttribute(shop.getByTestId('buyer-error'), 'data-code', 'otp_invalid');
    await waitForText(shop.getByTestId('buyer-error'), '验证码错误');
    expect(await shop.getByTestId('my-order').count()).toBe(0);

    await shop.getByTestId('buyer-code').fill(code);
    await shop.getByTestId('buyer-verify').click();
    await waitForText(shop.getByTestId('my-order').first(), '¥20.00');
    expect(await shop.getByTestId('my-order').count()).toBe(1);
    await screenshot(shop, 'otp-signed-in-orders');
    await consoleContext.close();
    await shopContext.close();
  });
});
