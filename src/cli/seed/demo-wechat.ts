import type { Db } from '../../database.js';
import { deriveKey } from '../../platform/secrets.js';
import { homeTenant } from '../../modules/identity/identity.service.js';
import { connectWechatApp, listWechatApps, WECHAT_SEAL_PURPOSE } from '../../modules/wechat/wechat.service.js';
import { WECHAT_SIMULATOR_PREFIX } from '../../simulators/wechat/wechat.simulator.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';

/** The sandbox demo's simulated WeChat apps: appids in WeChat's shape, secrets known only to this sandbox. */
export const DEMO_WECHAT_APPS = [
  { app: 'official_account', appid: 'wxd0e5a1d0e0000001', secret: 'sandbox-demo-official-account-secret' },
  { app: 'mini_program', appid: 'wxd0e5a1d0e0000002', secret: 'sandbox-demo-mini-program-secret' },
] as const;

/**
 * Points the demo tenant's WeChat apps at this server's simulator (sandbox only), so its shops offer
 * "Sign in with WeChat". Run at every sandbox start: the server's address may have changed since
 * the last one; apps the user connected elsewhere are left alone.
 */
export async function connectDemoWechatApps(db: Db, secretKey: string, serverBase: string): Promise<void> {
  const tenant = await homeTenant(db, DEMO_TENANT_SLUG, DEMO_TENANT_SLUG);
  if (!tenant || tenant.slug !== DEMO_TENANT_SLUG) return;
  const apiBase = `${serverBase.replace(/\/+$/, '')}${WECHAT_SIMULATOR_PREFIX}`;
  const existing = await listWechatApps(db, tenant.id);
  for (const demo of DEMO_WECHAT_APPS) {
    const current = existing.find((a) => a.app === demo.app);
    if (current && (current.api_base === apiBase || !current.api_base.endsWith(WECHAT_SIMULATOR_PREFIX) || current.appid !== demo.appid)) continue;
    await connectWechatApp(db, deriveKey(secretKey, WECHAT_SEAL_PURPOSE), tenant.id, { app: demo.app, appid: demo.appid, secret: demo.secret, apiBase });
  }
}
