import type { RouteModule } from '../../platform/http/server.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { getBNode } from '../b-nodes/b-nodes.service.js';
import { visibleOrder } from '../orders/orders.service.js';
import { breakeven } from './economics.breakeven.js';
import { check } from './economics.guard.js';
import { parsePlan, parsePlans } from './economics.plan.js';
import { simulate } from './economics.simulate.js';
import { economicsFailureToAppError, economicsHttpError } from './economics.http-errors.js';
import { createPolicy, planCosts, settingsOf, updatePolicy } from './economics-guard.service.js';
import { orderWaterfallOf, pnl } from './order-economics.service.js';
import { assignPolicyBody, breakevenBody, nodeBreakevenQuery, planBody, pnlQuery, policyBody, settingsBody, simulateQuery } from './economics.schema.js';

const tags = ['economics'];

/** Parsing errors of plans surface as 400 with every bad field listed. */
function plans<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw economicsFailureToAppError(err);
  }
}

export const economicsRoutes: RouteModule = (app, { db }) => {
  app.post('/economics/check', { schema: { tags, body: planBody } }, async (req) => {
    requireActor(req, [...STAFF_ROLES, 'supplier_operator']);
    const result = plans(() => check(parsePlan(req.body)));
    return { verdict: result.verdict, rules: result.rules, waterfall: result.waterfall };
  });

  app.post('/economics/simulate', { schema: { tags, body: planBody, querystring: simulateQuery } }, async (req) => {
    requireActor(req, [...STAFF_ROLES, 'supplier_operator']);
    // Over HTTP a run is capped at 200,000 participants; the CLI has no cap.
    const participants = req.query.participants ?? 200_000;
    return plans(() => simulate(parsePlans(req.body).map((p) => ({ ...p, simulation: { ...p.simulation, population: Math.min(p.simulation.population, participants) } })), { days: req.query.days, seed: req.query.seed }));
  });

  app.post('/economics/breakeven', { schema: { tags, body: breakevenBody } }, async (req) => {
    requireActor(req, [...STAFF_ROLES, 'supplier_operator']);
    return plans(() => breakeven(parsePlan(req.body.plan), req.body.fixed_cost_per_day === undefined ? {} : { fixedCostPerDay: req.body.fixed_cost_per_day }));
  });

  // A B node's break-even from its own recent orders: their average waterfall, not assumptions.
  app.get('/economics/b-nodes/:id/breakeven', { schema: { tags, params: idParams, querystring: nodeBreakevenQuery } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    const node = await getBNode(db, actor, req.params.id);
    const from = new Date(Date.now() - req.query.days * 86_400_000).toISOString().slice(0, 10);
    const [row] = await pnl(db, actor.tenantId, 'b_node', { from, bNodeId: node.id });
    const settings = await settingsOf(db, actor.tenantId);
    const policy = node.commission_policy_id
      ? await db.selectFrom('commission_policies').select(['leader_bps', 'levels_bps']).where('tenant_id', '=', actor.tenantId).where('id', '=', node.commission_policy_id).executeTakeFirst()
      : undefined;
    const orders = row?.orders ?? 0;
    const avg = (v: number) => (orders ? Math.round(v / orders) : 0);
    const plan = parsePlan({
      name: node.name,
      product: { price: Math.max(1, avg(row?.paid ?? 0)), cogs: avg(row?.supply_cost ?? 0) },
      costs: planCosts(settings),
      incentives: { commission_levels_bps: policy?.levels_bps ?? [], leader_bps: policy?.leader_bps ?? 0 },
    });
    return { b_node_id: node.id, window_days: req.query.days, orders, actual_orders_per_day: Math.round((orders / req.query.days) * 100) / 100, actual: row ?? null, ...breakeven(plan, { fixedCostPerDay: req.query.fixed_cost_per_day }) };
  });

  app.get('/economics/pnl', { schema: { tags, querystring: pnlQuery } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    const bNodeId = actor.role === 'b_owner' || actor.role === 'staff' ? actor.bNodeId : undefined;
    return { by: req.query.by, rows: await pnl(db, actor.tenantId, req.query.by, { from: req.query.from, to: req.query.to, bNodeId }) };
  });

  app.get('/orders/:id/waterfall', { schema: { tags, params: idParams } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    await visibleOrder(db, actor, req.params.id);
    return (await orderWaterfallOf(db, actor.tenantId, req.params.id)) ?? { order_id: req.params.id, computed: false };
  });

  app.get('/economics/policies', { schema: { tags } }, async (req) => {
    const actor = requireActor(req, STAFF_ROLES);
    return { items: await db.selectFrom('commission_policies').selectAll().where('tenant_id', '=', actor.tenantId).orderBy('created_at').execute() };
  });
  app.post('/economics/policies', { schema: { tags, body: policyBody } }, async (req, reply) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return reply.status(201).send(await db.transaction().execute((tx) => plans(() => createPolicy(tx, actor, req.body))));
  });
  app.put('/economics/policies/:id', { schema: { tags, params: idParams, body: policyBody } }, async (req) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return db.transaction().execute((tx) => updatePolicy(tx, actor, req.params.id, req.body));
  });
  app.put('/b-nodes/:id/commission-policy', { schema: { tags, params: idParams, body: assignPolicyBody } }, async (req) => {
    const actor = requireActor(req, ADMIN_ROLES);
    await getBNode(db, actor, req.params.id);
    if (req.body.policy_id) {
      const exists = await db.selectFrom('commission_policies').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', req.body.policy_id).executeTakeFirst();
      if (!exists) throw economicsHttpError('policy_not_found');
    }
    await db.updateTable('b_nodes').set({ commission_policy_id: req.body.policy_id }).where('tenant_id', '=', actor.tenantId).where('id', '=', req.params.id).execute();
    return { b_node_id: req.params.id, policy_id: req.body.policy_id };
  });

  app.get('/economics/settings', { schema: { tags } }, async (req) => settingsOf(db, requireActor(req, STAFF_ROLES).tenantId));
  app.put('/economics/settings', { schema: { tags, body: settingsBody } }, async (req) => {
    const actor = requireActor(req, ADMIN_ROLES);
    await db.insertInto('economics_settings').values({ tenant_id: actor.tenantId, ...req.body })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...req.body, updated_at: new Date() })).execute();
    return settingsOf(db, actor.tenantId);
  });
};

