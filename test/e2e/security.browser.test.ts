import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser } from '../../src/modules/identity/identity.service.js';
import { waitForText } from './browser.js';
import { loginAsDemoAdmin, demoConsoleForFile, screenshot } from './demo-console.js';

const c = demoConsoleForFile();

/** Collects every CSP violation the page reports, from the DOM event and from the console. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => {
    if (/Content Security Policy|CSP violation/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
  });
  return violations;
}

/** Opens a page and checks it was served under our CSP. */
async function visit(page: Page, url: string) {
  const res = await page.goto(url, { waitUntil: 'networkidle' });
  expect(res?.status(), url).toBe(200);
  expect(await res?.headerValue('content-security-policy'), url).toContain("script-src 'self'");
}

describe('the content security policy in a browser', () => {
  it('the console, the shop and the API docs load and work with no CSP violation', async () => {
    const context = await c.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const violations = await watchCsp(page);

    await visit(page, `${c.base}/admin/login`);
    await loginAsDemoAdmin(page, c.base);
    await page.getByTestId('orders-table').waitFor({ timeout: 15_000 });
    for (const [nav, path] of [['nav-economics', '/admin/economics'], ['nav-jobs', '/admin/jobs'], ['nav-account', '/admin/account']] as const) {
      await page.getByTestId(nav).click();
      await page.waitForURL(`**${path}`);
      await page.waitForLoadState('networkidle');
    }
    // The charts (ECharts, loaded on first use) draw and show a tooltip.
    await page.goto(`${c.base}/admin/economics`, { waitUntil: 'networkidle' });
    await page.locator('canvas').first().waitFor({ timeout: 15_000 });
    const box = await page.locator('canvas').first().boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.goto(`${c.base}/admin/economics/breakeven`, { waitUntil: 'networkidle' });
    await screenshot(page, 'csp-console');

    const { slug } = await c.db.selectFrom('b_nodes').select('slug').where('tenant_id', '=', c.tenantId).orderBy('slug').executeTakeFirstOrThrow();
    await visit(page, `${c.base}/s/${slug}`);
    await page.getByTestId('product-card').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('product-card').first().click();
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'csp-shop');

    await visit(page, `${c.base}/docs/`);
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 20_000 });

    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('the account screen in a browser', () => {
  it('changes the password, signs out everywhere, and the new password signs in while the old one does not', async () => {
    await createUser(c.db, c.tenantId, { login: 'ops', display_name: '运营小陈', role: 'tenant_admin', password: 'ops-password-1' });
    const context = await c.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const signIn = async (password: string) => {
      await page.goto(`${c.base}/admin/login`);
      await page.getByTestId('login-tenant').fill('demo');
      await page.getByTestId('login-user').fill('ops');
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
    };
    // A second session elsewhere, which the change signs out.
    const elsewhere = await fetch(`${c.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login: 'ops', password: 'ops-password-1' }) });
    const otherToken = ((await elsewhere.json()) as { token: string }).token;

    await signIn('ops-password-1');
    await waitForText(page.getByTestId('admin-user'), '运营小陈');
    await page.getByTestId('nav-account').click();

    await page.getByTestId('password-current').fill('wrong-password');
    await page.getByTestId('password-new').fill('ops-password-2');
    await page.getByTestId('password-confirm').fill('ops-password-2');
    await page.getByTestId('password-submit').click();
    await waitForText(page.getByTestId('password-error'), '当前密码不正确');

    await page.getByTestId('password-current').fill('ops-password-1');
    await page.getByTestId('password-submit').click();
    await waitForText(page.getByTestId('password-changed'), '密码已修改');
    const me = await fetch(`${c.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${otherToken}` } });
    expect(me.status).toBe(401);
    await screenshot(page, 'account-password-changed');

    // The tenant's API tokens, for an admin: one is issued on the screen, shown once, works, then is revoked.
    await page.getByTestId('token-name').fill('erp-sync');
    await page.getByTestId('token-days').fill('30');
    await page.getByTestId('token-issue').click();
    await page.getByTestId('token-value').waitFor();
    const issuedToken = (await page.getByTestId('token-value').textContent())!.trim();
    expect((await fetch(`${c.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${issuedToken}` } })).status).toBe(200);
    const listed = await fetch(`${c.base}/api/v1/api-tokens`, { headers: { authorization: `Bearer ${issuedToken}` } });
    const token = ((await listed.json()) as { items: { id: string; name: string; expires_at: string | null }[] }).items.find((x) => x.name === 'erp-sync')!;
    expect(token.expires_at).not.toBeNull();
    const row = page.getByTestId(`token-${token.id}`);
    await waitForText(row.getByTestId('token-status'), '有效');
    await screenshot(page, 'account-token-issued');
    await page.getByTestId(`token-revoke-${token.id}`).click();
    await waitForText(row.getByTestId('token-status'), '已撤销');
    expect((await fetch(`${c.base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${issuedToken}` } })).status).toBe(401);

    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('sign-out-everywhere').click();
    await page.waitForURL('**/admin/login');

    await signIn('ops-password-1');
    await waitForText(page.getByTestId('login-error'), '账号或密码错误');
    await signIn('ops-password-2');
    await waitForText(page.getByTestId('admin-user'), '运营小陈');
    await context.close();
  });
});
