import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import { describeProblem, exportRows, runImport, type ImportOutcome } from '../modules/catalog-io/catalog-io.service.js';
import { COLUMNS } from '../modules/catalog-io/catalog-io.columns.js';
import { sniffFormat, writeFile } from '../modules/catalog-io/catalog-io.files.js';
import type { ImportFormat, ImportKind, ImportMode } from '../modules/catalog-io/catalog-io.schema.js';
import type { Database } from '../database.js';

const KINDS = ['catalog', 'stock', 'assortment'] as const;
const kindArg = (v: string): ImportKind => {
  if (!(KINDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${KINDS.join(', ')}`);
  return v as ImportKind;
};
const modeArg = (v: string): ImportMode => {
  if (v === 'all-or-nothing') return 'all_or_nothing';
  if (v === 'good-rows') return 'good_rows';
  throw new InvalidArgumentError('all-or-nothing or good-rows');
};

export function printOutcome(outcome: ImportOutcome, log: (line: string) => void = console.log) {
  log(`${outcome.status}: ${outcome.rows_applied} of ${outcome.rows_total} rows applied, ${outcome.problems.length} problems`);
  for (const p of outcome.problems.slice(0, 200).map(describeProblem)) {
    log(`  line ${String(p.line).padStart(6)}  ${p.column.padEnd(16)} ${p.reason}${p.value === undefined ? '' : ` (${p.value})`}`);
  }
  if (outcome.problems.length > 200) log(`  … and ${outcome.problems.length - 200} more (--json lists them all)`);
}

/**
 * `siyu import catalog|stock FILE --tenant SLUG [--mode all-or-nothing|good-rows] [--json]`: reads a
 * CSV or .xlsx file (told apart by its bytes), checks every row and applies the good ones in one
 * transaction, or none when a row is bad and the mode is all-or-nothing (the default). Exit code 0
 * when every row was applied, 2 when rows were refused. `siyu export` writes the same columns.
 */
export function registerImportCommands(program: Command) {
  program.command('import')
    .description('import a catalog, stock or assortment file (CSV or .xlsx) into a tenant, with a row-level report')
    .argument('<kind>', 'catalog, stock or assortment', kindArg)
    .argument('<file>', 'a .csv or .xlsx file')
    .requiredOption('--tenant <slug>', 'the tenant')
    .option('--mode <mode>', 'all-or-nothing (default): nothing if any row is bad; good-rows: apply the rest', modeArg, 'all_or_nothing' as ImportMode)
    .option('--json', 'one JSON object: status, counts and every problem')
    .action(async (kind: ImportKind, file: string, opts: { tenant: string; mode: ImportMode; json?: boolean }) => {
      const bytes = fs.readFileSync(file);
      const opened = await openDatabase<Database>(loadConfig());
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, opts.tenant);
        if (!tenant) { console.error(`no tenant ${opts.tenant}`); process.exitCode = 1; return; }
        const bar = opts.json || !process.stderr.isTTY ? null : new cliProgress.SingleBar({ stream: process.stderr, format: `import ${kind} [{bar}] {percentage}% {phase}` }, cliProgress.Presets.shades_classic);
        bar?.start(100, 0, { phase: 'parsing' });
        const outcome = await runImport(opened.db, { tenantId: tenant.id, supplierScope: undefined, kind, format: sniffFormat(bytes), mode: opts.mode, bytes },
          (p) => { bar?.update(p.percent, { phase: p.phase }); });
        bar?.update(100, { phase: 'done' });
        bar?.stop();
        if (opts.json) console.log(JSON.stringify({ ...outcome, problems: outcome.problems.map(describeProblem) }));
        else printOutcome(outcome);
        process.exitCode = outcome.problems.length > 0 ? 2 : 0;
      } finally {
        await opened.close();
      }
    });

  program.command('export')
    .description('export a tenant\'s catalog, stock or assortment items as CSV or .xlsx, in the columns `siyu import` reads')
    .argument('<kind>', 'catalog, stock or assortment', kindArg)
    .argument('<file>', 'the file to write; .xlsx for Excel, anything else CSV')
    .requiredOption('--tenant <slug>', 'the tenant')
    .action(async (kind: ImportKind, file: string, opts: { tenant: string }) => {
      const format: ImportFormat = path.extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
      const opened = await openDatabase<Database>(loadConfig());
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, opts.tenant);
        if (!tenant) { console.error(`no tenant ${opts.tenant}`); process.exitCode = 1; return; }
        const rows = await exportRows(opened.db, tenant.id, undefined, kind);
        fs.writeFileSync(file, await writeFile(format, kind, COLUMNS[kind].map((c) => c.key), rows));
        console.log(`${rows.length} rows written to ${file}`);
      } finally {
        await opened.close();
      }
    });
}
