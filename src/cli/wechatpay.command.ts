import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { AppError } from '../platform/errors.js';
import type { Database, Db } from '../database.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import { saveWechatpayMerchant, wechatpayMerchantView, type WechatpayPlatformKey } from '../modules/payments/wechatpay-merchant.service.js';

export interface ConnectOptions {
  tenant: string;
  mchid: string;
  appid: string[];
  serial: string;
  privateKey: string;
  apiv3Key: string;
  platformPublicKey?: string;
  platformSerial?: string;
  platformCert?: string;
  apiBase?: string;
  profitSharing?: boolean;
}

const read = (file: string, what: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${what}: cannot read ${file}`);
  }
};

/** The platform key from the options: WeChat Pay's public key and its PUB_KEY_ID_ serial, or a platform certificate (serial read from it). */
export function platformKeyFrom(o: ConnectOptions): WechatpayPlatformKey {
  if (o.platformCert && (o.platformPublicKey || o.platformSerial)) throw new Error('give either --platform-public-key with --platform-serial, or --platform-cert');
  if (o.platformCert) {
    const pem = read(o.platformCert, '--platform-cert');
    let serial: string;
    try {
      serial = new X509Certificate(pem).serialNumber.toUpperCase();
    } catch {
      throw new Error('--platform-cert: not an X.509 certificate (PEM)');
    }
    return { serial, kind: 'certificate', pem };
  }
  if (!o.platformPublicKey || !o.platformSerial) throw new Error('give --platform-public-key FILE --platform-serial PUB_KEY_ID_…, or --platform-cert FILE');
  return { serial: o.platformSerial, kind: 'public_key', pem: read(o.platformPublicKey, '--platform-public-key') };
}

/** Stores a tenant's WeChat Pay merchant; secrets sealed under SIYU_SECRET_KEY. Returns what the console shows. */
export async function connectWechatpay(db: Db, config: Config, o: ConnectOptions) {
  const tenant = await homeTenant(db, o.tenant, o.tenant);
  if (!tenant) throw new Error(`no tenant ${o.tenant}`);
  await saveWechatpayMerchant(db, config.secretKey, config.mode, tenant.id, {
    mchid: o.mchid, appids: o.appid, serial: o.serial, privateKeyPem: read(o.privateKey, '--private-key'), apiv3Key: o.apiv3Key,
    platformKeys: [platformKeyFrom(o)], apiBase: o.apiBase, profitSharing: o.profitSharing,
  });
  return wechatpayMerchantView(db, tenant.id);
}

/** `siyu wechatpay connect …`: a tenant's WeChat Pay merchant settings. */
export function registerWechatpayCommands(program: Command) {
  const wechatpay = program.command('wechatpay').description('WeChat Pay API v3 merchant settings');
  wechatpay.command('connect')
    .description('store a tenant\'s WeChat Pay merchant (private key and APIv3 key sealed under SIYU_SECRET_KEY); live mode refuses a simulator')
    .requiredOption('--tenant <slug>', 'the tenant')
    .requiredOption('--mchid <id>', 'merchant id (商户号)')
    .requiredOption('--appid <id...>', 'appid(s) that may pay: official account and/or mini-program')
    .requiredOption('--serial <serial>', 'the merchant API certificate serial number')
    .requiredOption('--private-key <file>', 'the merchant API private key (apiclient_key.pem)')
    .requiredOption('--apiv3-key <key>', 'the APIv3 key (32 bytes)')
    .option('--platform-public-key <file>', 'WeChat Pay public key (PEM), with --platform-serial')
    .option('--platform-serial <serial>', 'its id, PUB_KEY_ID_…')
    .option('--platform-cert <file>', 'a WeChat Pay platform certificate (PEM) instead')
    .option('--api-base <url>', 'API base URL (default https://api.mch.weixin.qq.com in live mode, this server\'s simulator in the sandbox)')
    .option('--profit-sharing', 'prepay with settle_info.profit_sharing=true')
    .action(async (o: ConnectOptions) => {
      const config = loadConfig();
      const opened = await openDatabase<Database>(config);
      try {
        const view = await connectWechatpay(opened.db, config, o);
        console.log(JSON.stringify(view, null, 2));
      } catch (err) {
        if (err instanceof AppError) throw new Error(`${err.code}: ${JSON.stringify(err.details ?? {})}`);
        throw err;
      } finally {
        await opened.close();
      }
    });
}
