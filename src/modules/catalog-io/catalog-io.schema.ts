import { z } from 'zod';
import { timestamp } from '../../platform/http/schemas.js';

export const importKindSchema = z.enum(['catalog', 'stock', 'assortment']).meta({ id: 'ImportKind' });
export const importFormatSchema = z.enum(['csv', 'xlsx']).meta({ id: 'ImportFormat' });
/** all_or_nothing: one bad row and nothing is written; good_rows: the good rows in one transaction, the bad ones reported. */
export const importModeSchema = z.enum(['all_or_nothing', 'good_rows']).meta({ id: 'ImportMode' });
export const importStatusSchema = z.enum(['queued', 'running', 'applied', 'rejected', 'failed']).meta({ id: 'ImportStatus' });
export const importPhaseSchema = z.enum(['queued', 'parsing', 'checking', 'applying', 'done']).meta({ id: 'ImportPhase' });
export type ImportKind = z.infer<typeof importKindSchema>;
export type ImportFormat = z.infer<typeof importFormatSchema>;
export type ImportMode = z.infer<typeof importModeSchema>;
export type ImportStatus = z.infer<typeof importStatusSchema>;
export type ImportPhase = z.infer<typeof importPhaseSchema>;

export const importQuery = z.object({
  kind: importKindSchema,
  mode: importModeSchema.default('all_or_nothing'),
  file_name: z.string().max(200).default(''),
}).strict();
export const fileQuery = z.object({ kind: importKindSchema, format: importFormatSchema.default('csv') }).strict();
export const runParams = z.object({ id: z.string().min(1).max(64) });

export const rowProblemSchema = z.object({
  line: z.number().int().describe('the file\'s line (1 = header)'),
  column: z.string(),
  code: z.string(),
  reason: z.string().describe('the code in words (English)'),
  reason_zh: z.string().describe('the code in words (Chinese)'),
  value: z.union([z.string(), z.number()]).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'ImportRowProblem' });

export const importRunSchema = z.object({
  id: z.string(),
  kind: importKindSchema,
  format: importFormatSchema,
  mode: importModeSchema,
  status: importStatusSchema,
  phase: importPhaseSchema,
  percent: z.number().int(),
  file_name: z.string(),
  rows_total: z.number().int().nullable(),
  rows_done: z.number().int(),
  rows_applied: z.number().int(),
  problem_count: z.number().int(),
  /** The first 1,000 problems, by line. */
  problems: z.array(rowProblemSchema),
  error: z.string().nullable(),
  created_at: timestamp,
  finished_at: timestamp.nullable(),
}).meta({ id: 'ImportRun' });
