import { sql } from 'kysely';
import type { Conn, Tx } from '../../database.js';
import { nodeScopeOf, seesNode, type Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Fen } from '../../platform/money.js';
import { platformError } from '../../platform/errors.js';
import { getBNode } from '../b-nodes/b-nodes.service.js';
import { guardChange, richestLeaderBps, settingsOf, summary, typicalOrder, type Override } from '../economics/economics-guard.service.js';
import type { PlanInput } from '../economics/engine/plan.js';
import { planCosts } from '../economics/engine/settings.js';
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
  const leaderBps = await richestLeaderBps(db, tenantId, t.b_node_id);
  const price = Math.max(typical.price, t.min_order_total);
  const cogs = Math.min(price, Math.round((typical.cogs * price) / typical.price));
  return {
    name: t.name,
    product: { price, cogs },
    costs: planCosts(settings),
    incentives: { commission_levels_bps: [], leader_bps: leaderBps, coupon_subsidy: Math.min(t.discount_per_order, price) },
    subsidy: { budget: t.budget, ends_at: t.ends_at.toISOString() },
  };
}

export async function createCampaign(tx: Tx, clock: Clock, actor: Actor, input: CreateCampaignInput) {
  if (input.b_node_id) {
    await getBNode(tx, actor, input.b_node_id);
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
    discount_per_order: input.discount_per_order ?? current.discount_per_order, min_order_total: input.min_order_total ?? current.min_order_total,
    budget: input.budget ?? current.budget, ends_at: input.ends_at ? new Date(input.ends_at) : current.ends_at,
  };
  if (terms.min_order_total <= terms.discount_per_order) throw platformError('validation_failed', { errors: [{ path: 'body.min_order_total', message: 'must exceed discount_per_order' }] });
  if (terms.budget < current.spent) throw campaignError('budget_below_spent', { spent: current.spent });
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

/** A campaign as the actor may read it: a node role sees the tenant's campaigns and its own node's, another node's is not found. */
export async function visibleCampaign(db: Conn, actor: Actor, id: string) {
  const campaign = await getCampaign(db, actor.tenantId, id);
  if (campaign.b_node_id !== null && !seesNode(actor, campaign.b_node_id)) throw campaignError('campaign_not_found');
  return campaign;
}

/** The campaigns the actor sees, newest first: a node role gets the tenant-wide ones and its own node's. */
export async function listCampaigns(db: Conn, actor: Actor) {
  const scope = nodeScopeOf(actor);
  let q = db.selectFrom('campaigns').selectAll().where('tenant_id', '=', actor.tenantId);
  if (scope !== undefined) q = q.where((eb) => eb.or([eb('b_node_id', 'is', null), eb('b_node_id', '=', scope)]));
  const rows = await q.orderBy('created_at', 'desc').execute();
  return rows.map(present);
}

/**
 * Gives unpaid orders' subsidies back to their campaigns' budgets, in one statement. Called only
 * on an order's one conditional transition to expired or cancelled, so each gives back once.
 */
export async function releaseSubsidies(db: Conn, tenantId: string, orders: { campaign_id: string | null; discount: number }[]): Promise<void> {
  const subsidized = orders.filter((o) => o.campaign_id !== null);
  if (subsidized.length === 0) return;
  await sql`
    UPDATE campaigns c SET spent = c.spent - x.discount
      FROM (SELECT campaign_id, sum(discount) AS discount
              FROM unnest(${subsidized.map((o) => o.campaign_id)}::text[], ${subsidized.map((o) => o.discount)}::bigint[]) AS o(campaign_id, discount)
             GROUP BY 1) x
     WHERE c.tenant_id = ${tenantId} AND c.id = x.campaign_id`.execute(db);
}

/** Takes an order's subsidy from its campaign again (a late payment reviving it); false when the budget is gone. */
export async function retakeSubsidy(db: Conn, tenantId: string, campaignId: string, discount: number): Promise<boolean> {
  const { rows } = await sql`
    UPDATE campaigns SET spent = spent + ${discount}
     WHERE tenant_id = ${tenantId} AND id = ${campaignId} AND spent + ${discount} <= budget
    RETURNING id`.execute(db);
  return rows.length === 1;
}

function present(r: { id: string; name: string; b_node_id: string | null; funded_by: FundedBy; discount_per_order: Fen; min_order_total: Fen; budget: Fen; spent?: Fen; starts_at: Date; ends_at: Date; status: CampaignStatus; verdict: StoredVerdict; guard: unknown; override_reason: string | null }) {
  return {
    id: r.id, name: r.name, b_node_id: r.b_node_id, funded_by: r.funded_by,
    discount_per_order: r.discount_per_order, min_order_total: r.min_order_total, budget: r.budget, spent: r.spent ?? 0,
    starts_at: r.starts_at.toISOString(), ends_at: r.ends_at.toISOString(), status: r.status, verdict: r.verdict,
    guard: typeof r.guard === 'string' ? JSON.parse(r.guard) : r.guard, override_reason: r.override_reason,
  };
}

/** The subsidies running now in a shop (its own and the tenant's) with budget left for one more order: what the shop advertises. */
export async function runningSubsidies(db: Conn, tenantId: string, bNodeId: string, now: Date) {
  const rows = await db.selectFrom('campaigns').select(['id', 'name', 'discount_per_order', 'min_order_total', 'ends_at'])
    .where('tenant_id', '=', tenantId).where('status', '=', 'active').where('starts_at', '<=', now).where('ends_at', '>', now)
    .where((eb) => eb.or([eb('b_node_id', 'is', null), eb('b_node_id', '=', bNodeId)]))
    .where(sql<boolean>`spent + discount_per_order <= budget`)
    .orderBy('discount_per_order', 'desc').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, discount_per_order: r.discount_per_order, min_order_total: r.min_order_total, ends_at: r.ends_at.toISOString() }));
}
