import { sql, type RawBuilder } from 'kysely';
import type { Conn } from '../../database.js';
import { activeFollows, activeWecomMembers, customerGroupNames, customersMatching, groupsOfNode } from '../crm/crm.fragments.js';
import { liveCustomers } from '../customers/customers.fragments.js';
import { tenantTimeZones } from '../identity/identity.fragments.js';
import type { CustomerAudience, GroupAudience } from './broadcasts.schema.js';
import type { RecipientStatus, SkipReason } from './broadcasts.tables.js';

/** WeCom's limits on one task: a member's own send reaches ≤ 20,000 customers; a group send ≤ 2,000 groups. */
export const MEMBER_TASK_LIMIT = 20_000;
export const GROUP_TASK_LIMIT = 2_000;

export interface PlanTarget { tenantId: string; broadcastId: string; initiator: 'corp' | 'member'; senderUserid: string | null; sendAt: Date }

/**
 * The cap window that holds `send_at`, in the tenant's time zone: the calendar month (cap = its
 * number of days), the ISO week (7) or the day (1); and the day (for member sends, 1 a day). Local
 * bounds are turned back into instants with the same zone, so a send at 23:30 on the 31st in
 * Shanghai falls in that month even though it is 15:30 UTC, and 00:30 on the 1st in Shanghai falls
 * in the new month though UTC still says the old one.
 */
export function periodCte(tenantId: string, sendAt: Date, materialized = false) {
  // Materialized where rows are compared with it, so its zone arithmetic runs once, not per row.
  return sql`period AS ${materialized ? sql`MATERIALIZED ` : sql``}(
    SELECT (l.p_start AT TIME ZONE z.time_zone) AS p_start, ((l.p_start + l.p_len) AT TIME ZONE z.time_zone) AS p_end,
           CASE s.cap_period WHEN 'month' THEN extract(day FROM l.p_start + l.p_len - interval '1 day')::int WHEN 'week' THEN 7 ELSE 1 END AS cap,
           (date_trunc('day', l.local) AT TIME ZONE z.time_zone) AS d_start,
           ((date_trunc('day', l.local) + interval '1 day') AT TIME ZONE z.time_zone) AS d_end
      FROM ${tenantTimeZones()} z
      CROSS JOIN LATERAL (SELECT coalesce((SELECT cap_period FROM broadcast_settings WHERE tenant_id = ${tenantId}), 'month') AS cap_period) s
      CROSS JOIN LATERAL (SELECT ${sendAt}::timestamptz AT TIME ZONE z.time_zone AS local) t
      CROSS JOIN LATERAL (SELECT t.local,
                                 CASE s.cap_period WHEN 'month' THEN date_trunc('month', t.local) WHEN 'week' THEN date_trunc('week', t.local) ELSE date_trunc('day', t.local) END AS p_start,
                                 CASE s.cap_period WHEN 'month' THEN interval '1 month' WHEN 'week' THEN interval '7 days' ELSE interval '1 day' END AS p_len) l
     WHERE z.id = ${tenantId})`;
}

export function customerAudienceSql(tenantId: string, a: CustomerAudience, owner: string | null): RawBuilder<unknown> {
  const { customer_ids: ids, ...filter } = a;
  const matching = customersMatching(tenantId, { ...filter, ...(owner ? { owner } : {}) });
  return sql`SELECT m.customer_id FROM ${matching} m ${ids ? sql`WHERE m.customer_id = ANY(${ids}::text[])` : sql``}`;
}

/**
 * Plans a broadcast to single customers in one statement: the audience, each customer's sender
 * (the member named, or the member they added first), and their sends in the cap window; writes
 * one row per customer — will receive (counted against the cap from now on) or skipped with the
 * reason. The caller holds the tenant's planning lock, so two plans never both take a last slot.
 */
export async function insertCustomerPlan(tx: Conn, t: PlanTarget, audience: CustomerAudience): Promise<void> {
  await customerPlanStatement(t, audience).execute(tx);
}

/**
 * The customer plan's one statement (the benchmark explains it). Each audience customer is joined
 * once to their active follows (the first member they added sends) and to the set of customers
 * already at the limit in force: for a corp send, those with as many corp sends in the cap window
 * as the cap; for a member's send, those with a member send today. Only that set is hashed, not
 * every customer's counts, and a member's send reads one day of history, not the whole window.
 */
export function customerPlanStatement(t: PlanTarget, audience: CustomerAudience) {
  const owner = t.initiator === 'member' ? t.senderUserid : audience.owner ?? null;
  const history = sql`FROM broadcast_recipients r CROSS JOIN period p
       WHERE r.tenant_id = ${t.tenantId} AND r.customer_id IS NOT NULL AND r.counted_at IS NOT NULL AND r.initiator = ${t.initiator}`;
  return sql`
    WITH ${periodCte(t.tenantId, t.sendAt, true)},
    at_limit AS (${t.initiator === 'corp'
      ? sql`SELECT h.customer_id FROM period p JOIN (SELECT r.customer_id, count(*) AS n ${history} AND r.counted_at >= p.p_start AND r.counted_at < p.p_end
             GROUP BY r.customer_id) h ON h.n >= p.cap`
      : sql`SELECT DISTINCT r.customer_id ${history} AND r.counted_at >= p.d_start AND r.counted_at < p.d_end`}),
    decided AS (
      SELECT DISTINCT ON (a.customer_id) a.customer_id, f.userid, f.external_userid,
             CASE WHEN f.userid IS NULL THEN 'not_contact'
                  WHEN EXISTS (SELECT 1 FROM at_limit l WHERE l.customer_id = a.customer_id) THEN ${t.initiator === 'corp' ? 'over_cap' : 'over_member_daily'}
             END AS reason
        FROM (${customerAudienceSql(t.tenantId, audience, owner)}) a
        LEFT JOIN ${activeFollows(t.tenantId)} f ON f.customer_id = a.customer_id AND f.member_status = 'active' ${owner ? sql`AND f.userid = ${owner}` : sql``}
       ORDER BY a.customer_id, f.added_at, f.userid),
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

/** Plans a broadcast to customer groups: each group's owner sends; per-group cap; ≤ 2,000 groups a task. */
export async function insertGroupPlan(tx: Conn, t: PlanTarget, audience: GroupAudience): Promise<void> {
  const conditions: RawBuilder<unknown>[] = [sql`TRUE`];
  const owner = t.initiator === 'member' ? t.senderUserid : audience.owner_userid ?? null;
  if (owner) conditions.push(sql`g.owner_userid = ${owner}`);
  if (audience.group_ids && audience.group_ids.length > 0) conditions.push(sql`g.id = ANY(${audience.group_ids}::text[])`);
  await sql`
    WITH ${periodCte(t.tenantId, t.sendAt)},
    audience AS (SELECT g.id, g.chat_id, g.owner_userid FROM ${groupsOfNode(t.tenantId, audience.b_node_id ?? null)} g WHERE ${sql.join(conditions, sql` AND `)}),
    history AS (
      SELECT r.group_id, count(*) AS in_period
        FROM broadcast_recipients r CROSS JOIN period p
       WHERE r.tenant_id = ${t.tenantId} AND r.group_id IS NOT NULL AND r.counted_at >= p.p_start AND r.counted_at < p.p_end
       GROUP BY r.group_id),
    decided AS (
      SELECT a.id, a.chat_id, m.userid,
             CASE WHEN m.userid IS NULL THEN 'no_sender' WHEN coalesce(h.in_period, 0) >= p.cap THEN 'over_cap' END AS reason
        FROM audience a CROSS JOIN period p
        LEFT JOIN ${activeWecomMembers(t.tenantId)} m ON m.userid = a.owner_userid
        LEFT JOIN history h ON h.group_id = a.id),
    ranked AS (SELECT d.*, row_number() OVER (PARTITION BY d.reason IS NULL ORDER BY d.id) AS n FROM decided d)
    INSERT INTO broadcast_recipients (tenant_id, broadcast_id, recipient_key, initiator, group_id, chat_id, sender_userid, skip_reason, status, counted_at)
    SELECT ${t.tenantId}, ${t.broadcastId}, r.id, ${t.initiator}, r.id, r.chat_id, r.userid,
           CASE WHEN r.reason IS NULL AND r.n > ${GROUP_TASK_LIMIT} THEN 'over_group_task_limit' ELSE r.reason END,
           CASE WHEN r.reason IS NULL AND r.n <= ${GROUP_TASK_LIMIT} THEN 'planned' ELSE 'skipped' END,
           CASE WHEN r.reason IS NULL AND r.n <= ${GROUP_TASK_LIMIT} THEN ${t.sendAt}::timestamptz END
      FROM ranked r`.execute(tx);
}

/** The cap window in force at `sendAt` for the tenant: its bounds and limit. */
export async function capWindow(conn: Conn, tenantId: string, sendAt: Date) {
  const { rows } = await sql<{ period: 'month' | 'week' | 'day'; limit: number; starts_at: Date; ends_at: Date }>`
    WITH ${periodCte(tenantId, sendAt)}
    SELECT coalesce((SELECT cap_period FROM broadcast_settings WHERE tenant_id = ${tenantId}), 'month') AS period,
           p.cap AS "limit", p.p_start AS starts_at, p.p_end AS ends_at FROM period p`.execute(conn);
  return rows[0]!;
}

/** Serialises planning within a tenant: a plan reads the send history and writes into it in one transaction. */
export async function lockPlanning(tx: Conn, tenantId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('broadcasts.plan'), hashtext(${tenantId}))`.execute(tx);
}

export async function isActiveMember(conn: Conn, tenantId: string, userid: string): Promise<boolean> {
  const { rows } = await sql<{ userid: string }>`SELECT m.userid FROM ${activeWecomMembers(tenantId)} m WHERE m.userid = ${userid}`.execute(conn);
  return rows.length > 0;
}

export async function recipientCounts(conn: Conn, tenantId: string, broadcastId: string) {
  return conn.selectFrom('broadcast_recipients').select(['status', 'skip_reason', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId).where('broadcast_id', '=', broadcastId)
    .groupBy(['status', 'skip_reason']).execute();
}

/** One page of a broadcast's recipients by key: a customer by name and masked phone, a group by name and owner. */
export async function recipientPage(conn: Conn, tenantId: string, broadcastId: string, q: { status?: string | undefined; skip_reason?: string | undefined; after?: string | undefined; limit: number }) {
  const { rows } = await sql<{
    recipient_key: string; customer_id: string | null; customer_name: string | null; customer_phone: string | null;
    group_id: string | null; group_name: string | null; group_owner_userid: string | null; group_owner_name: string | null; chat_id: string | null;
    external_userid: string | null; sender_userid: string | null; status: RecipientStatus; skip_reason: SkipReason | null; sent_time: Date | null;
  }>`
    SELECT r.recipient_key, r.customer_id, c.name AS customer_name, c.phone_masked AS customer_phone,
           r.group_id, g.name AS group_name, g.owner_userid AS group_owner_userid, g.owner_name AS group_owner_name, r.chat_id,
           r.external_userid, r.sender_userid, r.status, r.skip_reason, r.sent_time
      FROM broadcast_recipients r
      LEFT JOIN ${liveCustomers(tenantId)} c ON c.id = r.customer_id
      LEFT JOIN ${customerGroupNames(tenantId)} g ON g.id = r.group_id
     WHERE r.tenant_id = ${tenantId} AND r.broadcast_id = ${broadcastId}
       ${q.status ? sql`AND r.status = ${q.status}` : sql``}
       ${q.skip_reason ? sql`AND r.skip_reason = ${q.skip_reason}` : sql``}
       ${q.after ? sql`AND r.recipient_key > ${q.after}` : sql``}
     ORDER BY r.recipient_key LIMIT ${q.limit}`.execute(conn);
  return rows;
}
