import { PassThrough, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ImportFormat } from './catalog-io.schema.js';

/**
 * Reading and writing the two file formats. CSV through csv-parse (quotes, embedded newlines, a
 * UTF-8 BOM as Excel writes it); .xlsx through exceljs (loaded whole: see readRecords). Both yield
 * one record at a time with its line number and report how many bytes were consumed, for a
 * progress bar.
 */

export interface FileRecord { line: number; cells: string[] }

const XLSX_MAGIC = Buffer.from('PK\u0003\u0004', 'latin1');

/** The format of an upload, from its first bytes (an .xlsx is a zip archive). */
export function sniffFormat(bytes: Buffer): ImportFormat {
  return bytes.subarray(0, 4).equals(XLSX_MAGIC) ? 'xlsx' : 'csv';
}

/** A stream of `bytes` in chunks, counting what the reader has taken. */
function counted(bytes: Buffer, onBytes: (n: number) => void) {
  let offset = 0;
  const chunk = 64 * 1024;
  return new Readable({
    read() {
      if (offset >= bytes.length) { this.push(null); return; }
      const end = Math.min(bytes.length, offset + chunk);
      this.push(bytes.subarray(offset, end));
      offset = end;
      onBytes(offset);
    },
  });
}

export async function* readRecords(bytes: Buffer, format: ImportFormat, onBytes: (n: number) => void = () => {}): AsyncGenerator<FileRecord> {
  if (format === 'csv') {
    const parser = counted(bytes, onBytes).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: info.lines, cells: record };
    }
    return;
  }
  // The whole workbook is loaded, not streamed: exceljs' streaming reader split multi-byte
  // characters of inline strings (what streaming writers and many tools emit) at its chunk
  // boundaries — 30 of 100,000 Chinese cells came back corrupted. Loading costs memory, not data.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  onBytes(bytes.length);
  // The first sheet holds the data; a workbook's other sheets (notes, lookups) are not rows.
  const sheet = workbook.worksheets[0];
  if (!sheet) return;
  for (let n = 1; n <= sheet.rowCount; n++) {
    const values = sheet.getRow(n).values as unknown[];
    const cells = (Array.isArray(values) ? values.slice(1) : []).map(cellText);
    if (cells.every((c) => c === '')) continue;
    yield { line: n, cells };
  }
}

/** A cell as the text a CSV would hold: numbers as written, rich text joined, formulas by their result. */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (typeof o.text === 'string') return o.text;
  }
  return String(v);
}

export const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * A file of `header` and `rows`. Cells are written as text (codes like 00123 and barcodes keep their
 * leading zeros); the CSV starts with a BOM so Excel opens its Chinese as UTF-8.
 */
export async function writeFile(format: ImportFormat, sheetName: string, header: string[], rows: (string | number)[][]): Promise<Buffer> {
  const text = rows.map((r) => r.map((c) => String(c)));
  if (format === 'csv') return Buffer.from(`\uFEFF${stringify([header, ...text])}`, 'utf8');
  // The streaming writer commits each row as it goes (inline strings, no shared-strings table),
  // so a 100,000-row export holds compressed bytes, not a workbook of cell objects.
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = header.map((key) => ({ key, width: 16, style: { numFmt: '@' } }));
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  for (const row of text) sheet.addRow(row).commit();
  sheet.commit();
  await workbook.commit();
  return Buffer.concat(chunks);
}
