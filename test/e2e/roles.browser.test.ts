/**
 * Each role signs in to the demo console and sees only the screens and actions it may use: a
 * leader (B node owner) on a phone, a staff member and a supplier.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_NODES, DEMO_SUPPLIERS } from '../../src/cli/seed/demo-catalog.js';
import { waitForText, phoneDevice } from './browser.js';
import { loginAsDemo, demoConsoleForFile, screenshot } from './demo-console.js';

const c = demoConsoleForFile();

/** A fresh page (no stored session) of the given size. */
async function freshPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await c.browser.newContext({ viewport });
  return context.newPage();
}

const navItems = async (page: Page) => {
  await page.getByTestId('admin-nav').waitFor();
  return (await page.getByTestId('admin-nav').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-testid')))).sort();
};
const econTabs = (page: Page) => page.locator('.sub-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('data-testid')));

/** Opens the first paid order of the list (the demo has paid orders at every node). */
async function openPaidOrder(page: Page) {
  await page.goto(`${c.base}/admin/orders?status=paid`);
  await page.getByTestId('order-row').first().waitFor();
  await page.getByTestId('order-link').first().click();
  await page.getByTestId('order-detail').waitFor();
}

/** The page's content is no wider than its viewport: nothing but a wide table's own box scrolls sideways. */
async function fitsPhone(page: Page, name: string) {
  await screenshot(page, name);
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  expect(widths.page, `${name}: page ${widths.page}px wide in a ${widths.viewport}px viewport`).toBeLessThanOrEqual(widths.viewport);
}

describe('the console per role', () => {
  it('a leader, on a phone, sees their node\'s orders, refunds and economics, and no forms they cannot submit', async () => {
    const page = await freshPage(phoneDevice.viewport);
    await loginAsDemo(page, c.base, 'leader1', 'leader123', '张丽');
    expect(await navItems(page)).toEqual(['nav-after-sales', 'nav-churn-alerts', 'nav-customer-groups', 'nav-customers', 'nav-economics', 'nav-listings', 'nav-orders', 'nav-pick-lists', 'nav-pickup', 'nav-products']);
    // Orders: no store column (all are the leader's node); actions: ready/pickup and refunds.
    await page.getByTestId('orders-table').waitFor();
    await fitsPhone(page, 'leader-orders-phone');
    expect(await page.locator('[data-testid="orders-table"] th').allTextContents()).not.toContain('门店/团长');
    await openPaidOrder(page);
    await page.getByTestId('order-actions').waitFor();
    expect(await page.getByTestId('pickup-code-input').count()).toBe(1);
    expect(await page.getByTestId('full-refund').count()).toBe(1);
    await page.getByTestId('order-waterfall').waitFor();
    await fitsPhone(page, 'leader-order-phone');

    // Break-even opens the leader's own node, with no picker of other nodes.
    await page.goto(`${c.base}/admin/economics/breakeven`);
    await waitForText(page.getByTestId('be-own-node'), DEMO_NODES[0]!.name);
    expect(await page.getByTestId('be-node').count()).toBe(0);
    await page.getByTestId('be-summary').waitFor();
    expect((await page.locator('.admin-main').textContent()) ?? '').not.toContain('不存在');
    await fitsPhone(page, 'leader-breakeven-phone');

    // Policies and campaigns: read, without the forms and buttons only admins may submit.
    await page.goto(`${c.base}/admin/economics/policies`);
    await page.getByTestId('policies-table').waitFor();
    expect(await page.getByTestId('policy-form').count()).toBe(0);
    expect(await page.getByTestId('assign-node').count()).toBe(0);
    expect(await econTabs(page)).toEqual(['econ-tab-overview', 'econ-tab-policies', 'econ-tab-campaigns', 'econ-tab-check', 'econ-tab-breakeven']);
    await fitsPhone(page, 'leader-policies-phone');
    await page.goto(`${c.base}/admin/economics/campaigns`);
    await page.getByTestId('campaigns-page').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('campaign-form').count()).toBe(0);
    expect(await page.getByTestId('campaign-end').count()).toBe(0);
    await fitsPhone(page, 'leader-campaigns-phone');
    await page.goto(`${c.base}/admin/economics`);
    await page.locator('[data-testid="pnl-chart"] canvas').first().waitFor();
    await fitsPhone(page, 'leader-economics-phone');

    // The after-sales queue of the leader's node, without the tenant's rules form.
    await page.getByTestId('nav-after-sales').click();
    await page.getByTestId('after-sales-status-filter').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('after-sales-rules').count()).toBe(0);
    await fitsPhone(page, 'leader-after-sales-phone');

    await page.goto(`${c.base}/admin/jobs`);
    await waitForText(page.locator('.admin-main'), '页面不存在');
    await page.context().close();
  });

  it('staff fulfil their node\'s orders: no refund buttons, no supply cost, no node picker', async () => {
    const page = await freshPage();
    await loginAsDemo(page, c.base, 'staff1', 'staff123', '陈小雨');
    expect(await navItems(page)).toEqual(['nav-after-sales', 'nav-churn-alerts', 'nav-customer-groups', 'nav-customers', 'nav-economics', 'nav-orders', 'nav-pick-lists', 'nav-products']);
    await openPaidOrder(page);
    await page.getByTestId('pickup-code-input').waitFor();
    expect(await page.getByTestId('full-refund').count()).toBe(0);
    expect(await page.getByTestId('partial-refund-form').count()).toBe(0);
    expect(await page.getByTestId('order-waterfall').count()).toBe(0);
    await screenshot(page, 'staff-order');

    // Economics: the calculator alone; the node screens are not there.
    await page.getByTestId('nav-economics').click();
    await page.getByTestId('check-page').waitFor();
    expect(await econTabs(page)).toEqual(['econ-tab-check']);
    await page.goto(`${c.base}/admin/economics/breakeven`);
    await waitForText(page.locator('.admin-main'), '页面不存在');
    expect(await page.getByTestId('be-node').count()).toBe(0);

    // Products without supply prices.
    await page.goto(`${c.base}/admin/products`);
    await page.getByTestId('product-row').first().waitFor();
    expect(await page.getByTestId('col-supply-price').count()).toBe(0);
    await page.context().close();
  });

  it('a supplier sees its own products with supply prices, and no orders', async () => {
    const page = await freshPage();
    await loginAsDemo(page, c.base, 'supplier1', 'supplier123', DEMO_SUPPLIERS[0]!.operatorName);
    // The supplier portal's own navigation: catalog, stock, assortments, files, purchase orders, the calculator.
    expect(await navItems(page)).toEqual(['nav-assortments', 'nav-economics', 'nav-imports', 'nav-products', 'nav-purchase-orders', 'nav-supplier-stock']);
    // The landing page is the first screen a supplier may open.
    await page.getByTestId('products-page').waitFor();
    expect(page.url()).toContain('/admin/products');
    await page.getByTestId('product-row').first().waitFor();
    const suppliers = new Set(await page.getByTestId('product-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-supplier'))));
    expect(suppliers.size).toBe(1);
    await page.getByTestId('col-supply-price').waitFor();
    await screenshot(page, 'supplier-products');

    await page.goto(`${c.base}/admin/orders`);
    await waitForText(page.locator('.admin-main'), '页面不存在');
    expect(await page.getByTestId('orders-table').count()).toBe(0);
    await page.context().close();
  });
});
