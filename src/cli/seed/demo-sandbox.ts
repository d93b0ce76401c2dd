import type { Db } from '../../database.js';
import { homeTenant } from '../../modules/identity/identity.service.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { payThroughSimulatedApps } from '../../modules/payments/wechatpay-merchant.service.js';
import { connectDemoWechatApps, DEMO_WECHAT_APPS } from './demo-wechat.js';
import { seedDemoSubscribeTemplates } from './demo-reach.js';
import { connectDemoWecom } from './demo-wecom.js';

/**
 * What a sandbox start does to the demo tenant once the server's address is known, so the WeChat
 * loop can be walked with no WeChat account: its WeChat apps and WeCom corp point at this server's simulators, it
 * has subscribe-message templates, and its simulated WeChat Pay merchant accepts the openids those
 * apps issue (an openid pays only through the app that issued it). Everything here is idempotent
 * and leaves settings an admin made elsewhere alone.
 */
export async function prepareSandboxDemo(db: Db, secretKey: string, serverBase: string): Promise<void> {
  await connectDemoWechatApps(db, secretKey, serverBase);
  await seedDemoSubscribeTemplates(db);
  await connectDemoWecom(db, secretKey, serverBase);
  const tenant = await homeTenant(db, DEMO_TENANT_SLUG, DEMO_TENANT_SLUG);
  if (tenant?.slug === DEMO_TENANT_SLUG) await payThroughSimulatedApps(db, tenant.id, DEMO_WECHAT_APPS.map((a) => a.appid));
}
