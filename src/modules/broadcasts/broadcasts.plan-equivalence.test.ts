/**
 * The customer planner's statement was reshaped for speed (one join from the audience to its
 * follows, only the customers already at their limit hashed). This test keeps the statement as
 * it was before, verbatim, and checks that both write the same recipients — sender, reason,
 * status and slot — on a fixture that mixes every case: several follows per customer added at
 * different times, ended follows, members who left, tags, an owner filter, corp and member sends
 * in and out of the cap window and the day, around a month's end in the tenant's time zone.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, type World } from '../../../test/fixtures.js';
import { activeFollows } from '../crm/crm.fragments.js';
import type { Db } from '../../database.js';
import { customerAudienceSql, customerPlanStatement, MEMBER_TASK_LIMIT, periodCte, type PlanTarget } from './broadcasts.repo.js';
import { putBroadcastSettings } from './broadcasts.service.js';
import type { CustomerAudience } from './broadcasts.schema.js';

/** The statement as it stood before the reshaping: the reference the new one must agree with. */
function referencePlanStatement(t: PlanTarget, audience: CustomerAudience) {
  const owner = t.initiator === 'member' ? t.senderUserid : audience.owner ?? null;
  return sql`
    WITH ${periodCte(t.tenantId, t.sendAt)},
    audience AS (${customerAudienceSql(t.tenantId, audience, owner)}),
    sender AS (
      SELECT DISTINCT ON (f.customer_id) f.customer_id, f.userid, f.external_userid
        FROM ${activeFollows(t.tenantId)} f
       WHERE f.member_status = 'active' AND f.customer_id IN (SELECT customer_id FROM audience) ${owner ? sql`AND f.userid = ${owner}` : sql``}
       ORDER BY f.customer_id, f.added_at, f.userid),
    history AS (
      SELECT r.customer_id,
             count(*) FILTER (WHERE r.initiator = 'corp' AND r.counted_at >= p.p_start AND r.counted_at < p.p_end) AS in_period,
             count(*) FILTER (WHERE r.initiator = 'member' AND r.counted_at >= p.d_start AND r.counted_at < p.d_end) AS member_today
        FROM broadcast_recipients r CROSS JOIN period p
       WHERE r.tenant_id = ${t.tenantId} AND r.customer_id IS NOT NULL AND r.counted_at IS NOT NULL
         AND r.counted_at >= least(p.p_start, p.d_start) AND r.counted_at < greatest(p.p_end, p.d_end)
       GROUP BY r.customer_id),
    decided AS (
      SELECT a.customer_id, s.userid, s.external_userid,
             CASE WHEN s.customer_id IS NULL THEN 'not_contact'
                  WHEN ${t.initiator} = 'corp' AND coalesce(h.in_period, 0) >= p.cap THEN 'over_cap'
                  WHEN ${t.initiator} = 'member' AND coalesce(h.member_today, 0) >= 1 THEN 'over_member_daily'
             END AS reason
        FROM audience a CROSS JOIN period p
        LEFT JOIN sender s ON s.customer_id = a.customer_id
        LEFT JOIN history h ON h.customer_id = a.customer_id),
    ranked AS (
      ${t.initiator === 'member'
        ? sql`SELECT d.*, row_number() OVER (PARTITION BY d.reason IS NULL ORDER BY d.customer_id) AS n FROM decided d`
        : sql`SELECT d.*, 0 AS n FROM decided d`}),
    final AS (
      SELECT r.customer_id, r.userid, r.external_userid,
             CASE WHEN r.reason IS NULL AND ${t.initiator} = 'member' AND r.n > ${MEMBER_TASK_LIMIT} THEN 'over_member_task_limit' ELSE r.reason END AS reason
        FROM ranked r)
    INSERT INTO broadcast_recipients (tenant_id, broadcast_id, recipient_key, initiator, customer_id, external_userid, sender_userid, skip_reason, status, counted_at)
    SELECT ${t.tenantId}, ${t.broadcastId}, f.customer_id, ${t.initiator}, f.customer_id, f.external_userid, f.userid, f.reason,
           CASE WHEN f.reason IS NULL THEN 'planned' ELSE 'skipped' END,
           CASE WHEN f.reason IS NULL THEN ${t.sendAt}::timestamptz END
      FROM final f`;
}

class Rollback extends Error {}

const CUSTOMERS = 600;
const MEMBERS = ['m0', 'm1', 'm2', 'm3', 'm4', 'gone'];

/** Shanghai 1 March 2026 00:00 is 28 February 16:00 UTC: sends on both sides of that line. */
async function seedFixture(db: Db, w: World) {
  const t = w.tenantId;
  for (const m of MEMBERS) await db.insertInto('wecom_members').values({ tenant_id: t, userid: m, name: m, status: m === 'gone' ? 'left' : 'active' }).execute();
  await db.insertInto('customer_tag_groups').values({ tenant_id: t, id: 'tg', name: 'Tags' }).execute();
  await sql`INSERT INTO customer_tags (tenant_id, id, group_id, name) SELECT ${t}, 'tag' || i, 'tg', 'Tag ' || i FROM generate_series(0, 4) i`.execute(db);
  await sql`INSERT INTO customers (tenant_id, id, b_node_id, name) SELECT ${t}, 'eq_' || lpad(i::text, 4, '0'), ${w.bNodeId}, 'C' || i FROM generate_series(1, ${CUSTOMERS}) i`.execute(db);
  // 0 to 3 follows each, to members in turn (one of them gone), added on different days (ties broken by userid), one in 7 ended.
  await sql`INSERT INTO customer_follows (tenant_id, customer_id, userid, external_userid, added_at, ended_at, ended_by)
    SELECT ${t}, 'eq_' || lpad(i::text, 4, '0'), (${MEMBERS}::text[])[1 + (i * 7 + k * 5) % 6], 'wm_' || i || '_' || k,
           timestamptz '2026-01-01' + ((i * 13 + k * 29) % 4) * interval '1 day',
           CASE WHEN (i + k) % 7 = 0 THEN timestamptz '2026-01-20' END, CASE WHEN (i + k) % 7 = 0 THEN 'customer' END
      FROM generate_series(1, ${CUSTOMERS}) i, generate_series(0, 2) k
     WHERE k < i % 4
    ON CONFLICT DO NOTHING`.execute(db);
  await sql`INSERT INTO customer_tag_links (tenant_id, customer_id, tag_id)
    SELECT ${t}, 'eq_' || lpad(i::text, 4, '0'), 'tag' || ((i * k) % 5) FROM generate_series(1, ${CUSTOMERS}) i, generate_series(1, 2) k ON CONFLICT DO NOTHING`.execute(db);
  // Earlier sends: per customer 0 to 79, one every 10 hours from 27 February (Shanghai), corp or member, counted or not.
  await sql`INSERT INTO broadcasts (tenant_id, id, chat_type, initiator, sender_userid, audience, content, status, send_at, planned_at)
    SELECT ${t}, 'eqh_' || s, 'single', CASE WHEN s % 6 = 0 THEN 'member' ELSE 'corp' END, CASE WHEN s % 6 = 0 THEN 'm1' END, '{}', '{}', 'sent', now(), now()
      FROM generate_series(0, 79) s`.execute(db);
  await sql`INSERT INTO broadcast_recipients (tenant_id, broadcast_id, recipient_key, initiator, customer_id, status, counted_at)
    SELECT ${t}, 'eqh_' || s, 'eq_' || lpad(i::text, 4, '0'), CASE WHEN s % 6 = 0 THEN 'member' ELSE 'corp' END, 'eq_' || lpad(i::text, 4, '0'),
           CASE WHEN (i + s) % 11 = 0 THEN 'failed' ELSE 'sent' END,
           CASE WHEN (i + s) % 11 <> 0 THEN timestamptz '2026-02-27 12:00+08' + s * interval '10 hours' + (i % 5) * interval '1 hour' END
      FROM generate_series(1, ${CUSTOMERS}) i, generate_series(0, 79) s
     WHERE s < i % 80`.execute(db);
  await sql`ANALYZE`.execute(db);
}

type Row = { recipient_key: string; sender_userid: string | null; external_userid: string | null; skip_reason: string | null; status: string; counted_at: Date | null };

describe('the customer planner\'s statement', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-02-01T00:00:00Z'));
  let w: World;
  let n = 0;
  const outcomes = new Set<string>();

  /** The recipients a statement writes, read back and rolled away so every case plans against the same history. */
  async function recipients(statement: typeof customerPlanStatement, target: Omit<PlanTarget, 'tenantId' | 'broadcastId'>, audience: CustomerAudience): Promise<Row[]> {
    let rows: Row[] = [];
    await db.transaction().execute(async (tx) => {
      const id = `bc_eq_${n++}`;
      await tx.insertInto('broadcasts').values({
        tenant_id: w.tenantId, id, chat_type: 'single', initiator: target.initiator, sender_userid: target.senderUserid,
        audience: '{}', content: '{}', send_at: target.sendAt, planned_at: target.sendAt, created_by: null,
      }).execute();
      await statement({ ...target, tenantId: w.tenantId, broadcastId: id }, audience).execute(tx);
      rows = await tx.selectFrom('broadcast_recipients').select(['recipient_key', 'sender_userid', 'external_userid', 'skip_reason', 'status', 'counted_at'])
        .where('tenant_id', '=', w.tenantId).where('broadcast_id', '=', id).orderBy('recipient_key').execute();
      throw new Rollback();
    }).catch((err: unknown) => { if (!(err instanceof Rollback)) throw err; });
    return rows;
  }

  beforeAll(async () => {
    w = await seedWorld(db, clock);
    await seedFixture(db, w);
  });

  const cases: { name: string; target: Omit<PlanTarget, 'tenantId' | 'broadcastId'>; audience: CustomerAudience; period?: 'month' | 'week' | 'day' }[] = [
    { name: 'corp, everyone, last day of February in Shanghai', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-02-28T15:30:00Z') }, audience: {} },
    { name: 'corp, everyone, first hour of March in Shanghai', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-02-28T16:30:00Z') }, audience: {} },
    { name: 'corp, late March', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-28T04:00:00Z') }, audience: {} },
    { name: 'corp by tags any', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-20T04:00:00Z') }, audience: { tags_any: ['tag1', 'tag3'] } },
    { name: 'corp by tags all and owner', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-20T04:00:00Z') }, audience: { tags_all: ['tag1', 'tag2'], owner: 'm2' } },
    { name: 'corp by owner, weekly cap', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-05T04:00:00Z') }, audience: { owner: 'm3' }, period: 'week' },
    { name: 'corp, daily cap', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-05T04:00:00Z') }, audience: {}, period: 'day' },
    { name: 'member m1 on a day with member sends', target: { initiator: 'member', senderUserid: 'm1', sendAt: new Date('2026-03-02T04:00:00Z') }, audience: {} },
    { name: 'member m1 by tag, two days later', target: { initiator: 'member', senderUserid: 'm1', sendAt: new Date('2026-03-04T06:00:00Z') }, audience: { tags_any: ['tag4'] } },
    { name: 'by customer ids, some not contacts', target: { initiator: 'corp', senderUserid: null, sendAt: new Date('2026-03-10T04:00:00Z') }, audience: { customer_ids: ['eq_0001', 'eq_0004', 'eq_0007', 'eq_0034', 'eq_0599', 'nobody'] } },
  ];

  it.each(cases)('writes the same recipients as before: $name', async ({ target, audience, period }) => {
    await putBroadcastSettings(db, w.tenantId, period ?? 'month');
    const before = await recipients(referencePlanStatement, target, audience);
    const after = await recipients(customerPlanStatement, target, audience);
    expect(after).toEqual(before);
    expect(before.some((r) => r.status === 'planned')).toBe(true);
    for (const r of before) outcomes.add(r.skip_reason ?? 'planned');
  });

  it('had every outcome in play across the cases (else the comparison proves little)', () => {
    expect([...outcomes].sort()).toEqual(['not_contact', 'over_cap', 'over_member_daily', 'planned']);
  });
});
