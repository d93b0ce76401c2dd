import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import type { Db } from '../../src/database.js';
import { newId } from '../../src/platform/ids.js';
import type { World } from '../fixtures.js';
import { loginToConsole, waitForText, phoneDevice, pageWidth, PHONE_WIDTH } from './browser.js';
import { screenshot } from './demo-console.js';
import { liveServer } from './live-server.js';

const SUPPLIER = { login: 'farm', password: 'farm-password-1' };

/** Titles of the shop's product cards, in order. */
const cardTitles = (page: import('playwright-core').Page) => page.getByTestId('product-card').locator('.product-title').allTextContents();

const live = liveServer({
  skuCount: 1,
  user: (world) => ({ login: SUPPLIER.login, display_name: '鲜果农场', role: 'supplier_operator', supplier_id: world.supplierId, password: SUPPLIER.password }),
  prepare: async (db, world) => {
    const t = world.tenantId;
    const fruit = newId('cat');
    const grain = newId('cat');
    await db.insertInto('categories').values([{ tenant_id: t, id: fruit, name: '水果', parent_id: null }, { tenant_id: t, id: grain, name: '粮油', parent_id: null }]).execute();
    await db.updateTable('products').set({ title: '红富士苹果', category_id: fruit }).where('tenant_id', '=', t).execute();
    // A second supplier's goods: sold in the shop, never shown to the first supplier's operator.
    const other = newId('sup');
    await db.insertInto('suppliers').values({ tenant_id: t, id: other, name: '北方粮仓' }).execute();
    const rice = newId('prd');
    await db.insertInto('products').values({ tenant_id: t, id: rice, supplier_id: other, title: '东北大米', category_id: grain, image_url: null }).execute();
    const sizes = [{ name: '5kg', stock: 4 }, { name: '10kg', stock: 0 }, { name: '25kg', stock: 9 }];
    for (const [i, s] of sizes.entries()) {
      const sku = newId('sku');
      await db.insertInto('skus').values({ tenant_id: t, id: sku, product_id: rice, code: `RICE-${i}`, name: s.name, supply_price: 3000, suggested_price: 4990, retail_floor: 3990, retail_ceiling: 5990, attributes: JSON.stringify({ 规格: s.name }) as never }).execute();
      await db.insertInto('stock').values({ tenant_id: t, warehouse_id: world.warehouseId, sku_id: sku, on_hand: s.stock }).execute();
      await db.insertInto('listings').values({ tenant_id: t, b_node_id: world.bNodeId, sku_id: sku, retail_price: 4990 }).execute();
    }
  },
});
let db: Db;
let world: World;
let browser: Browser;
let base: string;
beforeAll(() => { ({ db, world, browser, base } = live); });

describe('catalog on screen: the shop browsed on a phone, products managed in the console', () => {
  it('a buyer on a phone searches in Chinese, picks a category, and sees stock per size', async () => {
    const context = await browser.newContext(phoneDevice);
    const page = await context.newPage();
    await page.goto(`${base}/s/${world.shop}`);
    await page.getByTestId('product-card').first().waitFor();
    // Pinyin order: 东 (dong) before 红 (hong).
    expect(await cardTitles(page)).toEqual(['东北大米', '红富士苹果']);
    expect(await page.getByTestId('product-sold').first().textContent()).toBe('已售 0');
    await page.getByTestId('shop-search').fill('大米');
    await page.getByTestId('shop-search-submit').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-card"]').length === 1);
    expect(await cardTitles(page)).toEqual(['东北大米']);
    expect(page.url()).toContain('q=');
    await screenshot(page, 'shop-search-phone');

    await page.getByTestId('shop-search').fill('');
    await page.getByTestId('shop-search-submit').click();
    await page.getByTestId('category-tab').filter({ hasText: '水果' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-card"]').length === 1 && document.body.textContent!.includes('红富士苹果'));
    await page.getByTestId('category-tab').filter({ hasText: '粮油' }).click();
    await waitForText(page.getByTestId('product-card'), '东北大米');
    // Nothing on the page is wider than the phone.
    expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    await screenshot(page, 'shop-category-phone');

    await page.getByTestId('product-card').click();
    await page.getByTestId('product-title').waitFor();
    const options = page.getByTestId('sku-option');
    expect(await options.count()).toBe(3);
    // Each size shows its own stock; the sold-out size cannot be chosen.
    expect(await page.getByTestId('sku-left').allTextContents()).toEqual(['剩 4', '剩 9']);
    expect(await options.nth(1).isDisabled()).toBe(true);
    await screenshot(page, 'shop-product-sizes-phone');
    await context.close();
  });

  it('a tenant admin finds a product, gives it a photo and stock, and the shop shows the photo', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, 'admin', 'admin-password', 'Admin');
    await page.getByTestId('nav-products').click();
    await page.getByTestId('product-row').first().waitFor();
    expect(await page.getByTestId('product-row').count()).toBe(4);
    await page.getByTestId('product-search').fill('苹果');
    await page.getByTestId('product-search-submit').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-row"]').length === 1);
    await page.getByTestId('filter-low-stock').check();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="product-row"]').length === 0);
    await page.getByTestId('filter-low-stock').uncheck();
    await page.getByTestId('product-link').first().click();
    await page.getByTestId('product-edit-page').waitFor();

    const photo = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#c0392b' } }).jpeg().toBuffer();
    await page.getByTestId('image-upload').setInputFiles({ name: 'apple.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.getByTestId('product-image').first().waitFor();
    // Not an image: the console says so and nothing is added.
    await page.getByTestId('image-upload').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
    await page.getByTestId('image-error').waitFor();
    expect(await page.getByTestId('product-image').count()).toBe(1);

    const row = page.getByTestId('stock-row').first();
    await row.getByTestId('stock-input').fill('35');
    await row.getByTestId('stock-set').click();
    await waitForText(row.getByTestId('stock-on-hand'), '35');
    await screenshot(page, 'console-product-edit');

    await page.goto(`${base}/s/${world.shop}`);
    const img = page.getByTestId('product-card').filter({ hasText: '红富士苹果' }).getByTestId('product-photo');
    await img.waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="product-photo"]')).some((i) => i.naturalWidth === 320));
    const stored = await db.selectFrom('product_images').select('product_id').where('tenant_id', '=', world.tenantId).execute();
    expect(stored).toHaveLength(1);
    await context.close();
  });

  it('a supplier sees and edits only its own products, with supply prices, and no category management', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginToConsole(page, base, world.tenantSlug, SUPPLIER.login, SUPPLIER.password, '鲜果农场');
    await page.getByTestId('products-page').waitFor();
    await page.getByTestId('product-row').first().waitFor();
    const suppliers = new Set(await page.getByTestId('product-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-supplier'))));
    expect([...suppliers]).toEqual([world.supplierId]);
    expect(await page.getByTestId('product-row').count()).toBe(1);
    await page.getByTestId('col-supply-price').waitFor();
    expect(await page.getByTestId('manage-categories').count()).toBe(0);
    await page.getByTestId('product-link').click();
    const sku = page.getByTestId('sku-form').first();
    await sku.getByTestId('sku-case-pack').fill('12');
    await sku.getByTestId('sku-barcode').fill('6901234567892');
    await sku.getByTestId('sku-save').click();
    await waitForText(sku, '已保存');
    const saved = await db.selectFrom('skus').select(['case_pack', 'barcode']).where('tenant_id', '=', world.tenantId).where('id', '=', world.skus[0]!.id).executeTakeFirstOrThrow();
    expect(saved).toEqual({ case_pack: 12, barcode: '6901234567892' });
    await screenshot(page, 'supplier-product-edit');
    await context.close();
  });
});
