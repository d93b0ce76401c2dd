import { beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, waitForAttribute, waitForText, phoneDevice } from './browser.js';
import { demoConsoleForFile, loginAsDemo, loginAsDemoAdmin, screenshot, type DemoConsole } from './demo-console.js';

const c = demoConsoleForFile();
let db: DemoConsole['db'];
let tenantId: string;
let page: DemoConsole['page'];
let base: string;
beforeAll(() => {
  ({ db, tenantId, page, base } = c);
  // The import runs as a background job, as in production.
  c.siyu.startBackground(100);
});

describe('import, hierarchy and pickup point in a browser', () => {
  it('an admin uploads a catalog file, watches it run and reads the row-level report', async () => {
    const supplier = await db.selectFrom('suppliers').select('name').where('tenant_id', '=', tenantId).orderBy('name').executeTakeFirstOrThrow();
    const csv = [
      'supplier,product_title,category_path,sku_code,sku_name,barcode,case_pack,min_order_qty,supply_price,suggested_price,retail_floor,retail_ceiling',
      `${supplier.name},浏览器导入的梨,生鲜/水果,E2E-PEAR-1,1 kg,,6,1,5.00,8.00,7.00,10.00`,
      '无此供应商,桃,生鲜/水果,E2E-PEACH-1,1 kg,,1,1,5.00,8.00,7.00,10.00',
      `${supplier.name},浏览器导入的梨,生鲜/水果,E2E-PEAR-2,2 kg,,6,1,9.00,30.00,12.00,18.00`,
    ].join('\n');
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-imports').click();
    await page.getByTestId('mode-good').check();
    await page.getByTestId('import-file').setInputFiles({ name: 'pears.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('import-start').click();
    const run = page.getByTestId('import-run');
    await waitForAttribute(run, 'data-status', 'applied', 20_000);
    expect(await page.getByTestId('import-progress').getAttribute('value')).toBe('100');
    await waitForText(page.getByTestId('import-summary'), '已导入 1 / 3 行，问题 2 处');
    const problems = page.getByTestId('import-problem');
    expect(await problems.count()).toBe(2);
    expect(await problems.nth(0).getAttribute('data-line')).toBe('3');
    expect(await problems.nth(0).getAttribute('data-column')).toBe('supplier');
    await waitForText(problems.nth(0), '供应商不存在');
    expect(await problems.nth(1).getAttribute('data-code')).toBe('price_outside_band');
    await screenshot(page, 'import-report');
    const pear = await db.selectFrom('skus').select(['code', 'case_pack']).where('tenant_id', '=', tenantId).where('code', 'like', 'E2E-%').execute();
    expect(pear).toEqual([{ code: 'E2E-PEAR-1', case_pack: 6 }]);
  });

  it('an admin builds regions and places a leader under a store in the tree', async () => {
    await page.getByTestId('nav-hierarchy').click();
    await page.getByTestId('region-name').fill('华东');
    await page.getByTestId('region-add').click();
    await page.getByTestId('region-华东').waitFor();
    await page.getByTestId('region-name').fill('上海');
    await page.getByTestId('region-parent').selectOption({ label: '华东' });
    await page.getByTestId('region-add').click();
    await page.getByTestId('region-上海').waitFor();
    const regions = await db.selectFrom('regions').select(['id', 'name', 'parent_id']).where('tenant_id', '=', tenantId).execute();
    const east = regions.find((r) => r.name === '华东')!;
    expect(regions.find((r) => r.name === '上海')!.parent_id).toBe(east.id);

    // Moving 华东 under its own child is refused with the reason.
    await page.getByTestId('region-move-华东').selectOption({ label: '　上海' });
    await waitForText(page.getByTestId('hierarchy-error'), '区域不能挂在自身');

    const leader = await db.selectFrom('b_nodes').select(['id', 'slug']).where('tenant_id', '=', tenantId).where('kind', '=', 'leader').orderBy('name').executeTakeFirstOrThrow();
    await page.getByTestId(`node-region-${leader.slug}`).selectOption({ label: '　上海' });
    await page.getByTestId('region-上海').getByTestId(`node-${leader.slug}`).waitFor();
    expect((await db.selectFrom('b_nodes').select('region_id').where('id', '=', leader.id).executeTakeFirstOrThrow()).region_id).toBe(regions.find((r) => r.name === '上海')!.id);
    await screenshot(page, 'hierarchy-tree');
  });

  it('a leader on a phone sets its pickup point; the shop shows it with a map link; no import or tree screens for it', async () => {
    const browser = await launchChromium();
    const phone = await browser.newContext(phoneDevice);
    const p = await phone.newPage();
    try {
      await loginAsDemo(p, base, 'leader1', 'leader123', '张丽');
      expect(await p.getByTestId('nav-imports').count()).toBe(0);
      expect(await p.getByTestId('nav-hierarchy').count()).toBe(0);
      await p.getByTestId('nav-pickup').click();
      await p.getByTestId('pickup-address').fill('上海市浦东新区世纪大道 100 号 1 楼');
      await p.getByTestId('pickup-lat').fill('51.5');
      await p.getByTestId('pickup-lng').fill('-0.12');
      await p.getByTestId('pickup-hours').fill('每天 9:00–21:00');
      await p.getByTestId('pickup-save').click();
      await waitForText(p.getByTestId('pickup-error'), 'GCJ-02');
      await p.getByTestId('pickup-lat').fill('31.2354');
      await p.getByTestId('pickup-lng').fill('121.5055');
      await p.getByTestId('pickup-save').click();
      await p.getByTestId('pickup-saved').waitFor();
      await p.getByTestId('pickup-map').waitFor();
      await screenshot(p, 'pickup-point-phone');

      const me = await db.selectFrom('users').select('b_node_id').where('tenant_id', '=', tenantId).where('login', '=', 'leader1').executeTakeFirstOrThrow();
      const node = await db.selectFrom('b_nodes').select(['slug', 'pickup_lat', 'pickup_hours']).where('id', '=', me.b_node_id!).executeTakeFirstOrThrow();
      expect(node).toMatchObject({ pickup_lat: 31.2354, pickup_hours: '每天 9:00–21:00' });
      await p.goto(`${base}/s/${node.slug}`);
      await waitForText(p.getByTestId('pickup-address'), '世纪大道 100 号');
      await waitForText(p.getByTestId('pickup-hours'), '9:00–21:00');
      expect(await p.getByTestId('pickup-map').getAttribute('href')).toContain('uri.amap.com/marker?position=121.5055%2C31.2354');
      await screenshot(p, 'shop-pickup-card-phone');
    } finally {
      await phone.close();
      await browser.close();
    }
  });

  it('a supplier operator gets the import screen but not the tree', async () => {
    await page.getByTestId('sign-out').click();
    await loginAsDemo(page, base, 'supplier1', 'supplier123', '');
    await page.getByTestId('nav-imports').waitFor();
    expect(await page.getByTestId('nav-hierarchy').count()).toBe(0);
    expect(await page.getByTestId('nav-pickup').count()).toBe(0);
  });
});
