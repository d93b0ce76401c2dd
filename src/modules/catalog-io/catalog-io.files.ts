import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ImportFormat } from './catalog-io.schema.js';

/**
 * Reading and writing the two file formats. CSV through csv-parse (quotes, embedded newlines, a
 * UTF-8 BOM as Excel writes it); .xlsx through exceljs' streaming reader, so a large workbook is
 * read sheet row by sheet row instead of being held whole as objects. Both yield one record at a
 * time with its line number and report how many bytes were consumed, for a progress bar.
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
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counted(bytes, onBytes), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  for await (const sheet of reader) {
    // The first sheet holds the data; a workbook's other sheets (notes, lookups) are not rows.
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      const cells = values.slice(1).map(cellText);
      if (cells.every((c) => c === '')) continue;
      yield { line: row.number, cells };
    }
    return;
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
  // exceljs' streaming writer would hold less, but it split multi-byte characters at its buffer
  // boundaries (about one Chinese supplier name in 8,000 came back corrupted), so the workbook is
  // built whole: about 2 GB of peak memory for 100,000 rows.
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(header).font = { bold: true };
  sheet.addRows(text);
  sheet.columns.forEach((col) => { col.width = 16; col.numFmt = '@'; });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
