/**
 * A buyer pays with WeChat Pay in the sandbox: the shop's cashier offers it beside the sandbox
 * cashier, the simulator's pay sheet stands in for WeChat's payment dialog (it checks the paySign),
 * and its signed, encrypted notification marks the order paid. The console shows the merchant
 * settings and never a key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAttribute, waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';
import { testConfig } from '../fixtures.js';
import { connectSimulatorMerchant, giveOpenid, TEST_APIV3_KEY } from '../wechatpay.js';

const PHONE = '13900139077';
const ADMIN = { login: 'ops', password: 'ops-password-1' };
let mchid = '';
const live = liveServer({
  skuCount: 1,
  user: () => ({ login: ADMIN.login, display_name: '运营小王', role: 'tenant_admin', password: ADMIN.password }),
  prepare: async (db, world) => { mchid = await connectSimulatorMerchant(db, testConfig, world.tenantId); },
});

describe('WeChat Pay in a browser (simulated)', () => {
  let session: { token: string; customer: { id: string } };
  let orderId = '';
  beforeAll(async () => {
    const { base, world, db } = live;
    const res = await fetch(`${base}/api/v1/shops/${world.shop}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '王五', phone: PHONE }) });
    expect(res.status, await res.clone().text()).toBe(201);
    session = await res.json();
    // Signed in through WeChat: the buyer has an openid.
    await giveOpenid(db, world.tenantId, session.customer.id);
    const placed = await fetch(`${base}/api/v1/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'idempotency-key': 'wxpay-e2e-1' },
      body: JSON.stringify({ shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }] }),
    });
    expect(placed.status, await placed.clone().text()).toBe(201);
    orderId = (await placed.json()).id;
  });

  it('order → WeChat Pay → the simulator\'s pay sheet → paid', async () => {
    const { browser, base, world } = live;
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await context.addInitScript(([key, value]) => { localStorage.setItem(key!, value!); }, [`siyu.session.${world.shop}`, JSON.stringify({ token: session.token, customer: session.customer })]);
    const page = await context.newPage();
    await page.goto(`${base}/s/${world.shop}/pay/${orderId}`);
    await waitForText(page.getByTestId('wechat-pay'), '微信支付');
    await screenshot(page, 'shop-cashier-wechatpay');
    await page.getByTestId('wechat-pay').click();
    await page.waitForURL(/\/simulators\/wechatpay\/pay-sheet\?/);
    await waitForText(page.getByTestId('pay-sheet-amount'), '¥20.00');
    await screenshot(page, 'wechatpay-pay-sheet');
    await page.getByTestId('pay-sheet-confirm').click();
    await page.waitForURL(new RegExp(`/s/${world.shop}/orders/${orderId}`));
    await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid');
    await waitForText(page.getByTestId('pickup-code'), /^\d{6}$/);
    const payment = await live.db.selectFrom('payments').select(['provider', 'status']).where('tenant_id', '=', world.tenantId).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ provider: 'wechatpay', status: 'succeeded' });
    await context.close();
  });

  it('the console shows the merchant settings, never a key', async () => {
    const { browser, base, world } = live;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const admin = await context.newPage();
    await loginToConsole(admin, base, world.tenantSlug, ADMIN.login, ADMIN.password);
    await admin.getByTestId('nav-wechatpay').click();
    await waitForText(admin.getByTestId('wechatpay-mchid'), mchid);
    await waitForText(admin.getByTestId('wechatpay-api-base'), '模拟器');
    const text = await admin.getByTestId('wechatpay-settings').innerText();
    expect(text).not.toContain(TEST_APIV3_KEY);
    expect(text).not.toContain('PRIVATE KEY');
    await screenshot(admin, 'console-wechatpay');
    await context.close();
  });
});
