import { sql } from 'kysely';
import type { Conn } from '../../database.js';
import { liveCustomers } from '../customers/customers.fragments.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';
import { customerSpend, ordersOfCustomers } from '../orders/orders.fragments.js';
import { customersMatching, type NodeScope } from './crm.fragments.js';
import type { CustomerFilter } from './crm.schema.js';

/** The console's reads: customer lists and pages, groups, alerts. Node roles pass their scope. */

export interface CustomerRow {
  id: string; name: string; phone: string | null; b_node_id: string | null; b_node_name: string | null; channel: string | null;
  tags: { id: string; name: string }[]; owners: { userid: string; name: string }[]; orders: number; spend: number; last_order_at: Date | null; created_at: Date;
}

export async function customerRows(db: Conn, tenantId: string, filter: CustomerFilter, scope: NodeScope | undefined, page: { limit: number; offset: number }, ids?: string[]): Promise<CustomerRow[]> {
  const { rows } = await sql<CustomerRow>`
    SELECT c.id, c.name, c.phone_masked AS phone, c.b_node_id, n.name AS b_node_name, c.channel,
           coalesce((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name) ORDER BY t.position, t.name)
                       FROM customer_tag_links l JOIN customer_tags t ON t.tenant_id = l.tenant_id AND t.id = l.tag_id
                      WHERE l.tenant_id = ${tenantId} AND l.customer_id = c.id AND t.deleted_at IS NULL), '[]'::jsonb) AS tags,
           coalesce((SELECT jsonb_agg(jsonb_build_object('userid', m.userid, 'name', m.name) ORDER BY f.added_at)
                       FROM customer_follows f JOIN wecom_members m ON m.tenant_id = f.tenant_id AND m.userid = f.userid
                      WHERE f.tenant_id = ${tenantId} AND f.customer_id = c.id AND f.ended_at IS NULL), '[]'::jsonb) AS owners,
           coalesce(s.orders, 0) AS orders, coalesce(s.spend, 0)::bigint AS spend, s.last_paid_at AS last_order_at, c.created_at
      FROM ${liveCustomers(tenantId)} c
      JOIN ${customersMatching(tenantId, filter, scope)} x ON x.customer_id = c.id
      LEFT JOIN ${customerSpend(tenantId)} s ON s.customer_id = c.id
      LEFT JOIN ${nodeFacts(tenantId)} n ON n.id = c.b_node_id
     ${ids ? sql`WHERE c.id = ANY(${ids}::text[])` : sql``}
     ORDER BY c.created_at DESC, c.id DESC
     LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db);
  return rows.map((r) => ({ ...r, spend: Number(r.spend) }));
}

export async function followsOf(db: Conn, tenantId: string, customerId: string) {
  return db.selectFrom('customer_follows as f').innerJoin('wecom_members as m', (j) => j.onRef('m.tenant_id', '=', 'f.tenant_id').onRef('m.userid', '=', 'f.userid'))
    .select(['f.userid', 'm.name as member_name', 'f.external_userid', 'f.remark', 'f.state', 'f.added_at', 'f.ended_at', 'f.ended_by'])
    .where('f.tenant_id', '=', tenantId).where('f.customer_id', '=', customerId).orderBy('f.added_at').execute();
}

export async function groupsOfCustomer(db: Conn, tenantId: string, customerId: string) {
  return db.selectFrom('customer_group_members as m').innerJoin('customer_groups as g', (j) => j.onRef('g.tenant_id', '=', 'm.tenant_id').onRef('g.id', '=', 'm.group_id'))
    .select(['g.id', 'g.name', 'm.join_scene', 'm.join_time'])
    .where('m.tenant_id', '=', tenantId).where('m.customer_id', '=', customerId).where('m.left_at', 'is', null).where('g.status', '=', 'active').execute();
}

export async function timelineOf(db: Conn, tenantId: string, customerId: string, limit = 100) {
  return db.selectFrom('customer_events as e').leftJoin('wecom_members as m', (j) => j.onRef('m.tenant_id', '=', 'e.tenant_id').onRef('m.userid', '=', 'e.userid'))
    .select(['e.id', 'e.kind', 'e.userid', 'm.name as member_name', 'e.data', 'e.occurred_at'])
    .where('e.tenant_id', '=', tenantId).where('e.customer_id', '=', customerId).orderBy('e.occurred_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
}

export async function ordersOf(db: Conn, tenantId: string, customerIds: string[], limit = 50) {
  if (!customerIds.length) return [];
  const { rows } = await sql<{ id: string; number: string; customer_id: string; status: string; total: number; refunded_total: number; created_at: Date; paid_at: Date | null }>`
    SELECT id, number, customer_id, status, total, refunded_total, created_at, paid_at FROM ${ordersOfCustomers(tenantId, customerIds)} o
     ORDER BY created_at DESC, id DESC LIMIT ${limit}`.execute(db);
  return rows;
}

export async function groupRows(db: Conn, tenantId: string, bNodeId: string | undefined, status: 'active' | 'dismissed', groupId?: string) {
  let q = db.selectFrom('customer_groups as g').leftJoin('wecom_members as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.userid', '=', 'g.owner_userid'))
    .select((eb) => ['g.id', 'g.chat_id', 'g.name', 'g.owner_userid', 'o.name as owner_name', 'g.b_node_id', 'g.member_count', 'g.status', 'g.updated_at', 'g.notice',
      eb.selectFrom('customer_group_members as m').select(sql<number>`count(*)::int`.as('n')).whereRef('m.tenant_id', '=', 'g.tenant_id').whereRef('m.group_id', '=', 'g.id')
        .where('m.left_at', 'is', null).where('m.customer_id', 'is not', null).as('customers')])
    .where('g.tenant_id', '=', tenantId);
  if (groupId) q = q.where('g.id', '=', groupId); else q = q.where('g.status', '=', status);
  if (bNodeId) q = q.where('g.b_node_id', '=', bNodeId);
  return (await q.orderBy('g.updated_at', 'desc').orderBy('g.id').limit(500).execute()).map((g) => ({ ...g, customers: g.customers ?? 0 }));
}

export async function groupMembers(db: Conn, tenantId: string, groupId: string) {
  const { rows } = await sql<{ member_key: string; member_type: number; customer_id: string | null; name: string | null; join_time: Date | null; join_scene: number | null; orders: number; spend: number }>`
    SELECT m.member_key, m.member_type, m.customer_id, coalesce(c.name, w.name) AS name, m.join_time, m.join_scene,
           coalesce(s.orders, 0) AS orders, coalesce(s.spend, 0)::bigint AS spend
      FROM customer_group_members m
      LEFT JOIN ${liveCustomers(tenantId)} c ON c.id = m.customer_id
      LEFT JOIN wecom_members w ON w.tenant_id = m.tenant_id AND w.userid = m.member_key AND m.member_type = 1
      LEFT JOIN ${customerSpend(tenantId)} s ON s.customer_id = m.customer_id
     WHERE m.tenant_id = ${tenantId} AND m.group_id = ${groupId} AND m.left_at IS NULL
     ORDER BY m.member_type, m.join_time NULLS LAST, m.member_key`.execute(db);
  return rows.map((r) => ({ ...r, spend: Number(r.spend) }));
}

export async function alertRows(db: Conn, tenantId: string, bNodeId: string | undefined, open: boolean, alertId?: string) {
  const { rows } = await sql<{ id: string; customer_id: string; customer_name: string; userid: string; member_name: string; b_node_id: string | null; raised_at: Date; acknowledged_at: Date | null }>`
    SELECT a.id, a.customer_id, coalesce(c.name, '') AS customer_name, a.userid, m.name AS member_name, a.b_node_id, a.raised_at, a.acknowledged_at
      FROM churn_alerts a JOIN wecom_members m ON m.tenant_id = a.tenant_id AND m.userid = a.userid
      LEFT JOIN ${liveCustomers(tenantId)} c ON c.id = a.customer_id
     WHERE a.tenant_id = ${tenantId} ${open ? sql`AND a.acknowledged_at IS NULL` : sql``}
       ${bNodeId ? sql`AND a.b_node_id = ${bNodeId}` : sql``} ${alertId ? sql`AND a.id = ${alertId}` : sql``}
     ORDER BY a.raised_at DESC, a.id DESC LIMIT 200`.execute(db);
  return rows;
}
