import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { seedWorld } from '../../test/fixtures.js';
import { systemClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { saveWechatpayMerchant } from '../modules/payments/wechatpay-merchant.service.js';
import { SIMULATOR_PLATFORM } from '../simulators/wechatpay/simulator.keys.js';
import { tweakSimulatorBill } from '../simulators/wechatpay/simulator.bills.js';
import vectors from '../adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };
import { registerReconcileCommands } from './reconcile.command.js';

/** `siyu reconcile wechatpay` against the sandbox's simulator, reached in-process. */
describe('siyu reconcile wechatpay', async () => {
  const { db, url } = await createTestDatabase();
  const saved = { url: process.env.DATABASE_URL, mode: process.env.SIYU_MODE };
  let slug = '';
  const logs: string[] = [];
  const run = async (...args: string[]) => {
    logs.length = 0;
    process.exitCode = 0;
    const program = new Command('siyu').exitOverride();
    registerReconcileCommands(program);
    await program.parseAsync(['node', 'siyu', ...args]);
    const code = process.exitCode;
    process.exitCode = 0;
    return code;
  };

  beforeAll(async () => {
    process.env.DATABASE_URL = url;
    process.env.SIYU_MODE = 'sandbox';
    const world = await seedWorld(db, systemClock);
    slug = world.tenantSlug;
    await saveWechatpayMerchant(db, loadConfig().secretKey, 'sandbox', world.tenantId, {
      mchid: '1900009192', appids: ['wx0123456789abcdef'], serial: vectors.test_keypair.cert_serial, privateKeyPem: vectors.test_keypair.private_key_pkcs8_pem, apiv3Key: 'b'.repeat(32),
      platformKeys: [{ serial: SIMULATOR_PLATFORM.serial, kind: 'certificate', pem: SIMULATOR_PLATFORM.certificatePem }], apiBase: 'simulator', profitSharing: true,
    });
    vi.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
    vi.spyOn(console, 'error').mockImplementation((line: string) => { logs.push(line); });
  });
  afterEach(() => { logs.length = 0; });
  afterAll(() => {
    vi.restoreAllMocks();
    process.env.DATABASE_URL = saved.url;
    process.env.SIYU_MODE = saved.mode;
  });

  it('a quiet day is matched (exit 0) and --json prints the stored report', async () => {
    expect(await run('reconcile', 'wechatpay', '--tenant', slug, '--date', '2026-09-01', '--json')).toBe(0);
    expect(JSON.parse(logs[0]!)).toMatchObject({ bill_date: '2026-09-01', status: 'matched', differences: 0, items: [] });
  });

  it('a payment in the bill we never recorded: exit 2, and the difference is printed', async () => {
    await tweakSimulatorBill(db, '1900009192', '2026-09-02', { kind: 'extra', out_trade_no: 'pay_stranger', amount: 1990 });
    expect(await run('reconcile', 'wechatpay', '--tenant', slug, '--date', '2026-09-02')).toBe(2);
    expect(logs.join('\n')).toMatch(/missing here.*payment\s+pay_stranger.*19\.90/);
  });

  it('an unknown tenant or a malformed date: exit 1', async () => {
    expect(await run('reconcile', 'wechatpay', '--tenant', 'nobody-here', '--date', '2026-09-01')).toBe(1);
    expect(await run('reconcile', 'wechatpay', '--tenant', slug, '--date', '1/9/2026')).toBe(1);
  });
});
