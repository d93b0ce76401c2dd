import type { Generated } from 'kysely';
import type { ImportFormat, ImportKind, ImportMode, ImportPhase, ImportStatus } from './catalog-io.schema.js';

export interface ImportRunsTable {
  tenant_id: string;
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  mode: ImportMode;
  status: Generated<ImportStatus>;
  phase: Generated<ImportPhase>;
  percent: Generated<number>;
  file_name: Generated<string>;
  file: Buffer | null;
  supplier_id: string | null;
  created_by: string;
  rows_total: number | null;
  rows_done: Generated<number>;
  rows_applied: Generated<number>;
  problems: Generated<unknown[]>;
  problem_count: Generated<number>;
  error: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface CatalogIoTables { import_runs: ImportRunsTable }
