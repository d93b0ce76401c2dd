import { sql, type RawBuilder } from 'kysely';

/**
 * A group buy of a shop as checkout reads it, with the group the buyer joins (when given), whether
 * they are in it already and how many of the campaign's groups they are in: a LATERAL subquery of
 * one row or none (none when `campaignId` is null).
 */
export function groupBuyForCheckout(tenantId: string, bNodeId: RawBuilder<unknown>, campaignId: string | null, groupId: string | null, customerId: string) {
  return sql`(SELECT g.id AS gb_id, g.sku_id AS gb_sku_id, g.opener_price AS gb_opener_price, g.member_price AS gb_member_price,
            g.stock_cap - g.taken AS gb_left, g.per_customer_limit AS gb_limit, g.starts_at AS gb_starts_at, g.ends_at AS gb_ends_at,
            g.status AS gb_status, g.group_size AS gb_size,
            coalesce((SELECT joined FROM group_buy_buyers b WHERE b.tenant_id = g.tenant_id AND b.group_buy_id = g.id AND b.customer_id = ${customerId}), 0) AS gb_joined,
            grp.id AS grp_id, grp.status AS grp_status, grp.members AS grp_members, grp.size AS grp_size, grp.expires_at AS grp_expires_at,
            EXISTS (SELECT 1 FROM group_buy_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = grp.id AND m.customer_id = ${customerId} AND m.status <> 'released') AS grp_in
       FROM group_buys g
       LEFT JOIN group_buy_groups grp ON grp.tenant_id = g.tenant_id AND grp.id = ${groupId} AND grp.group_buy_id = g.id
      WHERE g.tenant_id = ${tenantId} AND g.id = ${campaignId} AND g.b_node_id = ${bNodeId})`;
}

export interface GroupTake {
  tenantId: string; campaignId: string; customerId: string; limit: number; now: Date; price: number;
  /** Joining an open group, or opening a new one (its id chosen here, its size the campaign's). */
  join: { groupId: string } | null; open: { groupId: string; size: number } | null;
}

/**
 * The CTEs taking a group-buy slot in checkout's write: `gb_units` (the campaign's unit cap, while it
 * runs), `gb_slot` (joining: the group's one conditional update, open, unexpired and
 * `members < size`, so racing joiners never overfill it; opening: always one row) and `gb_limit` (the
 * buyer's groups, within the personal limit). The order is placed only when all three yield a row.
 */
export function takeGroupSlot(t: GroupTake): RawBuilder<unknown> {
  const slot = t.join
    ? sql`UPDATE group_buy_groups SET members = members + 1
           WHERE tenant_id = ${t.tenantId} AND id = ${t.join.groupId} AND group_buy_id = ${t.campaignId}
             AND status = 'open' AND expires_at > ${t.now} AND members < size
          RETURNING id`
    : sql`SELECT ${t.open!.groupId}::text AS id`;
  return sql`gb_units AS (
      UPDATE group_buys SET taken = taken + 1
       WHERE tenant_id = ${t.tenantId} AND id = ${t.campaignId} AND status = 'active'
         AND starts_at <= ${t.now} AND ends_at > ${t.now} AND taken + 1 <= stock_cap
      RETURNING id),
    gb_slot AS (${slot}),
    gb_limit AS (
      INSERT INTO group_buy_buyers AS gbb (tenant_id, group_buy_id, customer_id, joined)
      SELECT ${t.tenantId}, ${t.campaignId}, ${t.customerId}, 1 WHERE 1 <= ${t.limit}::int
      ON CONFLICT (tenant_id, group_buy_id, customer_id) DO UPDATE SET joined = gbb.joined + 1
       WHERE gbb.joined + 1 <= ${t.limit}::int
      RETURNING 1)`;
}

/** The CTEs recording the placed order (from `orderIds`) in its group: a new group awaiting its opener's payment, and the member row. */
export function recordGroupMember(t: GroupTake, orderIds: RawBuilder<unknown>): RawBuilder<unknown> {
  const groupId = t.join?.groupId ?? t.open!.groupId;
  const newGroup = t.open
    ? sql`gb_group AS (INSERT INTO group_buy_groups (tenant_id, id, group_buy_id, opener_customer_id, size, members, paid, status, created_at)
          SELECT ${t.tenantId}, ${t.open.groupId}, ${t.campaignId}, ${t.customerId}, ${t.open.size}::int, 1, 0, 'pending', ${t.now} FROM ${orderIds} o
          RETURNING id),`
    : sql``;
  return sql`${newGroup}
    gb_member AS (INSERT INTO group_buy_members (tenant_id, order_id, group_id, group_buy_id, customer_id, role, price, status, joined_at)
          SELECT ${t.tenantId}, o.id, ${groupId}, ${t.campaignId}, ${t.customerId}, ${t.open ? 'opener' : 'member'}, ${t.price}::bigint, 'pending', ${t.now} FROM ${orderIds} o
          RETURNING 1)`;
}
