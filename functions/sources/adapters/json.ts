import { BreachwireError } from '../../core/errors.ts';
import type { NativeValue, ParseContext, ParseResult, Parser, RawEntry } from '../types.ts';
import { hasPageBudget, withQueryParam } from './common.ts';

/** A JSON object as an API returns it. */
export type JsonRecord = Record<string, unknown>;

/**
 * Parses a JSON body, turning both syntax errors and HTML error pages (WAFs, cookie walls,
 * maintenance pages served with status 200) into `source.parseFailed`.
 */
export function parseJsonBody(body: string, sourceId: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('<')) {
    throw new BreachwireError(
      'source.parseFailed',
      `${sourceId}: expected JSON, got markup (an HTML or XML page)`,
    );
  }
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    throw new BreachwireError('source.parseFailed', `${sourceId}: malformed JSON`, { cause: error });
  }
}

/** Narrows an unknown JSON value to an object (not an array, not null). */
export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

/** A trimmed non-empty string, or undefined; numbers are stringified because APIs flip between the two. */
export function stringOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The string items of a JSON array (anything else is dropped). */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.map((item) => stringOf(item)).filter((item): item is string => item !== undefined)
    : [];
}

/**
 * The scalar fields of an API record, verbatim, as `native`. Nested objects are left out:
 * native values are flat by contract, and an adapter that needs a nested value names it.
 */
export function nativeOf(record: JsonRecord, keys?: readonly string[]): Record<string, NativeValue> {
  const native: Record<string, NativeValue> = {};
  for (const key of keys ?? Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      native[key] = value;
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      native[key] = value as string[];
    }
  }
  return native;
}

/** How a JSON source is read: where the records are, how each becomes an entry, where the next page is. */
export interface JsonSpec {
  /** The array of records in the document; throw (or return undefined) when the shape drifted. */
  records: (doc: unknown) => unknown[] | undefined;
  /** One record → one entry, or null to skip it (spam lists, filings without Item 1.05). */
  toEntry: (record: JsonRecord, ctx: ParseContext) => RawEntry | null;
  /** Absolute URL of the next page, given the whole document and how many records this page had. */
  next?: (doc: unknown, ctx: ParseContext, recordCount: number) => string | undefined;
}

/** Builds a pure parser for a JSON API from a {@link JsonSpec}. */
export function jsonParserFor(spec: JsonSpec): Parser {
  return (body: string, ctx: ParseContext): ParseResult => {
    const doc = parseJsonBody(body, ctx.source.id);
    const records = spec.records(doc);
    if (!records) {
      throw new BreachwireError(
        'source.parseFailed',
        `${ctx.source.id}: JSON does not have the expected shape`,
      );
    }
    const entries: RawEntry[] = [];
    for (const value of records) {
      const record = asRecord(value);
      if (!record) continue;
      const entry = spec.toEntry(record, ctx);
      if (entry) entries.push(entry);
    }
    const next = spec.next?.(doc, ctx, records.length);
    return next ? { entries, next } : { entries };
  };
}

/** Names of the query parameters an offset-paginated API uses (Socrata: `$limit` / `$offset`). */
export interface OffsetParams {
  limit: string;
  offset: string;
  /** Page size assumed when the request URL does not state one. */
  defaultLimit: number;
}

/**
 * Offset pagination: a full page means there may be more, so the next URL is the request URL
 * with the offset advanced by the page size. A short page ends the walk, as does the page bound.
 */
export function nextOffsetPage(
  ctx: ParseContext,
  recordCount: number,
  params: OffsetParams,
): string | undefined {
  if (!hasPageBudget(ctx)) return undefined;
  const url = new URL(ctx.url);
  const limit = Number(url.searchParams.get(params.limit) ?? params.defaultLimit);
  const offset = Number(url.searchParams.get(params.offset) ?? 0);
  if (!Number.isFinite(limit) || limit <= 0 || recordCount < limit) return undefined;
  return withQueryParam(ctx.url, params.offset, (Number.isFinite(offset) ? offset : 0) + limit);
}
