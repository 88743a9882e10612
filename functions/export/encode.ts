import { type Cell, COLUMNS, type Column, type Row, type TableName } from './schema.ts';

/**
 * The research export's one serializer: rows to CSV (RFC 4180, UTF-8, `\n` line ends, a header
 * row) or NDJSON (one JSON object per line, keys in column order). Pure, so the CLI and the
 * daily S3 export write byte-identical files.
 */

export type ExportFormat = 'csv' | 'ndjson';
export const FORMATS: readonly ExportFormat[] = ['csv', 'ndjson'];

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Prefixes `'` to a text cell a spreadsheet would run as a formula. Only text columns are
 * guarded: a negative number in a numeric column (a lag of -3 days) must stay a number.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Decimal text without exponent notation for whole numbers (a 1e21 fine stays readable). */
function numberText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}

/** `|` separates list items in CSV; an item's own `|` (only free-text names could have one) becomes `/`. */
function listText(items: readonly string[]): string {
  return items.map((item) => item.replaceAll('|', '/')).join('|');
}

/** The text of one CSV cell, before quoting. Unknown (null) is the empty cell. */
export function csvCellText(value: Cell, column: Column): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return numberText(value);
  const text = typeof value === 'string' ? value : listText(value);
  return column.type === 'string' || column.type === 'list' ? neutraliseFormula(text) : text;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(table: TableName): string {
  return `${COLUMNS[table].map((column) => column.name).join(',')}\n`;
}

export function csvLine<T extends TableName>(table: T, row: Row<T>): string {
  const columns: readonly Column[] = COLUMNS[table];
  const cells = row as Record<string, Cell>;
  return `${columns.map((column) => quote(csvCellText(cells[column.name] ?? null, column))).join(',')}\n`;
}

/** One NDJSON line; keys in column order, null for unknown, lists as arrays. */
export function ndjsonLine<T extends TableName>(table: T, row: Row<T>): string {
  const cells = row as Record<string, Cell>;
  const ordered: Record<string, Cell> = {};
  for (const column of COLUMNS[table]) ordered[column.name] = cells[column.name] ?? null;
  return `${JSON.stringify(ordered)}\n`;
}

/**
 * Encodes a row stream as text chunks of about `chunkBytes`, header first for CSV. Lazy: it
 * pulls the next row only when its consumer asks, so backpressure reaches the store reader.
 */
export async function* encodeRows<T extends TableName>(
  table: T,
  format: ExportFormat,
  rows: AsyncIterable<Row<T>>,
  options: { chunkBytes?: number; onRow?: () => void } = {},
): AsyncGenerator<string> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  let chunk = format === 'csv' ? csvHeader(table) : '';
  for await (const row of rows) {
    chunk += format === 'csv' ? csvLine(table, row) : ndjsonLine(table, row);
    options.onRow?.();
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
