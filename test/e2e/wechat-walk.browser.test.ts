/**
 * The sandbox demo's WeChat loop, walked the way a new user walks it, with no WeChat account:
 * open the leader's link inside WeChat → signed in → pay with WeChat Pay (simulated) → "ready for
 * pickup" message → share a poster → a friend orders through it. The server starts as
 * `siyu start` starts it in sandbox mode (the demo seed, then the demo's simulated WeChat apps,
 * templates and merchant at the server's address); every WeChat screen is the simulators'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSiyu, type Siyu } from '../../src/app.js';
import { injectPost } from '../../src/providers/sandboxpay.unit.js';
import { systemClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/database.js';
import { seedDemo } from '../../src/cli/seed/demo-seed.js';
import { prepareSandboxDemo } from '../../src/cli/seed/demo-sandbox.js';
import { DEMO_WECHAT_APPS } from '../../src/cli/seed/demo-wechat.js';
import { DEMO_SUBSCRIBE_TEMPLATES } from '../../src/cli/seed/demo-reach.js';
import { simOpenid } from '../../src/simulators/wechat/wechat.simulator.js';
import { simulatedMessages, type SimulatedMessage } from '../../src/simulators/wechat/reach.simulator.js';
import { createTestDatabase } from '../test-db.js';
import { testConfig } from '../fixtures.js';
import { ensureWebBuilt, launchChromium, waitForAttribute, waitForText, phoneDevice } from './browser.js';
import { loginAsDemo, loginAsDemoAdmin, screenshot } from './demo-console.js';
import { signInWithCode } from './shop-sign-in.js';

const SHOP = 'demo-cuiyuan'; // leader1's shop
const OFFICIAL_ACCOUNT = DEMO_WECHAT_APPS[0].appid;
const READY_TEMPLATE = DEMO_SUBSCRIBE_TEMPLATES.ready_for_pickup.template_id;
/** WeChat's browser on a phone: the shop knows it by "MicroMessenger" in the user agent. */
const inWechat = {
  ...phoneDevice,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN',
};

let db: Db;
let siyu: Siyu;
let browser: Browser;
let base = '';
let tenantId = '';

beforeAll(async () => {
  await ensureWebBuilt();
  ({ db } = await createTestDatabase());
  tenantId = (await seedDemo(db, { secretKey: testConfig.secretKey })).tenantId!;
  siyu = await createSiyu(db, testConfig, { clock: systemClock, sandboxNotifyPost: injectPost });
  siyu.startBackground(200);
  base = await siyu.server.listen({ port: 0, host: '127.0.0.1' });
  await prepareSandboxDemo(db, testConfig.secretKey, base);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await siyu?.close();
});

/** WeChat's consent page (the simulator's): the buyer is this WeChat user, and allows. */
async function allowAsWechatUser(page: Page, user: string, shot: string) {
  await page.waitForURL(/\/simulators\/wechat\/connect\/oauth2\/authorize\?/);
  await page.locator('input[name="user"]').fill(user);
  await screenshot(page, shot);
  await page.locator('#allow').click();
}

/** The cashier's WeChat Pay → the simulator's pay sheet → confirm → back on the order, paid. */
async function payWithWechat(page: Page, orderId: string, shot: string) {
  await page.getByTestId('wechat-pay').click();
  await page.waitForURL(/\/simulators\/wechatpay\/pay-sheet\?/);
  await waitForText(page.getByTestId('pay-sheet-amount'), /¥\d/);
  await screenshot(page, shot);
  await page.getByTestId('pay-sheet-confirm').click();
  await page.waitForURL(new RegExp(`/s/${SHOP}/orders/${orderId}`));
  await waitForAttribute(page.getByTestId('order-status'), 'data-status', 'paid', 15_000);
}

/** Cart → checkout; inside WeChat the shop signs the buyer in through the official account by itself. */
async function checkoutSignedInAs(page: Page, user: string, shot: string): Promise<string> {
  await page.getByTestId('add-to-cart').click();
  await page.getByTestId('go-to-cart').click();
  await page.getByTestId('checkout-button').click();
  await allowAsWechatUser(page, user, shot);
  await page.waitForURL(new RegExp(`/s/${SHOP}/checkout`));
  await waitForText(page.getByTestId('buyer-summary'), /微信用户/);
  await page.getByTestId('place-order').click();
  await page.waitForURL(new RegExp(`/s/${SHOP}/pay/`));
  return page.url().split('/pay/')[1]!.split(/[?#]/)[0]!;
}

describe('the WeChat loop of the sandbox demo', () => {
  let buyer: BrowserContext;
  let buyerPage: Page;
  let orderId = '';
  let shareLink = '';
  let shareCode = '';

  it('a buyer opens the leader\'s link in WeChat, is signed in by the official account, orders and pays with WeChat Pay', async () => {
    buyer = await browser.newContext(inWechat);
    buyerPage = await buyer.newPage();
    await buyerPage.goto(`${base}/s/${SHOP}`);
    await waitForText(buyerPage.getByTestId('shop-name'), '张姐团购');
    await screenshot(buyerPage, 'walk-01-shop');
    await buyerPage.getByTestId('product-card').first().click();
    await waitForText(buyerPage.getByTestId('product-title'), /./);
    await screenshot(buyerPage, 'walk-02-product');
    orderId = await checkoutSignedInAs(buyerPage, 'walk-lily', 'walk-03-consent');
    await screenshot(buyerPage, 'walk-04-cashier');
    // Before paying, the sandbox stands in for WeChat's "allow notifications" dialog.
    await buyerPage.getByTestId('subscribe-accept').click();
    await waitForText(buyerPage.getByTestId('subscribe-answered'), /\d/);
    await payWithWechat(buyerPage, orderId, 'walk-05-pay-sheet');
    const payment = await db.selectFrom('payments').select(['provider', 'status']).where('tenant_id', '=', tenantId).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ provider: 'wechatpay', status: 'succeeded' });
    await waitForText(buyerPage.getByTestId('pickup-code'), /^\d{6}$/);
    await screenshot(buyerPage, 'walk-06-paid');
  });

  it('the leader marks it ready for pickup; WeChat delivers the buyer\'s "ready for pickup" message', async () => {
    expect(orderId, 'the buyer must have paid').not.toBe('');
    const leader = await browser.newContext(phoneDevice);
    const console = await leader.newPage();
    await loginAsDemo(console, base, 'leader1', 'leader123', '张丽');
    await console.goto(`${base}/admin/orders/${orderId}`);
    await console.getByTestId('mark-ready').click();
    await waitForAttribute(console.getByTestId('detail-status'), 'data-status', 'ready_for_pickup');
    await screenshot(console, 'walk-07-leader-ready');
    await leader.close();

    // What the simulated WeChat delivered: to the openid the official account issued the buyer, through it.
    const deadline = Date.now() + 15_000;
    let delivered: SimulatedMessage[] = [];
    while (Date.now() < deadline && !delivered.length) {
      delivered = (await simulatedMessages(db, { limit: 10, user: 'walk-lily' })).filter((m) => m.template_id === READY_TEMPLATE);
      if (!delivered.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(delivered).toHaveLength(1);
    // The "order paid" message went the same way, since the buyer allowed notifications before paying.
    expect((await simulatedMessages(db, { limit: 10, user: 'walk-lily' })).map((m) => m.template_id)).toEqual([READY_TEMPLATE, DEMO_SUBSCRIBE_TEMPLATES.order_paid.template_id]);
    expect(delivered[0]).toMatchObject({ appid: OFFICIAL_ACCOUNT, openid: simOpenid(OFFICIAL_ACCOUNT, 'walk-lily'), api: 'bizsend' });
    expect(delivered[0]!.data.thing3?.value).toBe('商品已到自提点，请凭取货码取货');

    // The buyer sees it in the simulated WeChat's notifications, the admin in the console's list.
    await buyerPage.reload();
    await buyerPage.getByTestId('wechat-inbox-link').click();
    await waitForText(buyerPage.getByTestId('inbox-message').first(), '商品已到自提点');
    await screenshot(buyerPage, 'walk-08-wechat-inbox');
    await buyerPage.getByTestId('inbox-back').click();
    await buyerPage.waitForURL(new RegExp(`/s/${SHOP}/orders/${orderId}$`));
    const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const adminPage = await admin.newPage();
    await loginAsDemoAdmin(adminPage, base);
    await adminPage.getByTestId('nav-subscribe-messages').click();
    await waitForAttribute(adminPage.locator('[data-testid="subscribe-message"][data-event="ready_for_pickup"]'), 'data-status', 'sent');
    await waitForAttribute(adminPage.locator('[data-testid="subscribe-message"][data-event="order_paid"]'), 'data-status', 'sent');
    await screenshot(adminPage, 'walk-09-console-messages');
    await admin.close();
  });

  it('the buyer shares a poster of what they bought', async () => {
    await buyerPage.goto(`${base}/s/${SHOP}/orders/${orderId}`);
    await buyerPage.getByTestId('share-open').click();
    await buyerPage.getByTestId('share-poster').waitFor();
    await buyerPage.waitForFunction(() => (document.querySelector('[data-testid="share-poster"]') as HTMLImageElement | null)?.naturalWidth === 750);
    shareLink = await buyerPage.getByTestId('share-link').inputValue();
    shareCode = (await buyerPage.getByTestId('share-result').getAttribute('data-code'))!;
    expect(shareLink).toBe(`${base}/s/${shareCode}`);
    const poster = await fetch(await buyerPage.getByTestId('share-poster').getAttribute('src') as string);
    expect(poster.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await poster.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await screenshot(buyerPage, 'walk-10-share-poster');
    await buyer.close();
  });

  it('a friend opens the poster\'s link in WeChat, signs in, orders and pays: the order credits the sharer and the same leader', async () => {
    expect(shareLink, 'the buyer must have shared').not.toBe('');
    const friend = await browser.newContext(inWechat);
    const page = await friend.newPage();
    await page.goto(shareLink);
    await waitForText(page.getByTestId('product-title'), /./);
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/s/${SHOP}/p/`));
    await screenshot(page, 'walk-11-friend-product');
    const friendOrder = await checkoutSignedInAs(page, 'walk-friend', 'walk-12-friend-consent');
    await payWithWechat(page, friendOrder, 'walk-13-friend-pay-sheet');
    await screenshot(page, 'walk-14-friend-paid');
    await friend.close();

    const sharer = await db.selectFrom('orders').innerJoin('customers', (j) => j.onRef('customers.tenant_id', '=', 'orders.tenant_id').onRef('customers.id', '=', 'orders.customer_id'))
      .select(['customers.user_id', 'orders.b_node_id']).where('orders.id', '=', orderId).executeTakeFirstOrThrow();
    const row = await db.selectFrom('orders').select(['share_code', 'sharer_user_id', 'sharer_b_node_id', 'b_node_id', 'customer_id']).where('id', '=', friendOrder).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ share_code: shareCode, sharer_user_id: sharer.user_id, sharer_b_node_id: sharer.b_node_id, b_node_id: sharer.b_node_id });
    const friendIdentity = await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', tenantId).where('subject', '=', simOpenid(OFFICIAL_ACCOUNT, 'walk-friend')).executeTakeFirstOrThrow();
    expect(friendIdentity.customer_id).toBe(row.customer_id);
  });
});

describe('a buyer who signed in with a phone code inside WeChat', () => {
  it('is offered "continue with WeChat" at the cashier: the official account\'s openid joins the same customer, and the payment goes on', async () => {
    const context = await browser.newContext(inWechat);
    const page = await context.newPage();
    // They declined the automatic WeChat sign-in once, and signed in with their phone instead.
    await page.goto(`${base}/s/${SHOP}`);
    await page.evaluate(() => sessionStorage.setItem('siyu.wechat.auto_started', '1'));
    await page.getByTestId('product-card').first().click();
    await page.getByTestId('add-to-cart').click();
    await page.getByTestId('go-to-cart').click();
    await page.getByTestId('checkout-button').click();
    await signInWithCode(page, db, tenantId, '13700137001', '手机买家');
    await waitForText(page.getByTestId('buyer-summary'), '13700137001');
    const customerId = (JSON.parse((await page.evaluate((slug) => localStorage.getItem(`siyu.session.${slug}`), SHOP))!) as { customer: { id: string } }).customer.id;
    await page.getByTestId('place-order').click();
    await page.waitForURL(new RegExp(`/s/${SHOP}/pay/`));
    const orderId = page.url().split('/pay/')[1]!.split(/[?#]/)[0]!;

    await page.getByTestId('wechat-pay').click();
    await page.getByTestId('continue-with-wechat').waitFor();
    await screenshot(page, 'walk-15-otp-needs-wechat');
    await page.getByTestId('continue-with-wechat').click();
    await allowAsWechatUser(page, 'walk-phone-buyer', 'walk-16-otp-consent');
    // Back at the cashier of the same order, as the same customer, now with an openid to pay with.
    await page.waitForURL(new RegExp(`/s/${SHOP}/pay/${orderId}`));
    const identity = await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', tenantId).where('subject', '=', simOpenid(OFFICIAL_ACCOUNT, 'walk-phone-buyer')).executeTakeFirstOrThrow();
    expect(identity.customer_id).toBe(customerId);
    await payWithWechat(page, orderId, 'walk-17-otp-pay-sheet');
    await context.close();
  });
});
