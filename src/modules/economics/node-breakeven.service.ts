import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { getBNode } from '../b-nodes/b-nodes.service.js';
import { breakeven } from './economics.breakeven.js';
import { parsePlan } from './economics.plan.js';
import { planCosts, settingsOf } from './economics-guard.service.js';
import { pnl } from './order-economics.service.js';

/** A B node's break-even from its own recent orders: their average waterfall, not assumptions. */
export async function nodeBreakeven(db: Conn, clock: Clock, actor: Actor, bNodeId: string, opts: { fixedCostPerDay: number; days: number }) {
  const node = await getBNode(db, actor, bNodeId);
  const from = new Date(clock.now().getTime() - opts.days * 86_400_000).toISOString().slice(0, 10);
  const [[row], settings, policy] = await Promise.all([
    pnl(db, actor.tenantId, 'b_node', { from, bNodeId: node.id }),
    settingsOf(db, actor.tenantId),
    node.commission_policy_id
      ? db.selectFrom('commission_policies').select(['leader_bps', 'levels_bps']).where('tenant_id', '=', actor.tenantId).where('id', '=', node.commission_policy_id).executeTakeFirst()
      : undefined,
  ]);
  const orders = row?.orders ?? 0;
  const avg = (v: number) => (orders ? Math.round(v / orders) : 0);
  const plan = parsePlan({
    name: node.name,
    product: { price: Math.max(1, avg(row?.paid ?? 0)), cogs: avg(row?.supply_cost ?? 0) },
    costs: planCosts(settings),
    incentives: { commission_levels_bps: policy?.levels_bps ?? [], leader_bps: policy?.leader_bps ?? 0 },
  });
  return {
    b_node_id: node.id, window_days: opts.days, orders, actual_orders_per_day: Math.round((orders / opts.days) * 100) / 100, actual: row ?? null,
    ...breakeven(plan, { fixedCostPerDay: opts.fixedCostPerDay }),
  };
}
