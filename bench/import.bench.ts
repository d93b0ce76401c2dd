import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../src/platform/config.js';
import { openScratchDatabase } from '../src/platform/db/scratch.js';
import type { Database } from '../src/database.js';
import { createTenant } from '../src/modules/identity/identity.service.js';
import { createSupplier } from '../src/modules/catalog/catalog.service.js';
import { runImport } from '../src/modules/catalog-io/catalog-io.service.js';
import { COLUMNS, fenToYuan } from '../src/modules/catalog-io/catalog-io.columns.js';
import { writeFile } from '../src/modules/catalog-io/catalog-io.files.js';
import type { ImportFormat } from '../src/modules/catalog-io/catalog-io.schema.js';
import { integerAtLeast } from './options.js';

const positiveInt = integerAtLeast(1);

export interface ImportBenchFigures { rows: number; format: ImportFormat; bytes: number; seconds: number; rows_per_s: number; parse_s: number; check_s: number; apply_s: number; rss_mb: number }

/** A catalog file of `rows` SKUs: 20 suppliers, four sizes per product, a three-level category tree. */
export async function catalogFile(rows: number, format: ImportFormat, prefix = 'B'): Promise<Buffer> {
  const lines: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) {
    const product = Math.floor(i / 4);
    const price = 500 + (product % 300) * 10;
    lines.push(['', `供应商${product % 20}`, '', `商品 ${prefix}${product}`, `生鲜/类目${product % 12}/子类${product % 5}`, '', `${prefix}-${i}`, `规格 ${i % 4}`, '', 6, 1,
      fenToYuan(Math.round(price * 0.6)), fenToYuan(price), fenToYuan(Math.round(price * 0.8)), fenToYuan(Math.round(price * 1.5))]);
  }
  return writeFile(format, 'catalog', COLUMNS.catalog.map((c) => c.key), lines);
}

/**
 * `siyu bench import`: a catalog file of new products and SKUs imported into a scratch database
 * through the same code as `siyu import` (parse, check, one transaction of set-based inserts),
 * after a small warm-up import. Reported: rows per second from the first byte read to the commit.
 */
export async function runImportBench(opts: { rows: number; format: ImportFormat; json: boolean }): Promise<ImportBenchFigures> {
  const scratch = await openScratchDatabase<Database>(loadConfig());
  const { db } = scratch;
  try {
    const tenant = await createTenant(db, { slug: 'bench', name: 'Bench' });
    for (let s = 0; s < 20; s++) await createSupplier(db, tenant.id, { name: `供应商${s}` });
    const input = { tenantId: tenant.id, supplierScope: undefined, kind: 'catalog' as const, format: opts.format, mode: 'all_or_nothing' as const };
    const warm = await runImport(db, { ...input, bytes: await catalogFile(1000, opts.format, 'W') });
    if (warm.status !== 'applied') throw new Error(`warm-up import was ${warm.status}: ${JSON.stringify(warm.problems.slice(0, 3))}`);
    const bytes = await catalogFile(opts.rows, opts.format);
    const start = performance.now();
    // Phase boundaries from the progress callback: reading ends when checking starts, checking when applying starts.
    const at: Record<string, number> = {};
    const outcome = await runImport(db, { ...input, bytes }, (p) => { at[p.phase] ??= performance.now(); });
    const end = performance.now();
    const seconds = (end - start) / 1000;
    const span = (from: number, to: number | undefined) => Number((((to ?? end) - from) / 1000).toFixed(2));
    if (outcome.status !== 'applied' || outcome.rows_applied !== opts.rows) throw new Error(`import was ${outcome.status} with ${outcome.problems.length} problems, first: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
    const figures: ImportBenchFigures = {
      rows: opts.rows, format: opts.format, bytes: bytes.length, seconds: Number(seconds.toFixed(2)),
      rows_per_s: Math.round(opts.rows / seconds),
      parse_s: span(start, at.checking), check_s: span(at.checking ?? end, at.applying), apply_s: span(at.applying ?? end, end),
      rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    if (opts.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
    else {
      process.stdout.write([
        `import: ${figures.rows} catalog rows (${opts.format}, ${(figures.bytes / 1e6).toFixed(1)} MB), new products and SKUs`,
        `  time         ${figures.seconds} s`,
        `  throughput   ${figures.rows_per_s} rows/s`,
        `  phases       read ${figures.parse_s} s, check ${figures.check_s} s, write ${figures.apply_s} s`,
        `  peak RSS     ${figures.rss_mb} MB`,
        '',
      ].join('\n'));
    }
    return figures;
  } finally {
    await scratch.close();
  }
}


export function registerImportBench(bench: Command): void {
  bench
    .command('import')
    .description('a catalog file of new SKUs imported through `siyu import`\'s code: rows per second')
    .option('--rows <n>', 'catalog rows (SKUs)', positiveInt, 100_000)
    .option('--format <format>', 'csv or xlsx', (v: string) => { if (v !== 'csv' && v !== 'xlsx') throw new InvalidArgumentError('csv or xlsx'); return v as ImportFormat; }, 'csv' as ImportFormat)
    .option('--json', 'print one JSON line')
    .action(async (opts: { rows: number; format: ImportFormat; json?: boolean }) => {
      await runImportBench({ rows: opts.rows, format: opts.format, json: opts.json === true });
    });
}
