import type { Conn } from '../../database.js';
import type { Actor } from '../../platform/http/auth.js';
import type { Clock } from '../../platform/clock.js';
import { getBNode } from '../b-nodes/b-nodes.service.js';
import { tenantSettings } from '../identity/identity.service.js';
import { breakeven } from './engine/breakeven.js';
import { parsePlan } from './engine/plan.js';
import { planCosts } from './engine/settings.js';
import { settingsOf } from './economics-guard.service.js';
import { pnl } from './order-economics.service.js';

/** The tenant's calendar date `clock` shows, as YYYY-MM-DD (en-CA writes dates that way). */
export function tenantToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The date `days` calendar days before `date` (YYYY-MM-DD), by the calendar, not by 24-hour steps. */
export function daysBefore(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/**
 * The last `days` business days, today included, in the tenant's time zone: the P&L's own
 * definition of a period (its days are the tenant's days), so the break-even of a node and the
 * P&L table over the same dates count the same orders and the same margin.
 */
export function lastDays(now: Date, timeZone: string, days: number): { from: string; to: string } {
  const to = tenantToday(now, timeZone);
  return { from: daysBefore(to, days - 1), to };
}

/**
 * A B node's break-even from its own orders over the last `days` days: the margin per order is the
 * P&L's (its stored waterfalls, refunds and coupons included), the sweeps move it by what the plan
 * says each change is worth, and the coupon rows' daily result is taken at the node's real volume.
 */
export async function nodeBreakeven(db: Conn, clock: Clock, actor: Actor, bNodeId: string, opts: { fixedCostPerDay: number; days: number }) {
  const node = await getBNode(db, actor, bNodeId);
  const tenant = await tenantSettings(db, actor.tenantId);
  const period = lastDays(clock.now(), tenant.time_zone, opts.days);
  const [[row], settings, policy] = await Promise.all([
    pnl(db, actor.tenantId, 'b_node', { ...period, bNodeId: node.id }),
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
  const actualPerDay = orders / opts.days;
  return {
    b_node_id: node.id, window_days: opts.days, ...period, orders, actual_orders_per_day: Math.round(actualPerDay * 100) / 100, actual: row ?? null,
    ...breakeven(plan, {
      fixedCostPerDay: opts.fixedCostPerDay,
      ...(orders ? { observedMargin: avg(row!.contribution_margin), actualOrdersPerDay: actualPerDay } : {}),
    }),
  };
}
