import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import type { Mode } from '../../platform/config.js';
import { deriveKey, seal, unseal } from '../../platform/secrets.js';
import { paymentError } from './payments.errors.js';
import type { WechatpayPlatformKey } from './payments.tables.js';

export type { WechatpayPlatformKey } from './payments.tables.js';

/** The purpose the sealing key of WeChat Pay merchant secrets is derived for. */
export const WECHATPAY_KEY_PURPOSE = 'wechatpay-merchant';

/** WeChat Pay's API host in live mode. */
export const WECHATPAY_API_BASE = 'https://api.mch.weixin.qq.com';

/** The stored api_base naming this server's own simulator (sandbox only). */
export const SIMULATOR_API_BASE = 'simulator';

/** Where this server's simulator is mounted, below its own public URL. */
export const SIMULATOR_PATH = '/simulators/wechatpay';

/** A tenant's merchant as the adapters use it: secrets opened, in memory only. */
export interface WechatpayMerchant {
  tenantId: string;
  mchid: string;
  appids: string[];
  serial: string;
  privateKey: KeyObject;
  apiv3Key: string;
  /** Verification keys by serial (`PUB_KEY_ID_…` or a platform certificate's serial). */
  platformKeys: Map<string, KeyObject>;
  /** Absolute base URL the API calls go to (the simulator's resolved against the server's own URL). */
  apiBase: string;
  profitSharing: boolean;
}

export interface WechatpayMerchantInput {
  mchid: string;
  appids: string[];
  serial: string;
  privateKeyPem: string;
  apiv3Key: string;
  platformKeys: WechatpayPlatformKey[];
  apiBase?: string | undefined;
  profitSharing?: boolean | undefined;
}

const invalid = (field: string, reason: string) => paymentError('invalid_wechatpay_settings', { field, reason });

/** Whether an API base is (or points into) a simulator: refused in live mode. */
export function isSimulatorBase(apiBase: string): boolean {
  if (apiBase === SIMULATOR_API_BASE) return true;
  try {
    return new URL(apiBase).pathname.includes('/simulators/');
  } catch {
    return false;
  }
}

function checkedApiBase(mode: Mode, apiBase: string | undefined): string {
  const base = (apiBase ?? (mode === 'live' ? WECHATPAY_API_BASE : SIMULATOR_API_BASE)).replace(/\/+$/, '');
  if (isSimulatorBase(base)) {
    if (mode === 'live') throw invalid('api_base', 'live mode never talks to a simulator');
    if (base === SIMULATOR_API_BASE) return base;
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw invalid('api_base', 'not a URL');
  }
  if (url.protocol !== 'https:' && !(mode === 'sandbox' && url.protocol === 'http:')) throw invalid('api_base', 'https only');
  if (url.search || url.hash) throw invalid('api_base', 'no query or fragment');
  return base;
}

function checkedPlatformKey(key: WechatpayPlatformKey): WechatpayPlatformKey {
  if (!/^(PUB_KEY_ID_[0-9A-Za-z_]{1,64}|[0-9A-Fa-f]{8,64})$/.test(key.serial)) throw invalid('platform_keys', `bad serial ${key.serial}`);
  if (key.kind === 'public_key' && !key.serial.startsWith('PUB_KEY_ID_')) throw invalid('platform_keys', 'a WeChat Pay public key has a PUB_KEY_ID_ serial');
  try {
    const k = createPublicKey(key.pem);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw invalid('platform_keys', `serial ${key.serial}: not an RSA public key or certificate`);
  }
  return { serial: key.serial, kind: key.kind, pem: key.pem.trim() };
}

/** Checks and stores a tenant's merchant; secrets are sealed before they reach the database. */
export async function saveWechatpayMerchant(db: Conn, secretKey: string, mode: Mode, tenantId: string, input: WechatpayMerchantInput): Promise<void> {
  if (!/^[0-9]{6,32}$/.test(input.mchid)) throw invalid('mchid', 'digits only');
  if (input.appids.length < 1 || input.appids.length > 4 || input.appids.some((a) => !/^wx[0-9a-f]{16}$/i.test(a))) throw invalid('appids', 'one to four appids like wx0123456789abcdef');
  if (!/^[0-9A-Fa-f]{8,64}$/.test(input.serial)) throw invalid('serial', 'the merchant certificate serial, hex');
  // The cipher follows the key's length; anything but a real 32-byte APIv3 key is refused.
  if (Buffer.byteLength(input.apiv3Key, 'utf8') !== 32) throw invalid('apiv3_key', 'must be 32 bytes');
  try {
    const k = createPrivateKey(input.privateKeyPem);
    if (k.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw invalid('private_key', 'not an RSA private key (PEM)');
  }
  if (input.platformKeys.length === 0) throw invalid('platform_keys', 'at least one platform public key or certificate');
  const platformKeys = input.platformKeys.map(checkedPlatformKey);
  const apiBase = checkedApiBase(mode, input.apiBase);
  const sealKey = deriveKey(secretKey, WECHATPAY_KEY_PURPOSE);
  const row = {
    tenant_id: tenantId, mchid: input.mchid, appids: input.appids, merchant_serial: input.serial.toUpperCase(),
    private_key: seal(sealKey, input.privateKeyPem.trim()), apiv3_key: seal(sealKey, input.apiv3Key),
    platform_keys: platformKeys, api_base: apiBase, profit_sharing: input.profitSharing ?? false,
  };
  await db.insertInto('wechatpay_merchants')
    .values({ ...row, platform_keys: sql`${JSON.stringify(platformKeys)}::jsonb` as never })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({
      mchid: row.mchid, appids: row.appids, merchant_serial: row.merchant_serial, private_key: row.private_key, apiv3_key: row.apiv3_key,
      platform_keys: sql`excluded.platform_keys` as never, api_base: row.api_base, profit_sharing: row.profit_sharing, updated_at: sql`now()` as never,
    }))
    .execute();
}

/** Turns profit sharing on or off for a tenant's merchant (prepay then sends settle_info.profit_sharing). */
/**
 * The sandbox merchant (API base: the simulator) also accepts these apps' openids, up to WeChat's
 * four appids per merchant; a merchant connected to WeChat for real is left alone.
 */
export async function payThroughSimulatedApps(db: Conn, tenantId: string, appids: string[]): Promise<void> {
  await sql`
    UPDATE wechatpay_merchants m SET appids = a.appids, updated_at = now()
      FROM (SELECT array_agg(DISTINCT x ORDER BY x) AS appids
              FROM wechatpay_merchants, unnest(appids || ${appids}::text[]) AS x
             WHERE tenant_id = ${tenantId}) a
     WHERE m.tenant_id = ${tenantId} AND m.api_base = ${SIMULATOR_API_BASE}
       AND NOT (m.appids @> ${appids}::text[]) AND cardinality(a.appids) <= 4`.execute(db);
}

export async function setWechatpayProfitSharing(db: Conn, tenantId: string, on: boolean): Promise<void> {
  await db.updateTable('wechatpay_merchants').set({ profit_sharing: on, updated_at: new Date() }).where('tenant_id', '=', tenantId).execute();
}

type MerchantRow = Awaited<ReturnType<typeof selectMerchant>>;
const selectMerchant = (db: Conn) => db.selectFrom('wechatpay_merchants').selectAll().executeTakeFirst();

function opened(row: NonNullable<MerchantRow>, secretKey: string, selfUrl: () => string): WechatpayMerchant {
  const sealKey = deriveKey(secretKey, WECHATPAY_KEY_PURPOSE);
  return {
    tenantId: row.tenant_id,
    mchid: row.mchid,
    appids: row.appids,
    serial: row.merchant_serial,
    privateKey: createPrivateKey(unseal(sealKey, row.private_key)),
    apiv3Key: unseal(sealKey, row.apiv3_key),
    platformKeys: new Map(row.platform_keys.map((k) => [k.serial, createPublicKey(k.pem)])),
    apiBase: row.api_base === SIMULATOR_API_BASE ? `${selfUrl()}${SIMULATOR_PATH}` : row.api_base,
    profitSharing: row.profit_sharing,
  };
}

export interface MerchantLoader {
  /**
   * The tenant's merchant, or undefined when it has none. `fresh` reads the settings again (calls
   * that act on them: prepay, refunds); without it a copy up to MERCHANT_TTL_MS old may serve
   * (verifying notifications, which come in bursts).
   */
  ofTenant(db: Conn, tenantId: string, options?: { fresh?: boolean }): Promise<WechatpayMerchant | undefined>;
  /** The merchant with this mchid (the simulator recognises its callers by it). */
  ofMchid(db: Conn, mchid: string): Promise<WechatpayMerchant | undefined>;
}

/** How long opened settings are reused without reading them again (notifications come in bursts). */
const MERCHANT_TTL_MS = 5_000;

/**
 * Loads merchants with their secrets unsealed in memory only, remembered a few seconds: every
 * notification needs the platform keys and the APIv3 key, and opening RSA keys costs more than the
 * statement. A live server refuses settings that point at a simulator, even ones written before.
 */
export function wechatpayMerchants(opts: { secretKey: string; mode: Mode; selfUrl: () => string }): MerchantLoader {
  const cache = new Map<string, { merchant: WechatpayMerchant | undefined; until: number }>();
  const load = async (key: string, read: () => Promise<MerchantRow>, fresh = false) => {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now && !fresh) return hit.merchant;
    const row = await read();
    if (row && opts.mode === 'live' && isSimulatorBase(row.api_base)) throw invalid('api_base', 'live mode never talks to a simulator');
    const merchant = row ? opened(row, opts.secretKey, opts.selfUrl) : undefined;
    if (merchant) cache.set(key, { merchant, until: now + MERCHANT_TTL_MS });
    else cache.delete(key);
    return merchant;
  };
  return {
    ofTenant: (db, tenantId, options) => load(`t:${tenantId}`, () => db.selectFrom('wechatpay_merchants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst(), options?.fresh),
    ofMchid: (db, mchid) => load(`m:${mchid}`, () => db.selectFrom('wechatpay_merchants').selectAll().where('mchid', '=', mchid).executeTakeFirst()),
  };
}

/** What the console shows: never a secret, only that one is set. */
export async function wechatpayMerchantView(db: Conn, tenantId: string) {
  const row = await db.selectFrom('wechatpay_merchants')
    .select(['mchid', 'appids', 'merchant_serial', 'platform_keys', 'api_base', 'profit_sharing', 'updated_at'])
    .where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!row) return { configured: false as const };
  return {
    configured: true as const,
    mchid: row.mchid,
    appids: row.appids,
    merchant_serial: row.merchant_serial,
    platform_keys: row.platform_keys.map((k) => ({ serial: k.serial, kind: k.kind })),
    api_base: row.api_base,
    simulator: isSimulatorBase(row.api_base),
    profit_sharing: row.profit_sharing,
    private_key_set: true,
    apiv3_key_set: true,
    updated_at: row.updated_at.toISOString(),
  };
}
