/**
 * Supply in a browser: a supplier publishes an assortment aimed at the demo's leaders from its
 * portal and sees whom it reaches; the leader, on a phone, lists an offer inside the band (a price
 * outside is refused naming the band), pauses it, resumes it, and is told why the supplier's new
 * band paused it.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_SUPPLIERS } from '../../src/cli/seed/demo-catalog.js';
import { waitForAttribute, waitForText, phoneDevice } from './browser.js';
import { loginAsDemo, demoConsoleForFile, screenshot } from './demo-console.js';

const c = demoConsoleForFile();

async function freshPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await c.browser.newContext({ viewport });
  return context.newPage();
}

const yuanText = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('assortments and listings in a browser', () => {
  let supplier: Page;
  let skuId = '';
  let band = { floor: 0, ceiling: 0 };

  it('a supplier drafts an assortment for the leaders, sees it reaches the three of them, and publishes it', async () => {
    supplier = await freshPage();
    await loginAsDemo(supplier, c.base, 'supplier1', 'supplier123', DEMO_SUPPLIERS[0]!.operatorName);
    expect(await supplier.getByTestId('admin-nav').getAttribute('data-portal')).toBe('supplier');
    expect(await supplier.getByTestId('nav-orders').count()).toBe(0);
    await supplier.getByTestId('nav-assortments').click();
    await supplier.getByTestId('assortment-form').waitFor();
    await supplier.getByTestId('item-row').first().waitFor();

    // Nobody yet: a warning, and the draft is kept.
    await supplier.getByTestId('assortment-name').fill('无人货盘');
    await supplier.getByTestId('item-include').first().check();
    await supplier.getByTestId('target-tiers').fill('9');
    await supplier.getByTestId('assortment-submit').click();
    await waitForAttribute(supplier.getByTestId('assortment-created'), 'data-reach', '0');
    await waitForText(supplier.getByTestId('assortment-created'), '没有覆盖');

    await supplier.getByTestId('assortment-name').fill('秋季鲜果团购');
    await supplier.getByTestId('target-tiers').fill('');
    await supplier.getByTestId('target-kind-leader').check();
    const row = supplier.getByTestId('item-row').first();
    skuId = (await row.getAttribute('data-sku'))!;
    await supplier.getByTestId('assortment-submit').click();
    await waitForAttribute(supplier.getByTestId('assortment-created'), 'data-reach', '3');

    const card = supplier.locator('[data-testid="assortment"][data-name="秋季鲜果团购"]');
    await waitForAttribute(card.getByTestId('assortment-reach'), 'data-reach', '3');
    await card.getByTestId('assortment-show-reach').click();
    await card.getByTestId('reach-node').nth(2).waitFor();
    expect(await card.getByTestId('reach-node').count()).toBe(3);
    await card.getByTestId('assortment-publish').click();
    await waitForAttribute(card, 'data-status', 'published');
    await waitForText(card.getByTestId('assortment-status'), '已发布');
    await screenshot(supplier, 'supply-supplier-assortments');

    const stored = await c.db.selectFrom('assortment_items').selectAll().where('tenant_id', '=', c.tenantId).where('sku_id', '=', skuId).orderBy('assortment_id').execute();
    expect(stored.length).toBe(2);
    band = { floor: Number(stored[0]!.retail_floor), ceiling: Number(stored[0]!.retail_ceiling) };
  });

  it('the leader, on a phone, lists the offer inside the band, pauses and resumes it, and sees why a new band paused it', async () => {
    const phone = await freshPage(phoneDevice.viewport);
    await loginAsDemo(phone, c.base, 'leader1', 'leader123', '张丽');
    await phone.getByTestId('nav-listings').click();
    const offer = phone.locator(`[data-testid="offer"][data-sku="${skuId}"]`);
    await offer.waitFor();
    await waitForText(offer.getByTestId('offer-band'), `¥${yuanText(band.floor)} – ¥${yuanText(band.ceiling)}`);

    await offer.getByTestId('offer-price').fill(yuanText(band.floor - 1));
    await offer.getByTestId('offer-list').click();
    await waitForText(offer.getByTestId('offer-error'), `¥${yuanText(band.floor)}–¥${yuanText(band.ceiling)}`);
    expect(await offer.getByTestId('offer-error').getAttribute('data-code')).toBe('price_outside_band');
    await screenshot(phone, 'supply-leader-band-refused');

    await offer.getByTestId('offer-price').fill(yuanText(band.ceiling));
    await offer.getByTestId('offer-list').click();
    const listing = phone.locator(`[data-testid="listing"][data-sku="${skuId}"]`);
    await waitForAttribute(listing, 'data-active', 'true');
    await listing.getByTestId('listing-pause').click();
    await waitForAttribute(listing, 'data-reason', 'owner');
    await waitForText(listing.getByTestId('listing-reason'), '暂停');
    await listing.getByTestId('listing-save').click();
    await waitForAttribute(listing, 'data-active', 'true');
    await screenshot(phone, 'supply-leader-listings-phone');
    const widths = await phone.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);

    // The supplier raises the floor above the leader's price: the listing pauses and says why.
    const card = supplier.locator('[data-testid="assortment"][data-name="秋季鲜果团购"]');
    const item = card.locator(`[data-testid="assortment-item"][data-sku="${skuId}"]`);
    await item.getByTestId('item-edit').click();
    await item.getByTestId('edit-floor').fill(yuanText(band.ceiling + 100));
    await item.getByTestId('edit-ceiling').fill(yuanText(band.ceiling + 500));
    await item.getByTestId('edit-save').click();
    await waitForText(item.getByTestId('item-paused'), '1');
    await screenshot(supplier, 'supply-supplier-band-change');

    await phone.reload();
    await waitForAttribute(listing, 'data-reason', 'outside_band');
    await waitForText(listing.getByTestId('listing-reason'), '价格区间');
    await waitForAttribute(phone.getByTestId('listing-notice').first(), 'data-reason', 'outside_band');
    await screenshot(phone, 'supply-leader-paused-phone');
    const row = await c.db.selectFrom('listings').select(['active', 'pause_reason']).where('tenant_id', '=', c.tenantId).where('sku_id', '=', skuId)
      .where('b_node_id', '=', (await c.db.selectFrom('users').select('b_node_id').where('login', '=', 'leader1').executeTakeFirstOrThrow()).b_node_id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ active: false, pause_reason: 'outside_band' });

    // The same screen in English, with no key left untranslated.
    await phone.getByTestId('lang-en').click();
    await waitForText(listing.getByTestId('listing-reason'), 'outside the supplier');
    expect(await phone.locator('main').innerText()).not.toMatch(/supply\.[a-z_]+/);
    await phone.context().close();
    await supplier.context().close();
  });
});

describe('suppliers in a browser', () => {
  it('a tenant admin adds a supplier and a login for its operator', async () => {
    const page = await freshPage();
    await loginAsDemo(page, c.base, 'admin', 'admin123', '赵敏');
    await page.getByTestId('nav-suppliers').click();
    await page.getByTestId('supplier-name').fill('山野自营');
    await page.getByTestId('supplier-kind').selectOption('tenant');
    await page.getByTestId('supplier-create').click();
    const [created] = await c.db.selectFrom('suppliers').selectAll().where('tenant_id', '=', c.tenantId).where('name', '=', '山野自营').execute().then(async (rows) => {
      for (let i = 0; rows.length === 0 && i < 50; i++) { await new Promise((r) => setTimeout(r, 100)); rows = await c.db.selectFrom('suppliers').selectAll().where('tenant_id', '=', c.tenantId).where('name', '=', '山野自营').execute(); }
      return rows;
    });
    expect(created).toMatchObject({ kind: 'tenant' });
    const card = page.locator(`[data-testid="supplier"][data-supplier="${created!.id}"]`);
    await waitForText(card.locator('.tag'), '自营');
    await card.getByTestId('supplier-operators-toggle').click();
    await card.getByTestId('operator-login').fill('shanye-ops');
    await card.getByTestId('operator-name').fill('山野 · 运营');
    await card.getByTestId('operator-password').fill('shanye-password');
    await card.getByTestId('operator-create').click();
    await waitForText(card.getByTestId('supplier-operator'), 'shanye-ops');
    await screenshot(page, 'supply-admin-suppliers');
    const user = await c.db.selectFrom('users').select(['role', 'supplier_id']).where('tenant_id', '=', c.tenantId).where('login', '=', 'shanye-ops').executeTakeFirstOrThrow();
    expect(user).toEqual({ role: 'supplier_operator', supplier_id: created!.id });
    await page.context().close();
  });
});
