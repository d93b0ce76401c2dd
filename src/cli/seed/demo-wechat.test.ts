/** The sandbox demo's simulated WeChat apps follow the server's address, and leave apps connected elsewhere alone. */
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { createTenant } from '../../modules/identity/identity.service.js';
import { connectWechatApp, listWechatApps, WECHAT_SEAL_PURPOSE } from '../../modules/wechat/wechat.service.js';
import { deriveKey } from '../../platform/secrets.js';
import { DEMO_TENANT_SLUG } from '../../modules/b-nodes/b-nodes.service.js';
import { connectDemoWechatApps, DEMO_WECHAT_APPS } from './demo-wechat.js';

describe('connectDemoWechatApps', async () => {
  const { db } = await createTestDatabase();
  const secretKey = 'demo-wechat-test-secret-key-0000000000';

  it('points the demo tenant\'s apps at this server\'s simulator, again when the address changes, never over a real connection', async () => {
    await connectDemoWechatApps(db, secretKey, 'http://127.0.0.1:3000');
    expect(await db.selectFrom('wechat_apps').select('app').execute()).toEqual([]); // no demo tenant yet
    const tenant = await createTenant(db, { slug: DEMO_TENANT_SLUG, name: 'Demo' });
    await connectDemoWechatApps(db, secretKey, 'http://127.0.0.1:3000/');
    const first = await listWechatApps(db, tenant.id);
    const [official, mini] = DEMO_WECHAT_APPS;
    expect(first.map((a) => [a.app, a.appid, a.api_base])).toEqual([
      ['mini_program', mini.appid, 'http://127.0.0.1:3000/simulators/wechat'],
      ['official_account', official.appid, 'http://127.0.0.1:3000/simulators/wechat'],
    ]);
    await connectDemoWechatApps(db, secretKey, 'http://127.0.0.1:4000');
    expect((await listWechatApps(db, tenant.id)).map((a) => a.api_base)).toEqual(['http://127.0.0.1:4000/simulators/wechat', 'http://127.0.0.1:4000/simulators/wechat']);
    await connectWechatApp(db, deriveKey(secretKey, WECHAT_SEAL_PURPOSE), tenant.id, { app: 'official_account', appid: 'wxrealofficial0001', secret: 'real', apiBase: 'https://api.weixin.qq.com' });
    await connectDemoWechatApps(db, secretKey, 'http://127.0.0.1:5000');
    const after = await listWechatApps(db, tenant.id);
    expect(after.find((a) => a.app === 'official_account')).toMatchObject({ appid: 'wxrealofficial0001', api_base: 'https://api.weixin.qq.com' });
    expect(after.find((a) => a.app === 'mini_program')).toMatchObject({ api_base: 'http://127.0.0.1:5000/simulators/wechat' });
  });
});
