import { parse } from 'csv-parse/sync';
import { BreachwireError } from '../../core/errors.ts';
import type { ParseContext, ParseResult, Parser, RawEntry } from '../types.ts';
import { collapseSpace } from './common.ts';

/** One CSV row keyed by normalised header. */
export type CsvRecord = Record<string, string>;

/**
 * Normalises a header cell: strips a BOM, collapses whitespace. The California AG header
 * has two spaces before "(if known)" and some copies print one; both must match.
 */
export function normalizeHeader(header: string): string {
  return collapseSpace(header.replace(/^\ufeff/, ''));
}

/**
 * Reads CSV text into records keyed by normalised header. Handles a UTF-8 BOM, CRLF or LF,
 * quoted fields with embedded commas and newlines, and trims every cell (HHS names carry
 * trailing spaces). Throws `source.parseFailed` when the body is an HTML page or when a
 * required column is missing — a renamed column is drift, not an empty register.
 */
export function parseCsvRecords(
  body: string,
  sourceId: string,
  requiredColumns: readonly string[] = [],
): CsvRecord[] {
  const text = body.replace(/^\ufeff/, '');
  if (/^\s*</.test(text)) {
    throw new BreachwireError(
      'source.parseFailed',
      `${sourceId}: expected CSV, got markup (an HTML error or cookie page)`,
    );
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true });
  } catch (error) {
    throw new BreachwireError('source.parseFailed', `${sourceId}: malformed CSV`, { cause: error });
  }
  const [headerRow, ...dataRows] = rows;
  if (!headerRow) throw new BreachwireError('source.parseFailed', `${sourceId}: empty CSV`);
  const headers = headerRow.map(normalizeHeader);
  const missing = requiredColumns.map(normalizeHeader).filter((column) => !headers.includes(column));
  if (missing.length > 0) {
    throw new BreachwireError(
      'source.parseFailed',
      `${sourceId}: CSV header lacks ${missing.map((m) => `"${m}"`).join(', ')}; found ${headers.map((h) => `"${h}"`).join(', ')}`,
    );
  }
  return dataRows
    .filter((row) => row.some((cell) => cell.trim() !== ''))
    .map((row) => {
      const record: CsvRecord = {};
      headers.forEach((header, index) => {
        if (header) record[header] = (row[index] ?? '').trim();
      });
      return record;
    });
}

/** How a CSV register is read. */
export interface CsvSpec {
  /** Columns (as published; whitespace is normalised) that must be in the header. */
  requiredColumns: readonly string[];
  /** One row → one entry, or null to skip it. */
  toEntry: (record: CsvRecord, ctx: ParseContext) => RawEntry | null;
}

/** Builds a pure parser for a CSV export from a {@link CsvSpec}. CSV exports are single documents: no `next`. */
export function csvParserFor(spec: CsvSpec): Parser {
  return (body: string, ctx: ParseContext): ParseResult => {
    const entries: RawEntry[] = [];
    for (const record of parseCsvRecords(body, ctx.source.id, spec.requiredColumns)) {
      const entry = spec.toEntry(record, ctx);
      if (entry) entries.push(entry);
    }
    return { entries };
  };
}
