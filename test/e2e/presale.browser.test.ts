/**
 * Community pre-sale and the leader's day in a browser: the operator starts a pre-sale on a sales
 * window; on a 390 px phone a buyer sees the countdown and "已团 N 件" with masked buyers, joins,
 * pays and gets the pickup QR beside the six digits; after the cutoff the leader, on a phone, tells
 * the buyers the goods arrived, reads the buyer's QR from an image (the camera cannot be driven
 * headless: the same decoder gets the picture) to hand out part of the order, then types the code
 * for the rest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Siyu } from '../../src/app.js';
import type { Db } from '../../src/database.js';
import { createUser } from '../../src/modules/identity/identity.service.js';
import type { World } from '../fixtures.js';
import { injectApi, paidOrder } from '../race/helpers.js';
import { loginToConsole, waitForText, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';
import { signInWithCode } from './shop-sign-in.js';

const BOSS = { login: 'boss', password: 'boss-password-1' };
const LEADER = { login: 'leader', password: 'leader-password-1' };

const live = liveServer({
  skuCount: 2,
  user: () => ({ login: BOSS.login, display_name: '总部小王', role: 'tenant_admin', password: BOSS.password }),
  prepare: async (db, world) => {
    await db.updateTable('products').set({ title: '红富士苹果' }).where('tenant_id', '=', world.tenantId).execute();
    await db.updateTable('b_nodes').set({ name: '幸福小区团长', pickup_address: '幸福小区 3 号楼门口', pickup_hours: '17:00–20:00' }).where('tenant_id', '=', world.tenantId).execute();
    await createUser(db, world.tenantId, { login: LEADER.login, display_name: '团长阿芳', role: 'b_owner', password: LEADER.password, b_node_id: world.bNodeId });
  },
});
let db: Db;
let world: World;
let siyu: Siyu;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, siyu, browser, base } = live); });

describe('pre-sale and the leader’s day in a browser', () => {
  it('operator starts a pre-sale, a buyer joins on a phone, the leader hands the order out in two goes', async () => {
    const api = injectApi(siyu);
    const admin = { token: world.adminToken };
    // A window whose cutoff is hours away, whatever the time of day the test runs.
    const cutoff = new Date(Date.now() + 3 * 3600_000);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(cutoff);
    const window = await api.post('/api/v1/sales-windows', { name: '今日团', cutoff_time: local }, admin);
    expect(window.status, window.text).toBe(201);

    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await consoleContext.newPage();
    await loginToConsole(op, base, world.tenantSlug, BOSS.login, BOSS.password, '总部小王');
    await op.getByTestId('nav-presales').click();
    await op.getByTestId('presale-title').fill('幸福小区今日团');
    await op.locator(`[data-testid="presale-sku"][data-sku-id="${world.skus[0]!.id}"]`).check();
    await op.getByTestId('presale-create').click();
    await waitForText(op.getByTestId('presale-card'), '幸福小区今日团');
    await waitForText(op.getByTestId('presale-card-sold'), '已团 0 件');
    // The economics guard judged it at the shop's price and commission; its verdict is on the card.
    await waitForText(op.getByTestId('presale-verdict'), /经济性校验：\s*(通过|警告|accept|warn)/);
    await screenshot(op, 'presale-operator-verdict');
    await op.getByTestId('no-show-rule').selectOption('refund');
    await op.getByTestId('no-show-days').fill('2');
    await op.getByTestId('no-show-save').click();
    await waitForText(op.getByTestId('no-show-saved'), '已保存');
    const presaleId = (await db.selectFrom('presales').select('id').where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).id;
    expect((await db.selectFrom('presale_settings').selectAll().where('tenant_id', '=', world.tenantId).executeTakeFirstOrThrow()).no_show_days).toBe(2);

    // An earlier buyer already joined with two apples.
    const session = await api.post(`/api/v1/shops/${world.shop}/session`, { name: '王小明', phone: '13900000077' }, { key: false });
    const first = await api.post('/api/v1/orders', { shop: world.shop, lines: [{ sku_id: world.skus[0]!.id, quantity: 2 }], campaign: { kind: 'presale', ref: presaleId } }, { token: session.json().token });
    expect(first.status, first.text).toBe(201);
    const pay = await api.post(`/api/v1/orders/${first.json().id}/payments`, {}, { token: session.json().token });
    const { postNotification, signedNotification, newEventId } = await import('../race/helpers.js');
    await postNotification(api, signedNotification({ kind: 'payment', tenant_id: world.tenantId, payment_id: pay.json().payment_id, amount: pay.json().amount, event_id: newEventId() }));
    // Not a pre-sale order: no progress.
    await paidOrder(api, world.tenantId, session.json().token, world.shop, [{ sku_id: world.skus[0]!.id, quantity: 5 }]);

    // The buyer on a phone: the banner with its countdown, the pre-sale page with progress.
    const phone = await browser.newContext(phoneDevice);
    const page = await phone.newPage();
    await page.goto(`${base}/s/${world.shop}`);
    await waitForText(page.getByTestId('presale-banner'), '幸福小区今日团');
    await waitForText(page.getByTestId('countdown'), /距截单 \d{2}:\d{2}:\d{2}/);
    await page.getByTestId('presale-banner').click();
    await waitForText(page.getByTestId('presale-sold'), '已团 2 件');
    await waitForText(page.getByTestId('presale-buyers'), '王** 等已参团');
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(page, 'presale-shop-phone');
    await page.getByTestId('qty-plus').click();
    await page.getByTestId('presale-buy').click();
    await signInWithCode(page, db, world.tenantId, '13900000088', '李娜');
    // Signed in: the form gives way, and the same button now places the order.
    await page.getByTestId('buyer-phone').waitFor({ state: 'detached' });
    await page.getByTestId('presale-buy').click();
    await page.getByTestId('sandbox-pay').click();
    await page.waitForURL(/\/orders\/ord/);
    const code = await waitForText(page.getByTestId('pickup-code'), /^\d{6}$/);
    const qr = page.getByTestId('pickup-qr');
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(page, 'presale-order-qr-phone');
    const orderId = page.url().split('/orders/')[1]!.split(/[?#]/)[0]!;
    expect((await db.selectFrom('orders').select(['campaign_kind', 'campaign_ref']).where('id', '=', orderId).executeTakeFirstOrThrow()))
      .toEqual({ campaign_kind: 'presale', campaign_ref: presaleId });
    const qrPng = Buffer.from((await qr.getAttribute('src'))!.split(',')[1]!, 'base64');
    await page.goto(`${base}/s/${world.shop}/presale`);
    await waitForText(page.getByTestId('presale-sold'), '已团 4 件');

    // The cutoff aggregates the window; the leader's day on a phone.
    expect((await api.post(`/api/v1/sales-windows/${window.json().id}/cutoff`, {}, admin)).status).toBe(200);
    const leaderContext = await browser.newContext(phoneDevice);
    const leader = await leaderContext.newPage();
    await loginToConsole(leader, base, world.tenantSlug, LEADER.login, LEADER.password, '团长阿芳');
    await leader.getByTestId('nav-pick-lists').click();
    await leader.getByTestId('open-pickup-day').click();
    await waitForText(leader.getByTestId('pickup-day-summary'), '待取 3 单，共 9 件');
    await leader.getByTestId('announce-arrival').click();
    await waitForText(leader.getByTestId('arrival-result'), '已标记到货 3 单，通知 2 位买家');
    expect(await pageWidth(leader)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(leader, 'pickup-day-phone');

    // The buyer's QR, read from a picture by the page's decoder: hand out one of the two apples.
    await leader.getByTestId('scan-photo').setInputFiles({ name: 'qr.png', mimeType: 'image/png', buffer: qrPng });
    await waitForText(leader.getByTestId('hand-out-panel'), '李娜');
    await leader.getByTestId('hand-out-qty').fill('1');
    await screenshot(leader, 'pickup-day-hand-out');
    await leader.getByTestId('hand-out-confirm').click();
    await waitForText(leader.getByTestId('verify-result'), '已部分提货，还剩 1 件');
    expect(Number((await db.selectFrom('pickup_line_picks').select('picked').where('order_id', '=', orderId).executeTakeFirstOrThrow()).picked)).toBe(1);

    // A wrong code answers clearly and hands nothing out; the right one hands out the rest.
    const wrong = code === '000000' ? '000001' : '000000';
    await leader.getByTestId('code-input').fill(wrong);
    await leader.getByTestId('code-submit').click();
    await leader.getByTestId('hand-out-confirm').click();
    await waitForText(leader.getByTestId('verify-error'), /提货码|待提订单/);
    await leader.getByTestId('hand-out-panel').getByRole('button', { name: '取消' }).click();
    const card = leader.locator(`[data-testid="buyer-card"][data-order-id="${orderId}"]`);
    await card.getByTestId('hand-out').click();
    await leader.getByTestId('hand-out-code').fill(code);
    await leader.getByTestId('hand-out-confirm').click();
    await waitForText(leader.getByTestId('verify-result'), '已全部提货');
    expect((await db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('completed');
    // The list refreshes: the order taken in full leaves it.
    await leader.locator(`[data-testid="buyer-card"][data-order-id="${orderId}"]`).waitFor({ state: 'detached' });
    await screenshot(leader, 'pickup-day-done');

    // Tomorrow's list (a date picked): nothing arrived then; today's arrivals still waiting are in their own section.
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + 86_400_000));
    await leader.getByTestId('pickup-day-date').fill(tomorrow);
    await waitForText(leader.getByTestId('pickup-day-summary'), '待取 0 单');
    await leader.getByTestId('pickup-day-earlier').locator('[data-testid="buyer-card"]').first().waitFor();
    expect(await leader.getByTestId('pickup-day-earlier').locator('[data-testid="buyer-card"]').count()).toBe(2);
    await screenshot(leader, 'pickup-day-earlier');
    await leader.getByTestId('pickup-day-today').click();
    await waitForText(leader.getByTestId('pickup-day-summary'), '待取 2 单');
  });

  it('operator starts a bargain; the buyer starts it on a phone, friends help inside the shop, the buyer pays the floor', async () => {
    const api = injectApi(siyu);
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await consoleContext.newPage();
    await loginToConsole(op, base, world.tenantSlug, BOSS.login, BOSS.password, '总部小王');
    await op.getByTestId('nav-bargains').click();
    await op.getByTestId('bargain-sku').selectOption(world.skus[1]!.id);
    await op.getByTestId('bargain-title').fill('苹果砍到 8 元');
    await op.getByTestId('bargain-start-price').fill('11.00');
    // Below the supply cost (6.60): refused, and said why.
    await op.getByTestId('bargain-floor-price').fill('6.00');
    await op.getByTestId('bargain-helpers').fill('3');
    await op.getByTestId('bargain-create').click();
    await waitForText(op.getByTestId('bargain-create-error'), '供货成本');
    await op.getByTestId('bargain-floor-price').fill('8.00');
    await op.getByTestId('bargain-create').click();
    await waitForText(op.getByTestId('bargain-card'), '苹果砍到 8 元');
    await screenshot(op, 'bargain-console');

    const starter = await (await browser.newContext(phoneDevice)).newPage();
    await starter.goto(`${base}/s/${world.shop}`);
    await waitForText(starter.getByTestId('bargain-banner'), '苹果砍到 8 元');
    await starter.getByTestId('bargain-banner').click();
    await signInWithCode(starter, db, world.tenantId, '13900000099', '周杰');
    await starter.getByTestId('buyer-phone').waitFor({ state: 'detached' });
    await starter.getByTestId('bargain-start').click();
    await waitForText(starter.getByTestId('bargain-price'), '¥11.00');
    const link = starter.url();
    const bargainId = link.split('/bargains/')[1]!;
    // Two friends help through the API, the third on a phone in the shop.
    for (const phone of ['13900000101', '13900000102']) {
      const s = await api.post(`/api/v1/shops/${world.shop}/session`, { name: '好友', phone }, { key: false });
      expect((await api.post(`/api/v1/bargains/${bargainId}/help`, {}, { token: s.json().token })).status).toBe(200);
    }
    const friend = await (await browser.newContext(phoneDevice)).newPage();
    await friend.goto(link);
    await signInWithCode(friend, db, world.tenantId, '13900000103', '吴磊');
    await friend.getByTestId('bargain-help').click();
    await waitForText(friend.getByTestId('bargain-helped'), '谢谢');
    await waitForText(friend.getByTestId('bargain-price'), '¥8.00');
    expect(await pageWidth(friend)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(friend, 'bargain-friend-phone');

    await starter.reload();
    await waitForText(starter.getByTestId('bargain-progress'), '3/3');
    await screenshot(starter, 'bargain-reached-phone');
    await starter.getByTestId('bargain-buy').click();
    await waitForText(starter.getByTestId('cashier-amount'), '¥8.00');
    const order = await db.selectFrom('orders').select(['total', 'campaign_kind', 'campaign_ref']).where('tenant_id', '=', world.tenantId).where('campaign_kind', '=', 'bargain').executeTakeFirstOrThrow();
    expect({ ...order, total: Number(order.total) }).toEqual({ total: 800, campaign_kind: 'bargain', campaign_ref: bargainId });
  });

  it('the bargain screen shows the guard\'s verdict: a floor that loses money after fees is refused with its rules, and an admin\'s written reason lets it run', async () => {
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await consoleContext.newPage();
    await loginToConsole(op, base, world.tenantSlug, BOSS.login, BOSS.password, '总部小王');
    await op.getByTestId('nav-bargains').click();
    const judged = op.getByTestId('bargain-card').filter({ hasText: '苹果砍到 8 元' });
    expect(['accept', 'warn']).toContain(await judged.getByTestId('bargain-verdict').locator('[data-verdict]').getAttribute('data-verdict'));

    await op.getByTestId('bargain-sku').selectOption(world.skus[1]!.id);
    await op.getByTestId('bargain-title').fill('苹果砍到 6.7 元');
    await op.getByTestId('bargain-start-price').fill('11.00');
    // Above the supply cost (6.60), so not refused as below cost: the guard's fees and refunds make it a loss.
    await op.getByTestId('bargain-floor-price').fill('6.70');
    await op.getByTestId('bargain-helpers').fill('3');
    await op.getByTestId('bargain-create').click();
    await op.getByTestId('policy-rejection').waitFor();
    expect(await db.selectFrom('bargain_campaigns').select('id').where('title', '=', '苹果砍到 6.7 元').execute()).toEqual([]);
    await op.getByTestId('override-reason').fill('社区开团首日引流，限 24 小时');
    await op.getByTestId('override-submit').click();
    await waitForText(op.getByTestId('bargain-created'), '苹果砍到 6.7 元');
    const overridden = op.getByTestId('bargain-card').filter({ hasText: '苹果砍到 6.7 元' });
    await waitForText(overridden.getByTestId('bargain-verdict'), '社区开团首日引流');
    expect(['accept', 'warn']).toContain(await overridden.getByTestId('bargain-verdict').locator('[data-verdict]').getAttribute('data-verdict'));
    await screenshot(op, 'bargain-console-override');
    await consoleContext.close();
  });

  it('the pre-sale form\'s override lands: a shop selling at a loss is refused with its rules, and an admin\'s written reason creates it', async () => {
    // The shop sells the second SKU barely above its supply cost (6.60): after commission and fees, a loss.
    await db.updateTable('listings').set({ retail_price: 670 }).where('tenant_id', '=', world.tenantId).where('sku_id', '=', world.skus[1]!.id).execute();
    const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await consoleContext.newPage();
    await loginToConsole(op, base, world.tenantSlug, BOSS.login, BOSS.password, '总部小王');
    await op.getByTestId('nav-presales').click();
    await op.getByTestId('presale-title').fill('亏本预售');
    await op.locator(`[data-testid="presale-sku"][data-sku-id="${world.skus[1]!.id}"]`).check();
    await op.getByTestId('presale-create').click();
    await op.getByTestId('policy-rejection').waitFor();
    expect(await db.selectFrom('presales').select('id').where('title', '=', '亏本预售').execute()).toEqual([]);
    await op.getByTestId('override-reason').fill('临期清仓，老板确认');
    await op.getByTestId('override-submit').click();
    await waitForText(op.getByTestId('presale-created'), '亏本预售');
    const row = await db.selectFrom('presales').select(['override_reason']).where('title', '=', '亏本预售').executeTakeFirstOrThrow();
    expect(row.override_reason).toBe('临期清仓，老板确认');
    await screenshot(op, 'presale-console-override');
    await consoleContext.close();
  });
});
