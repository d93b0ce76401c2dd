import type { Command } from 'commander';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../src/database.js';

/** A benchmark's printed figures: one JSON line with --json, else the readable lines. */
export function printFigures<F>(json: boolean, figures: F, lines: (f: F) => string[]): F {
  process.stdout.write(json ? `${JSON.stringify(figures)}\n` : [...lines(figures), ''].join('\n'));
  return figures;
}

/** Progress on stderr, silent with --json (stdout then holds only the figures). */
export const progress = (json: boolean) => (message: string) => { if (!json) process.stderr.write(`${message}\n`); };

/** This process's peak resident set so far, in MB. */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export interface CountOption { flags: string; description: string; parse: (value: string) => number; default: number }

/**
 * Registers `siyu bench <name>`: its count options (each a `--name <n>` whose value reaches `run`
 * under the option's camel-cased name, as commander gives it) and `--json`.
 */
export function registerBench<O extends Record<string, number>>(bench: Command, spec: {
  name: string; description: string; options: CountOption[]; run: (opts: O & { json: boolean }) => Promise<unknown>;
}): void {
  const command = bench.command(spec.name).description(spec.description);
  for (const o of spec.options) command.option(o.flags, o.description, o.parse, o.default);
  command.option('--json', 'print one JSON line').action(async (opts: O & { json?: boolean }) => {
    await spec.run({ ...opts, json: opts.json === true });
  });
}

class Rollback extends Error {}

/**
 * With SIYU_BENCH_EXPLAIN set, the plan of a benchmark's timed statement — run (EXPLAIN ANALYZE)
 * and rolled back, so the timed run that follows starts from the same data: where the time goes.
 * `prepare` writes whatever the statement needs first, in the same transaction.
 */
export async function explainRolledBack(db: Db, statement: RawBuilder<unknown>, prepare?: (tx: Db) => Promise<unknown>): Promise<void> {
  if (!process.env.SIYU_BENCH_EXPLAIN) return;
  await db.transaction().execute(async (tx) => {
    if (prepare) await prepare(tx);
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, TIMING) ${statement}`.execute(tx);
    process.stderr.write(`${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    throw new Rollback();
  }).catch((err: unknown) => { if (!(err instanceof Rollback)) throw err; });
}
