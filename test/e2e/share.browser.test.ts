import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Db } from '../../src/database.js';
import type { World } from '../fixtures.js';
import { waitForAttribute, waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';
import { signInWithCode } from './shop-sign-in.js';

const LEADER = { login: 'leader', password: 'leader-password-1' };
const FRIEND = '13800138111';
const phone = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const live = liveServer({
  skuCount: 1,
  user: (world) => ({ login: LEADER.login, display_name: '团长小王', role: 'b_owner', b_node_id: world.bNodeId, password: LEADER.password }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '丹东草莓' }).where('tenant_id', '=', world.tenantId).execute();
    await db.updateTable('b_nodes').set({ name: '幸福里团购', pickup_address: '幸福里 3 号楼' }).where('tenant_id', '=', world.tenantId).execute();
    await db.insertInto('subscribe_templates').values({ tenant_id: world.tenantId, event: 'order_paid', template_id: 'TPL_PAID', page: 'pages/order/order', fields: { character_string1: 'order_number' } }).execute();
  },
});
let db: Db;
let world: World;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, browser, base } = live); });

describe('share a poster, a friend orders through it', () => {
  let link = '';
  let code = '';

  it('a leader makes a poster of a product on their phone', async () => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, LEADER.login, LEADER.password, '团长小王');
    await page.getByTestId('open-share').click();
    await waitForText(page.getByTestId('share-product'), '丹东草莓');
    await page.getByTestId('share-product').selectOption({ label: '丹东草莓 · ¥10.00' });
    await page.getByTestId('share-create').click();
    const poster = page.getByTestId('share-poster');
    await poster.waitFor();
    // The poster is a real PNG drawn by the server: it loads at its full size.
    await page.waitForFunction(() => (document.querySelector('[data-testid="share-poster"]') as HTMLImageElement | null)?.naturalWidth === 750);
    await page.waitForFunction(() => ((document.querySelector('[data-testid="share-qr"]') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    link = await page.getByTestId('share-link').inputValue();
    code = (await page.getByTestId('share-result').getAttribute('data-code'))!;
    expect(link).toBe(`${base}/s/${code}`);
    await screenshot(page, 'share-poster');
    await context.close();
  });

  it('a friend opens the link, orders and pays; the order shows the sharer', async () => {
    expect(link, 'the leader step must have made a link').not.toBe('');
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(link);
    // The short link lands on the product it was made for.
    await waitForText(page.getByTestId('product-title'), '丹东草莓');
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/s/${world.shop}/p/`));
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('go-to-cart').click();
    await page.getByTestId('checkout-button').click();
    await signInWithCode(page, db, world.tenantId, FRIEND, '好友');
    await waitForText(page.getByTestId('buyer-summary'), FRIEND);
    await page.getByTestId('place-order').click();
    await page.getByTestId('sandbox-pay').click();
    await page.waitForURL(/\/orders\/ord/);
    await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid');
    // After paying, the sandbox stands in for WeChat's subscribe dialog.
    await page.getByTestId('subscribe-accept').click();
    await waitForText(page.getByTestId('subscribe-answered'), '1');
    await screenshot(page, 'share-friend-order');
    const orderId = page.url().split('/orders/')[1]!;
    await context.close();

    const row = await db.selectFrom('orders').select(['share_code', 'sharer_b_node_id']).where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(row).toEqual({ share_code: code, sharer_b_node_id: world.bNodeId });
    const optIn = await db.selectFrom('subscribe_opt_ins').select('accepted').where('tenant_id', '=', world.tenantId).where('template_id', '=', 'TPL_PAID').executeTakeFirstOrThrow();
    expect(optIn.accepted).toBe(1);

    const leader = await browser.newContext(phone);
    const console = await leader.newPage();
    await loginToConsole(console, base, world.tenantSlug, LEADER.login, LEADER.password, '团长小王');
    await console.goto(`${base}/admin/orders/${orderId}`);
    await waitForText(console.getByTestId('detail-sharer'), '分享人：团长小王');
    await screenshot(console, 'share-order-sharer');
    await leader.close();
  });
});
