/**
 * Demand aggregation in a browser: the tenant admin opens a sales window and cuts it off, the
 * supplier confirms its purchase order short in its portal, the leader reads the pick list on a
 * phone with the short-shipped unit refunded, and the printable pages render in both layouts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Siyu } from '../../src/app.js';
import type { Db } from '../../src/database.js';
import { createUser, issueToken } from '../../src/modules/identity/identity.service.js';
import { systemClock } from '../../src/platform/clock.js';
import { consumerToken, type World } from '../fixtures.js';
import { injectApi, paidOrder } from '../race/helpers.js';
import { loginToConsole, waitForAttribute, waitForText, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const BOSS = { login: 'boss', password: 'boss-password-1' };
const FARMER = { login: 'farmer', password: 'farmer-password-1' };
const LEADER = { login: 'leader', password: 'leader-password-1' };

const live = liveServer({
  skuCount: 2,
  user: () => ({ login: BOSS.login, display_name: '总部小王', role: 'tenant_admin', password: BOSS.password }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '红富士苹果' }).where('tenant_id', '=', world.tenantId).execute();
    await db.updateTable('skus').set({ case_pack: 4, min_order_qty: 4 }).where('tenant_id', '=', world.tenantId).where('id', '=', world.skus[0]!.id).execute();
    await db.updateTable('b_nodes').set({ name: '幸福小区团长', pickup_address: '幸福小区 3 号楼门口', pickup_hours: '17:00–20:00' }).where('tenant_id', '=', world.tenantId).execute();
    await createUser(db, world.tenantId, { login: FARMER.login, display_name: '果园老陈', role: 'supplier_operator', password: FARMER.password, supplier_id: world.supplierId });
    await createUser(db, world.tenantId, { login: LEADER.login, display_name: '团长阿芳', role: 'b_owner', password: LEADER.password, b_node_id: world.bNodeId });
  },
});
let db: Db;
let world: World;
let siyu: Siyu;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, siyu, browser, base } = live); });

describe('sales windows, purchase orders and pick lists in a browser', () => {
  it('admin cuts a window off, the supplier confirms short, the leader sees the pick list on a phone', async () => {
    const api = injectApi(siyu);
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await consoleContext.newPage();
    await loginToConsole(admin, base, world.tenantSlug, BOSS.login, BOSS.password, '总部小王');
    await admin.getByTestId('nav-sales-windows').click();
    await admin.getByTestId('window-name').fill('今日团');
    // Once: a daily window would open its successor of the same name at the cutoff.
    await admin.getByTestId('window-recurrence').selectOption('once');
    await admin.getByTestId('create-window').click();
    const row = admin.locator('[data-testid="window-row"][data-name="今日团"]');
    await waitForAttribute(row, 'data-status', 'open');

    // Three buyers pay after the window opened: 1 + 2 + 3 apples.
    for (const [i, qty] of [1, 2, 3].entries()) {
      const token = await consumerToken(siyu, world.shop, `1370013700${i}`);
      await paidOrder(api, world.tenantId, token, world.shop, [{ sku_id: world.skus[0]!.id, quantity: qty }]);
    }
    await row.getByTestId('run-cutoff').click();
    await waitForText(row.getByTestId('cutoff-result'), '3 个订单');
    await waitForAttribute(row, 'data-status', 'closed');
    await screenshot(admin, 'fulfilment-windows');
    await row.getByTestId('window-pos').click();
    await admin.getByTestId('purchase-order-link').click();
    await waitForAttribute(admin.getByTestId('purchase-order-detail'), 'data-status', 'open');
    // 6 apples demanded, cases of 4: 8 ordered.
    await waitForText(admin.getByTestId('confirm-line'), '红富士苹果');
    await screenshot(admin, 'fulfilment-po-admin');

    // The supplier's portal: purchase orders only, its own; it ships 5 of the 6 apples.
    const supplierContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const supplier = await supplierContext.newPage();
    await loginToConsole(supplier, base, world.tenantSlug, FARMER.login, FARMER.password, '果园老陈');
    expect(await supplier.getByTestId('nav-orders').count()).toBe(0);
    expect(await supplier.getByTestId('nav-sales-windows').count()).toBe(0);
    await supplier.getByTestId('nav-purchase-orders').click();
    await supplier.getByTestId('purchase-order-link').click();
    const qty = supplier.getByTestId('confirm-qty');
    expect(await qty.inputValue()).toBe('8');
    await qty.fill('5');
    await supplier.getByTestId('confirm-po').click();
    await waitForAttribute(supplier.getByTestId('purchase-order-detail'), 'data-status', 'confirmed');
    await waitForText(supplier.getByTestId('po-short'), '缺货 1 件');
    expect(await supplier.getByTestId('short-refunds').count()).toBe(0);
    await screenshot(supplier, 'fulfilment-po-supplier-confirmed');

    // The latest payer (3 apples) gives up one: the refund is one apple's price.
    const refunds = await db.selectFrom('refunds').select(['amount', 'reason']).where('tenant_id', '=', world.tenantId).where('reason', '=', 'short_shipment').execute();
    expect(refunds.map((r) => Number(r.amount))).toEqual([world.skus[0]!.price]);

    // The leader on a phone: the pick list of its own pickup point, 5 apples to hand out.
    const phone = await browser.newContext(phoneDevice);
    const leader = await phone.newPage();
    await loginToConsole(leader, base, world.tenantSlug, LEADER.login, LEADER.password, '团长阿芳');
    await leader.getByTestId('nav-pick-lists').click();
    await waitForText(leader.getByTestId('pick-list-units'), '5');
    await leader.getByTestId('pick-list-card').click();
    await waitForText(leader.getByTestId('pick-item-qty'), '× 5');
    expect(await leader.getByTestId('pick-order').count()).toBe(3);
    await waitForText(leader.getByTestId('pick-list-detail'), '幸福小区 3 号楼门口');
    expect(await leader.getByTestId('nav-purchase-orders').count()).toBe(0);
    // Nothing wider than the phone.
    expect(await pageWidth(leader)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(leader, 'fulfilment-pick-list-phone');

    // The printable pages as a printer sees them.
    const list = (await db.selectFrom('pick_lists').select('id').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).id;
    const po = (await db.selectFrom('purchase_orders').select('id').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).id;
    const user = await db.selectFrom('users').select('id').where('tenant_id', '=', world.tenantId).where('login', '=', BOSS.login).executeTakeFirstOrThrow();
    const { token } = await issueToken(db, systemClock, world.tenantId, user.id, 'api', 'print');
    const printing = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const paper = await printing.newPage();
    await paper.emulateMedia({ media: 'print' });
    await paper.goto(`${base}/api/v1/purchase-orders/${po}/print?layout=a4`);
    await waitForText(paper.locator('h1'), '采购单');
    // The stylesheet applied: the A4 table has its rule under the header.
    expect(await paper.locator('thead th').first().evaluate((el) => getComputedStyle(el).borderBottomStyle)).toBe('solid');
    await screenshot(paper, 'fulfilment-po-print-a4');
    await paper.setViewportSize({ width: 302, height: 900 });
    await paper.goto(`${base}/api/v1/pick-lists/${list}/print?layout=receipt`);
    await waitForText(paper.locator('h1'), '幸福小区团长');
    expect(await paper.locator('body').evaluate((el) => el.getBoundingClientRect().width)).toBeLessThanOrEqual(300);
    await screenshot(paper, 'fulfilment-pick-list-print-receipt');
  });
});
