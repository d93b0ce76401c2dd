import type { Conn, Db } from '../../database.js';
import { supplierScopeOf, type Actor } from '../../platform/http/auth.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../../platform/jobs/outbox.js';
import { applyCatalogImport, catalogExportRows, planCatalogImport, type CatalogRow, type RowProblem } from '../catalog/catalog-import.service.js';
import { applyStockImport, planStockImport, stockExportRows, type StockRow } from '../inventory/stock-import.service.js';
import { applyAssortmentImport, assortmentExportRows, planAssortmentImport, type AssortmentRow } from '../assortments/assortment-import.service.js';
import { COLUMNS, fenToYuan, readHeader, readRecord } from './catalog-io.columns.js';
import { catalogIoError, ROW_PROBLEM_TEXT } from './catalog-io.errors.js';
import { readRecords, writeFile } from './catalog-io.files.js';
import type { ImportFormat, ImportKind, ImportMode, ImportPhase } from './catalog-io.schema.js';

export const IMPORT_JOB = 'catalog-io.import';
/** Problems kept with a run for the console; the count says how many there were in all. */
export const PROBLEMS_KEPT = 1000;

export interface ImportInput { tenantId: string; supplierScope: string | undefined; kind: ImportKind; format: ImportFormat; mode: ImportMode; bytes: Buffer }
export interface ImportProgress { phase: ImportPhase; percent: number; rows_done: number; rows_total: number | null }
export interface ImportOutcome { status: 'applied' | 'rejected'; rows_total: number; rows_applied: number; problems: RowProblem[] }

/**
 * Reads a file, checks every row, and applies the good ones in one transaction — or none when
 * `all_or_nothing` meets a bad row. Parsing takes the first 80 % of the progress bar (by bytes
 * read), checking and applying the rest. The same code serves the console's background job and
 * `siyu import`.
 */
export async function runImport(db: Db, input: ImportInput, progress: (p: ImportProgress) => Promise<void> | void = () => {}): Promise<ImportOutcome> {
  if (input.bytes.length === 0) throw catalogIoError('file_empty');
  const problems: RowProblem[] = [];
  const rows: (CatalogRow | StockRow | AssortmentRow)[] = [];
  let header: ReturnType<typeof readHeader> | undefined;
  let bytesRead = 0;
  let lastReport = 0;
  try {
    for await (const record of readRecords(input.bytes, input.format, (n) => { bytesRead = n; })) {
      if (!header) {
        header = readHeader(input.kind, record.cells);
        if (header.missing.length > 0) {
          return { status: 'rejected', rows_total: 0, rows_applied: 0, problems: header.missing.map((column) => ({ line: record.line, column, code: 'missing_column' })) };
        }
        continue;
      }
      const read = readRecord(input.kind, header.index, record.cells, record.line);
      problems.push(...read.problems);
      if (read.row) rows.push(read.row);
      const done = rows.length + read.problems.length;
      if (done - lastReport >= 5000) {
        lastReport = done;
        await progress({ phase: 'parsing', percent: Math.min(80, Math.floor((80 * bytesRead) / input.bytes.length)), rows_done: done, rows_total: null });
      }
    }
  } catch (err) {
    throw catalogIoError('file_unreadable', { reason: err instanceof Error ? err.message.slice(0, 200) : String(err) });
  }
  if (!header) throw catalogIoError('file_empty');
  const badLines = new Set(problems.map((p) => p.line));
  const rowsTotal = rows.length + badLines.size;
  await progress({ phase: 'checking', percent: 85, rows_done: rowsTotal, rows_total: rowsTotal });

  return db.transaction().execute(async (tx) => {
    const planned = input.kind === 'catalog' ? await planCatalogImport(tx, input.tenantId, input.supplierScope, rows as CatalogRow[])
      : input.kind === 'stock' ? await planStockImport(tx, input.tenantId, input.supplierScope, rows as StockRow[])
      : await planAssortmentImport(tx, input.tenantId, input.supplierScope, rows as AssortmentRow[]);
    problems.push(...planned.problems);
    problems.sort((a, b) => a.line - b.line);
    const refused = new Set(problems.map((p) => p.line)).size;
    if (problems.length > 0 && input.mode === 'all_or_nothing') return { status: 'rejected' as const, rows_total: rowsTotal, rows_applied: 0, problems };
    await progress({ phase: 'applying', percent: 92, rows_done: rowsTotal, rows_total: rowsTotal });
    if (input.kind === 'catalog') await applyCatalogImport(tx, input.tenantId, planned.plan as Parameters<typeof applyCatalogImport>[2]);
    else if (input.kind === 'stock') await applyStockImport(tx, input.tenantId, planned.plan as Parameters<typeof applyStockImport>[2]);
    else await applyAssortmentImport(tx, input.tenantId, planned.plan as Parameters<typeof applyAssortmentImport>[2]);
    return { status: 'applied' as const, rows_total: rowsTotal, rows_applied: rowsTotal - refused, problems };
  });
}

/** Stores an upload and queues its job in one transaction; the console then polls the run. */
export async function startImport(db: Db, actor: Actor, input: { kind: ImportKind; mode: ImportMode; file_name: string; format: ImportFormat }, bytes: Buffer) {
  if (bytes.length === 0) throw catalogIoError('file_empty');
  const id = newId('imp');
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('import_runs').values({
      tenant_id: actor.tenantId, id, kind: input.kind, format: input.format, mode: input.mode, file_name: input.file_name,
      file: bytes, supplier_id: supplierScopeOf(actor) ?? null, created_by: actor.userId, rows_total: null, error: null, finished_at: null,
    }).execute();
    await enqueue(tx, actor.tenantId, IMPORT_JOB, { run_id: id });
  });
  return getRun(db, actor, id);
}

/**
 * The job: takes a queued run once (a second delivery finds it taken and does nothing), runs it,
 * and stores the outcome. Progress is written as it goes, outside the import's transaction, so a
 * poll sees it move.
 */
export async function runImportJob(db: Db, tenantId: string, runId: string) {
  const run = await db.updateTable('import_runs').set({ status: 'running', phase: 'parsing' })
    .where('tenant_id', '=', tenantId).where('id', '=', runId).where('status', '=', 'queued')
    .returning(['kind', 'format', 'mode', 'file', 'supplier_id']).executeTakeFirst();
  if (!run?.file) return;
  const finish = (patch: { status: 'applied' | 'rejected' | 'failed'; rows_total?: number; rows_applied?: number; problems?: RowProblem[]; error?: string }) =>
    db.updateTable('import_runs').set({
      status: patch.status, phase: 'done', percent: 100, file: null, finished_at: new Date(), error: patch.error ?? null,
      ...(patch.rows_total === undefined ? {} : { rows_total: patch.rows_total, rows_done: patch.rows_total }),
      rows_applied: patch.rows_applied ?? 0,
      problems: JSON.stringify((patch.problems ?? []).slice(0, PROBLEMS_KEPT)) as unknown as unknown[],
      problem_count: patch.problems?.length ?? 0,
    }).where('tenant_id', '=', tenantId).where('id', '=', runId).execute();
  try {
    const outcome = await runImport(db, { tenantId, supplierScope: run.supplier_id ?? undefined, kind: run.kind, format: run.format, mode: run.mode, bytes: run.file }, async (p) => {
      await db.updateTable('import_runs').set({ phase: p.phase, percent: p.percent, rows_done: p.rows_done, rows_total: p.rows_total })
        .where('tenant_id', '=', tenantId).where('id', '=', runId).execute();
    });
    await finish(outcome);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'failed';
    await finish({ status: 'failed', error: code });
  }
}

/** A problem with its reason in words. */
export function describeProblem(p: RowProblem) {
  const text = ROW_PROBLEM_TEXT[p.code] ?? { en: p.code, zh: p.code };
  return { ...p, reason: text.en, reason_zh: text.zh };
}

/** A run as its starter sees it: a supplier operator only its own supplier's runs; others answer 404. */
export async function getRun(db: Conn, actor: Actor, id: string) {
  const run = await db.selectFrom('import_runs')
    .select(['id', 'kind', 'format', 'mode', 'status', 'phase', 'percent', 'file_name', 'rows_total', 'rows_done', 'rows_applied', 'problem_count', 'problems', 'error', 'created_at', 'finished_at', 'supplier_id'])
    .where('tenant_id', '=', actor.tenantId).where('id', '=', id).executeTakeFirst();
  const scope = supplierScopeOf(actor);
  if (!run || (scope !== undefined && run.supplier_id !== scope)) throw catalogIoError('import_not_found');
  const { supplier_id: _s, ...view } = run;
  return { ...view, problems: (run.problems as RowProblem[]).map(describeProblem) };
}

/** The rows of an export: the same columns an import reads, prices in yuan. */
export async function exportRows(db: Conn, tenantId: string, supplierScope: string | undefined, kind: ImportKind): Promise<(string | number)[][]> {
  const keys = COLUMNS[kind].map((c) => c.key);
  const rows: Record<string, unknown>[] = kind === 'catalog' ? await catalogExportRows(db, tenantId, supplierScope)
    : kind === 'stock' ? await stockExportRows(db, tenantId, supplierScope) : await assortmentExportRows(db, tenantId, supplierScope);
  const yuan = new Set(COLUMNS[kind].filter((c) => c.type === 'yuan').map((c) => c.key));
  return rows.map((r) => keys.map((k) => {
    const v = r[k];
    if (v === null || v === undefined) return '';
    return yuan.has(k) ? fenToYuan(Number(v)) : (v as string | number);
  }));
}

export async function exportFile(db: Conn, actor: Actor, kind: ImportKind, format: ImportFormat) {
  const rows = await exportRows(db, actor.tenantId, supplierScopeOf(actor), kind);
  return writeFile(format, kind, COLUMNS[kind].map((c) => c.key), rows);
}

/** An empty file with the header and one example row, to fill in. */
export function templateFile(kind: ImportKind, format: ImportFormat) {
  const example: Record<ImportKind, (string | number)[]> = {
    catalog: ['', '示例供应商', '', '红富士苹果', '生鲜/水果', '烟台产', 'APPLE-5KG', '5 kg 装', '6901234567892', 4, 2, '30.00', '45.00', '39.90', '59.90'],
    stock: ['', '中心仓', 'APPLE-5KG', '', 120, ''],
    assortment: ['asm_…', '', '', 'APPLE-5KG', '', '30.00', '39.90', '59.90', 800, 50],
  };
  return writeFile(format, kind, COLUMNS[kind].map((c) => c.key), [example[kind]]);
}
