import type { Db } from '../../database.js';
import { homeTenant } from '../../modules/identity/identity.service.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { connectWecom, wecomSealKey, wecomSettingsView } from '../../modules/wecom/wecom.service.js';
import { registerSimCorp, WECOM_SIMULATOR_PREFIX } from '../../simulators/wecom/wecom.sim-state.js';

/** The demo's simulated corp: public sandbox values, never a real corp's. */
export const DEMO_WECOM = {
  corpId: 'wwsiyudemo000001',
  token: 'SiyuDemoWecomToken',
  encodingAesKey: 'SiyuDemoWecomEncodingAesKey0000000000000000',
  secret: 'siyu-demo-wecom-secret',
} as const;

/**
 * Points the demo tenant's WeCom at this server's simulator and tells the simulator where to send
 * the corp's callbacks, so "scan the store QR → new customer → welcome → tagged → in a group → mass
 * message" works with no WeCom account. A corp an admin connected to WeCom itself is left alone.
 */
export async function connectDemoWecom(db: Db, secretKey: string, serverBase: string): Promise<void> {
  const tenant = await homeTenant(db, DEMO_TENANT_SLUG, DEMO_TENANT_SLUG);
  if (!tenant || tenant.slug !== DEMO_TENANT_SLUG) return;
  const base = serverBase.replace(/\/+$/, '');
  const apiBase = `${base}${WECOM_SIMULATOR_PREFIX}`;
  const current = await wecomSettingsView(db, tenant.id);
  if (current && (!current.api_base.endsWith(WECOM_SIMULATOR_PREFIX) || current.corp_id !== DEMO_WECOM.corpId)) return;
  if (!current || current.api_base !== apiBase) {
    await connectWecom(db, wecomSealKey(secretKey), tenant.id, { ...DEMO_WECOM, apiBase });
  }
  await registerSimCorp(db, {
    corp_id: DEMO_WECOM.corpId, secret: DEMO_WECOM.secret, token: DEMO_WECOM.token, encoding_aes_key: DEMO_WECOM.encodingAesKey,
    callback_url: `${base}/hooks/wecom/${tenant.slug}`,
  });
}
