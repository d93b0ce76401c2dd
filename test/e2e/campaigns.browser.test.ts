import { beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../web/src/admin/economics/format.js';
import { waitForAttribute, waitForText } from './browser.js';
import { loginAsDemoAdmin, demoConsoleForFile, screenshot, type DemoConsole } from './demo-console.js';

// Its own database: the policy tests in economics.browser.test.ts give a shop a 40% leader
// policy, and the guard costs a campaign with the richest commission in its scope.
const c = demoConsoleForFile();
let db: DemoConsole['db'];
let tenantId: string;
let page: DemoConsole['page'];
let base: string;
beforeAll(() => { ({ db, tenantId, page, base } = c); });

const stored = (name: string) => db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).execute();

describe('subsidy campaigns in a browser', () => {
  it('creates a guarded campaign, shows a G8 rejection with an override box, and ends the campaign', async () => {
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-economics').click();
    await page.getByTestId('econ-tab-campaigns').click();
    await page.getByTestId('campaigns-table').waitFor({ timeout: 10_000 });

    const lastDay = localDate(7);
    await page.getByTestId('campaign-name').fill('满30减2');
    await page.getByTestId('campaign-discount').fill('2');
    await page.getByTestId('campaign-min').fill('30');
    await page.getByTestId('campaign-budget').fill('100');
    await page.getByTestId('campaign-ends').fill(lastDay);
    await page.getByTestId('campaign-submit').click();
    await waitForText(page.getByTestId('campaign-created'), '满30减2');

    const [created] = await stored('满30减2');
    expect(created).toMatchObject({ b_node_id: null, funded_by: 'platform', status: 'active', override_reason: null });
    expect([created!.discount_per_order, created!.min_order_total, created!.budget].map(Number)).toEqual([200, 3000, 10_000]);
    const [y, m, d] = lastDay.split('-').map(Number) as [number, number, number];
    expect(created!.ends_at.getTime()).toBe(new Date(y, m - 1, d, 23, 59, 59).getTime());
    expect(['accept', 'warn']).toContain(created!.verdict);

    const row = page.locator('[data-testid="campaign-row"][data-name="满30减2"]');
    await waitForAttribute(row, 'data-status', 'active');
    await waitForAttribute(row.getByTestId('campaign-verdict'), 'data-verdict', created!.verdict);
    await waitForText(row.getByTestId('cell-shop'), '全部门店');
    await waitForText(row.getByTestId('cell-discount'), '¥2.00');
    await waitForText(row.getByTestId('cell-min'), '¥30.00');
    await waitForText(row.getByTestId('cell-budget'), '¥0.00 / ¥100.00');
    await waitForText(row.getByTestId('campaign-status'), '进行中');

    // ¥25 off ¥30 pays less than the goods cost: G8 fails, and a tenant admin may override it.
    await page.getByTestId('campaign-name').fill('满30减25');
    await page.getByTestId('campaign-discount').fill('25');
    await page.getByTestId('campaign-min').fill('30');
    await page.getByTestId('campaign-budget').fill('100');
    await page.getByTestId('campaign-ends').fill(lastDay);
    await page.getByTestId('campaign-submit').click();
    const g8 = page.locator('[data-testid="rejection-rules"] [data-rule="G8"]');
    await waitForAttribute(g8, 'data-status', 'fail');
    expect(await g8.getAttribute('data-overridable')).toBe('true');
    await page.getByTestId('override-form').waitFor({ timeout: 10_000 });
    await page.getByTestId('override-reason').waitFor();
    expect(await page.getByTestId('override-blocked').count()).toBe(0);
    expect(await stored('满30减25')).toHaveLength(0);
    await screenshot(page, 'campaigns-g8');

    await row.getByTestId('campaign-end').click();
    await screenshot(page, 'campaigns-confirm-end');
    await row.getByTestId('campaign-end-confirm').click();
    await waitForAttribute(row, 'data-status', 'ended');
    await waitForText(row.getByTestId('campaign-status'), '已结束');
    expect(await row.getByTestId('campaign-end').count()).toBe(0);
    expect((await stored('满30减2')).map((c) => c.status)).toEqual(['ended']);
    await screenshot(page, 'campaigns');
  });

  it('reads in English', async () => {
    await page.getByTestId('lang-en').click();
    await waitForText(page.getByTestId('econ-tab-campaigns'), 'Subsidy campaigns');
    await waitForText(page.locator('[data-testid="campaign-row"][data-name="满30减2"]').getByTestId('campaign-status'), 'Ended');
    expect(await page.locator('main').innerText()).not.toMatch(/economics\.(?!md\b)[a-z_]+/);
    await screenshot(page, 'campaigns-en');
  });
});
