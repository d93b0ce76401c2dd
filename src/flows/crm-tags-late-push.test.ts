/**
 * A tag given here before it reached WeCom (its push failed and waits for its retry) is marked at
 * WeCom once the push lands, on every customer who holds it — and so survives the contact refreshes
 * that follow, after the grace for unmarked tags has passed. Through the WeCom simulator.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/test-db.js';
import { manualClock } from '../../test/fixtures.js';
import { wecomWorld } from '../../test/wecom-world.js';
import { inTransaction } from '../platform/db/database.js';
import { requestContactRefresh } from '../modules/crm/crm.service.js';
import { TAG_MARK_GRACE_MS } from '../modules/crm/crm-tags.service.js';
import { injectSimFault, simScanContactWay } from '../simulators/wecom/wecom.sim-state.js';

const CORP = 'wwcrmlatetag00001';

describe('a tag pushed to WeCom after customers were given it', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date());
  const w = await wecomWorld(db, clock, CORP);
  const { api, post, req } = w;
  const t = w.tenantId;
  const drain = () => w.drain(20);
  const simTags = async () => (await sql<{ tag_ids: string[] }>`SELECT tag_ids FROM wecom_sim_follows WHERE corp_id = ${CORP} AND userid = 'zhangsan'`.execute(db)).rows.flatMap((r) => r.tag_ids);

  it('marks the tag at WeCom when its push lands, and a refresh past the grace keeps it', async () => {
    const way = await api.addContactWay({ type: 1, scene: 2, state: 'late-tag', user: ['zhangsan'] });
    const scan = await simScanContactWay(db, post, clock.now(), { corpId: CORP, configId: way.config_id, person: 'alice', name: 'Alice' });
    if ('errcode' in scan) throw new Error(String(scan.errcode));
    await drain();
    const alice = (await req('GET', '/customers?owner=zhangsan')).json().items[0].id as string;

    // WeCom refuses the tag group's push once: it waits for its retry while Alice is tagged here.
    await injectSimFault(db, CORP, '/externalcontact/add_corp_tag', 60011, 1);
    const group = (await req('POST', '/customer-tag-groups', { name: '渠道', tags: ['门店扫码'] })).json();
    const tagId = group.tags[0].id as string;
    await drain();
    expect((await db.selectFrom('customer_tags').select('wecom_id').where('tenant_id', '=', t).where('id', '=', tagId).executeTakeFirstOrThrow()).wecom_id).toBeNull();
    expect((await req('POST', `/customers/${alice}/tags`, { add: [tagId] })).statusCode).toBe(200);
    await drain(); // the mark job finds no WeCom id: nothing to mark yet
    expect(await simTags()).toEqual([]);

    // The push's retry lands: WeCom knows the tag, and Alice is marked with it there.
    await sql`UPDATE graphile_worker._private_jobs SET run_at = now()
               WHERE task_id IN (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'crm.tags.push')`.execute(db);
    await drain();
    const wecomId = (await db.selectFrom('customer_tags').select('wecom_id').where('tenant_id', '=', t).where('id', '=', tagId).executeTakeFirstOrThrow()).wecom_id;
    expect(wecomId).toBeTruthy();
    expect(await simTags()).toEqual([wecomId]);

    // Past the grace, a refresh from WeCom finds the tag there and keeps it.
    clock.advance(TAG_MARK_GRACE_MS + 60_000);
    await inTransaction(db, (tx) => requestContactRefresh(tx, t, scan.external_userid));
    await drain();
    expect((await req('GET', `/customers/${alice}`)).json().tags).toEqual([{ id: tagId, name: '门店扫码' }]);
  });
});
