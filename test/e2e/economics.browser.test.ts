import { beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { DEMO_NODES } from '../../src/cli/seed/demo-catalog.js';
import { waitForAttribute, waitForText } from './browser.js';
import { loginAsDemoAdmin, demoConsoleForFile, screenshot, type DemoConsole } from './demo-console.js';

async function waitForCount(locator: Locator, expected: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await locator.count();
    if (n === expected) return;
    if (Date.now() > deadline) throw new Error(`expected ${expected} of ${locator.toString()}, found ${n}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const c = demoConsoleForFile();
let db: DemoConsole['db'];
let tenantId: string;
let page: DemoConsole['page'];
let base: string;
beforeAll(() => { ({ db, tenantId, page, base } = c); });

describe('economics screens in a browser', () => {
  it('shows the P&L of the last 30 days with a chart and every B node by name', async () => {
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-economics').click();

    await page.locator('[data-testid="pnl-chart"] canvas').first().waitFor({ timeout: 10_000 });
    await waitForText(page.getByTestId('kpi-gmv'), /¥\d/);
    const rows = page.locator('[data-testid="pnl-table"][data-by="b_node"] [data-testid="pnl-row"]');
    await waitForCount(rows, 5);
    await waitForText(rows.first().getByTestId('pnl-name'), /\S/);
    const names = await page.getByTestId('pnl-name').allTextContents();
    expect(names.sort()).toEqual(DEMO_NODES.map((n) => n.name).sort());
    for (const cm of await page.getByTestId('pnl-cm').allTextContents()) expect(cm).toMatch(/^-?¥\d{1,3}(,\d{3})*\.\d{2}$/);
    await screenshot(page, 'economics-overview');

    // Sorted by margin, largest first; one click turns the order round.
    const margins = async () => (await page.getByTestId('pnl-cm').allTextContents()).map((s) => Number(s.replace(/[¥,]/g, '')));
    const desc = await margins();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.getByTestId('pnl-sort-cm').click();
    await waitForAttribute(page.locator('th[aria-sort="ascending"]'), 'aria-sort', 'ascending');
    expect(await margins()).toEqual([...desc].reverse());
  });

  it('refuses a three-level policy outright and lets an admin override a 40% leader policy with a reason', async () => {
    await page.getByTestId('econ-tab-policies').click();
    await waitForCount(page.getByTestId('policy-row'), 2);

    await page.getByTestId('policy-name').fill('三级分销试验');
    await page.getByTestId('policy-l1').fill('5');
    await page.getByTestId('policy-l2').fill('3');
    await page.getByTestId('policy-l3').fill('1');
    await page.getByTestId('policy-submit').click();
    const g3 = page.locator('[data-testid="rejection-rules"] [data-rule="G3"]');
    await waitForAttribute(g3, 'data-status', 'fail');
    expect(await g3.getAttribute('data-overridable')).toBe('false');
    await waitForText(g3.getByTestId('rule-override'), '不可越过');
    await waitForText(page.getByTestId('override-blocked'), 'G3');
    expect(await page.getByTestId('override-form').count()).toBe(0);
    await screenshot(page, 'economics-policy-g3');

    for (const level of ['l1', 'l2', 'l3']) await page.getByTestId(`policy-${level}`).fill('');
    await page.getByTestId('policy-name').fill('团长 40% 试验');
    await page.getByTestId('policy-leader').fill('40');
    await page.getByTestId('policy-submit').click();
    await page.getByTestId('override-form').waitFor({ timeout: 10_000 });
    const failing = page.locator('[data-testid="rejection-rules"] [data-testid="rule-row"][data-status="fail"]');
    const failed = await failing.evaluateAll((els) => els.map((e) => [e.getAttribute('data-rule'), e.getAttribute('data-overridable')]));
    expect(failed.some(([id]) => id === 'G7' || id === 'G8')).toBe(true);
    expect(failed.every(([, overridable]) => overridable === 'true')).toBe(true);
    await screenshot(page, 'economics-policy-override');

    await page.getByTestId('override-reason').fill('新团长开业两周限时活动，财务已确认');
    await page.getByTestId('override-submit').click();
    await waitForText(page.getByTestId('policy-created'), '团长 40% 试验');
    const row = page.locator('[data-testid="policy-row"][data-name="团长 40% 试验"]');
    await waitForAttribute(row, 'data-verdict', 'warn');
    await waitForText(row.getByTestId('policy-override-reason'), '财务已确认');
    await screenshot(page, 'economics-policies');

    const stored = await db.selectFrom('commission_policies').select(['leader_bps', 'verdict', 'override_reason']).where('tenant_id', '=', tenantId).where('name', '=', '团长 40% 试验').executeTakeFirstOrThrow();
    expect(stored).toEqual({ leader_bps: 4000, verdict: 'warn', override_reason: '新团长开业两周限时活动，财务已确认' });
    const audit = await db.selectFrom('audit_log').select('action').where('tenant_id', '=', tenantId).where('action', '=', 'economics.override').execute();
    expect(audit).toHaveLength(1);
    expect(await db.selectFrom('commission_policies').select('id').where('tenant_id', '=', tenantId).where('name', '=', '三级分销试验').execute()).toHaveLength(0);

    const node = DEMO_NODES[0]!.name;
    await page.getByTestId('assign-node').selectOption({ label: node });
    await waitForText(page.getByTestId('assign-current'), '团长佣金 8%');
    await page.getByTestId('assign-policy').selectOption({ label: '团长 40% 试验' });
    await page.getByTestId('assign-submit').click();
    await page.getByTestId('assign-done').waitFor({ timeout: 10_000 });
    await waitForText(page.getByTestId('assign-current'), '团长 40% 试验');
    const assigned = await db.selectFrom('b_nodes').select('commission_policy_id').where('tenant_id', '=', tenantId).where('name', '=', node).executeTakeFirstOrThrow();
    const policy = await db.selectFrom('commission_policies').select('id').where('tenant_id', '=', tenantId).where('name', '=', '团长 40% 试验').executeTakeFirstOrThrow();
    expect(assigned.commission_policy_id).toBe(policy.id);
  });

  it('checks the example plan rule by rule and lists bad fields by path', async () => {
    await page.getByTestId('econ-tab-check').click();
    await page.getByTestId('check-submit').click();
    await waitForAttribute(page.getByTestId('check-verdict'), 'data-verdict', 'accept');
    await waitForCount(page.locator('[data-testid="check-rules"] [data-testid="rule-row"]'), 13);
    await waitForAttribute(page.locator('[data-testid="check-waterfall"] [data-line="contribution_margin"]'), 'data-amount', '208');
    await screenshot(page, 'economics-check');

    // Verdicts and the guard's own explanations follow the language switch.
    await page.getByTestId('lang-en').click();
    await waitForText(page.getByTestId('check-verdict'), 'Accept');
    await waitForText(page.locator('[data-testid="check-rules"] [data-rule="G1"]'), 'No entry fee');
    await page.getByTestId('lang-zh-CN').click();
    await waitForText(page.locator('[data-testid="check-rules"] [data-rule="G1"]'), '没有入门费');

    await page.getByTestId('check-plan').fill('{ "product": { "price": 0 }, "hold_dayz": 8 }');
    await page.getByTestId('check-submit').click();
    await waitForText(page.getByTestId('check-issues'), 'product.price');
    await waitForText(page.getByTestId('check-issues'), 'hold_dayz');
    await page.getByTestId('check-plan').fill('{ "product": ');
    await page.getByTestId('check-submit').click();
    await waitForText(page.getByTestId('check-issues'), 'JSON');
  });

  it('shows a B node its break-even volume and the leader-commission sweep', async () => {
    await page.getByTestId('econ-tab-breakeven').click();
    await page.locator('[data-testid="leader-chart"] canvas').first().waitFor({ timeout: 10_000 });
    await waitForCount(page.getByTestId('leader-row'), 7);
    await waitForText(page.getByTestId('be-needed'), /\d/);
    await page.getByTestId('be-fixed').fill('600');
    await waitForText(page.getByTestId('be-summary'), /600|\d/);
    await screenshot(page, 'economics-breakeven');
  });

  it('shows the money waterfall on a paid order', async () => {
    const paid = await db.selectFrom('order_line_economics').select('order_id').where('tenant_id', '=', tenantId).limit(1).executeTakeFirstOrThrow();
    await page.goto(`${base}/admin/orders/${paid.order_id}`);
    const cm = page.locator('[data-testid="order-waterfall-table"] [data-line="contribution_margin"]');
    await cm.waitFor({ timeout: 10_000 });
    const stored = await db.selectFrom('order_line_economics').select((eb) => eb.fn.sum<string>('contribution_margin').as('cm')).where('tenant_id', '=', tenantId).where('order_id', '=', paid.order_id).executeTakeFirstOrThrow();
    expect(await cm.getAttribute('data-amount')).toBe(String(Number(stored.cm)));
    await screenshot(page, 'economics-order-waterfall');
  });

  it('reads in English on every screen', async () => {
    await page.getByTestId('lang-en').click();
    for (const [tab, name] of [['overview', 'pnl-table'], ['policies', 'policies-table'], ['check', 'check-plan'], ['breakeven', 'leader-table']] as const) {
      await page.goto(`${base}/admin/economics${tab === 'overview' ? '' : `/${tab}`}`);
      await page.getByTestId(name).waitFor({ timeout: 10_000 });
      await waitForText(page.getByTestId('nav-economics'), 'Economics');
      expect(await page.locator('main').innerText()).not.toMatch(/economics\.(?!md\b)[a-z_]+/);
      await screenshot(page, `economics-${tab}-en`);
    }
  });
});
