import { sql } from 'kysely';
import type { Conn, Tx } from '../../platform/db/database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { fen } from '../../platform/money.js';
import { platformError } from '../../platform/errors.js';
import { bNodeError } from '../b-nodes/b-nodes.errors.js';
import { guardChange, planCosts, settingsOf, summary, typicalOrder, type Override } from '../economics/economics-guard.service.js';
import type { PlanInput } from '../economics/economics.plan.js';
import type { StoredVerdict } from '../economics/economics.schema.js';
import { campaignError } from './campaigns.errors.js';
import type { CampaignStatus, CreateCampaignInput, FundedBy, UpdateCampaignInput } from './campaigns.schema.js';
import { campaignMachine } from './campaigns.states.js';

interface Terms { name: string; b_node_id: string | null; discount_per_order: number; min_order_total: number; budget: number; ends_at: Date }

/**
 * The plan a subsidy stands for: the tenant's typical order (never below the campaign's minimum,
 * since smaller orders get no discount) with the discount as a coupon, the richest commission a
 * shop in scope pays, and the budget and end date the guard requires of every subsidy.
 */
async function campaignPlan(db: Conn, tenantId: string, t: Terms): Promise<PlanInput> {
  const [settings, typical] = await Promise.all([settingsOf(db, tenantId), typicalOrder(db, tenantId, t.b_node_id)]);
  const { rows } = await sql<{ leader_bps: number | null }>`
    SELECT max(p.leader_bps) AS leader_bps FROM b_nodes b JOIN commission_policies p ON p.tenant_id = b.tenant_id AND p.id = b.commission_policy_id
     WHERE b.tenant_id = ${tenantId} ${t.b_node_id ? sql`AND b.id = ${t.b_node_id}` : sql``}`.execute(db);
  const price = Math.max(typical.price, t.min_order_total);
  const cogs = Math.min(price, Math.round((typical.cogs * price) / typical.price));
  return {
    name: t.name,
    product: { price, cogs },
    costs: planCosts(settings),
    incentives: { commission_levels_bps: [], leader_bps: rows[0]?.leader_bps ?? 0, coupon_subsidy: Math.min(t.discount_per_order, price) },
    subsidy: { budget: t.budget, ends_at: t.ends_at.toISOString() },
  };
}

export async function createCampaign(tx: Tx, clock: Clock, actor: Actor, input: CreateCampaignInput) {
  if (input.b_node_id) {
    const node = await tx.selectFrom('b_nodes').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', input.b_node_id).executeTakeFirst();
    if (!node) throw bNodeError('b_node_not_found');
  }
  const startsAt = input.starts_at ? new Date(input.starts_at) : clock.now();
  const endsAt = new Date(input.ends_at);
  if (endsAt <= startsAt) throw platformError('validation_failed', { errors: [{ path: 'body.ends_at', message: 'must be after starts_at' }] });
  const id = newId('cmp');
  const terms: Terms = { name: input.name, b_node_id: input.b_node_id, discount_per_order: input.discount_per_order, min_order_total: input.min_order_total, budget: input.budget, ends_at: endsAt };
  const guard = await guardChange(tx, actor, { kind: 'campaign', id }, await campaignPlan(tx, actor.tenantId, terms), input.override);
  const row = {
    tenant_id: actor.tenantId, id, name: input.name, b_node_id: input.b_node_id, funded_by: input.funded_by,
    discount_per_order: input.discount_per_order, min_order_total: input.min_order_total, budget: input.budget,
    starts_at: startsAt, ends_at: endsAt, status: 'active' as const, verdict: guard.verdict as StoredVerdict,
    guard: JSON.stringify(summary(guard)), override_reason: input.override?.reason ?? null, created_by: actor.userId,
  };
  await tx.insertInto('campaigns').values(row).execute();
  return present({ ...row, spent: 0, guard: summary(guard) });
}

export async function updateCampaign(tx: Tx, actor: Actor, id: string, input: UpdateCampaignInput) {
  const current = await tx.selectFrom('campaigns').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw campaignError('campaign_not_found');
  if (campaignMachine.isTerminal(current.status)) throw campaignError('campaign_ended');
  const terms: Terms = {
    name: input.name ?? current.name, b_node_id: current.b_node_id,
    discount_per_order: input.discount_per_order ?? fen(current.discount_per_order), min_order_total: input.min_order_total ?? fen(current.min_order_total),
    budget: input.budget ?? fen(current.budget), ends_at: input.ends_at ? new Date(input.ends_at) : current.ends_at,
  };
  if (terms.min_order_total <= terms.discount_per_order) throw platformError('validation_failed', { errors: [{ path: 'body.min_order_total', message: 'must exceed discount_per_order' }] });
  if (terms.budget < fen(current.spent)) throw campaignError('budget_below_spent', { spent: fen(current.spent) });
  const guard = await guardChange(tx, actor, { kind: 'campaign', id }, await campaignPlan(tx, actor.tenantId, terms), input.override as Override | undefined);
  await tx.updateTable('campaigns').set({
    name: terms.name, discount_per_order: terms.discount_per_order, min_order_total: terms.min_order_total, budget: terms.budget, ends_at: terms.ends_at,
    verdict: guard.verdict as StoredVerdict, guard: JSON.stringify(summary(guard)), override_reason: input.override?.reason ?? null, updated_at: new Date(),
  }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
  return getCampaign(tx, actor.tenantId, id);
}

export async function endCampaign(tx: Tx, actor: Actor, id: string) {
  const ended = await tx.updateTable('campaigns').set({ status: 'ended', updated_at: new Date() })
    .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', 'in', campaignMachine.sourcesOf('ended'))
    .returning('id').executeTakeFirst();
  if (!ended) {
    await getCampaign(tx, actor.tenantId, id);
    throw campaignError('campaign_ended');
  }
  return getCampaign(tx, actor.tenantId, id);
}

export async function getCampaign(db: Conn, tenantId: string, id: string) {
  const row = await db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  if (!row) throw campaignError('campaign_not_found');
  return present(row);
}

export async function listCampaigns(db: Conn, tenantId: string) {
  const rows = await db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').execute();
  return rows.map(present);
}

function present(r: { id: string; name: string; b_node_id: string | null; funded_by: FundedBy; discount_per_order: string | number; min_order_total: string | number; budget: string | number; spent?: string | number; starts_at: Date; ends_at: Date; status: CampaignStatus; verdict: StoredVerdict; guard: unknown; override_reason: string | null }) {
  return {
    id: r.id, name: r.name, b_node_id: r.b_node_id, funded_by: r.funded_by,
    discount_per_order: fen(r.discount_per_order), min_order_total: fen(r.min_order_total), budget: fen(r.budget), spent: fen(r.spent ?? 0),
    starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), status: r.status, verdict: r.verdict,
    guard: typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard, override_reason: r.override_reason,
  };
}
