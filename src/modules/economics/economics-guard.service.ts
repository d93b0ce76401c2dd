import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { audit } from '../../platform/audit.js';
import { nodeFacts } from '../b-nodes/b-nodes.fragments.js';
import { skuPriceAverages } from '../catalog/catalog.fragments.js';
import { recentPaidAverages } from '../orders/orders.fragments.js';
import { check, type GuardResult } from './economics.guard.js';
import { parsePlan, type Plan, type PlanInput } from './economics.plan.js';
import { economicsFailureToAppError, economicsHttpError, rejection } from './economics.http-errors.js';
import type { CommissionBase, StoredVerdict } from './economics.schema.js';

export interface Override { reason: string }

export async function settingsOf(db: Conn, tenantId: string) {
  const row = await db.selectFrom('economics_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return {
    payment_fee_bps: row?.payment_fee_bps ?? 60, platform_take_bps: row?.platform_take_bps ?? 0,
    fulfillment_per_order: row?.fulfillment_per_order ?? 150, delivery_per_order: row?.delivery_per_order ?? 0,
    spoilage_bps: row?.spoilage_bps ?? 300, expected_refund_bps: row?.expected_refund_bps ?? 500,
  };
}

export type Settings = Awaited<ReturnType<typeof settingsOf>>;

/**
 * The plan's cost block from the tenant's settings. Order-level costs (fulfilment, delivery) are
 * left out when the plan stands for one unit rather than an order.
 */
export function planCosts(settings: Settings, perOrder = true) {
  return {
    payment_fee_bps: settings.payment_fee_bps, platform_take_bps: settings.platform_take_bps,
    fulfillment: perOrder ? settings.fulfillment_per_order : 0, delivery: perOrder ? settings.delivery_per_order : 0,
    spoilage_bps: settings.spoilage_bps, refund_rate_bps: settings.expected_refund_bps,
  };
}

/**
 * The tenant's typical order (of one shop, if given): the average list value and supply cost of
 * paid orders in the last 90 days or, before there are any, of its SKUs.
 */
export async function typicalOrder(db: Conn, tenantId: string, bNodeId?: string | null): Promise<{ price: number; cogs: number }> {
  const { rows } = await sql<{ price: number | null; cogs: number | null }>`
    SELECT coalesce(o.price, k.price) AS price, coalesce(o.cogs, k.cogs) AS cogs
      FROM ${recentPaidAverages(tenantId, bNodeId)} o, ${skuPriceAverages(tenantId)} k`.execute(db);
  const price = rows[0]?.price || 10_000;
  return { price, cogs: Math.min(price, rows[0]?.cogs ?? Math.round(price * 0.75)) };
}

/**
 * Runs the guard on a change and applies its verdict: reject blocks the change (422 with the
 * rules) unless a tenant admin gives a written reason and every failing rule may be overridden;
 * the override is written to the audit log. Returns the (possibly overridden) result to store.
 */
export async function guardChange(tx: Tx, actor: Actor, subject: { kind: string; id: string }, planInput: PlanInput, override?: Override): Promise<GuardResult> {
  let plan: Plan;
  try {
    plan = parsePlan(planInput);
  } catch (err) {
    throw economicsFailureToAppError(err);
  }
  const first = check(plan, { participants: 5_000 });
  if (first.verdict !== 'reject') return first;
  if (!override) throw rejection(first);
  if (actor.role !== 'tenant_admin') throw economicsHttpError('override_not_allowed');
  const failing = first.rules.filter((r) => r.status === 'fail');
  if (failing.some((r) => !r.overridable)) throw rejection(first);
  const overridden = check({ ...plan, overrides: failing.map((r) => ({ rule: r.id, reason: override.reason })) } as Plan, { participants: 5_000 });
  await audit(tx, actor.tenantId, 'economics.override', subject.kind, subject.id,
    { reason: override.reason, rules: failing.map((r) => ({ id: r.id, numbers: r.numbers, message: r.message.en })) }, actor.userId);
  return overridden;
}

/**
 * The plan a retail price change stands for: one unit at the listed price against its landed
 * supply cost, with the tenant's fee, spoilage and refund assumptions and the B node's
 * commission policy. Order-level costs (fulfilment, delivery) belong to the order waterfall
 * and the break-even, not to one SKU's price.
 */
export interface ListingAtPrice { b_node_id: string; price: number; clearance?: boolean }

/** Plans for several shops' prices of one SKU, read with one settings and one policy query. */
export async function listingPlans(db: Conn, tenantId: string, cogs: number, listings: ListingAtPrice[]): Promise<PlanInput[]> {
  if (listings.length === 0) return [];
  const settings = await settingsOf(db, tenantId);
  const policies = await db.selectFrom(nodeFacts(tenantId).as('b'))
    .leftJoin('commission_policies as p', (j) => j.on('p.tenant_id', '=', tenantId).onRef('p.id', '=', 'b.commission_policy_id'))
    .select(['b.id', 'p.levels_bps', 'p.leader_bps', 'p.commission_base', 'p.hold_days'])
    .where('b.id', 'in', listings.map((l) => l.b_node_id)).execute();
  const byNode = new Map(policies.map((p) => [p.id, p]));
  return listings.map((l) => {
    const policy = byNode.get(l.b_node_id);
    return {
      name: `listing ${l.b_node_id}`,
      product: { price: l.price, cogs },
      costs: planCosts(settings, false),
      incentives: { commission_levels_bps: policy?.levels_bps ?? [], leader_bps: policy?.leader_bps ?? 0, commission_base: policy?.commission_base ?? 'paid' },
      hold_days: policy?.hold_days ?? 8,
      clearance: l.clearance ?? false,
    };
  });
}

/** The richest leader commission a shop in scope (one shop, or all of the tenant's) pays under its policy; 0 without one. */
export async function richestLeaderBps(db: Conn, tenantId: string, bNodeId: string | null): Promise<number> {
  let q = db.selectFrom(nodeFacts(tenantId).as('b'))
    .innerJoin('commission_policies as p', (j) => j.on('p.tenant_id', '=', tenantId).onRef('p.id', '=', 'b.commission_policy_id'))
    .select((eb) => eb.fn.max('p.leader_bps').as('leader_bps'));
  if (bNodeId) q = q.where('b.id', '=', bNodeId);
  const row = await q.executeTakeFirst();
  return row?.leader_bps ?? 0;
}

export interface PolicyInput {
  name: string; commission_base: CommissionBase; levels_bps: number[]; leader_bps: number; hold_days: number;
}

/** A policy is judged on the tenant's typical order. */
async function policyPlan(db: Conn, tenantId: string, p: PolicyInput): Promise<PlanInput> {
  const [settings, product] = await Promise.all([settingsOf(db, tenantId), typicalOrder(db, tenantId)]);
  return {
    name: p.name,
    product,
    costs: planCosts(settings),
    incentives: { commission_levels_bps: p.levels_bps, leader_bps: p.leader_bps, commission_base: p.commission_base },
    hold_days: p.hold_days,
  };
}

export async function createPolicy(tx: Tx, actor: Actor, input: PolicyInput & { override?: Override | undefined }) {
  const id = newId('pol');
  const result = await guardChange(tx, actor, { kind: 'commission_policy', id }, await policyPlan(tx, actor.tenantId, input), input.override);
  const row = {
    tenant_id: actor.tenantId, id, name: input.name, commission_base: input.commission_base, levels_bps: input.levels_bps,
    leader_bps: input.leader_bps, hold_days: input.hold_days, verdict: result.verdict as StoredVerdict, guard: JSON.stringify(summary(result)),
    override_reason: input.override?.reason ?? null, created_by: actor.userId,
  };
  await tx.insertInto('commission_policies').values(row).execute();
  return { ...row, guard: summary(result) };
}

export async function updatePolicy(tx: Tx, actor: Actor, id: string, input: PolicyInput & { override?: Override | undefined }) {
  const existing = await tx.selectFrom('commission_policies').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!existing) throw economicsHttpError('policy_not_found');
  const result = await guardChange(tx, actor, { kind: 'commission_policy', id }, await policyPlan(tx, actor.tenantId, input), input.override);
  await tx.updateTable('commission_policies').set({
    name: input.name, commission_base: input.commission_base, levels_bps: input.levels_bps, leader_bps: input.leader_bps, hold_days: input.hold_days,
    verdict: result.verdict as StoredVerdict, guard: JSON.stringify(summary(result)), override_reason: input.override?.reason ?? null, updated_at: new Date(),
  }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
  return { id, ...input, verdict: result.verdict, guard: summary(result) };
}

export const listPolicies = (db: Conn, tenantId: string) =>
  db.selectFrom('commission_policies').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();

/** Whether a commission policy exists in the tenant; B nodes check it before taking one. */
export async function policyExists(db: Conn, tenantId: string, policyId: string): Promise<boolean> {
  return (await db.selectFrom('commission_policies').select('id').where('tenant_id', '=', tenantId).where('id', '=', policyId).executeTakeFirst()) !== undefined;
}

export async function updateSettings(db: Conn, tenantId: string, patch: Partial<Settings>) {
  await db.insertInto('economics_settings').values({ tenant_id: tenantId, ...patch })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...patch, updated_at: new Date() })).execute();
  return settingsOf(db, tenantId);
}

export function summary(result: GuardResult) {
  return {
    verdict: result.verdict,
    rules: result.rules.map((r) => ({ id: r.id, status: r.status, overridden: r.overridden, message: r.message.en, message_zh: r.message.zh })),
    contribution_margin: result.waterfall.contribution_margin,
  };
}
