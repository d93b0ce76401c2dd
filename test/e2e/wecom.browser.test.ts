import { beforeAll, describe, expect, it } from 'vitest';
import { waitForText } from './browser.js';
import { demoConsoleForFile, loginAsDemoAdmin, screenshot, type DemoConsole } from './demo-console.js';

const c = demoConsoleForFile();
let page: DemoConsole['page'];
let base: string;
let siyu: DemoConsole['siyu'];
let tenantId: string;
beforeAll(() => { ({ page, base, siyu, tenantId } = c); });

const CORP = 'wwe2ecorp0000001';
const TOKEN = 'E2eWecomToken';
const AES_KEY = 'E2eWecomEncodingAesKey000000000000000000000';

describe('WeCom in the console and the simulated WeCom client', () => {
  it('an admin connects the corp (secrets never shown), a customer scans a live code in the simulator, and the event shows in the console', async () => {
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-wecom').click();
    await waitForText(page.getByTestId('wecom-callback-url'), /\/hooks\/wecom\/demo$/);
    await page.getByTestId('wecom-corp-id').fill(CORP);
    await page.getByTestId('wecom-token').fill(TOKEN);
    await page.getByTestId('wecom-aes-key').fill(AES_KEY);
    await page.getByTestId('wecom-secret').fill('e2e-wecom-secret');
    await page.getByTestId('wecom-save').click();
    await waitForText(page.getByTestId('wecom-connected'), CORP);
    await waitForText(page.getByTestId('wecom-api-base'), `${base}/simulators/wecom`);
    const html = await page.content();
    expect(html).not.toContain('e2e-wecom-secret');
    expect(html).not.toContain(AES_KEY);
    await screenshot(page, 'wecom-settings');

    // The simulator learns where to send the corp's callbacks (siyu wecom connect does this in the sandbox).
    const register = await fetch(`${base}/simulators/wecom/sandbox/corps`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ corp_id: CORP, secret: 'e2e-wecom-secret', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: `${base}/hooks/wecom/demo` }),
    });
    expect(register.status).toBe(200);
    const way = await (await siyu.wecomApi(tenantId)).addContactWay({ type: 1, scene: 2, state: 'store-e2e', user: ['zhangsan'] });

    const [simulator] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('wecom-simulator-link').click()]);
    await simulator.waitForLoadState();
    const row = simulator.locator('tr', { hasText: way.config_id });
    await row.locator('input[name="person"]').fill('alice');
    await row.getByRole('button', { name: 'scan' }).click();
    await waitForText(simulator.getByTestId('outcome'), /"status":200/);
    await waitForText(simulator.getByTestId('sim-contact').filter({ hasText: 'alice' }), 'store-e2e');
    await screenshot(simulator, 'wecom-simulator');

    await page.reload();
    await waitForText(page.getByTestId('wecom-event').first(), 'add_external_contact');
    await waitForText(page.getByTestId('wecom-last-event'), /\d/);
  });
});
