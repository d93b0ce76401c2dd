import type { RouteModule } from '../../platform/http/server.js';
import type { Database } from '../../database.js';
import { nodeScopeOf, requirePermission } from '../../platform/http/auth.js';
import { idParams } from '../catalog/catalog.schema.js';
import { visibleOrder } from '../orders/orders.service.js';
import { breakeven } from './engine/breakeven.js';
import { check } from './engine/guard.js';
import { parsePlan, parsePlans } from './engine/plan.js';
import { createPolicy, listPolicies, settingsOf, updatePolicy, updateSettings } from './economics-guard.service.js';
import { nodeBreakeven } from './node-breakeven.service.js';
import { SIMULATION_MAX_PARTICIPANTS, SIMULATION_WORK_BOUND, createSimulator } from './simulation.service.js';
import { inTransaction } from '../../platform/db/database.js';
import { orderWaterfallOf, pnl } from './order-economics.service.js';
import { itemsOf } from '../../platform/http/schemas.js';
import {
  breakevenBody, breakevenSchema, checkResultSchema, nodeBreakevenQuery, nodeBreakevenSchema, orderWaterfallSchema, planBody, pnlQuery, pnlSchema, policyBody,
  policySchema, settingsBody, settingsSchema, simulateQuery, simulationSchema,
} from './economics.schema.js';

const tags = ['economics'];

export const economicsRoutes: RouteModule<Database> = (app, { db, clock }) => {
  const simulator = createSimulator();
  app.addHook('onClose', () => simulator.close());

  app.post('/economics/check', { schema: { tags, operationId: 'checkPlan', summary: 'Check an incentive plan against the guard rules', body: planBody, response: { 200: checkResultSchema } } }, async (req) => {
    requirePermission(req, 'economics.check');
    const result = check(parsePlan(req.body));
    return { verdict: result.verdict, rules: result.rules, waterfall: result.waterfall };
  });

  app.post('/economics/simulate', { schema: { tags, operationId: 'simulatePlans', summary: 'Simulate growth and payoffs of one or several schemes', description: `Tenant admins and platform operators only. Runs in a worker thread, so other requests keep being answered. Refused with 422 \`simulation_too_large\` when the sum over schemes of (participants + days) × days exceeds ${SIMULATION_WORK_BOUND.toLocaleString('en')}, and with 503 \`server_busy\` while the simulation threads and their queue are full.`, body: planBody, querystring: simulateQuery, response: { 200: simulationSchema } } }, async (req) => {
    requirePermission(req, 'economics.simulate');
    // Over HTTP a run is capped in participants and in total work (simulation.service.ts); the CLI has no cap.
    const participants = req.query.participants ?? SIMULATION_MAX_PARTICIPANTS;
    const plans = parsePlans(req.body).map((p) => ({ ...p, simulation: { ...p.simulation, population: Math.min(p.simulation.population, participants) } }));
    return simulator.run(plans, { days: req.query.days, seed: req.query.seed });
  });

  app.post('/economics/breakeven', { schema: { tags, operationId: 'planBreakeven', summary: 'Break-even of a plan, with leader-rate and subsidy sweeps', body: breakevenBody, response: { 200: breakevenSchema } } }, async (req) => {
    requirePermission(req, 'economics.check');
    return breakeven(parsePlan(req.body.plan), req.body.fixed_cost_per_day === undefined ? {} : { fixedCostPerDay: req.body.fixed_cost_per_day });
  });

  app.get('/economics/b-nodes/:id/breakeven', { schema: { tags, operationId: 'bNodeBreakeven', summary: 'A B node\'s break-even from its own recent orders', params: idParams, querystring: nodeBreakevenQuery, response: { 200: nodeBreakevenSchema } } }, async (req) =>
    nodeBreakeven(db, clock, requirePermission(req, 'economics.read'), req.params.id, { fixedCostPerDay: req.query.fixed_cost_per_day, days: req.query.days }));

  app.get('/economics/pnl', { schema: { tags, operationId: 'getPnl', summary: 'P&L by SKU, B node, supplier, policy, campaign or day', querystring: pnlQuery, response: { 200: pnlSchema } } }, async (req) => {
    const actor = requirePermission(req, 'economics.read');
    const bNodeId = nodeScopeOf(actor);
    return { by: req.query.by, rows: await pnl(db, actor.tenantId, req.query.by, { from: req.query.from, to: req.query.to, bNodeId }) };
  });

  app.get('/orders/:id/waterfall', { schema: { tags, operationId: 'getOrderWaterfall', summary: 'An order\'s stored money waterfall, per line', params: idParams, response: { 200: orderWaterfallSchema } } }, async (req) => {
    const actor = requirePermission(req, 'economics.read');
    await visibleOrder(db, actor, req.params.id);
    return (await orderWaterfallOf(db, actor.tenantId, req.params.id)) ?? { order_id: req.params.id, computed: false as const };
  });

  app.get('/economics/policies', { schema: { tags, operationId: 'listPolicies', summary: 'List commission policies', response: { 200: itemsOf(policySchema) } } }, async (req) => {
    const actor = requirePermission(req, 'policies.read');
    return { items: await listPolicies(db, actor.tenantId) };
  });
  app.post('/economics/policies', { schema: { tags, operationId: 'createPolicy', summary: 'Create a commission policy, checked by the economics guard', body: policyBody, response: { 201: policySchema } } }, async (req, reply) => {
    const actor = requirePermission(req, 'policies.write');
    return reply.status(201).send(await inTransaction(db, (tx) => createPolicy(tx, actor, req.body)));
  });
  app.put('/economics/policies/:id', { schema: { tags, operationId: 'updatePolicy', summary: 'Change a commission policy, checked by the economics guard', params: idParams, body: policyBody, response: { 200: policySchema } } }, async (req) => {
    const actor = requirePermission(req, 'policies.write');
    return inTransaction(db, (tx) => updatePolicy(tx, actor, req.params.id, req.body));
  });

  app.get('/economics/settings', { schema: { tags, operationId: 'getEconomicsSettings', summary: 'The tenant\'s cost assumptions', response: { 200: settingsSchema } } }, async (req) => settingsOf(db, requirePermission(req, 'economics.read').tenantId));
  app.put('/economics/settings', { schema: { tags, operationId: 'updateEconomicsSettings', summary: 'Change the tenant\'s cost assumptions', body: settingsBody, response: { 200: settingsSchema } } }, async (req) => {
    const actor = requirePermission(req, 'economics.settings.write');
    return updateSettings(db, actor.tenantId, req.body);
  });
};

