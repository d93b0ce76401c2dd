import { sql, type RawBuilder } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { nodeScopeOf, seesNode, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { allocate, type Fen } from '../../platform/money.js';
import { getBNode, resolveShop } from '../b-nodes/b-nodes.service.js';
import { listedPrices } from '../b-nodes/b-nodes.fragments.js';
import { productRows, skuRows } from '../catalog/catalog.fragments.js';
import { customerCards } from '../customers/customers.fragments.js';
import { guardChange, listingPlans, summary } from '../economics/economics-guard.service.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import { groupBuyError } from './group-buys.errors.js';
import type { GroupTake } from './group-buys.fragments.js';
import type { CreateGroupBuyInput, GroupBuyStatus, GroupStatus, GroupTier } from './group-buys.schema.js';

/**
 * Starts a group buy on a SKU the shop lists. Every group price must be below the shop's price,
 * and the guard judges the lowest one (a ladder's top tier included) as a listing price (one unit
 * against its landed supply cost with the shop's commission policy): a loss-making price needs an
 * admin's written override. A ladder's group size is its top tier's, its member price the first tier's.
 */
export async function createGroupBuy(tx: Tx, actor: Actor, input: CreateGroupBuyInput) {
  const tiers = input.tiers ?? null;
  const groupSize = tiers ? tiers.at(-1)!.size : input.group_size!;
  const memberPrice = tiers ? tiers[0]!.price : input.member_price!;
  const lowest = Math.min(input.opener_price, memberPrice, ...(tiers ?? []).map((t) => t.price));
  await getBNode(tx, actor, input.b_node_id);
  const { rows } = await sql<{ supply_price: Fen; retail_price: Fen }>`
    SELECT coalesce(l.supply_price, s.supply_price) AS supply_price, l.retail_price
      FROM ${listedPrices(actor.tenantId, [input.sku_id])} l JOIN ${skuRows(actor.tenantId)} s ON s.id = l.sku_id
     WHERE l.b_node_id = ${input.b_node_id}`.execute(tx);
  const listing = rows[0];
  if (!listing) throw groupBuyError('group_buy_sku_not_listed', { sku_id: input.sku_id });
  if (Math.max(input.opener_price, memberPrice) >= listing.retail_price) throw groupBuyError('group_buy_prices', { list_price: listing.retail_price });
  const id = newId('gby');
  const [plan] = await listingPlans(tx, actor.tenantId, listing.supply_price, [{ b_node_id: input.b_node_id, price: lowest }]);
  const guard = await guardChange(tx, actor, { kind: 'group_buy', id }, { ...plan!, name: `group buy ${input.name}` }, input.override);
  const row = {
    tenant_id: actor.tenantId, id, name: input.name, b_node_id: input.b_node_id, sku_id: input.sku_id, group_size: groupSize,
    timer_minutes: input.timer_minutes, opener_price: input.opener_price, member_price: memberPrice, per_customer_limit: input.per_customer_limit,
    stock_cap: input.stock_cap, form_at_pct: input.form_at_pct, starts_at: new Date(input.starts_at), ends_at: new Date(input.ends_at),
    status: 'active' as const, verdict: guard.verdict as StoredVerdict, guard: JSON.stringify(summary(guard)), override_reason: input.override?.reason ?? null, created_by: actor.userId,
  };
  await tx.insertInto('group_buys').values({ ...row, tiers: tiers ? JSON.stringify(tiers) : null }).execute();
  return present({ ...row, tiers, taken: 0, subsidy_booked: 0, guard: summary(guard) });
}

/** Ends a campaign now: no group opens or is joined from then on, and its open groups fail at the next settlement run. */
export async function endGroupBuy(tx: Tx, actor: Actor, id: string) {
  await visibleGroupBuy(tx, actor, id);
  await tx.updateTable('group_buys').set({ status: 'ended' }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
  return groupBuyResults(tx, actor, id);
}

export async function listGroupBuys(db: Conn, actor: Actor) {
  const scope = nodeScopeOf(actor);
  let q = db.selectFrom('group_buys').selectAll().where('tenant_id', '=', actor.tenantId);
  if (scope !== undefined) q = q.where('b_node_id', '=', scope);
  return (await q.orderBy('created_at', 'desc').execute()).map(present);
}

async function visibleGroupBuy(db: Conn, actor: Actor, id: string) {
  const row = await db.selectFrom('group_buys').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row || !seesNode(actor, row.b_node_id)) throw groupBuyError('group_buy_not_found');
  return row;
}

/** A campaign with its results: groups by status, members paid and refunded, the amount refunded, the subsidy booked. */
export async function groupBuyResults(db: Conn, actor: Actor, id: string) {
  const row = await visibleGroupBuy(db, actor, id);
  const { rows: groups } = await sql<{ status: GroupStatus; n: number }>`
    SELECT status, count(*)::int AS n FROM group_buy_groups WHERE tenant_id = ${actor.tenantId} AND group_buy_id = ${id} GROUP BY 1`.execute(db);
  const { rows: members } = await sql<{ members_paid: number; members_refunded: number; refunded_amount: Fen; members_withdrawn: number; refunded_back: Fen }>`
    SELECT count(*) FILTER (WHERE status IN ('paid', 'refunded', 'withdrawn'))::int AS members_paid, count(*) FILTER (WHERE status = 'refunded')::int AS members_refunded,
           coalesce(sum(price) FILTER (WHERE status = 'refunded'), 0)::bigint AS refunded_amount,
           count(*) FILTER (WHERE status = 'withdrawn')::int AS members_withdrawn, coalesce(sum(refund_back), 0)::bigint AS refunded_back
      FROM group_buy_members WHERE tenant_id = ${actor.tenantId} AND group_buy_id = ${id}`.execute(db);
  const { rows: reached } = await sql<{ size: number; price: Fen; groups: number }>`
    SELECT tier_size AS size, tier_price AS price, count(*)::int AS groups FROM group_buy_groups
     WHERE tenant_id = ${actor.tenantId} AND group_buy_id = ${id} AND status = 'formed' AND tier_size IS NOT NULL GROUP BY 1, 2 ORDER BY 1`.execute(db);
  const by = new Map(groups.map((g) => [g.status, g.n]));
  return {
    ...present(row), groups: { pending: by.get('pending') ?? 0, open: by.get('open') ?? 0, formed: by.get('formed') ?? 0, failed: by.get('failed') ?? 0 },
    members_paid: members[0]!.members_paid, members_refunded: members[0]!.members_refunded, refunded_amount: Number(members[0]!.refunded_amount),
    members_withdrawn: members[0]!.members_withdrawn, refunded_back: Number(members[0]!.refunded_back),
    tiers_reached: reached.map((r) => ({ size: r.size, price: Number(r.price), groups: r.groups })),
  };
}

const mask = (name: string) => (name.length <= 1 ? '*' : `${[...name][0]}${'*'.repeat(Math.min(2, [...name].length - 1))}`);

/** Groups as buyers see them: never one awaiting its opener's payment; members' names masked; a ladder's tier reached and the next. */
async function presentGroups(db: Conn, tenantId: string, groupIds: string[]) {
  if (groupIds.length === 0) return [];
  const groups = await db.selectFrom('group_buy_groups as g').innerJoin('group_buys as c', (j) => j.onRef('c.tenant_id', '=', 'g.tenant_id').onRef('c.id', '=', 'g.group_buy_id'))
    .selectAll('g').select('c.tiers').where('g.tenant_id', '=', tenantId).where('g.id', 'in', groupIds).where('g.status', '<>', 'pending')
    .orderBy('g.expires_at').execute();
  const { rows: members } = await sql<{ group_id: string; name: string; role: 'opener' | 'member'; status: string }>`
    SELECT m.group_id, c.name, m.role, m.status FROM group_buy_members m JOIN ${customerCards(tenantId)} c ON c.id = m.customer_id
     WHERE m.tenant_id = ${tenantId} AND m.group_id = ANY(${groupIds}::text[]) AND m.status <> 'released'
     ORDER BY m.joined_at, m.order_id`.execute(db);
  return groups.map((g) => ({
    id: g.id, group_buy_id: g.group_buy_id, status: g.status, size: g.size,
    members: members.filter((m) => m.group_id === g.id && m.status !== 'withdrawn')
      .map((m) => ({ name: mask(m.name), role: m.role, paid: m.status === 'paid' || m.status === 'refunded' })),
    slots_left: g.status === 'open' ? g.size - g.members : 0, expires_at: g.expires_at?.toISOString() ?? null, paid: g.paid,
    ...ladderOf(g.tiers, g.tier_size === null ? null : { size: g.tier_size, price: Number(g.tier_price) }, g.paid, g.status === 'open'),
  }));
}

/** A ladder group's tiers, the tier reached and (while it can still climb) the next tier with the paid members it needs. */
export function ladderOf(tiers: GroupTier[] | null, reached: GroupTier | null, paid: number, open: boolean) {
  if (!tiers) return { tiers: null, tier: null, next_tier: null };
  const next = open ? tiers.find((t) => t.size > paid) : undefined;
  return { tiers, tier: reached, next_tier: next ? { ...next, members_needed: next.size - paid } : null };
}

/** A shop's running group buys, each with its open groups to join. */
export async function shopGroupBuys(db: Conn, slug: string, now: Date) {
  const node = await resolveShop(db, slug);
  const tenantId = node.tenant_id;
  const campaigns = await db.selectFrom('group_buys').selectAll().where('tenant_id', '=', tenantId).where('b_node_id', '=', node.id)
    .where('status', '=', 'active').where('ends_at', '>', now).where('starts_at', '<=', now).orderBy('ends_at').execute();
  if (campaigns.length === 0) return [];
  const { rows: facts } = await sql<{ sku_id: string; product_id: string; title: string; sku_name: string; list_price: Fen }>`
    SELECT l.sku_id, s.product_id, p.title, s.name AS sku_name, l.retail_price AS list_price
      FROM ${listedPrices(tenantId, campaigns.map((c) => c.sku_id))} l JOIN ${skuRows(tenantId)} s ON s.id = l.sku_id JOIN ${productRows(tenantId)} p ON p.id = s.product_id
     WHERE l.b_node_id = ${node.id}`.execute(db);
  const open = await db.selectFrom('group_buy_groups').select(['id', 'group_buy_id']).where('tenant_id', '=', tenantId)
    .where('group_buy_id', 'in', campaigns.map((c) => c.id)).where('status', '=', 'open').where('expires_at', '>', now).execute();
  const groups = await presentGroups(db, tenantId, open.map((g) => g.id));
  return campaigns.flatMap((c) => {
    const f = facts.find((x) => x.sku_id === c.sku_id);
    if (!f) return [];
    return [{
      id: c.id, name: c.name, sku_id: c.sku_id, product_id: f.product_id, title: f.title, sku_name: f.sku_name, list_price: f.list_price,
      opener_price: c.opener_price, member_price: c.member_price, group_size: c.group_size, timer_minutes: c.timer_minutes,
      per_customer_limit: c.per_customer_limit, form_at_pct: c.form_at_pct, left: c.stock_cap - c.taken, tiers: c.tiers ?? null,
      starts_at: c.starts_at.toISOString(), ends_at: c.ends_at.toISOString(), open_groups: groups.filter((g) => g.group_buy_id === c.id && g.slots_left > 0),
    }];
  });
}

/** One group's page in its shop (share links land here), with its product and price. A group still awaiting its opener's payment is not found. */
export async function shopGroup(db: Conn, slug: string, groupId: string) {
  const node = await resolveShop(db, slug);
  const { rows } = await sql<{ id: string; sku_id: string; product_id: string; title: string; member_price: Fen }>`
    SELECT g.id, c.sku_id, s.product_id, p.title, c.member_price
      FROM group_buy_groups g JOIN group_buys c ON c.tenant_id = g.tenant_id AND c.id = g.group_buy_id
      JOIN ${skuRows(node.tenant_id)} s ON s.id = c.sku_id JOIN ${productRows(node.tenant_id)} p ON p.id = s.product_id
     WHERE g.tenant_id = ${node.tenant_id} AND g.id = ${groupId} AND c.b_node_id = ${node.id}`.execute(db);
  const [group] = rows.length ? await presentGroups(db, node.tenant_id, [groupId]) : [];
  if (!group) throw groupBuyError('group_not_found');
  const f = rows[0]!;
  const { rows: listed } = await sql<{ retail_price: Fen }>`SELECT retail_price FROM ${listedPrices(node.tenant_id, [f.sku_id])} l WHERE l.b_node_id = ${node.id}`.execute(db);
  return { ...group, product_id: f.product_id, title: f.title, member_price: Number(f.member_price), list_price: listed[0] ? Number(listed[0].retail_price) : null };
}

/** A group buy as checkout's read returns it (all null when the cart names none). */
export interface GroupBuyRead {
  gb_id: string | null; gb_sku_id: string | null; gb_opener_price: Fen | null; gb_member_price: Fen | null; gb_left: number | null;
  gb_limit: number | null; gb_starts_at: Date | null; gb_ends_at: Date | null; gb_status: GroupBuyStatus | null; gb_size: number | null; gb_joined: number | null;
  grp_id: string | null; grp_status: GroupStatus | null; grp_members: number | null; grp_size: number | null; grp_expires_at: Date | null; grp_in: boolean | null;
}

/**
 * Checks a cart against the group buy it names, from checkout's read: the campaign runs, the cart
 * holds one unit of its SKU, the group (when joining) is open, unexpired and not full, the buyer is
 * not in it and within the limit. Refusals here write nothing; the write's conditional updates
 * decide the races the read cannot see.
 */
export function groupTermsFor(read: GroupBuyRead, wants: { sku_id: string; quantity: number }[], groupId: string | undefined, now: Date) {
  if (!read.gb_id) throw groupBuyError('group_buy_not_found');
  if (read.gb_status !== 'active' || read.gb_ends_at! <= now) throw groupBuyError('group_buy_ended', { group_buy_id: read.gb_id });
  if (read.gb_starts_at! > now) throw groupBuyError('group_buy_not_started', { group_buy_id: read.gb_id });
  if (wants.find((w) => w.sku_id === read.gb_sku_id)?.quantity !== 1) throw groupBuyError('group_buy_sku_not_in_cart', { sku_id: read.gb_sku_id });
  if (groupId !== undefined) {
    if (!read.grp_id || read.grp_status === 'pending') throw groupBuyError('group_not_found');
    if (read.grp_status === 'failed') throw groupBuyError('group_failed', { group_id: groupId });
    if (read.grp_status === 'formed' || read.grp_members! >= read.grp_size!) throw groupBuyError('group_full', { group_id: groupId });
    if (read.grp_expires_at! <= now) throw groupBuyError('group_expired', { group_id: groupId });
    if (read.grp_in) throw groupBuyError('group_already_joined', { group_id: groupId });
  }
  if (read.gb_joined! + 1 > read.gb_limit!) throw groupBuyError('group_buy_limit_reached', { per_customer_limit: read.gb_limit });
  if (read.gb_left! < 1) throw groupBuyError('group_buy_sold_out', { group_buy_id: read.gb_id });
  return {
    campaignId: read.gb_id, skuId: read.gb_sku_id!, limit: read.gb_limit!,
    price: groupId === undefined ? read.gb_opener_price! : read.gb_member_price!,
    join: groupId === undefined ? null : { groupId }, open: groupId === undefined ? { groupId: newId('grp'), size: read.gb_size! } : null,
  } satisfies Omit<GroupTake, 'tenantId' | 'customerId' | 'now'> & { skuId: string };
}

/** What the write's short answer means: which of the three conditions failed (stock was taken). */
export function groupShortfall(t: GroupTake, took: { units: boolean; slot: boolean; limit: boolean }) {
  if (!took.units) return groupBuyError('group_buy_sold_out', { group_buy_id: t.campaignId });
  if (!took.slot) return groupBuyError('group_full', { group_id: t.join?.groupId });
  return groupBuyError('group_buy_limit_reached', { group_buy_id: t.campaignId });
}

/**
 * A figure of the ladder tiers the group's paid members reach with this payment, read in the SET
 * of the update that counts it: evaluated on the locked, current row, so racing payments never
 * record a tier from a stale count. Null without a ladder or below its first tier.
 */
const reachedTier = (agg: RawBuilder<unknown>) => sql`(SELECT ${agg} FROM group_buys c CROSS JOIN LATERAL jsonb_array_elements(coalesce(c.tiers, '[]'::jsonb)) x
   WHERE c.tenant_id = g.tenant_id AND c.id = g.group_buy_id AND (x->>'size')::int <= g.paid + 1)`;

/** A price difference a ladder group's member gets back, once, when the group settles at a higher tier. */
export interface RefundBack { order_id: string; amount: Fen }

/**
 * Paid orders in their groups: the member's row pending → paid once. The opener's payment opens
 * the group and starts its timer (while the campaign runs); a member's adds to the paid count, and
 * the group forms when every slot is paid. A ladder group's paid count reaching a tier records it
 * (the group is formed from the first tier on, and stays joinable until its top tier or its timer);
 * its top tier filled settles it there at once. Returns the orders paid into a group that is no
 * longer open (failed, or its campaign ended before its opener paid), for the caller to refund in
 * full, and the differences to give back when a ladder group settled.
 */
export async function groupOrdersPaid(tx: Tx, now: Date, tenantId: string, orderIds: string[]): Promise<{ refund: string[]; refundBack: RefundBack[] }> {
  const refundBack: RefundBack[] = [];
  if (orderIds.length === 0) return { refund: [], refundBack };
  const paid = await tx.updateTable('group_buy_members').set({ status: 'paid' })
    .where('tenant_id', '=', tenantId).where('order_id', 'in', orderIds).where('status', '=', 'pending')
    .returning(['order_id', 'group_id', 'role']).execute();
  const refund: string[] = [];
  for (const m of paid.sort((a, b) => (a.group_id < b.group_id ? -1 : 1))) {
    const { rows } = m.role === 'opener'
      ? await sql`UPDATE group_buy_groups g SET status = 'open', paid = g.paid + 1, opened_at = ${now},
                    expires_at = ${now}::timestamptz + make_interval(mins => c.timer_minutes)
                    FROM group_buys c
                   WHERE g.tenant_id = ${tenantId} AND g.id = ${m.group_id} AND g.status = 'pending'
                     AND c.tenant_id = g.tenant_id AND c.id = g.group_buy_id AND c.status = 'active' AND c.ends_at > ${now}
                  RETURNING g.id`.execute(tx)
      : await sql<{ id: string; status: GroupStatus; tier_price: Fen | null }>`UPDATE group_buy_groups g SET paid = g.paid + 1,
                    status = CASE WHEN g.paid + 1 = g.size THEN 'formed' ELSE g.status END,
                    settled_at = CASE WHEN g.paid + 1 = g.size THEN ${now}::timestamptz ELSE g.settled_at END,
                    tier_size = coalesce(${reachedTier(sql`max((x->>'size')::int)`)}, g.tier_size),
                    tier_price = coalesce(${reachedTier(sql`min((x->>'price')::bigint)`)}, g.tier_price)
                   WHERE g.tenant_id = ${tenantId} AND g.id = ${m.group_id} AND g.status = 'open'
                  RETURNING g.id, g.status, g.tier_price`.execute(tx);
    if (rows.length === 1) {
      const moved = rows[0] as { status: GroupStatus; tier_price: Fen | null };
      if (moved.status === 'formed' && moved.tier_price !== null) refundBack.push(...(await settleLadder(tx, tenantId, m.group_id, Number(moved.tier_price))));
      continue;
    }
    // The group is not open to this payment: it failed meanwhile (or never opened). Refund it, once.
    await tx.updateTable('group_buy_groups').set({ status: 'failed', settled_at: now })
      .where('tenant_id', '=', tenantId).where('id', '=', m.group_id).where('status', '=', 'pending').execute();
    refund.push(...(await refundMembers(tx, tenantId, [m.order_id])));
  }
  return { refund, refundBack };
}

/**
 * A ladder group settled at `price`: each paid member who paid more gets the difference back. The
 * amount is written once (`refund_back = 0` → the difference), by the transaction that moved the
 * group to formed, so a second settlement finds nothing to give back.
 */
async function settleLadder(tx: Tx, tenantId: string, groupId: string, price: Fen): Promise<RefundBack[]> {
  const rows = await tx.updateTable('group_buy_members').set((eb) => ({ refund_back: sql<Fen>`${eb.ref('price')} - ${price}::bigint` }))
    .where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('status', '=', 'paid').where('refund_back', '=', 0).where('price', '>', price)
    .returning(['order_id', 'refund_back']).execute();
  return rows.map((r) => ({ order_id: r.order_id, amount: Number(r.refund_back) })).sort((a, b) => (a.order_id < b.order_id ? -1 : 1));
}

/**
 * A paid group member's order refunded in full (after-sales, or staff): before the group formed the
 * member leaves it — the slot, the campaign's unit and the buyer's limit given back, the paid count
 * down — so another buyer can take the place; after it formed (a ladder group from its first tier)
 * the group stays formed and counts the member as withdrawn. Once: the row moves paid → withdrawn.
 */
export async function groupMemberRefunded(tx: Tx, tenantId: string, orderId: string): Promise<void> {
  const [m] = await tx.updateTable('group_buy_members').set({ status: 'withdrawn' })
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('status', '=', 'paid')
    .returning(['group_id', 'group_buy_id', 'customer_id']).execute();
  if (!m) return;
  const [left] = await sql<{ id: string }>`
    UPDATE group_buy_groups SET members = members - 1, paid = paid - 1
     WHERE tenant_id = ${tenantId} AND id = ${m.group_id} AND status = 'open' AND tier_size IS NULL
    RETURNING id`.execute(tx).then((r) => r.rows);
  if (!left) {
    await sql`UPDATE group_buy_groups SET withdrawn = withdrawn + 1 WHERE tenant_id = ${tenantId} AND id = ${m.group_id}`.execute(tx);
    return;
  }
  await sql`UPDATE group_buys SET taken = taken - 1 WHERE tenant_id = ${tenantId} AND id = ${m.group_buy_id}`.execute(tx);
  await sql`UPDATE group_buy_buyers SET joined = joined - 1 WHERE tenant_id = ${tenantId} AND group_buy_id = ${m.group_buy_id} AND customer_id = ${m.customer_id}`.execute(tx);
}

/** Paid members → refunded (each once), their slots, units and personal limit given back; the orders to refund. */
async function refundMembers(tx: Tx, tenantId: string, orderIds: string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const { rows } = await sql<{ order_id: string }>`
    WITH m AS (
      UPDATE group_buy_members SET status = 'refunded'
       WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]) AND status = 'paid'
      RETURNING order_id, group_buy_id, customer_id),
    units AS (
      UPDATE group_buys c SET taken = c.taken - x.n FROM (SELECT group_buy_id, count(*)::int AS n FROM m GROUP BY 1) x
       WHERE c.tenant_id = ${tenantId} AND c.id = x.group_buy_id RETURNING 1),
    buyers AS (
      UPDATE group_buy_buyers b SET joined = b.joined - x.n FROM (SELECT group_buy_id, customer_id, count(*)::int AS n FROM m GROUP BY 1, 2) x
       WHERE b.tenant_id = ${tenantId} AND b.group_buy_id = x.group_buy_id AND b.customer_id = x.customer_id RETURNING 1)
    SELECT order_id FROM m WHERE (SELECT count(*) FROM units) >= 0 AND (SELECT count(*) FROM buyers) >= 0 ORDER BY order_id`.execute(tx);
  return rows.map((r) => r.order_id);
}

/**
 * Unpaid orders that closed (expired or cancelled) give their slot back: the member's row pending →
 * released once, the group's member count, the campaign's units and the buyer's limit down with it.
 * A group whose opener never paid fails quietly (nobody else could see it).
 */
export async function releaseGroupSlots(db: Conn, tenantId: string, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await sql`
    WITH r AS (
      UPDATE group_buy_members SET status = 'released'
       WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]) AND status = 'pending'
      RETURNING group_id, group_buy_id, customer_id),
    groups AS (
      UPDATE group_buy_groups g SET members = g.members - x.n,
             status = CASE WHEN g.status = 'pending' THEN 'failed' ELSE g.status END,
             settled_at = CASE WHEN g.status = 'pending' THEN now() ELSE g.settled_at END
        FROM (SELECT group_id, count(*)::int AS n FROM r GROUP BY 1) x
       WHERE g.tenant_id = ${tenantId} AND g.id = x.group_id RETURNING 1),
    units AS (
      UPDATE group_buys c SET taken = c.taken - x.n FROM (SELECT group_buy_id, count(*)::int AS n FROM r GROUP BY 1) x
       WHERE c.tenant_id = ${tenantId} AND c.id = x.group_buy_id RETURNING 1),
    buyers AS (
      UPDATE group_buy_buyers b SET joined = b.joined - x.n FROM (SELECT group_buy_id, customer_id, count(*)::int AS n FROM r GROUP BY 1, 2) x
       WHERE b.tenant_id = ${tenantId} AND b.group_buy_id = x.group_buy_id AND b.customer_id = x.customer_id RETURNING 1)
    SELECT (SELECT count(*) FROM groups) + (SELECT count(*) FROM units) + (SELECT count(*) FROM buyers) AS written`.execute(db);
}

/** A late payment never revives a group order whose slot was given back: the caller refunds it instead. */
export async function groupOrderRevivable(db: Conn, tenantId: string, orderId: string): Promise<boolean> {
  const row = await db.selectFrom('group_buy_members').select('status').where('tenant_id', '=', tenantId).where('order_id', '=', orderId).executeTakeFirst();
  return !row;
}

export interface SettledGroup {
  tenant_id: string; group_id: string; group_buy_id: string; outcome: 'formed' | 'failed'; subsidy: Fen; refund_order_ids: string[];
  /** Ladder groups: the differences to give back. */
  refund_back: RefundBack[];
  /** The subsidy's share on each paid order (fill rule), for the orders' economics. */
  order_subsidies: RefundBack[];
}

/**
 * Settles open groups whose timer ran out or whose campaign ended: claimed with SKIP LOCKED and
 * moved open → formed or failed by one conditional update each, so two runs at once settle each
 * group once. A failed group's paid members are marked refunded (once) and returned for the caller
 * to refund in the same transaction. Under the disclosed form-at-expiry rule a group with enough
 * paid members forms, and the missing members' price concession — (size − paid) × (shop price −
 * member price) — is booked on the group, its members' rows (largest remainder) and the campaign.
 * A ladder group whose paid members reached a tier forms at the highest one reached (its members
 * get the difference back); below the first tier it fails, or forms at the first under the fill
 * rule, judged against the first tier's size.
 */
export async function settleDueGroups(tx: Tx, now: Date, batch: number): Promise<SettledGroup[]> {
  const { rows: due } = await sql<{ tenant_id: string; id: string; group_buy_id: string; size: number; paid: number; expired: boolean; form_at_pct: number | null; member_price: Fen; b_node_id: string; sku_id: string;
    tiers: GroupTier[] | null; tier_size: number | null; tier_price: Fen | null }>`
    SELECT g.tenant_id, g.id, g.group_buy_id, g.size, g.paid, g.expires_at <= ${now} AS expired, c.form_at_pct, c.member_price, c.b_node_id, c.sku_id,
           c.tiers, g.tier_size, g.tier_price
      FROM group_buy_groups g JOIN group_buys c ON c.tenant_id = g.tenant_id AND c.id = g.group_buy_id
     WHERE g.status = 'open' AND (g.expires_at <= ${now} OR c.status = 'ended' OR c.ends_at <= ${now})
     ORDER BY g.tenant_id, g.id LIMIT ${batch} FOR UPDATE OF g SKIP LOCKED`.execute(tx);
  const settled: SettledGroup[] = [];
  for (const g of due) {
    if (g.tier_size !== null) {
      const moved = await tx.updateTable('group_buy_groups').set({ status: 'formed', settled_at: now })
        .where('tenant_id', '=', g.tenant_id).where('id', '=', g.id).where('status', '=', 'open').returning('id').execute();
      if (moved.length === 0) continue;
      const refundBack = await settleLadder(tx, g.tenant_id, g.id, Number(g.tier_price));
      settled.push({ tenant_id: g.tenant_id, group_id: g.id, group_buy_id: g.group_buy_id, outcome: 'formed', subsidy: 0, refund_order_ids: [], refund_back: refundBack, order_subsidies: [] });
      continue;
    }
    // A ladder's fill rule is judged against its first tier, the size at which its group forms.
    const formSize = g.tiers ? g.tiers[0]!.size : g.size;
    const forms = g.form_at_pct !== null && g.paid > 0 && g.paid * 100 >= formSize * g.form_at_pct;
    if (forms) {
      const { rows: price } = await sql<{ retail_price: Fen }>`SELECT retail_price FROM ${listedPrices(g.tenant_id, [g.sku_id])} l WHERE l.b_node_id = ${g.b_node_id}`.execute(tx);
      const subsidy = (formSize - g.paid) * Math.max(0, (price[0]?.retail_price ?? g.member_price) - g.member_price);
      const ladder = g.tiers ? { tier_size: g.tiers[0]!.size, tier_price: g.tiers[0]!.price } : {};
      const moved = await tx.updateTable('group_buy_groups').set({ status: 'formed', settled_at: now, subsidy, ...ladder })
        .where('tenant_id', '=', g.tenant_id).where('id', '=', g.id).where('status', '=', 'open').returning('id').execute();
      if (moved.length === 0) continue;
      const members = await tx.selectFrom('group_buy_members').select('order_id').where('tenant_id', '=', g.tenant_id).where('group_id', '=', g.id)
        .where('status', '=', 'paid').orderBy('order_id').execute();
      const shares = allocate(subsidy, members.map(() => 1));
      for (const [i, m] of members.entries()) {
        await tx.updateTable('group_buy_members').set({ subsidy: shares[i]! }).where('tenant_id', '=', g.tenant_id).where('order_id', '=', m.order_id).execute();
      }
      await sql`UPDATE group_buys SET subsidy_booked = subsidy_booked + ${subsidy} WHERE tenant_id = ${g.tenant_id} AND id = ${g.group_buy_id}`.execute(tx);
      // An opener who paid more than the first tier's price gets the difference back, as on any ladder.
      const refundBack = g.tiers ? await settleLadder(tx, g.tenant_id, g.id, g.tiers[0]!.price) : [];
      settled.push({ tenant_id: g.tenant_id, group_id: g.id, group_buy_id: g.group_buy_id, outcome: 'formed', subsidy, refund_order_ids: [], refund_back: refundBack,
        order_subsidies: members.map((m, i) => ({ order_id: m.order_id, amount: shares[i]! })) });
      continue;
    }
    const moved = await tx.updateTable('group_buy_groups').set({ status: 'failed', settled_at: now })
      .where('tenant_id', '=', g.tenant_id).where('id', '=', g.id).where('status', '=', 'open').returning('id').execute();
    if (moved.length === 0) continue;
    const paid = await tx.selectFrom('group_buy_members').select('order_id').where('tenant_id', '=', g.tenant_id).where('group_id', '=', g.id).where('status', '=', 'paid').execute();
    settled.push({ tenant_id: g.tenant_id, group_id: g.id, group_buy_id: g.group_buy_id, outcome: 'failed', subsidy: 0,
      refund_order_ids: await refundMembers(tx, g.tenant_id, paid.map((p) => p.order_id)), refund_back: [], order_subsidies: [] });
  }
  return settled;
}

/** A group-buy order's group as its order page shows it: the price paid, the tier price reached and the difference given back. */
export async function groupOfOrder(db: Conn, tenantId: string, orderId: string) {
  const row = await db.selectFrom('group_buy_members as m').innerJoin('group_buy_groups as g', (j) => j.onRef('g.tenant_id', '=', 'm.tenant_id').onRef('g.id', '=', 'm.group_id'))
    .select(['m.group_id', 'm.group_buy_id', 'g.status', 'm.price', 'g.tier_price', 'm.refund_back'])
    .where('m.tenant_id', '=', tenantId).where('m.order_id', '=', orderId).executeTakeFirst();
  return row ? { group_id: row.group_id, group_buy_id: row.group_buy_id, status: row.status, paid_price: Number(row.price),
    settled_price: row.tier_price === null ? null : Number(row.tier_price), refund_back: Number(row.refund_back) } : null;
}

/** Group-buy subsidies booked on orders (form-at-expiry groups), by order: for the order's economics. */
export async function groupSubsidiesOf(db: Conn, tenantId: string, orderIds: string[]): Promise<Map<string, Fen>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.selectFrom('group_buy_members').select(['order_id', 'subsidy']).where('tenant_id', '=', tenantId)
    .where('order_id', 'in', orderIds).where('subsidy', '>', 0).execute();
  return new Map(rows.map((r) => [r.order_id, Number(r.subsidy)]));
}


function present(r: { tiers: GroupTier[] | null; id: string; name: string; b_node_id: string; sku_id: string; group_size: number; timer_minutes: number; opener_price: Fen; member_price: Fen; per_customer_limit: number; stock_cap: number; taken: number; form_at_pct: number | null; subsidy_booked: Fen; starts_at: Date; ends_at: Date; status: GroupBuyStatus; verdict: StoredVerdict; guard: unknown; override_reason: string | null }) {
  return {
    id: r.id, name: r.name, b_node_id: r.b_node_id, sku_id: r.sku_id, group_size: r.group_size, timer_minutes: r.timer_minutes,
    opener_price: r.opener_price, member_price: r.member_price, per_customer_limit: r.per_customer_limit, stock_cap: r.stock_cap, taken: r.taken,
    form_at_pct: r.form_at_pct, subsidy_booked: Number(r.subsidy_booked), starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), status: r.status,
    verdict: r.verdict, guard: typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard, override_reason: r.override_reason, tiers: r.tiers ?? null,
  };
}
