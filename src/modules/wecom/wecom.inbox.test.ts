/**
 * Keeping callback events: one at a time (`receiveWecomEvent`) and a burst at once
 * (`receiveWecomEvents`, the hook's group commit) keep each event once with exactly one
 * wecom.event job, whether its duplicate came earlier, in the same batch or in another.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld } from '../../../test/fixtures.js';
import { receiveWecomEvent, receiveWecomEvents, WECOM_EVENT_JOB } from './wecom.service.js';
import type { WecomEvent } from './wecom.provider.js';

const added = (n: number): WecomEvent => ({
  corpId: 'wwinbox', createTime: 1_700_000_000 + n, event: 'change_external_contact', changeType: 'add_external_contact',
  userId: 'zhang', externalUserId: `wm_${n}`, welcomeCode: `wc_${n}`,
});

describe('the WeCom callback inbox', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock();
  const w = await seedWorld(db, clock);

  const jobsFor = async (ids: string[]) => (await sql<{ inbox_id: string }>`
    SELECT j.payload->'data'->>'inbox_id' AS inbox_id FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = ${WECOM_EVENT_JOB} AND j.payload->'data'->>'inbox_id' = ANY(${ids}::text[])`.execute(db)).rows.map((r) => r.inbox_id).sort();

  it('keeps a batch\'s new events once each with one job, and reports duplicates from before and within the batch', async () => {
    const before = await receiveWecomEvent(db, clock, w.tenantId, added(1));
    expect(before.duplicate).toBe(false);

    const results = await receiveWecomEvents(db, clock, w.tenantId, [added(2), added(1), added(3), added(2), { ...added(3) }, added(4)]);
    expect(results.map((r) => r.duplicate)).toEqual([false, true, false, true, true, false]);
    const keptIds = results.flatMap((r) => (r.id ? [r.id] : []));
    expect(new Set(keptIds).size).toBe(3);

    const rows = await db.selectFrom('wecom_callback_inbox').select(['id', 'event']).where('tenant_id', '=', w.tenantId).execute();
    expect(rows.map((r) => (r.event as WecomEvent).externalUserId).sort()).toEqual(['wm_1', 'wm_2', 'wm_3', 'wm_4']);
    expect(rows.find((r) => r.id === results[0]!.id)?.event).toEqual(added(2));
    // One job per kept event, pointing at it; none for the duplicates.
    expect(await jobsFor(rows.map((r) => r.id))).toEqual(rows.map((r) => r.id).sort());

    // A batch of nothing but duplicates keeps nothing and adds no job.
    const again = await receiveWecomEvents(db, clock, w.tenantId, [added(4), added(1)]);
    expect(again).toEqual([{ duplicate: true }, { duplicate: true }]);
    expect(await jobsFor(rows.map((r) => r.id))).toHaveLength(4);
    const { rows: [all] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = ${WECOM_EVENT_JOB}`.execute(db);
    expect(all!.n).toBe(4);
  });
});
