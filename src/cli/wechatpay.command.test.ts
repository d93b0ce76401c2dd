import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { loadConfig } from '../platform/config.js';
import { createTenant } from '../modules/identity/identity.service.js';
import { connectWechatpay } from './wechatpay.command.js';
import { merchantPrivateKey, TEST_APIV3_KEY, TEST_APPID } from '../../test/wechatpay.js';
import vectors from '../adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };

describe('siyu wechatpay connect', async () => {
  const { db } = await createTestDatabase({ max: 2 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siyu-wxpay-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { const p = path.join(dir, name); fs.writeFileSync(p, text); return p; };
  const key = file('apiclient_key.pem', merchantPrivateKey());
  const cert = file('platform.pem', vectors.test_keypair.certificate_pem);
  await createTenant(db, { slug: 'wx-cli', name: 'CLI' });
  const base = { tenant: 'wx-cli', mchid: '1900000109', appid: [TEST_APPID], serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', privateKey: key, apiv3Key: TEST_APIV3_KEY };

  it('stores the merchant with the certificate serial read from the certificate; the view shows no secret', async () => {
    const view = await connectWechatpay(db, loadConfig({}), { ...base, platformCert: cert });
    expect(view).toMatchObject({ configured: true, mchid: '1900000109', platform_keys: [{ serial: vectors.test_keypair.cert_serial, kind: 'certificate' }], api_base: 'simulator', simulator: true });
    const text = JSON.stringify(view);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(TEST_APIV3_KEY);
    const row = await db.selectFrom('wechatpay_merchants').select(['private_key', 'apiv3_key']).executeTakeFirstOrThrow();
    expect(row.private_key.startsWith('v1.')).toBe(true);
    expect(row.apiv3_key).not.toContain(TEST_APIV3_KEY);
  });

  it('live mode refuses the simulator; a public key needs its PUB_KEY_ID_ serial', async () => {
    const live = loadConfig({ SIYU_MODE: 'live', SIYU_SECRET_KEY: 'x'.repeat(40), DATABASE_URL: 'postgres://unused' });
    await expect(connectWechatpay(db, live, { ...base, platformCert: cert, apiBase: 'http://127.0.0.1:3000/simulators/wechatpay' })).rejects.toMatchObject({ code: 'invalid_wechatpay_settings' });
    await expect(connectWechatpay(db, live, { ...base, platformPublicKey: cert })).rejects.toThrow(/--platform-serial/);
    const view = await connectWechatpay(db, live, { ...base, platformPublicKey: cert, platformSerial: 'PUB_KEY_ID_0114232134912410000' });
    expect(view).toMatchObject({ api_base: 'https://api.mch.weixin.qq.com', simulator: false });
  });
});
