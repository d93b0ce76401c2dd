import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { nodeScopeOf, seesNode, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Fen } from '../../platform/money.js';
import { platformError } from '../../platform/errors.js';
import { getBNode } from '../b-nodes/b-nodes.service.js';
import { guardChange, richestLeaderBps, settingsOf, summary, typicalOrder } from '../economics/economics-guard.service.js';
import type { PlanInput } from '../economics/engine/plan.js';
import { planCosts } from '../economics/engine/settings.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import { couponError } from './coupons.errors.js';
import type { CreateCouponTemplateInput } from './coupons.schema.js';
import type { CouponTemplatesTable } from './coupons.tables.js';

type TemplateRow = Omit<CouponTemplatesTable, 'used_count' | 'claimed_count' | 'spent' | 'created_at' | 'guard'> & { used_count: number; claimed_count: number; spent: Fen; guard: unknown };

/** What a coupon takes off a typical order of `price`, by the rule checkout prices it with. */
export function typicalCouponDiscount(t: { kind: string; amount: Fen | null; percent_bps: number | null; max_discount: Fen | null }, price: Fen): Fen {
  const raw = t.kind === 'percent' ? Math.min(Math.floor((price * t.percent_bps!) / 10_000), t.max_discount ?? Number.MAX_SAFE_INTEGER) : t.amount!;
  return Math.min(raw, price);
}

/**
 * The plan a coupon stands for, as a subsidy's: the tenant's typical order (never below the
 * coupon's minimum, since smaller orders cannot use it) with the coupon's discount taken off it,
 * the richest commission a shop in scope pays, and the money budget and last day it can be used.
 */
async function templatePlan(db: Conn, tenantId: string, t: Pick<TemplateRow, 'name' | 'kind' | 'amount' | 'percent_bps' | 'max_discount' | 'min_total' | 'budget' | 'b_node_id'>, endsAt: Date): Promise<PlanInput> {
  const [settings, typical] = await Promise.all([settingsOf(db, tenantId), typicalOrder(db, tenantId, t.b_node_id)]);
  const leaderBps = await richestLeaderBps(db, tenantId, t.b_node_id);
  const price = Math.max(typical.price, t.min_total);
  const cogs = Math.min(price, Math.round((typical.cogs * price) / typical.price));
  return {
    name: t.name,
    product: { price, cogs },
    costs: planCosts(settings),
    incentives: { commission_levels_bps: [], leader_bps: leaderBps, coupon_subsidy: typicalCouponDiscount(t, price) },
    subsidy: { budget: t.budget, ends_at: endsAt.toISOString() },
  };
}

export async function createTemplate(tx: Tx, clock: Clock, actor: Actor, input: CreateCouponTemplateInput) {
  if (input.b_node_id) await getBNode(tx, actor, input.b_node_id);
  const claimStarts = input.claim_starts_at ? new Date(input.claim_starts_at) : clock.now();
  const claimEnds = new Date(input.claim_ends_at);
  if (claimEnds <= claimStarts) throw platformError('validation_failed', { errors: [{ path: 'body.claim_ends_at', message: 'must be after claim_starts_at' }] });
  const validUntil = input.valid_until ? new Date(input.valid_until) : null;
  if (validUntil && validUntil <= claimStarts) throw platformError('validation_failed', { errors: [{ path: 'body.valid_until', message: 'must be after claim_starts_at' }] });
  const id = newId('cpt');
  const terms = {
    name: input.name, kind: input.kind, amount: input.amount ?? null, percent_bps: input.percent_bps ?? null,
    max_discount: input.kind === 'percent' ? input.max_discount ?? null : null, min_total: input.min_total, budget: input.budget, b_node_id: input.b_node_id,
  };
  const lastUse = validUntil ?? new Date(claimEnds.getTime() + input.valid_days! * 86_400_000);
  const guard = await guardChange(tx, actor, { kind: 'coupon_template', id }, await templatePlan(tx, actor.tenantId, terms, lastUse), input.override);
  const row = {
    tenant_id: actor.tenantId, id, ...terms, target: input.target, target_ids: input.target_ids,
    stacks_with_subsidy: input.stacks_with_subsidy, stacks_with_coupons: input.stacks_with_coupons,
    claim_starts_at: claimStarts, claim_ends_at: claimEnds, valid_until: validUntil, valid_days: input.valid_days ?? null,
    per_customer_limit: input.per_customer_limit, total_count: input.total_count, status: 'active' as const,
    verdict: guard.verdict as StoredVerdict, guard: JSON.stringify(summary(guard)), override_reason: input.override?.reason ?? null, created_by: actor.userId,
  };
  await tx.insertInto('coupon_templates').values(row).execute();
  return present({ ...row, used_count: 0, claimed_count: 0, spent: 0, guard: summary(guard) });
}

export async function listTemplates(db: Conn, actor: Actor) {
  const scope = nodeScopeOf(actor);
  let q = db.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', actor.tenantId);
  if (scope !== undefined) q = q.where((eb) => eb.or([eb('b_node_id', 'is', null), eb('b_node_id', '=', scope)]));
  return (await q.orderBy('created_at', 'desc').execute()).map(present);
}

export async function getTemplate(db: Conn, actor: Actor, id: string) {
  const row = await db.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).executeTakeFirst();
  if (!row || (row.b_node_id !== null && !seesNode(actor, row.b_node_id))) throw couponError('coupon_template_not_found');
  return present(row);
}

/** A template's redemptions, newest first: the operator's results. */
export async function templateRedemptions(db: Conn, actor: Actor, id: string) {
  await getTemplate(db, actor, id);
  const rows = await db.selectFrom('coupon_redemptions').select(['id', 'coupon_id', 'order_id', 'customer_id', 'amount', 'created_at', 'returned_at'])
    .where('tenant_id', '=', actor.tenantId).where('template_id', '=', id).orderBy('created_at', 'desc').limit(500).execute();
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString(), returned_at: r.returned_at?.toISOString() ?? null }));
}

export async function endTemplate(db: Conn, actor: Actor, id: string) {
  await getTemplate(db, actor, id);
  const ended = await db.updateTable('coupon_templates').set({ status: 'ended' }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', '=', 'active').returning('id').executeTakeFirst();
  if (!ended) throw couponError('coupon_template_ended');
  return getTemplate(db, actor, id);
}

/** Templates a shop's buyers may claim now (the tenant's, and the shop's own), with how many the buyer holds. */
export async function claimableTemplates(db: Conn, tenantId: string, bNodeId: string, customerId: string | null, now: Date) {
  const rows = await db.selectFrom('coupon_templates as t')
    .leftJoin('coupon_holders as h', (j) => j.onRef('h.tenant_id', '=', 't.tenant_id').onRef('h.template_id', '=', 't.id').on('h.customer_id', '=', customerId ?? ''))
    .selectAll('t').select((eb) => eb.fn.coalesce('h.claimed', eb.lit(0)).as('holds'))
    .where('t.tenant_id', '=', tenantId).where('t.status', '=', 'active')
    .where('t.claim_starts_at', '<=', now).where('t.claim_ends_at', '>', now)
    .where((eb) => eb.or([eb('t.b_node_id', 'is', null), eb('t.b_node_id', '=', bNodeId)]))
    .where((eb) => eb.or([eb('t.valid_until', 'is', null), eb('t.valid_until', '>', now)]))
    .whereRef('t.used_count', '<', 't.total_count')
    .orderBy('t.created_at', 'desc').execute();
  return rows.map((t) => ({
    template_id: t.id, ...termsOf(t),
    claim_ends_at: t.claim_ends_at.toISOString(), claimed: Number(t.holds), per_customer_limit: t.per_customer_limit,
  }));
}

/**
 * Puts one coupon of a template into a customer's wallet. The personal limit is taken by one
 * upsert (`claimed < per_customer_limit`), so two claims at once cannot pass it. `source` reward:
 * a referral task's, given past the claim window and the personal limit.
 */
export async function issueCoupon(tx: Tx, now: Date, tenantId: string, templateId: string, customerId: string, source: 'claim' | 'reward', bNodeId?: string) {
  const t = await tx.selectFrom('coupon_templates').selectAll().where('tenant_id', '=', tenantId).where('id', '=', templateId).executeTakeFirst();
  if (!t || (bNodeId !== undefined && t.b_node_id !== null && t.b_node_id !== bNodeId)) throw couponError('coupon_template_not_found');
  const validUntil = t.valid_until ?? new Date(now.getTime() + t.valid_days! * 86_400_000);
  if (source === 'claim') {
    if (t.status !== 'active' || t.claim_starts_at > now || t.claim_ends_at <= now || validUntil <= now) throw couponError('coupon_not_claimable');
    const { rows } = await sql`
      INSERT INTO coupon_holders AS h (tenant_id, template_id, customer_id, claimed) VALUES (${tenantId}, ${templateId}, ${customerId}, 1)
      ON CONFLICT (tenant_id, template_id, customer_id) DO UPDATE SET claimed = h.claimed + 1 WHERE h.claimed < ${t.per_customer_limit}
      RETURNING claimed`.execute(tx);
    if (rows.length === 0) throw couponError('coupon_claim_limit', { per_customer_limit: t.per_customer_limit });
  }
  const id = newId('cpn');
  await tx.insertInto('coupons').values({ tenant_id: tenantId, id, template_id: templateId, customer_id: customerId, source, status: 'available', order_id: null, claimed_at: now, valid_until: validUntil }).execute();
  await tx.updateTable('coupon_templates').set((eb) => ({ claimed_count: eb('claimed_count', '+', 1) })).where('tenant_id', '=', tenantId).where('id', '=', templateId).execute();
  return walletCoupon(tx, tenantId, customerId, id, now);
}

async function walletCoupon(db: Conn, tenantId: string, customerId: string, id: string, now: Date) {
  const [c] = await wallet(db, tenantId, customerId, now, id);
  return c!;
}

/** A customer's coupons, usable ones first (soonest to expire first). */
export async function wallet(db: Conn, tenantId: string, customerId: string, now: Date, onlyId?: string) {
  let q = db.selectFrom('coupons as c').innerJoin('coupon_templates as t', (j) => j.onRef('t.tenant_id', '=', 'c.tenant_id').onRef('t.id', '=', 'c.template_id'))
    .select(['c.id', 'c.template_id', 't.name', 't.kind', 't.amount', 't.percent_bps', 't.max_discount', 't.min_total', 't.target', 't.stacks_with_subsidy', 't.stacks_with_coupons',
      'c.status', 'c.source', 'c.order_id', 'c.valid_until', 't.status as template_status'])
    .where('c.tenant_id', '=', tenantId).where('c.customer_id', '=', customerId);
  if (onlyId) q = q.where('c.id', '=', onlyId);
  const rows = await q.orderBy('c.valid_until').orderBy('c.id').limit(500).execute();
  const items = rows.map((r) => ({
    id: r.id, template_id: r.template_id, ...termsOf(r),
    status: r.status === 'used' ? 'used' as const : r.valid_until <= now || r.template_status !== 'active' ? 'expired' as const : 'available' as const,
    source: r.source, order_id: r.order_id, valid_until: r.valid_until.toISOString(),
  }));
  const rank = { available: 0, used: 1, expired: 2 };
  return items.sort((a, b) => rank[a.status] - rank[b.status]);
}

/**
 * Gives the coupons of closed orders back, once: each standing redemption is marked returned by one
 * conditional update, and only what that update returned goes back to the wallets and to the
 * templates' count and money budgets. Called on the order's own conditional transition (cancelled,
 * expired, refunded in full), so a second run finds nothing standing.
 */
export async function returnCoupons(db: Conn, tenantId: string, orderIds: string[], now: Date): Promise<number> {
  if (orderIds.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`
    WITH back AS (
      UPDATE coupon_redemptions SET returned_at = ${now}
       WHERE tenant_id = ${tenantId} AND order_id = ANY(${orderIds}::text[]) AND returned_at IS NULL
      RETURNING coupon_id, template_id, amount),
    wallets AS (
      UPDATE coupons SET status = 'available', order_id = NULL
       WHERE tenant_id = ${tenantId} AND id IN (SELECT coupon_id FROM back)
      RETURNING id),
    budgets AS (
      UPDATE coupon_templates t SET used_count = t.used_count - x.n, spent = t.spent - x.amount
        FROM (SELECT template_id, count(*)::int AS n, sum(amount)::bigint AS amount FROM back GROUP BY template_id) x
       WHERE t.tenant_id = ${tenantId} AND t.id = x.template_id
      RETURNING t.id)
    SELECT (SELECT count(*) FROM back)::int AS n, (SELECT count(*) FROM wallets) + (SELECT count(*) FROM budgets) AS written`.execute(db);
  return rows[0]!.n;
}

/**
 * An order whose coupons went back takes them again, as it was placed — an expired order revived
 * by a late payment, a full refund the provider reported failed: every coupon still unused and
 * every template's budget still there, or nothing (false).
 */
export async function retakeCoupons(tx: Tx, tenantId: string, orderId: string): Promise<boolean> {
  const returned = await tx.selectFrom('coupon_redemptions').select(['id', 'coupon_id', 'template_id', 'amount'])
    .where('tenant_id', '=', tenantId).where('order_id', '=', orderId).where('returned_at', 'is not', null).execute();
  // Only the uses the order's last close gave back (the latest return of each coupon).
  const latest = new Map<string, typeof returned[number]>();
  for (const r of returned) latest.set(r.coupon_id, r);
  const uses = [...latest.values()];
  if (uses.length === 0) return true;
  // All or nothing: a partial take is rolled back here, whatever the caller does next.
  await sql`SAVEPOINT retake_coupons`.execute(tx);
  const { rows } = await sql<{ templates: number; coupons: number }>`
    WITH templates AS (
      UPDATE coupon_templates t SET used_count = t.used_count + x.n, spent = t.spent + x.amount
        FROM (SELECT template_id, count(*)::int AS n, sum(amount)::bigint AS amount
                FROM unnest(${uses.map((u) => u.template_id)}::text[], ${uses.map((u) => u.amount)}::bigint[]) AS u(template_id, amount) GROUP BY 1) x
       WHERE t.tenant_id = ${tenantId} AND t.id = x.template_id AND t.used_count + x.n <= t.total_count AND t.spent + x.amount <= t.budget
      RETURNING t.id),
    wallets AS (
      UPDATE coupons SET status = 'used', order_id = ${orderId}
       WHERE tenant_id = ${tenantId} AND id = ANY(${uses.map((u) => u.coupon_id)}::text[]) AND status = 'available'
      RETURNING id)
    SELECT (SELECT count(*) FROM templates)::int AS templates, (SELECT count(*) FROM wallets)::int AS coupons`.execute(tx);
  const templates = new Set(uses.map((u) => u.template_id)).size;
  if (rows[0]!.templates !== templates || rows[0]!.coupons !== uses.length) {
    await sql`ROLLBACK TO SAVEPOINT retake_coupons`.execute(tx);
    return false;
  }
  await sql`RELEASE SAVEPOINT retake_coupons`.execute(tx);
  await tx.updateTable('coupon_redemptions').set({ returned_at: null }).where('tenant_id', '=', tenantId).where('id', 'in', uses.map((u) => u.id)).execute();
  return true;
}

/** The coupons an order used, for the order's discount lines. */
export async function couponsOfOrder(db: Conn, tenantId: string, orderId: string) {
  return db.selectFrom('coupon_redemptions as r').innerJoin('coupon_templates as t', (j) => j.onRef('t.tenant_id', '=', 'r.tenant_id').onRef('t.id', '=', 'r.template_id'))
    .select(['r.coupon_id', 'r.template_id', 't.name', 'r.amount', 'r.returned_at'])
    .where('r.tenant_id', '=', tenantId).where('r.order_id', '=', orderId).orderBy('r.id').execute();
}

/** A coupon's name and discount terms, as templates, offers and wallet coupons all show them (couponTermsSchema). */
function termsOf(t: Pick<TemplateRow, 'name' | 'kind' | 'amount' | 'percent_bps' | 'max_discount' | 'min_total' | 'target' | 'stacks_with_subsidy' | 'stacks_with_coupons'>) {
  return {
    name: t.name, kind: t.kind, amount: t.amount, percent_bps: t.percent_bps, max_discount: t.max_discount, min_total: t.min_total,
    target: t.target, stacks_with_subsidy: t.stacks_with_subsidy, stacks_with_coupons: t.stacks_with_coupons,
  };
}

function present(r: TemplateRow) {
  return {
    id: r.id, ...termsOf(r), target_ids: r.target_ids,
    claim_starts_at: r.claim_starts_at.toISOString(), claim_ends_at: r.claim_ends_at.toISOString(),
    valid_until: r.valid_until?.toISOString() ?? null, valid_days: r.valid_days, per_customer_limit: r.per_customer_limit,
    total_count: r.total_count, used_count: r.used_count, claimed_count: r.claimed_count, budget: r.budget, spent: r.spent,
    b_node_id: r.b_node_id, status: r.status, verdict: r.verdict,
    guard: (typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard) as ReturnType<typeof summary> | null, override_reason: r.override_reason,
  };
}

/** The pricing rule checkout applies (pure; written out in coupons.pricing). */
export { couponDiscount, stacking, type CouponTerms } from './coupons.pricing.js';
