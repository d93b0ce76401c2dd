import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/database.js';
import type { World } from '../fixtures.js';
import { waitForAttribute, waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';
import { signInWithCode } from './shop-sign-in.js';

const PHONE = '13800138000';
const ADMIN = { login: 'ops', password: 'ops-password-1' };

const live = liveServer({
  skuCount: 2,
  user: () => ({ login: ADMIN.login, display_name: '运营小王', role: 'tenant_admin', password: ADMIN.password }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '红富士苹果', description: '山东烟台，脆甜多汁' }).where('tenant_id', '=', world.tenantId).execute();
    await db.updateTable('b_nodes').set({ name: '李姐社区团购', pickup_address: '幸福小区 3 号楼便利店' }).where('tenant_id', '=', world.tenantId).execute();
  },
});
let db: Db;
let world: World;
let browser: Browser;
let base: string;
let order: { id: string; number: string; pickupCode: string };
beforeAll(() => { ({ db, world, browser, base } = live); });

const setStock = (skuId: string, onHand: number) =>
  db.updateTable('stock').set({ on_hand: onHand }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', skuId).execute();

describe('shop and refund in a browser', () => {
  it('a consumer buys on a phone, pays in the sandbox cashier and gets a pickup code', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/s/${world.shop}`);
    const card = page.getByTestId('product-card');
    await waitForText(card, '红富士苹果');
    await waitForText(card, '¥10.00 起');
    await waitForText(page.getByTestId('shop-name'), '李姐社区团购');
    await screenshot(page, 'shop-list');

    await card.first().click();
    await waitForText(page.getByTestId('product-title'), '红富士苹果');
    await page.locator('[data-testid="sku-option"][data-sku-code="SKU-1"]').click();
    await waitForText(page.getByTestId('product-price'), '¥11.00');
    await page.getByTestId('qty-plus').click();
    await page.getByTestId('add-to-cart').click();
    await waitForText(page.getByTestId('cart-count'), '2');
    await screenshot(page, 'shop-product');
    await page.getByTestId('go-to-cart').click();

    await waitForText(page.getByTestId('cart-total'), '¥22.00');
    expect(await page.getByTestId('cart-line').count()).toBe(1);
    await screenshot(page, 'shop-cart');
    await page.getByTestId('checkout-button').click();

    await signInWithCode(page, db, world.tenantId, PHONE, '张三');
    await waitForText(page.getByTestId('buyer-summary'), PHONE);

    // Someone else takes the stock first: the buyer sees the server's localized reason, then retries.
    const sku = world.skus[1]!;
    await setStock(sku.id, 1);
    await page.getByTestId('place-order').click();
    await waitForText(page.getByTestId('checkout-error'), '库存不足');
    await screenshot(page, 'shop-checkout-error');
    await setStock(sku.id, 20);
    await page.getByTestId('place-order').click();

    await waitForText(page.getByTestId('cashier-amount'), '¥22.00');
    await screenshot(page, 'shop-cashier');
    await page.getByTestId('sandbox-pay').click();
    await page.waitForURL(/\/orders\/ord/);
    await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid');
    await waitForText(page.getByTestId('order-status'), '已支付');
    const pickupCode = await waitForText(page.getByTestId('pickup-code'), /^\d{6}$/);
    await waitForText(page.getByTestId('order-total'), '¥22.00');
    await screenshot(page, 'shop-order');

    // The language switch is on every page and survives a reload.
    await page.getByTestId('lang-en').click();
    await waitForText(page.getByTestId('order-status'), 'Paid');
    await page.reload();
    await waitForText(page.getByTestId('my-orders-link'), 'My orders');
    await waitForText(page.getByTestId('pickup-code'), pickupCode);

    const id = page.url().split('/orders/')[1]!;
    const row = await db.selectFrom('orders').select(['number', 'status', 'total']).where('tenant_id', '=', world.tenantId).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('paid');
    expect(Number(row.total)).toBe(2200);
    order = { id, number: row.number, pickupCode };
    await context.close();
  });

  it('an admin finds the order, refunds one unit and verifies the pickup', async () => {
    expect(order, 'the consumer step must have placed an order').toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, ADMIN.login, ADMIN.password);

    await waitForText(page.getByTestId('admin-user'), '运营小王');
    await page.getByTestId('orders-search').fill(PHONE);
    await page.getByTestId('orders-search-submit').click();
    const row = page.locator(`[data-testid="order-row"][data-number="${order.number}"]`);
    await waitForText(row, '已支付');
    await screenshot(page, 'admin-orders');
    expect(await page.getByTestId('order-row').count()).toBe(1);
    await row.getByTestId('order-link').click();

    await waitForAttribute(page.getByTestId('detail-status'), 'data-status', 'paid');
    await waitForText(page.getByTestId('detail-customer'), PHONE);
    expect(await page.getByTestId('no-refunds').count()).toBe(1);
    await page.getByTestId('refund-qty').fill('1');
    await page.getByTestId('refund-reason').fill('一个有磕碰');
    await page.getByTestId('refund-submit').click();

    await waitForText(page.getByTestId('refund-amount'), '¥11.00');
    await waitForAttribute(page.getByTestId('detail-status'), 'data-status', 'partially_refunded');
    await waitForText(page.getByTestId('detail-status'), '部分退款');
    await waitForText(page.getByTestId('line-refunded-qty'), '1');
    await waitForAttribute(page.getByTestId('refund-row'), 'data-status', 'succeeded');
    await screenshot(page, 'admin-order');

    const stored = await db.selectFrom('orders').select(['status', 'refunded_total']).where('tenant_id', '=', world.tenantId).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'partially_refunded' });
    expect(Number(stored.refunded_total)).toBe(1100);
    const refunds = await db.selectFrom('refunds').select(['amount', 'status']).where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
    expect(refunds.map((r) => Number(r.amount))).toEqual([1100]);

    // The remaining unit is picked up: a wrong code is refused in words, the right one completes the order.
    const wrong = order.pickupCode === '000000' ? '111111' : '000000';
    await page.getByTestId('pickup-code-input').fill(wrong);
    await page.getByTestId('pickup-verify').click();
    await waitForText(page.getByTestId('pickup-error'), '提货码不正确');
    await page.getByTestId('pickup-code-input').fill(order.pickupCode);
    await page.getByTestId('pickup-verify').click();
    await waitForAttribute(page.getByTestId('detail-status'), 'data-status', 'completed');
    await context.close();
  });
});
