import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { ADMIN_ROLES, STAFF_ROLES, requireActor } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { visibleOrder } from '../orders/orders.service.js';
import { breakeven } from './economics.breakeven.js';
import { check } from './economics.guard.js';
import { parsePlan, parsePlans } from './economics.plan.js';
import { simulate } from './economics.simulate.js';
import { economicsFailureToAppError } from './economics.http-errors.js';
import { createPolicy, listPolicies, settingsOf, updatePolicy, updateSettings } from './economics-guard.service.js';
import { nodeBreakeven } from './node-breakeven.service.js';
import { inTransaction } from '../../platform/db/database.js';
import { orderWaterfallOf, pnl } from './order-economics.service.js';
import { breakevenBody, nodeBreakevenQuery, planBody, pnlQuery, policyBody, settingsBody, simulateQuery } from './economics.schema.js';

const tags = ['economics'];

/** Parsing errors of plans surface as 400 with every bad field listed. */
function plans<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw economicsFailureToAppError(err);
  }
}

export const economicsRoutes: RouteModule<Database> = (app, { db, clock }) => {
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

  app.get('/economics/b-nodes/:id/breakeven', { schema: { tags, params: idParams, querystring: nodeBreakevenQuery } }, async (req) =>
    nodeBreakeven(db, clock, requireActor(req, STAFF_ROLES), req.params.id, { fixedCostPerDay: req.query.fixed_cost_per_day, days: req.query.days }));

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
    return { items: await listPolicies(db, actor.tenantId) };
  });
  app.post('/economics/policies', { schema: { tags, body: policyBody } }, async (req, reply) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return reply.status(201).send(await inTransaction(db, (tx) => createPolicy(tx, actor, req.body)));
  });
  app.put('/economics/policies/:id', { schema: { tags, params: idParams, body: policyBody } }, async (req) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return inTransaction(db, (tx) => updatePolicy(tx, actor, req.params.id, req.body));
  });

  app.get('/economics/settings', { schema: { tags } }, async (req) => settingsOf(db, requireActor(req, STAFF_ROLES).tenantId));
  app.put('/economics/settings', { schema: { tags, body: settingsBody } }, async (req) => {
    const actor = requireActor(req, ADMIN_ROLES);
    return updateSettings(db, actor.tenantId, req.body);
  });
};

