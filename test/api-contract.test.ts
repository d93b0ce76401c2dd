import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/cli/openapi.command.js';
import { API_TYPES_FILE, apiTypes } from '../scripts/api-types.js';

type Operation = { operationId?: string; summary?: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const ROOT = path.resolve(import.meta.dirname, '..');

let document: Record<string, unknown>;
let operations: [string, Operation][];

beforeAll(async () => {
  document = await buildOpenApiDocument();
  operations = Object.entries(document.paths as Record<string, Record<string, Operation>>)
    .flatMap(([url, methods]) => Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${url}`, op] as [string, Operation]));
});

describe('the OpenAPI document', () => {
  it('documents every operation: a summary, an operationId, and a schema for each success', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const [name, op] of operations) {
      expect(op.summary, name).toBeTruthy();
      expect(op.operationId, name).toBeTruthy();
      const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(successes.length, name).toBeGreaterThan(0);
      for (const [status, response] of successes) {
        if (status !== '204') expect(response.content?.['application/json']?.schema, `${name} ${status}`).toBeDefined();
      }
    }
  });

  it('answers every error with the one Problem schema as application/problem+json', () => {
    for (const [name, op] of operations) {
      const problems = Object.entries(op.responses).filter(([status]) => status === 'default' || Number(status) >= 400);
      expect(problems.length, name).toBeGreaterThan(1);
      for (const [, response] of problems) {
        expect(response.content, name).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
      }
    }
    expect((document.components as { schemas: Record<string, unknown> }).schemas.Problem).toMatchObject({ required: expect.arrayContaining(['type', 'title', 'status', 'code']) });
  });

  it('passes redocly lint with the recommended rules: no errors, no warnings', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'siyu-openapi-'));
    const file = path.join(dir, 'openapi.json');
    await fs.writeFile(file, JSON.stringify(document));
    try {
      const { stdout } = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/redocly'), ['lint', file, '--format=json', '--config', path.join(ROOT, 'redocly.yaml')], {
        cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
      const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the web app\'s API types', () => {
  it('are what `npm run gen:api` generates from the routes today', async () => {
    const checkedIn = await fs.readFile(API_TYPES_FILE, 'utf8');
    expect(checkedIn === (await apiTypes(document)), 'web/src/api/schema.gen.ts is stale: run `npm run gen:api`').toBe(true);
  });
});
