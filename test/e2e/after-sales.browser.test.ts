/**
 * The after-sales queue in a browser: a buyer asks for a refund of picked-up goods on their order
 * page, the node's staff approve it in the console queue, and the buyer sees it refunded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Siyu } from '../../src/app.js';
import type { Db } from '../../src/database.js';
import { consumerToken, type World } from '../fixtures.js';
import { injectApi, paidOrder } from '../race/helpers.js';
import { waitForAttribute, waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const PHONE = '13700137000';
const CLERK = { login: 'clerk', password: 'clerk-password-1' };

const live = liveServer({
  skuCount: 2,
  user: (w) => ({ login: CLERK.login, display_name: '店员小李', role: 'staff', password: CLERK.password, b_node_id: w.bNodeId }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '红富士苹果' }).where('tenant_id', '=', world.tenantId).execute();
  },
});
let db: Db;
let world: World;
let siyu: Siyu;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, siyu, browser, base } = live); });

describe('after-sales in a browser', () => {
  it('the buyer requests a refund in the shop, staff approve it in the queue, the buyer sees it refunded', async () => {
    const api = injectApi(siyu);
    const token = await consumerToken(siyu, world.shop, PHONE);
    const placed = await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 3 }]);
    const order = await db.selectFrom('orders').select(['id', 'number', 'customer_id']).where('tenant_id', '=', world.tenantId).where('id', '=', placed.order.id).executeTakeFirstOrThrow();
    // The goods reach the pickup point: from now on a refund needs someone's approval.
    expect((await api.post(`/api/v1/orders/${order.id}/ready`, undefined, { token: world.adminToken, key: false })).status).toBe(200);

    const shopContext = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await shopContext.addInitScript(([key, value]) => { localStorage.setItem(key!, value!); }, [`siyu.session.${world.shop}`, JSON.stringify({ token, customer: { id: order.customer_id, name: '张三', phone: PHONE } })]);
    const shop = await shopContext.newPage();
    await shop.goto(`${base}/s/${world.shop}/orders/${order.id}`);
    await waitForAttribute(shop.getByTestId('order-status'), 'data-status', 'ready_for_pickup');
    await shop.getByTestId('request-refund').click();
    await shop.getByTestId('request-qty-1').fill('2');
    await shop.getByTestId('request-reason').fill('两个有磕碰');
    await shop.getByTestId('request-submit').click();
    await waitForAttribute(shop.getByTestId('my-request-status'), 'data-status', 'requested');
    await waitForText(shop.getByTestId('my-request-status'), '待审核');
    await screenshot(shop, 'shop-after-sales-requested');

    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await consoleContext.newPage();
    await loginToConsole(admin, base, world.tenantSlug, CLERK.login, CLERK.password, '店员小李');
    await admin.getByTestId('nav-after-sales').click();
    const row = admin.locator('[data-testid="after-sales-row"][data-status="requested"]');
    await waitForText(row, order.number);
    expect(await row.count()).toBe(1);
    await screenshot(admin, 'admin-after-sales-queue');
    await row.getByTestId('after-sales-link').click();
    await waitForText(admin.getByTestId('after-sales-reason'), '两个有磕碰');
    await waitForText(admin.getByTestId('after-sales-amount'), '¥20.00');
    await admin.getByTestId('decision-note').fill('已核实，同意退款');
    await admin.getByTestId('approve-request').click();
    // Approved, then refunded once the provider's notification arrives.
    await waitForAttribute(admin.getByTestId('after-sales-status'), 'data-status', 'refunded', 15_000);
    await screenshot(admin, 'admin-after-sales-request');

    await waitForAttribute(shop.getByTestId('my-request-status'), 'data-status', 'refunded', 15_000);
    await waitForText(shop.getByTestId('my-request-status'), '已退款');
    await waitForText(shop.getByTestId('my-request-note'), '已核实');
    // The order itself follows without a reload, and after one.
    await waitForAttribute(shop.getByTestId('order-status'), 'data-status', 'partially_refunded');
    await shop.reload();
    await waitForAttribute(shop.getByTestId('order-status'), 'data-status', 'partially_refunded');
    await waitForAttribute(shop.getByTestId('my-request-status'), 'data-status', 'refunded');
    await screenshot(shop, 'shop-after-sales-refunded');

    const stored = await db.selectFrom('orders').select(['status', 'refunded_total']).where('tenant_id', '=', world.tenantId).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ status: 'partially_refunded', refunded_total: 2000 });
    const refunds = await db.selectFrom('refunds').select(['amount', 'status']).where('tenant_id', '=', world.tenantId).where('order_id', '=', order.id).execute();
    expect(refunds.map((r) => [Number(r.amount), r.status])).toEqual([[2000, 'succeeded']]);
    await shopContext.close();
    await consoleContext.close();
  });
});
