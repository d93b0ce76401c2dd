import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/database.js';
import type { World } from '../fixtures.js';
import { loginToConsole, waitForAttribute, waitForText, phoneDevice } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';
import { signInWithCode } from './shop-sign-in.js';

const PHONE = '13800138123';
const ADMIN = { login: 'ops', password: 'ops-password-1' };

const live = liveServer({
  skuCount: 2,
  user: () => ({ login: ADMIN.login, display_name: '运营小王', role: 'tenant_admin', password: ADMIN.password }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '红富士苹果' }).where('tenant_id', '=', world.tenantId).execute();
    await db.updateTable('b_nodes').set({ name: '李姐社区团购' }).where('tenant_id', '=', world.tenantId).execute();
  },
});
let db: Db;
let world: World;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, browser, base } = live); });

async function adminPost(url: string, body: unknown) {
  const res = await live.siyu.server.inject({ method: 'POST', url, payload: body as object, headers: { authorization: `Bearer ${world.adminToken}` } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('discounts and coupons in a browser', () => {
  it('on a 390 px phone: promotions on the product, the subsidy on the cart, a claimed coupon at checkout; cashier and order show what was charged', async () => {
    const ends = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await adminPost('/api/v1/campaigns', { name: '新客立减', discount_per_order: 300, min_order_total: 2000, budget: 100_000, ends_at: ends });
    await adminPost('/api/v1/coupon-templates', { name: '满20减5', kind: 'threshold', amount: 500, min_total: 2000, stacks_with_subsidy: true, claim_ends_at: ends, valid_days: 7, total_count: 100, budget: 50_000 });

    const context = await browser.newContext(phoneDevice);
    const page = await context.newPage();
    await page.goto(`${base}/s/${world.shop}`);
    await page.getByTestId('product-card').first().click();
    await waitForText(page.getByTestId('promotion-subsidy'), '新客立减');
    await waitForText(page.getByTestId('promotion-coupon'), '满20减5');
    await page.locator('[data-testid="sku-option"][data-sku-code="SKU-1"]').click();
    await page.getByTestId('qty-plus').click();
    await page.getByTestId('add-to-cart').click();
    await screenshot(page, 'coupons-product');
    await page.getByTestId('go-to-cart').click();

    // ¥22.00 of goods, ¥3.00 subsidy: the cart says ¥19.00, as checkout will charge.
    await waitForText(page.getByTestId('cart-total'), '¥19.00');
    await waitForText(page.getByTestId('discount-lines'), '新客立减');
    await screenshot(page, 'coupons-cart');
    await page.getByTestId('checkout-button').click();
    await signInWithCode(page, db, world.tenantId, PHONE, '张三');
    await waitForText(page.getByTestId('checkout-total'), '¥19.00');

    // Claim the coupon in the wallet, come back and use it.
    await page.getByTestId('wallet-link').click();
    await page.getByTestId('claim-coupon').click();
    await waitForAttribute(page.getByTestId('wallet-coupon'), 'data-status', 'available');
    await screenshot(page, 'coupons-wallet');
    await page.getByTestId('cart-link').click();
    await page.getByTestId('checkout-button').click();
    await page.getByTestId('coupon-option').click();
    await waitForText(page.getByTestId('checkout-total'), '¥14.00');
    expect(await page.getByTestId('discount-line').count()).toBe(2);
    await screenshot(page, 'coupons-checkout');
    await page.getByTestId('place-order').click();

    await waitForText(page.getByTestId('cashier-amount'), '¥14.00');
    await waitForText(page.getByTestId('cashier-discounts'), '满20减5');
    await screenshot(page, 'coupons-cashier');
    const orderId = page.url().split('/').pop()!;
    const stored = await db.selectFrom('orders').select(['subtotal', 'discount', 'total', 'subsidy_discount']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect([stored.subtotal, stored.discount, stored.total, stored.subsidy_discount].map(Number)).toEqual([2200, 800, 1400, 300]);
    await page.getByTestId('sandbox-pay').click();
    await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid');
    await waitForText(page.getByTestId('order-discounts'), '满20减5');
    await waitForText(page.getByTestId('order-total'), '¥14.00');
    await screenshot(page, 'coupons-order');
    await context.close();
  });

  it('the console shows the template\'s verdict and budget use in count and money, and its redemption', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, ADMIN.login, ADMIN.password);
    await page.getByTestId('nav-coupons').click();
    const row = page.getByTestId('coupon-template');
    await waitForText(row.getByTestId('coupon-use-count'), '1 / 100');
    await waitForText(row.getByTestId('coupon-use-money'), '¥5.00 / ¥500.00');
    expect(['accept', 'warn']).toContain(await row.getByTestId('coupon-verdict').getAttribute('data-verdict'));
    await row.getByRole('button', { name: '满20减5' }).click();
    await waitForText(page.getByTestId('coupon-redemptions'), '¥5.00');
    await screenshot(page, 'coupons-console');
    await context.close();
  });
});
