/** Shared by the WeChat Pay tests and the notify benchmark: a merchant on the sandbox's simulator and a buyer with an openid. */
import { generateKeyPairSync } from 'node:crypto';
import type { Db } from '../src/database.js';
import type { Config } from '../src/platform/config.js';
import { saveWechatpayMerchant } from '../src/modules/payments/wechatpay-merchant.service.js';
import vectors from '../src/adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };

let merchantKey: string | undefined;
/** One RSA key per process for test merchants (generating one costs tens of milliseconds). */
export function merchantPrivateKey(): string {
  merchantKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return merchantKey;
}

export const TEST_APPID = 'wx8888888888888888';
export const TEST_APIV3_KEY = 'siyu-test-apiv3-key-32-bytes-ok!';
export const PLATFORM_SERIAL = vectors.test_keypair.cert_serial;

let mchSeq = 0;
/** Gives a tenant WeChat Pay settings pointing at this server's simulator; returns its mchid. */
export async function connectSimulatorMerchant(db: Db, config: Config, tenantId: string, overrides: { mchid?: string; profitSharing?: boolean } = {}) {
  const mchid = overrides.mchid ?? `19${String(process.pid % 10000).padStart(4, '0')}${String(++mchSeq).padStart(4, '0')}`;
  await saveWechatpayMerchant(db, config.secretKey, config.mode, tenantId, {
    mchid, appids: [TEST_APPID], serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', privateKeyPem: merchantPrivateKey(), apiv3Key: TEST_APIV3_KEY,
    platformKeys: [{ serial: PLATFORM_SERIAL, kind: 'certificate', pem: vectors.test_keypair.certificate_pem }], apiBase: 'simulator', profitSharing: overrides.profitSharing ?? false,
  });
  return mchid;
}

/** Records a WeChat openid for a customer, as WeChat sign-in does. */
export async function giveOpenid(db: Db, tenantId: string, customerId: string, openid = `o${customerId.slice(-20)}`, appid = TEST_APPID) {
  await db.insertInto('customer_identities').values({ tenant_id: tenantId, provider: 'wechat_openid', subject: openid, customer_id: customerId, app_id: appid }).onConflict((oc) => oc.doNothing()).execute();
  return openid;
}
