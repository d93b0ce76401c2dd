/**
 * The mass-message planner: who receives and who is skipped and why, decided in SQL before
 * anything is sent — caps per customer and group in the tenant's time zone (days-in-month per
 * month, 7 per week, 1 per day), not a contact any more, a member's own sends (1 per customer per
 * day, ≤ 20,000), ≤ 2,000 groups a task.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-db.js';
import { manualClock, seedWorld, type World } from '../../../test/fixtures.js';
import { inTransaction } from '../../platform/db/database.js';
import type { Db } from '../../database.js';
import { planBroadcast, putBroadcastSettings, type PlanInput } from './broadcasts.service.js';

const content = { text: 'Weekend apples', attachments: [] };

async function addMember(db: Db, t: string, userid: string, status: 'active' | 'left' = 'active') {
  await db.insertInto('wecom_members').values({ tenant_id: t, userid, name: userid, status }).execute();
}

async function addCustomer(db: Db, w: World, id: string, follows: { userid: string; ended?: boolean; addedAt?: string }[], tags: string[] = [], bNodeId: string | null = w.bNodeId) {
  await db.insertInto('customers').values({ tenant_id: w.tenantId, id, b_node_id: bNodeId, name: `Customer ${id}`, user_id: null }).execute();
  for (const f of follows) {
    await db.insertInto('customer_follows').values({
      tenant_id: w.tenantId, customer_id: id, userid: f.userid, external_userid: `wm_${id}`, added_at: new Date(f.addedAt ?? '2026-01-01T00:00:00Z'),
      ended_at: f.ended ? new Date('2026-01-02T00:00:00Z') : null, ended_by: f.ended ? 'customer' : null,
    }).execute();
  }
  for (const tag of tags) await db.insertInto('customer_tag_links').values({ tenant_id: w.tenantId, customer_id: id, tag_id: tag }).execute();
}

/** Past sends that count against caps: one earlier broadcast per instant. */
async function history(db: Db, t: string, recipient: { customer_id?: string; group_id?: string }, instants: string[], initiator: 'corp' | 'member' = 'corp') {
  for (const at of instants) {
    const id = `bc_hist_${Math.random().toString(36).slice(2)}`;
    await db.insertInto('broadcasts').values({
      tenant_id: t, id, chat_type: recipient.customer_id ? 'single' : 'group', initiator, sender_userid: initiator === 'member' ? 'zhang' : null,
      audience: '{}', content: '{}', status: 'sent', send_at: new Date(at), planned_at: new Date(at), created_by: null,
    }).execute();
    await db.insertInto('broadcast_recipients').values({
      tenant_id: t, broadcast_id: id, recipient_key: recipient.customer_id ?? recipient.group_id!, initiator,
      customer_id: recipient.customer_id ?? null, group_id: recipient.group_id ?? null, status: 'sent', counted_at: new Date(at),
    }).execute();
  }
}

/** Local Shanghai instants of a month, one per day from day 1: `n` of them. */
const shanghaiDays = (year: number, month: number, n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.UTC(year, month - 1, i + 1, 2, 0)).toISOString()); // 10:00 local

describe('the mass-message planner', async () => {
  const { db } = await createTestDatabase();
  const clock = manualClock(new Date('2026-02-01T00:00:00Z'));
  let w: World;
  const plan = async (input: Partial<PlanInput> & { send_at: Date }) => {
    const id = await inTransaction(db, (tx) => planBroadcast(tx, w.tenantId, {
      chat_type: 'single', initiator: 'corp', audience: { }, content, ...input,
    }, null, clock.now()));
    const rows = await db.selectFrom('broadcast_recipients').select(['recipient_key', 'status', 'skip_reason', 'sender_userid', 'external_userid', 'counted_at'])
      .where('tenant_id', '=', w.tenantId).where('broadcast_id', '=', id).orderBy('recipient_key').execute();
    return { id, rows, of: (key: string) => rows.find((r) => r.recipient_key === key) };
  };
  const clear = async () => {
    await sql`DELETE FROM broadcast_recipients WHERE tenant_id = ${w.tenantId}`.execute(db);
    await sql`DELETE FROM broadcasts WHERE tenant_id = ${w.tenantId}`.execute(db);
  };

  beforeAll(async () => {
    w = await seedWorld(db, clock);
    await addMember(db, w.tenantId, 'zhang');
    await addMember(db, w.tenantId, 'li');
    await addMember(db, w.tenantId, 'gone', 'left');
    await db.insertInto('customer_tag_groups').values({ tenant_id: w.tenantId, id: 'tg1', name: 'Interests' }).execute();
    await db.insertInto('customer_tags').values([
      { tenant_id: w.tenantId, id: 'fruit', group_id: 'tg1', name: 'Fruit' },
      { tenant_id: w.tenantId, id: 'vip', group_id: 'tg1', name: 'VIP' },
    ]).execute();
  });

  it('chooses by tags any or all and B node, picks each customer\'s first member, and skips who is no contact any more', async () => {
    const other = `bn_other_${Date.now()}`;
    await db.insertInto('b_nodes').values({ tenant_id: w.tenantId, id: other, kind: 'leader', name: 'Other', slug: `other-${w.tenantSlug}`, warehouse_id: w.warehouseId }).execute();
    await addCustomer(db, w, 'c_both', [{ userid: 'li', addedAt: '2026-01-05T00:00:00Z' }, { userid: 'zhang', addedAt: '2026-01-03T00:00:00Z' }], ['fruit', 'vip']);
    await addCustomer(db, w, 'c_fruit', [{ userid: 'li' }], ['fruit']);
    await addCustomer(db, w, 'c_ended', [{ userid: 'zhang', ended: true }], ['fruit']);
    await addCustomer(db, w, 'c_left_member', [{ userid: 'gone' }], ['fruit']);
    await addCustomer(db, w, 'c_elsewhere', [{ userid: 'li' }], ['fruit', 'vip'], other);
    await addCustomer(db, w, 'c_untagged', [{ userid: 'li' }], []);

    const any = await plan({ audience: { tags_any: ['fruit'], b_node_id: w.bNodeId }, send_at: new Date('2026-02-10T02:00:00Z') });
    expect(any.rows.map((r) => r.recipient_key)).toEqual(['c_both', 'c_ended', 'c_fruit', 'c_left_member']);
    expect(any.of('c_both')).toMatchObject({ status: 'planned', skip_reason: null, sender_userid: 'zhang', external_userid: 'wm_c_both' });
    expect(any.of('c_fruit')).toMatchObject({ status: 'planned', sender_userid: 'li' });
    expect(any.of('c_ended')).toMatchObject({ status: 'skipped', skip_reason: 'not_contact', counted_at: null });
    expect(any.of('c_left_member')).toMatchObject({ status: 'skipped', skip_reason: 'not_contact' });

    const all = await plan({ audience: { tags_all: ['fruit', 'vip'] }, send_at: new Date('2026-02-10T02:00:00Z') });
    expect(all.rows.map((r) => r.recipient_key)).toEqual(['c_both', 'c_elsewhere']);

    // By owner: the owner is the sender even when the customer added another member first.
    const owned = await plan({ audience: { owner: 'li', tags_all: ['fruit', 'vip'], b_node_id: w.bNodeId }, send_at: new Date('2026-02-10T02:00:00Z') });
    expect(owned.rows).toHaveLength(1);
    expect(owned.of('c_both')).toMatchObject({ status: 'planned', sender_userid: 'li' });
    await clear();
  });

  it('caps a month at its number of days, the month taken in the tenant\'s time zone at both ends', async () => {
    await addCustomer(db, w, 'm_full', [{ userid: 'zhang' }]);
    await addCustomer(db, w, 'm_utc_jan', [{ userid: 'zhang' }]);
    await addCustomer(db, w, 'm_local_feb', [{ userid: 'zhang' }]);
    await addCustomer(db, w, 'm_march30', [{ userid: 'zhang' }]);
    await addCustomer(db, w, 'm_march31', [{ userid: 'zhang' }]);
    // February 2026 has 28 days: 28 sends in it fill the cap.
    await history(db, w.tenantId, { customer_id: 'm_full' }, shanghaiDays(2026, 2, 28));
    // 27 in February, and one at 23:30 on 31 January in Shanghai (15:30 UTC): January's, not February's.
    await history(db, w.tenantId, { customer_id: 'm_utc_jan' }, [...shanghaiDays(2026, 2, 27), '2026-01-31T15:30:00Z']);
    // 27 in February, and one at 00:30 on 1 February in Shanghai — still 31 January in UTC: February's.
    await history(db, w.tenantId, { customer_id: 'm_local_feb' }, [...shanghaiDays(2026, 2, 27), '2026-01-31T16:30:00Z']);
    // March has 31 days: 30 sends leave one, 31 leave none.
    await history(db, w.tenantId, { customer_id: 'm_march30' }, shanghaiDays(2026, 3, 30));
    await history(db, w.tenantId, { customer_id: 'm_march31' }, shanghaiDays(2026, 3, 31));
    const ids = ['m_full', 'm_utc_jan', 'm_local_feb', 'm_march30', 'm_march31'];

    // 23:30 on 28 February in Shanghai (15:30 UTC): still February.
    const feb = await plan({ audience: { customer_ids: ids }, send_at: new Date('2026-02-28T15:30:00Z') });
    expect(feb.of('m_full')).toMatchObject({ status: 'skipped', skip_reason: 'over_cap' });
    expect(feb.of('m_utc_jan')).toMatchObject({ status: 'planned' });
    expect(feb.of('m_local_feb')).toMatchObject({ status: 'skipped', skip_reason: 'over_cap' });
    // m_utc_jan's slot is taken now: a second February plan skips it.
    const again = await plan({ audience: { customer_ids: ['m_utc_jan'] }, send_at: new Date('2026-02-28T15:40:00Z') });
    expect(again.of('m_utc_jan')).toMatchObject({ status: 'skipped', skip_reason: 'over_cap' });

    // 00:30 on 1 March in Shanghai — 28 February in UTC — is March: February's sends no longer count.
    const march = await plan({ audience: { customer_ids: ids }, send_at: new Date('2026-02-28T16:30:00Z') });
    expect(march.of('m_full')).toMatchObject({ status: 'planned' });
    expect(march.of('m_local_feb')).toMatchObject({ status: 'planned' });
    // ...but March's own: 31 days, so 30 earlier sends leave room and 31 do not.
    expect(march.of('m_march30')).toMatchObject({ status: 'planned' });
    expect(march.of('m_march31')).toMatchObject({ status: 'skipped', skip_reason: 'over_cap' });
    await clear();
  });

  it('caps at 7 per ISO week or 1 per day when the tenant chooses, in its time zone', async () => {
    await addCustomer(db, w, 'w_full', [{ userid: 'zhang' }]);
    // Monday 2 March 2026 to Sunday 8 March, one a day at 10:00 Shanghai.
    await history(db, w.tenantId, { customer_id: 'w_full' }, Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2026, 2, 2 + i, 2)).toISOString()));
    await putBroadcastSettings(db, w.tenantId, 'week');
    // Sunday 23:30 in Shanghai: the full week.
    expect((await plan({ audience: { customer_ids: ['w_full'] }, send_at: new Date('2026-03-08T15:30:00Z') })).of('w_full')).toMatchObject({ skip_reason: 'over_cap' });
    // Monday 00:30 in Shanghai (still Sunday in UTC): a new week.
    expect((await plan({ audience: { customer_ids: ['w_full'] }, send_at: new Date('2026-03-08T16:30:00Z') })).of('w_full')).toMatchObject({ status: 'planned' });
    await clear();

    await putBroadcastSettings(db, w.tenantId, 'day');
    await history(db, w.tenantId, { customer_id: 'w_full' }, ['2026-03-10T02:00:00Z']); // 10:00 on the 10th, Shanghai
    expect((await plan({ audience: { customer_ids: ['w_full'] }, send_at: new Date('2026-03-10T15:59:00Z') })).of('w_full')).toMatchObject({ skip_reason: 'over_cap' });
    expect((await plan({ audience: { customer_ids: ['w_full'] }, send_at: new Date('2026-03-10T16:01:00Z') })).of('w_full')).toMatchObject({ status: 'planned' });
    await putBroadcastSettings(db, w.tenantId, 'month');
    await clear();
  });

  it('a member\'s own send: their customers only, one per customer per day, at most 20,000', async () => {
    await sql`INSERT INTO customers (tenant_id, id, b_node_id, name) SELECT ${w.tenantId}, 'bulk_' || lpad(i::text, 6, '0'), ${w.bNodeId}, 'Bulk ' || i FROM generate_series(1, 20001) i`.execute(db);
    // Statistics as autovacuum would gather after a bulk import (the foreign-key checks below plan with them).
    await sql`ANALYZE customers`.execute(db);
    await sql`INSERT INTO customer_follows (tenant_id, customer_id, userid, external_userid, added_at)
              SELECT ${w.tenantId}, 'bulk_' || lpad(i::text, 6, '0'), 'li', 'wm_bulk_' || i, now() FROM generate_series(1, 20001) i`.execute(db);
    await history(db, w.tenantId, { customer_id: 'bulk_000001' }, ['2026-04-01T03:00:00Z'], 'member');
    await sql`ANALYZE`.execute(db);
    const p = await plan({ initiator: 'member', sender_userid: 'li', audience: {}, send_at: new Date('2026-04-01T08:00:00Z') });
    // Only li's customers (the bulk ones and those li follows from earlier tests).
    expect(p.rows.every((r) => r.sender_userid === 'li')).toBe(true);
    expect(p.of('bulk_000001')).toMatchObject({ status: 'skipped', skip_reason: 'over_member_daily' });
    const willReceive = p.rows.filter((r) => r.status === 'planned');
    expect(willReceive).toHaveLength(20_000);
    expect(p.rows.filter((r) => r.skip_reason === 'over_member_task_limit').length).toBe(p.rows.length - 20_000 - 1);
    // A corporate message the same day is not held back by the member's own.
    const corp = await plan({ audience: { customer_ids: ['bulk_000001', 'bulk_000002'] }, send_at: new Date('2026-04-01T09:00:00Z') });
    expect(corp.rows.map((r) => r.status)).toEqual(['planned', 'planned']);
    // The next day (in Shanghai) the member may send again.
    const next = await plan({ initiator: 'member', sender_userid: 'li', audience: { customer_ids: ['bulk_000001'] }, send_at: new Date('2026-04-01T16:30:00Z') });
    expect(next.of('bulk_000001')).toMatchObject({ status: 'planned' });
    await clear();
  });

  it('groups: the owner sends, each group capped, at most 2,000 groups a task, none without an active owner', async () => {
    await sql`ANALYZE customers`.execute(db);
    await sql`INSERT INTO customer_groups (tenant_id, id, chat_id, name, owner_userid, b_node_id)
              SELECT ${w.tenantId}, 'grp_' || lpad(i::text, 5, '0'), 'wr_' || i, 'Group ' || i, 'zhang', ${w.bNodeId} FROM generate_series(1, 2002) i`.execute(db);
    await db.insertInto('customer_groups').values([
      { tenant_id: w.tenantId, id: 'grp_gone', chat_id: 'wr_gone', owner_userid: 'gone', b_node_id: w.bNodeId },
      { tenant_id: w.tenantId, id: 'grp_dismissed', chat_id: 'wr_dismissed', owner_userid: 'zhang', b_node_id: w.bNodeId, status: 'dismissed' },
    ]).execute();
    await history(db, w.tenantId, { group_id: 'grp_00001' }, shanghaiDays(2026, 2, 28));
    const p = await plan({ chat_type: 'group', audience: { b_node_id: w.bNodeId }, send_at: new Date('2026-02-28T10:00:00Z') });
    expect(p.of('grp_dismissed')).toBeUndefined();
    expect(p.of('grp_gone')).toMatchObject({ status: 'skipped', skip_reason: 'no_sender' });
    expect(p.of('grp_00001')).toMatchObject({ status: 'skipped', skip_reason: 'over_cap' });
    expect(p.of('grp_00002')).toMatchObject({ status: 'planned', sender_userid: 'zhang' });
    expect(p.rows.filter((r) => r.status === 'planned')).toHaveLength(2_000);
    expect(p.rows.filter((r) => r.skip_reason === 'over_group_task_limit')).toHaveLength(1);
    await clear();
  });
});
