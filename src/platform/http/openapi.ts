import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
// Registers the Problem schema, which every error response below refers to.
import './problem.js';


const TAGS = [
  { name: 'auth', description: 'Sign-in, tokens, users and tenant settings' },
  { name: 'catalog', description: 'Suppliers, products and SKUs' },
  { name: 'inventory', description: 'Warehouses and stock' },
  { name: 'b-nodes', description: 'Stores and community leaders, their listings and commission policy' },
  { name: 'shop', description: 'The public shop of a B node (no token needed)' },
  { name: 'orders', description: 'Checkout, order states, pickup and refunds' },
  { name: 'payments', description: 'Payments and signed provider notifications' },
  { name: 'sandbox', description: 'The sandbox payment provider\'s cashier (sandbox mode only)' },
  { name: 'after-sales', description: 'Refund requests, their decisions, refunds that failed, the tenant\'s after-sales rules' },
  { name: 'campaigns', description: 'Subsidy campaigns: a discount per order from a budget' },
  { name: 'economics', description: 'Economics guard, simulator, break-even and P&L' },
  { name: 'messaging', description: 'Text messages to customers: the SMS provider per tenant and the message outbox' },
  { name: 'meta', description: 'What this server is: its mode (sandbox or live)' },
  { name: 'jobs', description: 'The background job queue: failed and parked jobs, retried on demand' },
  { name: 'profit-sharing', description: 'WeChat Pay profit sharing: B-node receivers, commission splits, unfreezing, returns after refunds' },
  { name: 'reconciliation', description: 'Daily reconciliation of payments and refunds against the provider\'s bills' },
  { name: 'wechat', description: 'WeChat sign-in for buyers (official account, mini-program) and the tenant\'s WeChat apps' },
  { name: 'wecom', description: 'The tenant\'s WeCom (企业微信) corp: settings, callback URL and the events received' },
  { name: 'subscribe-messages', description: 'WeChat subscribe messages on order events: templates, buyers\' one-time opt-ins, what was sent' },
  { name: 'sharing', description: 'Share codes (short links, QR codes, posters, mini-program codes), visits and attribution of orders to sharers' },
];

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };
const PROBLEM_TEXT: Record<string, string> = {
  400: 'Invalid request (`validation_failed`, `malformed_json`, …)',
  401: 'Missing or invalid token (`unauthenticated`)',
  403: 'The role may not do this (`forbidden`)',
  404: 'Not found, or not visible to this actor',
  429: 'Too many requests (`rate_limited`)',
  default: 'Any other problem (409 conflicts, 422 refusals, 5xx)',
};
const problemResponse = (status: string) => ({
  description: PROBLEM_TEXT[status] ?? 'Problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type Transformed = { schema: Record<string, unknown>; url: string };

/**
 * Zod to JSON Schema (fastify-type-provider-zod), then the parts every route shares: a
 * description for each success, and the problem+json answers a route can give, all pointing
 * at the one Problem schema. Routes declare only their success responses.
 */
function transform(input: TransformInput): Transformed {
  const result = jsonSchemaTransform(input) as Transformed;
  const schema = result.schema;
  if (!schema || schema.hide) return result;
  const source = (input.schema ?? {}) as Record<string, unknown>;
  const response: Record<string, Record<string, unknown>> = { ...(schema.response as Record<string, Record<string, unknown>> | undefined) };
  for (const [status, body] of Object.entries(response)) {
    if (Number(status) < 400 && !body.description) response[status] = { ...body, 'x-response-description': STATUS_TEXT[status] ?? 'Success' };
  }
  const secured = !(Array.isArray(source.security) && source.security.length === 0);
  const problems = [
    ...(source.body || source.querystring || source.params ? ['400'] : []),
    ...(secured ? ['401', '403'] : []),
    ...(source.params ? ['404'] : []),
    'default',
  ];
  // A public route that reads no input (GET /meta) can still be refused for its rate.
  if (!problems.some((s) => s.startsWith('4'))) problems.unshift('429');
  for (const status of problems) response[status] ??= problemResponse(status);
  return { ...result, schema: { ...schema, response } };
}

/** Registered schemas (`.meta({ id })`) become components; only those the document uses are kept. */
function transformObject(input: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const document = jsonSchemaTransformObject(input) as { components?: { schemas?: Record<string, unknown> } } & Record<string, unknown>;
  const all = document.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (node: unknown) => {
    const text = JSON.stringify(node);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !used.has(name) && all[name]) { used.add(name); visit(all[name]); }
    }
  };
  visit({ ...document, components: { ...document.components, schemas: {} } });
  const schemas = Object.fromEntries(Object.entries(all).filter(([name]) => used.has(name)).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, components: { ...document.components, schemas } };
}

export const openApiOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Siyu API',
      version: '1',
      description: 'Private-domain retail platform: catalog, B nodes, shops, orders, payments. Amounts are integer fen, rates basis points; every error is application/problem+json with a stable `code` (docs/api.md).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The Siyu server that serves this document' }],
    tags: TAGS,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  },
  transform: transform as FastifyDynamicSwaggerOptions['transform'],
  transformObject: transformObject as FastifyDynamicSwaggerOptions['transformObject'],
};
