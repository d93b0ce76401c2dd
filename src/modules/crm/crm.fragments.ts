import { sql, type RawBuilder } from 'kysely';
import { liveCustomers } from '../customers/customers.fragments.js';
import { customerSpend } from '../orders/orders.fragments.js';
import type { CustomerFilter } from './crm.schema.js';

/** What a node role sees: its node, and itself as a WeCom member. */
export interface NodeScope { bNodeId: string; userId: string }

/**
 * The customers (standing, not merged) matching a filter, as a subquery of `customer_id`s: the
 * customer list, the mass-message planner and anything else choosing customers by tag, node,
 * owner, group or orders reads this one definition. Join it or use it in `IN (…)`.
 */
export function customersMatching(tenantId: string, filter: Omit<CustomerFilter, 'q'> & { q?: string | undefined }, scope?: NodeScope): RawBuilder<{ customer_id: string }> {
  const where: RawBuilder<unknown>[] = [sql`TRUE`];
  if (scope) {
    // A node's owner and staff see the node's customers and those who follow a member of the node or themselves.
    where.push(sql`(c.b_node_id = ${scope.bNodeId} OR EXISTS (SELECT 1 FROM customer_follows f JOIN wecom_members m ON m.tenant_id = f.tenant_id AND m.userid = f.userid
                     WHERE f.tenant_id = ${tenantId} AND f.customer_id = c.id AND f.ended_at IS NULL AND (m.b_node_id = ${scope.bNodeId} OR m.user_id = ${scope.userId})))`);
  }
  if (filter.b_node_id) where.push(sql`c.b_node_id = ${filter.b_node_id}`);
  if (filter.tags_any?.length) {
    where.push(sql`EXISTS (SELECT 1 FROM customer_tag_links l WHERE l.tenant_id = ${tenantId} AND l.customer_id = c.id AND l.tag_id = ANY(${filter.tags_any}::text[]))`);
  }
  if (filter.tags_all?.length) {
    const all = [...new Set(filter.tags_all)];
    where.push(sql`(SELECT count(*) FROM customer_tag_links l WHERE l.tenant_id = ${tenantId} AND l.customer_id = c.id AND l.tag_id = ANY(${all}::text[])) = ${all.length}`);
  }
  if (filter.owner) {
    where.push(sql`EXISTS (SELECT 1 FROM customer_follows f WHERE f.tenant_id = ${tenantId} AND f.customer_id = c.id AND f.userid = ${filter.owner} AND f.ended_at IS NULL)`);
  }
  if (filter.group_id) {
    where.push(sql`EXISTS (SELECT 1 FROM customer_group_members m WHERE m.tenant_id = ${tenantId} AND m.group_id = ${filter.group_id} AND m.customer_id = c.id AND m.left_at IS NULL)`);
  }
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    where.push(sql`(c.name ILIKE ${like} OR EXISTS (SELECT 1 FROM customer_follows f WHERE f.tenant_id = ${tenantId} AND f.customer_id = c.id AND f.remark ILIKE ${like}))`);
  }
  const byOrders = filter.last_order_before !== undefined || filter.last_order_after !== undefined || filter.min_spend !== undefined;
  if (filter.last_order_before) where.push(sql`s.last_paid_at < ${filter.last_order_before}`);
  if (filter.last_order_after) where.push(sql`s.last_paid_at >= ${filter.last_order_after}`);
  if (filter.min_spend !== undefined) where.push(sql`coalesce(s.spend, 0) >= ${filter.min_spend}`);
  return sql<{ customer_id: string }>`(SELECT c.id AS customer_id FROM ${liveCustomers(tenantId)} c
      ${byOrders ? sql`LEFT JOIN ${customerSpend(tenantId)} s ON s.customer_id = c.id` : sql``}
     WHERE ${sql.join(where, sql` AND `)})`;
}

/** The active follows (a member the customer has now) of the given customers, or of all, with the member's name, node and status. */
export function activeFollows(tenantId: string, customerIds?: string[]) {
  return sql<{ customer_id: string; userid: string; external_userid: string; remark: string; state: string | null; added_at: Date; member_name: string; member_b_node_id: string | null; member_status: 'active' | 'left' }>`(
    SELECT f.customer_id, f.userid, f.external_userid, f.remark, f.state, f.added_at, m.name AS member_name, m.b_node_id AS member_b_node_id, m.status AS member_status
      FROM customer_follows f JOIN wecom_members m ON m.tenant_id = f.tenant_id AND m.userid = f.userid
     WHERE f.tenant_id = ${tenantId} AND f.ended_at IS NULL
       ${customerIds ? sql`AND f.customer_id = ANY(${customerIds}::text[])` : sql``})`;
}

/** The customer a WeCom external_userid is (through any follow, ended or not), to read as a table: one row or none. */
export function customerOfExternalUser(tenantId: string, externalUserid: string) {
  return sql<{ customer_id: string }>`(SELECT DISTINCT customer_id FROM customer_follows WHERE tenant_id = ${tenantId} AND external_userid = ${externalUserid})`;
}

/** The active customer groups of a B node (all nodes when null), with owner and member count. */
export function groupsOfNode(tenantId: string, bNodeId: string | null) {
  return sql<{ id: string; chat_id: string; name: string; owner_userid: string | null; b_node_id: string | null; member_count: number }>`(
    SELECT id, chat_id, name, owner_userid, b_node_id, member_count FROM customer_groups
     WHERE tenant_id = ${tenantId} AND status = 'active' ${bNodeId ? sql`AND b_node_id = ${bNodeId}` : sql``})`;
}

/**
 * Every customer group of the tenant, dismissed ones too (a past mass message's results still name
 * them), with its owner's name (a member who left keeps theirs), to join by `id`.
 */
export function customerGroupNames(tenantId: string) {
  return sql<{ id: string; chat_id: string; name: string; owner_userid: string | null; owner_name: string | null }>`(
    SELECT g.id, g.chat_id, g.name, g.owner_userid, m.name AS owner_name
      FROM customer_groups g LEFT JOIN wecom_members m ON m.tenant_id = g.tenant_id AND m.userid = g.owner_userid
     WHERE g.tenant_id = ${tenantId})`;
}

/** The WeCom corp tag ids of the given tags (those WeCom knows), to read as a table. */
export function wecomTagIds(tenantId: string, tagIds: string[]) {
  return sql<{ id: string; wecom_id: string }>`(
    SELECT id, wecom_id FROM customer_tags WHERE tenant_id = ${tenantId} AND id = ANY(${tagIds}::text[]) AND wecom_id IS NOT NULL AND deleted_at IS NULL)`;
}

/** The WeCom members still with the corp (not left), to read as a table or join by `userid`. */
/** Every member WeCom named, active or gone, with the B node they serve: a resigned member's node still scopes their handovers. */
export function wecomMemberNodes(tenantId: string) {
  return sql<{ userid: string; b_node_id: string | null }>`(SELECT userid, b_node_id FROM wecom_members WHERE tenant_id = ${tenantId})`;
}

export function activeWecomMembers(tenantId: string) {
  return sql<{ userid: string; name: string; b_node_id: string | null; user_id: string | null }>`(
    SELECT userid, name, b_node_id, user_id FROM wecom_members WHERE tenant_id = ${tenantId} AND status = 'active')`;
}

/** Every WeCom member of the tenant, those who left too (whose customers await a handover), with the status. */
export function wecomMembersWithLeft(tenantId: string) {
  return sql<{ userid: string; name: string; b_node_id: string | null; user_id: string | null; status: 'active' | 'left' }>`(
    SELECT userid, name, b_node_id, user_id, status FROM wecom_members WHERE tenant_id = ${tenantId})`;
}
