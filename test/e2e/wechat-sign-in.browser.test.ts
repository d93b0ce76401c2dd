/**
 * A buyer signs in with WeChat in a browser: the shop's "Sign in with WeChat" goes to the
 * simulator's consent page (standing in for WeChat's), the buyer picks a WeChat user, and WeChat's
 * redirect brings them back signed in, to the page they started from. The console's WeChat screen
 * lists the tenant's apps with "secret set", never the secret.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Siyu } from '../../src/app.js';
import type { Db } from '../../src/database.js';
import type { World } from '../fixtures.js';
import { testConfig } from '../fixtures.js';
import { connectWechatApp, WECHAT_SEAL_PURPOSE } from '../../src/modules/wechat/wechat.service.js';
import { deriveKey } from '../../src/platform/secrets.js';
import { simOpenid } from '../../src/simulators/wechat/wechat.simulator.js';
import { waitForText, loginToConsole } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const ADMIN = { login: 'ops', password: 'ops-password-1' };
const OA = 'wxe2e0fficial00001';

const live = liveServer({
  skuCount: 1,
  user: () => ({ login: ADMIN.login, display_name: '运营小王', role: 'tenant_admin', password: ADMIN.password }),
});
let world: World;
let siyu: Siyu;
let browser: Browser;
let base: string;
let db: Db;

beforeAll(async () => {
  ({ world, siyu, browser, base, db } = live);
  const key = deriveKey(testConfig.secretKey, WECHAT_SEAL_PURPOSE);
  await connectWechatApp(db, key, world.tenantId, { app: 'official_account', appid: OA, secret: 'e2e-oa-secret', apiBase: `${base}/simulators/wechat` });
  await connectWechatApp(db, key, world.tenantId, { app: 'mini_program', appid: 'wxe2emini0000000001', secret: 'e2e-mp-secret', apiBase: `${base}/simulators/wechat` });
});

describe('WeChat sign-in in a browser', () => {
  it('shop → Sign in with WeChat → the simulator\'s consent page → back, signed in, on the page the buyer started from', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    const shop = await context.newPage();
    await shop.goto(`${base}/s/${world.shop}/orders`);
    await waitForText(shop.getByTestId('wechat-sign-in'), '微信登录');
    // Outside WeChat the phone and code remain.
    expect(await shop.getByTestId('buyer-phone').count()).toBe(1);
    await screenshot(shop, 'wechat-sign-in-button');
    await shop.getByTestId('wechat-sign-in').click();

    await shop.waitForURL(/\/simulators\/wechat\/connect\/oauth2\/authorize\?/);
    await waitForText(shop.locator('h1'), 'WeChat authorisation');
    await shop.locator('input[name="user"]').fill('lily');
    await screenshot(shop, 'wechat-simulator-consent');
    await shop.locator('#allow').click();

    await shop.waitForURL(new RegExp(`/s/${world.shop}/orders$`), { timeout: 10_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nat ${shop.url()}\n${await shop.locator('body').innerText()}`);
    });
    await waitForText(shop.getByTestId('my-orders-empty'), /./);
    const stored = await shop.evaluate((slug) => localStorage.getItem(`siyu.session.${slug}`), world.shop);
    const session = JSON.parse(stored!) as { token: string; customer: { id: string; name: string } };
    expect(session.customer.name).toMatch(/^微信用户/);
    const identity = await db.selectFrom('customer_identities').select('customer_id').where('tenant_id', '=', world.tenantId).where('provider', '=', 'wechat_openid').where('subject', '=', simOpenid(OA, 'lily')).executeTakeFirstOrThrow();
    expect(identity.customer_id).toBe(session.customer.id);

    // The session is a real one: an order placed with it shows on the page.
    const placed = await fetch(`${base}/api/v1/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'idempotency-key': 'wechat-e2e-1' },
      body: JSON.stringify({ shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 1 }] }),
    });
    expect(placed.status, await placed.clone().text()).toBe(201);
    await shop.reload();
    await waitForText(shop.getByTestId('my-order').first(), '¥10.00');
    await screenshot(shop, 'wechat-signed-in-orders');
    await context.close();
    expect(siyu).toBeDefined();
  });

  it('the console lists the tenant\'s WeChat apps: appid and "secret set", never the secret', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const admin = await context.newPage();
    await loginToConsole(admin, base, world.tenantSlug, ADMIN.login, ADMIN.password);
    await admin.getByTestId('nav-wechat').click();
    await waitForText(admin.locator('[data-testid="wechat-app"][data-app="official_account"]'), OA);
    expect(await admin.getByTestId('wechat-app').count()).toBe(2);
    await waitForText(admin.locator('[data-testid="wechat-app"][data-app="official_account"] [data-testid="wechat-app-secret"]'), '已设置');
    expect(await admin.content()).not.toContain('e2e-oa-secret');
    await screenshot(admin, 'wechat-apps-console');
    await context.close();
  });
});
