import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../web/src/admin/economics/format.js';
import { lastDays } from '../../src/modules/economics/node-breakeven.service.js';
import { waitForAttribute, waitForText, phoneDevice } from './browser.js';
import { loginAsDemoAdmin, openDemoConsole, screenshot, type DemoConsole } from './demo-console.js';
import { signInWithCode } from './shop-sign-in.js';
import { testPhones } from '../fixtures.js';

let c: DemoConsole;
let page: DemoConsole['page'];
let base: string;

beforeAll(async () => {
  c = await openDemoConsole(5);
  ({ page, base } = c);
});

afterAll(() => c?.close());

const SHOP = 'demo-cuiyuan';
const NOTE = '请放在门卫处\n谢谢';
/** A demo customer of the shop with paid orders: who signs in on "my orders". */
const buyer = () => sql<{ name: string; phone_sealed: string; orders: string }>`
  SELECT c.name, c.phone_sealed, count(o.id) AS orders FROM customers c
    JOIN orders o ON o.tenant_id = c.tenant_id AND o.customer_id = c.id
    JOIN b_nodes b ON b.tenant_id = c.tenant_id AND b.id = c.b_node_id
   WHERE b.slug = ${SHOP} AND c.phone_sealed IS NOT NULL GROUP BY c.id, c.name, c.phone_sealed ORDER BY count(o.id) DESC, c.id LIMIT 1`
  .execute(c.db).then((r) => ({ ...r.rows[0]!, phone: testPhones.open(r.rows[0]!.phone_sealed) }));

describe('what a new user hit, in a browser', () => {
  it('the home page lists the demo\'s five shops with links, and the console', async () => {
    await page.goto(`${base}/`);
    await page.getByTestId('home-shop').first().waitFor({ timeout: 10_000 });
    const hrefs = await page.getByTestId('home-shop').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs.sort()).toEqual(['demo-cuiyuan', 'demo-hepingli', 'demo-jinse', 'demo-linli', 'demo-yangguang'].map((s) => `/s/${s}`));
    expect(await page.getByTestId('home-admin').getAttribute('href')).toBe('/admin');
    await screenshot(page, 'home-shops');
    await page.getByTestId('home-shop').first().click();
    await page.getByTestId('shop-name').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/s\/demo-/);
  });

  it('a bad shop link says the shop does not exist instead of waiting on "…"', async () => {
    await page.setViewportSize(phoneDevice.viewport);
    await page.goto(`${base}/s/no-such-shop`);
    await page.getByTestId('shop-not-found').waitFor({ timeout: 10_000 });
    await waitForText(page.getByTestId('shop-name'), '店铺不存在');
    expect(await page.getByTestId('shop-not-found').innerText()).toContain('no-such-shop');
    await screenshot(page, 'shop-not-found');
  });

  it('"my orders" signed out offers the sign-in, and shows the orders once signed in', async () => {
    const who = await buyer();
    await page.goto(`${base}/s/${SHOP}/orders`);
    await page.getByTestId('need-session').waitFor({ timeout: 10_000 });
    await page.getByTestId('buyer-form').waitFor();
    await screenshot(page, 'my-orders-signed-out');
    await signInWithCode(page, c.db, c.tenantId, who.phone, who.name);
    await page.getByTestId('my-order').first().waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('my-order').count()).toBe(Math.min(50, Number(who.orders)));
  });

  it('the buyer\'s note is shown back on the order page, and labelled in the console', async () => {
    const created = await page.evaluate(async ({ shop, note }) => {
      const session = JSON.parse(localStorage.getItem(`siyu.session.${shop}`)!) as { token: string };
      const catalog = await (await fetch(`/api/v1/shops/${shop}`)).json();
      const sku = catalog.products.flatMap((p: { skus: { id: string; available: number }[] }) => p.skus).find((s: { available: number }) => s.available > 0);
      const res = await fetch('/api/v1/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ shop, lines: [{ sku_id: sku.id, quantity: 1 }], note }),
      });
      return { status: res.status, order: await res.json() };
    }, { shop: SHOP, note: NOTE });
    expect(created.status).toBe(201);
    await page.goto(`${base}/s/${SHOP}/orders/${created.order.id}`);
    await waitForText(page.getByTestId('order-note-card'), '我的备注');
    expect(await page.getByTestId('order-note-text').innerText()).toBe(NOTE);
    await screenshot(page, 'shop-order-note');

    await page.setViewportSize({ width: 1280, height: 800 });
    await loginAsDemoAdmin(page, base);
    await page.goto(`${base}/admin/orders/${created.order.id}`);
    const note = page.getByTestId('detail-note');
    await waitForText(note, '请放在门卫处');
    // Labelled: the term before the note names it.
    expect(await note.evaluate((dd) => dd.previousElementSibling?.textContent)).toBe('买家备注');
    await screenshot(page, 'admin-order-note');
  });

  it('the order list finds a customer by name, says how many match, and keeps its page on reload', async () => {
    const who = await buyer();
    const all = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM orders WHERE tenant_id = ${c.tenantId}`.execute(c.db)).rows[0]!.n);
    const named = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM orders o JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
      WHERE o.tenant_id = ${c.tenantId} AND c.name LIKE ${`%${who.name}%`}`.execute(c.db)).rows[0]!.n);
    await page.goto(`${base}/admin/orders`);
    await waitForAttribute(page.getByTestId('orders-total'), 'data-total', String(all));
    await waitForText(page.getByTestId('orders-total'), all.toLocaleString('en-US'));

    await page.getByTestId('orders-next').click();
    await waitForText(page.getByTestId('orders-page'), `第 2 / ${Math.ceil(all / 50)} 页`);
    await waitForAttribute(page.getByTestId('orders-table'), 'aria-busy', 'false');
    expect(new URL(page.url()).searchParams.get('after')).toBeTruthy();
    const firstOnPage2 = await page.getByTestId('order-row').first().getAttribute('data-number');
    await page.reload();
    await waitForText(page.getByTestId('orders-page'), '第 2 /');
    await waitForAttribute(page.getByTestId('orders-table'), 'aria-busy', 'false');
    expect(await page.getByTestId('order-row').first().getAttribute('data-number')).toBe(firstOnPage2);
    await page.getByTestId('orders-prev').click();
    await waitForText(page.getByTestId('orders-page'), '第 1 /');

    await page.getByTestId('orders-search').fill(who.name);
    await page.getByTestId('orders-search-submit').click();
    await waitForAttribute(page.getByTestId('orders-total'), 'data-total', String(named));
    const customers = await page.getByTestId('order-row').locator('td:nth-child(3)').allInnerTexts();
    expect(customers.length).toBe(Math.min(50, named));
    for (const text of customers) expect(text).toContain(who.name);
    await page.reload();
    await waitForAttribute(page.getByTestId('orders-total'), 'data-total', String(named));
    expect(await page.getByTestId('orders-search').inputValue()).toBe(who.name);
    await screenshot(page, 'orders-search-by-name');
  });

  it('amounts carry thousands separators', async () => {
    await page.goto(`${base}/admin/economics`);
    const gmv = await waitForText(page.getByTestId('kpi-gmv'), /¥\d{1,3}(,\d{3})+\.\d{2}/);
    expect(gmv).toMatch(/¥\d{1,3}(,\d{3})+\.\d{2}/);
    await screenshot(page, 'pnl-grouped');
  });

  it('break-even names its days and takes the coupon table at the node\'s real volume: a losing node shows losses', async () => {
    await page.goto(`${base}/admin/economics/breakeven`);
    await page.getByTestId('be-kpis').waitFor({ timeout: 15_000 });
    // ¥5,000 a day of fixed cost: more than any demo node earns.
    await page.getByTestId('be-fixed').fill('5000');
    await waitForText(page.getByTestId('be-summary'), '每天还差');
    // The demo tenant's days (Asia/Shanghai), whatever the browser's time zone.
    const days = lastDays(new Date(), 'Asia/Shanghai', 30);
    await waitForText(page.getByTestId('be-period'), `统计 ${days.from} 至 ${days.to}`);
    await waitForText(page.getByTestId('subsidy-hint'), '实际日均');
    const daily = await page.locator('[data-testid="subsidy-row"][data-bps="0"] [data-testid="subsidy-daily"]').innerText();
    expect(daily).toMatch(/^-¥/);
    await screenshot(page, 'breakeven-losing');
    // The P&L link opens the same days.
    await page.getByTestId('be-pnl-link').click();
    await page.getByTestId('pnl-from').waitFor();
    expect(await page.getByTestId('pnl-from').inputValue()).toBe(days.from);
    expect(await page.getByTestId('pnl-to').inputValue()).toBe(days.to);
  });

  it('a campaign\'s end button stays in view on a 1024-pixel screen, confirmation included', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${base}/admin/economics/campaigns`);
    await page.getByTestId('campaigns-table').waitFor({ timeout: 10_000 });
    await page.getByTestId('campaign-name').fill('满30减2');
    await page.getByTestId('campaign-discount').fill('2');
    await page.getByTestId('campaign-min').fill('30');
    await page.getByTestId('campaign-budget').fill('100');
    await page.getByTestId('campaign-ends').fill(localDate(7));
    await page.getByTestId('campaign-submit').click();
    const row = page.locator('[data-testid="campaign-row"][data-name="满30减2"]');
    await waitForAttribute(row, 'data-status', 'active');
    const wrap = page.locator('.table-wrap', { has: page.getByTestId('campaigns-table') });
    const inView = async (testId: string) => {
      const [box, frame] = [await row.getByTestId(testId).boundingBox(), await wrap.boundingBox()];
      return box !== null && frame !== null && box.x >= frame.x && box.x + box.width <= frame.x + frame.width;
    };
    for (const lang of ['zh-CN', 'en']) {
      await page.getByTestId(`lang-${lang}`).click();
      await waitForText(page.getByTestId('econ-tab-campaigns'), lang === 'en' ? 'Subsidy campaigns' : '补贴活动');
      // In Chinese the whole row fits: nothing to scroll sideways to.
      if (lang === 'zh-CN') expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      expect(await inView('campaign-end'), lang).toBe(true);
      await row.getByTestId('campaign-end').click();
      expect(await inView('campaign-end-confirm'), lang).toBe(true);
      expect(await inView('campaign-end-cancel'), lang).toBe(true);
      await screenshot(page, `campaign-end-${lang}`);
      await row.getByTestId('campaign-end-cancel').click();
    }
    await page.getByTestId('lang-zh-CN').click();
  });
});
