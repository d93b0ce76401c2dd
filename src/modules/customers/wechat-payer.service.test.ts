import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld } from '../../../test/fixtures.js';
import { inTransaction } from '../../platform/db/database.js';
import { signInWithWechat } from './customer-identities.service.js';
import { wechatPayerOf } from './wechat-payer.service.js';

describe('the payer of a WeChat Pay payment', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const world = await seedWorld(db, clock);

  it("pays through the app that issued the buyer's openid, never another app's", async () => {
    // One person, signed in through the mini-program first and the official account later (same unionid).
    const mp = await inTransaction(db, (tx) => signInWithWechat(tx, clock, world.tenantId, { openid: 'o-mp-1', appid: 'wx-mini', unionid: 'u-1', b_node_id: world.bNodeId }));
    clock.advance(1000);
    const oa = await inTransaction(db, (tx) => signInWithWechat(tx, clock, world.tenantId, { openid: 'o-oa-1', appid: 'wx-oa', unionid: 'u-1', b_node_id: world.bNodeId }));
    expect(oa.customer.id).toBe(mp.customer.id);
    const id = mp.customer.id;

    expect(await wechatPayerOf(db, world.tenantId, id, ['wx-mini'])).toEqual({ appid: 'wx-mini', openid: 'o-mp-1' });
    expect(await wechatPayerOf(db, world.tenantId, id, ['wx-oa'])).toEqual({ appid: 'wx-oa', openid: 'o-oa-1' });
    expect(await wechatPayerOf(db, world.tenantId, id, ['wx-mini', 'wx-oa'])).toEqual({ appid: 'wx-oa', openid: 'o-oa-1' });
    expect(await wechatPayerOf(db, world.tenantId, id, ['wx-other'])).toBeUndefined();
    expect(await wechatPayerOf(db, world.tenantId, id, [])).toBeUndefined();
  });
});
