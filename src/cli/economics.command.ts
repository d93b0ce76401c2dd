/**
 * `siyu economics check | simulate | breakeven FILE.json`.
 * Exit codes: 0 accept or warn, 2 reject, 1 the file or an option is invalid.
 * With --json stdout carries exactly one JSON object; everything else goes to stderr.
 */
import { readFile, writeFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { breakeven, type BreakevenResult } from '../modules/economics/engine/breakeven.js';
import { EconomicsError, EconomicsFailure } from '../modules/economics/engine/errors.js';
import { check, type GuardResult } from '../modules/economics/engine/guard.js';
import { pctBps, ruleTitles, statusLabels, verdictLabels, yuan, type Lang } from '../modules/economics/engine/messages.js';
import { parsePlans, type Plan } from '../modules/economics/engine/plan.js';
import { renderReport, summaryRows } from '../modules/economics/engine/report.js';
import { simulate, type SchemeResult } from '../modules/economics/engine/simulate.js';
import type { Verdict } from '../modules/economics/engine/verdict.js';

const EXIT_INVALID = 1;
const EXIT_REJECT = 2;

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

async function loadPlans(file: string): Promise<Plan[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new EconomicsFailure(EconomicsError.FileUnreadable, [
      { path: file, message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  return parsePlans(text);
}

/** Runs a command body; a bad file or plan is reported plainly with exit code 1. */
async function guarded(lang: Lang, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (!(e instanceof EconomicsFailure)) throw e;
    err(e.describe(lang));
    process.exitCode = EXIT_INVALID;
  }
}

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - displayWidth(s)));
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => displayWidth(r[c] ?? '')))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : pad(cell, widths[c] ?? 0))).join('  ')).join('\n');
}

function guardJson(result: GuardResult, lang: Lang) {
  return {
    verdict: result.verdict,
    rules: result.rules.map((r) => ({
      id: r.id, status: r.status, message: r.message[lang],
      overridable: r.overridable, overridden: r.overridden, numbers: r.numbers,
    })),
    waterfall: result.waterfall,
    ...(result.ignored_overrides.length > 0 ? { ignored_overrides: result.ignored_overrides } : {}),
  };
}

const WATERFALL_LINES: [keyof GuardResult['waterfall'], string][] = [
  ['list_price', '标价 list price'], ['coupon', '优惠 coupon/subsidy'], ['paid', '实付 paid'],
  ['refunds', '预计退款 expected refunds'], ['net_sales', '净销售 net sales'],
  ['supply_cost', '供货成本 supply cost'], ['payment_fee', '支付手续费 payment fee'],
  ['platform_take', '平台抽成 platform take'], ['fulfillment', '履约 fulfilment'],
  ['delivery', '配送 delivery'], ['spoilage', '损耗 spoilage'], ['reserve', '准备金 reserve'],
  ['leader', '团长佣金 leader'], ['contribution_margin', '边际贡献 contribution margin'],
];

function guardText(plan: Plan, result: GuardResult, lang: Lang): string {
  const w = result.waterfall;
  const rules = table([
    ['ID', 'rule', 'status', 'override', 'message'],
    ...result.rules.map((r) => [
      r.id, ruleTitles[r.id][lang], statusLabels[r.status][lang] + (r.overridden ? ' (overridden)' : ''),
      r.overridable ? 'yes' : 'no', r.message[lang],
    ]),
  ]);
  const lines = WATERFALL_LINES.flatMap(([key, label]) => {
    const row = [label, yuan(w[key] as number)];
    return key === 'leader' ? [...w.commissions.map((c, i) => [`佣金 commission L${i + 1}`, yuan(c)]), row] : [row];
  });
  const recruit = w.per_recruit.entry_fee + w.per_recruit.recruit_reward > 0
    ? [['每位新人 per recruit: entry fee / reward', `${yuan(w.per_recruit.entry_fee)} / ${yuan(w.per_recruit.recruit_reward)}`]]
    : [];
  return [
    `${plan.name}: ${verdictLabels[result.verdict][lang]}`,
    '',
    rules,
    '',
    table([...lines, ...recruit]),
    ...(result.ignored_overrides.length > 0 ? ['', `ignored overrides (not overridable): ${result.ignored_overrides.join(', ')}`] : []),
  ].join('\n');
}

const WORST: Record<Verdict, number> = { accept: 0, warn: 1, reject: 2 };

async function runCheck(file: string, opts: { json?: boolean; lang: Lang }): Promise<void> {
  const plans = await loadPlans(file);
  const results = plans.map((plan) => check(plan));
  const verdict = results.reduce<Verdict>((v, r) => (WORST[r.verdict] > WORST[v] ? r.verdict : v), 'accept');
  if (opts.json) {
    const one = results[0];
    out(JSON.stringify(results.length === 1 && one ? guardJson(one, opts.lang)
      : { verdict, schemes: results.map((r, i) => ({ name: plans[i]?.name, ...guardJson(r, opts.lang) })) }));
  } else {
    out(results.map((r, i) => guardText(plans[i] as Plan, r, opts.lang)).join('\n\n'));
  }
  process.exitCode = verdict === 'reject' ? EXIT_REJECT : 0;
}

function summaryOf(s: SchemeResult) {
  const { series: _series, income_histogram: _histogram, ...summary } = s;
  return summary;
}

async function runSimulate(
  file: string,
  opts: { days: number; seed: number; participants?: number; out?: string; json?: boolean },
): Promise<void> {
  const plans = await loadPlans(file);
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  const result = simulate(plans, {
    days: opts.days,
    seed: opts.seed,
    ...(opts.participants !== undefined ? { participants: opts.participants } : {}),
    onProgress: ({ fraction }) => {
      // Only long runs get a bar, and only on a terminal.
      if (bar === null && process.stderr.isTTY && Date.now() - started > 300) {
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'simulate [{bar}] {percentage}%' }, cliProgress.Presets.shades_classic);
        bar.start(100, 0);
      }
      bar?.update(Math.round(fraction * 100));
    },
  });
  (bar as cliProgress.SingleBar | null)?.stop();
  if (opts.out) {
    await writeFile(opts.out, renderReport(result));
    err(`report written to ${opts.out}`);
  }
  if (opts.json) {
    const only = result.schemes.length === 1 ? result.schemes[0] : undefined;
    out(JSON.stringify(only ? { ...summaryOf(only), days: result.days, seed: result.seed, schemes: result.schemes } : result));
    return;
  }
  out(table([
    ['', ...result.schemes.map((s) => s.name)],
    ...summaryRows.map(([label, f]) => [label, ...result.schemes.map(f)]),
  ]));
  for (const s of result.schemes) for (const note of s.notes) err(`${s.name}: ${note}`);
}

function breakevenText(r: BreakevenResult): string {
  const q = (n: number | null) => (n === null ? 'never (CM ≤ 0)' : String(n));
  return [
    `${r.name}: CM ${yuan(r.contribution_margin)} per order, fixed ${yuan(r.fixed_cost_per_day)} a day → break-even ${q(r.orders_per_day)} orders a day`,
    '',
    table([['leader', 'CM/order', 'orders/day'], ...r.leader_sweep.map((x) => [pctBps(x.leader_bps), yuan(x.contribution_margin), q(x.orders_per_day)])]),
    '',
    table([
      ['subsidy', 'coupon', 'CM/order', 'orders/day', 'day result', 'runway days'],
      ...r.subsidy_sweep.map((x) => [
        pctBps(x.subsidy_bps), yuan(x.coupon), yuan(x.contribution_margin), q(x.orders_per_day),
        x.daily_result === null ? '—' : yuan(x.daily_result), x.runway_days === null ? '—' : String(x.runway_days),
      ]),
    ]),
  ].join('\n');
}

async function runBreakeven(file: string, opts: { fixedCostPerDay?: number; json?: boolean }): Promise<void> {
  const plans = await loadPlans(file);
  const results = plans.map((p) => breakeven(p, opts.fixedCostPerDay === undefined ? {} : { fixedCostPerDay: opts.fixedCostPerDay }));
  if (opts.json) out(JSON.stringify(results.length === 1 ? results[0] : { schemes: results }));
  else out(results.map(breakevenText).join('\n\n'));
}

export function registerEconomicsCommands(program: Command): void {
  const economics = program
    .command('economics')
    .description('check, simulate and size incentive plans (amounts in fen, rates in bps)');

  economics
    .command('check')
    .description('run the policy guard G1–G13 on a plan; exit 2 when rejected')
    .argument('<file>', 'plan JSON, or { "schemes": [...] }')
    .option('--json', 'print one JSON object')
    .addOption(new Option('--lang <lang>', 'message language').choices(['en', 'zh']).default('en'))
    .action((file: string, opts: { json?: boolean; lang: Lang }) => guarded(opts.lang, () => runCheck(file, opts)));

  economics
    .command('simulate')
    .description('simulate growth, payoffs and cash of one or more schemes')
    .argument('<file>', 'plan JSON, or { "schemes": [...] } to compare')
    .option('--days <n>', 'days to simulate', intOption(1, 3_650), 365)
    .option('--seed <n>', 'random seed', intOption(-(2 ** 52), 2 ** 52), 1)
    .option('--participants <n>', 'population M for every scheme', intOption(1, 100_000_000))
    .option('--out <file>', 'write a self-contained HTML report')
    .option('--json', 'print one JSON object')
    .action((file: string, opts: { days: number; seed: number; participants?: number; out?: string; json?: boolean }) =>
      guarded('en', () => runSimulate(file, opts)));

  economics
    .command('breakeven')
    .description('orders a day a site needs, with leader-commission and subsidy sweeps')
    .argument('<file>', 'plan JSON, or { "schemes": [...] }')
    .option('--fixed-cost-per-day <fen>', 'fixed cost of the site per day, fen', intOption(0, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print one JSON object')
    .action((file: string, opts: { fixedCostPerDay?: number; json?: boolean }) => guarded('en', () => runBreakeven(file, opts)));
}
