import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSimulateBench, runSimulateBench } from '../../bench/simulate.bench.js';
import { registerEconomicsCommands } from './economics.command.js';

const examples = fileURLToPath(new URL('../../examples/economics/', import.meta.url));
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'economics-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  const program = new Command('siyu').exitOverride();
  registerEconomicsCommands(program);
  const bench = program.command('bench');
  registerSimulateBench(bench);
  await program.parseAsync(['node', 'siyu', ...args]);
  const code = Number(process.exitCode ?? 0);
  vi.restoreAllMocks();
  return { stdout, stderr, code };
}

describe('siyu economics check', () => {
  it('accepts the community leader plan and prints one JSON object', async () => {
    const r = await cli('economics', 'check', join(examples, 'community-leader.json'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { verdict: string; rules: { id: string; status: string; message: string }[]; waterfall: Record<string, unknown> };
    expect(out.verdict).toBe('accept');
    expect(out.rules.map((x) => x.id)).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8', 'G9', 'G10', 'G11', 'G12', 'G13']);
    expect(out.rules[0]?.message).toMatch(/^No entry fee/);
    expect(out.waterfall).toMatchObject({ paid: 2_500, contribution_margin: 208 });
  });

  it('warns on the two-level plan and exits 0', async () => {
    const r = await cli('economics', 'check', join(examples, 'two-level-distribution.json'), '--json');
    expect(JSON.parse(r.stdout).verdict).toBe('warn');
    expect(r.code).toBe(0);
  });

  it.each([
    ['three-level-distribution.json', ['G3']],
    ['gift-pack-entry-fee.json', ['G1', 'G2']],
    ['loss-leader-subsidy.json', ['G8']],
  ])('rejects %s on %j and exits 2', async (file, ids) => {
    const r = await cli('economics', 'check', join(examples, file), '--json');
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { verdict: string; rules: { id: string; status: string }[] };
    expect(out.verdict).toBe('reject');
    for (const id of ids) expect(out.rules.find((x) => x.id === id)?.status).toBe('fail');
  });

  it('prints a readable table, in Chinese with --lang zh', async () => {
    const r = await cli('economics', 'check', join(examples, 'gift-pack-entry-fee.json'), '--lang', 'zh');
    expect(r.stdout).toContain('拒绝');
    expect(r.stdout).toMatch(/G1\s+禁止入门费\s+不通过\s+no\s+入门费 ¥399\.00/);
    expect(r.stdout).toContain('边际贡献 contribution margin');
  });

  it('exits 1 with a clear message for a missing or invalid file', async () => {
    const missing = await cli('economics', 'check', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot be read');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ product: { price: -1 }, incentive: {} }));
    const invalid = await cli('economics', 'check', bad, '--json');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('product.price');
    expect(invalid.stderr).toContain('incentive');
  });
});

describe('siyu economics simulate', () => {
  it('prints the summary keys at the top level for one scheme', async () => {
    const r = await cli('economics', 'simulate', join(examples, 'community-leader.json'), '--days', '60', '--json');
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { schemes: unknown[] };
    for (const key of ['participants', 'share_losing_money', 'gini', 'break_even_day', 'bonus_period_end_day', 'gmv', 'platform_cash']) {
      expect(out).toHaveProperty(key);
    }
    expect(out.schemes).toHaveLength(1);
    expect(out.days).toBe(60);
  });

  it('compares schemes and writes the HTML report', async () => {
    const report = join(dir, 'report.html');
    const r = await cli('economics', 'simulate', join(examples, 'compare-schemes.json'), '--days', '30', '--seed', '3', '--participants', '20000', '--out', report, '--json');
    const out = JSON.parse(r.stdout) as { seed: number; schemes: { name: string; population: number }[] };
    expect(out.seed).toBe(3);
    expect(out.schemes).toHaveLength(3);
    expect(out.schemes.every((s) => s.population === 20_000)).toBe(true);
    const html = await readFile(report, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(r.stderr).toContain('report written');
  });
});

describe('siyu economics breakeven', () => {
  it('prints orders a day and the sweeps, honouring --fixed-cost-per-day', async () => {
    const r = await cli('economics', 'breakeven', join(examples, 'community-leader.json'), '--fixed-cost-per-day', '20800', '--json');
    const out = JSON.parse(r.stdout) as { orders_per_day: number; leader_sweep: unknown[]; subsidy_sweep: unknown[] };
    expect(out.orders_per_day).toBe(100);
    expect(out.leader_sweep).toHaveLength(7);
    expect(out.subsidy_sweep).toHaveLength(5);
    const text = await cli('economics', 'breakeven', join(examples, 'community-leader.json'));
    expect(text.stdout).toMatch(/break-even 97 orders a day/);
  });
});

describe('siyu bench simulate', () => {
  it('times a run and reports participants, seconds and RSS as one JSON line', async () => {
    const r = await cli('bench', 'simulate', '--participants', '20000', '--days', '60', '--json');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const figures = JSON.parse(lines[0] ?? '{}') as { participants: number; days: number; seconds: number; rss_mb: number };
    expect(figures).toMatchObject({ participants: 20_000, days: 60 });
    expect(figures.seconds).toBeGreaterThan(0);
    expect(figures.rss_mb).toBeGreaterThan(0);
  });

  it('returns the figures to a caller', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const figures = await runSimulateBench({ participants: 5_000, days: 90, json: false });
    expect(figures.participants).toBe(5_000);
  });
});
