/** Each sandbox start lets the demo's simulated WeChat Pay merchant take the demo apps' openids, and never touches a real merchant. */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/test-db.js';
import { testConfig } from '../../../test/fixtures.js';
import { seedDemo, DEMO_WECHATPAY } from './demo-seed.js';
import { prepareSandboxDemo } from './demo-sandbox.js';
import { DEMO_WECHAT_APPS } from './demo-wechat.js';

describe('prepareSandboxDemo', async () => {
  const { db } = await createTestDatabase();

  it('adds the demo apps\' appids to the simulated merchant once, and leaves a merchant connected to WeChat alone', async () => {
    const { tenantId } = await seedDemo(db, { secretKey: testConfig.secretKey, seed: 7 });
    const appids = () => db.selectFrom('wechatpay_merchants').select('appids').where('tenant_id', '=', tenantId!).executeTakeFirstOrThrow().then((r) => r.appids);
    expect(await appids()).toEqual([DEMO_WECHATPAY.appid]);
    await prepareSandboxDemo(db, testConfig.secretKey, 'http://127.0.0.1:3000');
    await prepareSandboxDemo(db, testConfig.secretKey, 'http://127.0.0.1:3000');
    expect([...await appids()].sort()).toEqual([DEMO_WECHATPAY.appid, ...DEMO_WECHAT_APPS.map((a) => a.appid)].sort());
    expect((await db.selectFrom('wechat_apps').select('api_base').where('tenant_id', '=', tenantId!).execute()).map((a) => a.api_base)).toEqual(['http://127.0.0.1:3000/simulators/wechat', 'http://127.0.0.1:3000/simulators/wechat']);

    await db.updateTable('wechatpay_merchants').set({ appids: [DEMO_WECHATPAY.appid], api_base: 'https://api.mch.weixin.qq.com' }).where('tenant_id', '=', tenantId!).execute();
    await prepareSandboxDemo(db, testConfig.secretKey, 'http://127.0.0.1:3000');
    expect(await appids()).toEqual([DEMO_WECHATPAY.appid]);
  });

  it('connects the demo tenant\'s WeCom to the simulator, which sends its callbacks back to this server', async () => {
    const tenantId = (await db.selectFrom('tenants').select('id').where('slug', '=', 'demo').executeTakeFirstOrThrow()).id;
    await prepareSandboxDemo(db, testConfig.secretKey, 'http://127.0.0.1:3000');
    expect(await db.selectFrom('wecom_settings').select(['corp_id', 'api_base']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow())
      .toEqual({ corp_id: 'wwsiyudemo000001', api_base: 'http://127.0.0.1:3000/simulators/wecom' });
    const { rows } = await sql<{ callback_url: string }>`SELECT callback_url FROM wecom_sim_corps WHERE corp_id = 'wwsiyudemo000001'`.execute(db);
    expect(rows).toEqual([{ callback_url: 'http://127.0.0.1:3000/hooks/wecom/demo' }]);
  });
});
