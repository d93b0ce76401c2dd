import { beforeAll, describe, expect, it } from 'vitest';
import { saveWechatpayMerchant } from '../../src/modules/payments/wechatpay-merchant.service.js';
import { SIMULATOR_PLATFORM } from '../../src/simulators/wechatpay/simulator.keys.js';
import { tweakSimulatorBill } from '../../src/simulators/wechatpay/simulator.bills.js';
import vectors from '../../src/adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };
import { testConfig } from '../fixtures.js';
import { waitForAttribute, waitForText } from './browser.js';
import { loginAsDemo, loginAsDemoAdmin, demoConsoleForFile, screenshot, type DemoConsole } from './demo-console.js';

const c = demoConsoleForFile();
let page: DemoConsole['page'];
let base: string;
const MCHID = '1900009193';
const DAY = '2026-09-03';

beforeAll(async () => {
  ({ page, base } = c);
  // The demo tenant pays through the sandbox's WeChat Pay simulator, reached over HTTP by the server's own job.
  await saveWechatpayMerchant(c.db, testConfig.secretKey, 'sandbox', c.tenantId, {
    mchid: MCHID, appids: ['wx0123456789abcdef'], serial: vectors.test_keypair.cert_serial, privateKeyPem: vectors.test_keypair.private_key_pkcs8_pem, apiv3Key: 'c'.repeat(32),
    platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }], apiBase: 'simulator', profitSharing: true,
  });
  await tweakSimulatorBill(c.db, MCHID, DAY, { kind: 'extra', out_trade_no: 'pay_never_ours', amount: 2590 });
});

async function tokenFor(login: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', login, password }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

describe('the reconciliation screen in a browser', () => {
  it('an admin reconciles a day and sees what the bill has that we do not', async () => {
    await loginAsDemoAdmin(page, base);
    await page.getByTestId('nav-reconciliation').click();
    await waitForText(page.locator('h1'), '微信支付每日对账');
    await page.getByTestId('reconcile-date').fill(DAY);
    await page.getByTestId('reconcile-run').click();
    await waitForText(page.getByTestId('reconcile-queued'), '已加入队列');
    // The queued job downloads the simulator's bills over HTTP and stores the report.
    await c.siyu.tick();
    await page.reload();
    const row = page.getByTestId(`report-${DAY}`);
    await waitForAttribute(row, 'data-status', 'differences');
    await waitForText(row.getByTestId('report-differences'), '1');
    await page.getByTestId(`report-open-${DAY}`).click();
    const diff = page.getByTestId('difference-pay_never_ours');
    await waitForAttribute(diff, 'data-kind', 'missing_here');
    await waitForText(diff, '本系统缺失');
    await waitForText(diff, '25.90');
    await screenshot(page, 'reconciliation-differences');
  });

  it('staff and a leader get 403 from the reconciliation API and see no such screen', async () => {
    for (const [login, password] of [['staff1', 'staff123'], ['leader1', 'leader123']] as const) {
      const headers = { authorization: `Bearer ${await tokenFor(login, password)}` };
      expect((await fetch(`${base}/api/v1/reconciliation/reports`, { headers })).status, login).toBe(403);
      expect((await fetch(`${base}/api/v1/reconciliation/wechatpay/runs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ date: DAY }) })).status, login).toBe(403);
    }
    await page.getByTestId('nav-account').click();
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await loginAsDemo(page, base, 'leader1', 'leader123', '张丽');
    expect(await page.getByTestId('nav-reconciliation').count()).toBe(0);
    await page.goto(`${base}/admin/reconciliation`);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('reconciliation-table').count()).toBe(0);
    expect(await page.getByTestId('reconcile-run').count()).toBe(0);
  });
});
