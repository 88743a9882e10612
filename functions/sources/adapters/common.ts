import { createHash } from 'node:crypto';
import type { ParseContext } from '../types.ts';

/**
 * Whether the parser may hand back a `next` page: the ingest loop also stops at
 * `source.maxPages`, but a parser that never offers a page beyond the bound keeps a
 * misconfigured loop (or a test calling the parser by hand) from walking a whole archive.
 */
export function hasPageBudget(ctx: ParseContext): boolean {
  return ctx.page + 1 < (ctx.source.maxPages ?? 1);
}

/**
 * A stable id for rows that carry none (state AG registers): a SHA-256 of the identifying
 * cells, whitespace-collapsed and case-folded so a re-export with different spacing keeps the id.
 * Never includes fetch time, so re-polling yields the same id.
 */
export function stableGuid(prefix: string, parts: readonly (string | undefined)[]): string {
  const key = parts.map((part) => collapseSpace(part ?? '').toLowerCase()).join('\u241f');
  return `${prefix}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Collapses runs of whitespace (incl. NBSP and newlines inside table cells) and trims. */
export function collapseSpace(text: string): string {
  return text.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
}

/**
 * `MM/DD/YYYY` (optionally followed by a time, as Socrata CSV exports add) → `YYYY-MM-DD`.
 * US registers publish month-first dates; converting here, where the source is known,
 * spares later stages from guessing day/month order.
 */
export function usDateToIso(text: string | undefined): string | undefined {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(text ?? '');
  if (!match) return undefined;
  const [, month, day, year] = match;
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

/** Every `M/D/YYYY` date found in a free-text cell such as `"04/21/2026, 04/29/2026"`, as ISO dates. */
export function usDatesIn(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/\b\d{1,2}\/\d{1,2}\/\d{4}\b/g)]
    .map((match) => usDateToIso(match[0]))
    .filter((date): date is string => date !== undefined);
}

/** The earliest of some ISO dates (they sort lexically), or undefined for none. */
export function earliest(dates: readonly string[]): string | undefined {
  return [...dates].sort()[0];
}

/**
 * Parses a published count like `"33,700,000"`, `"695"` or `1070`; `n/a`, `Unknown`,
 * empty and non-positive values are `undefined` because an unknown count is not zero.
 */
export function countOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const digits = value.replace(/[,\s]/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  const count = Number(digits);
  return count > 0 ? count : undefined;
}

/** Resolves a possibly relative link against the page URL; undefined for `#` and `javascript:` links. */
export function absoluteUrl(href: string | undefined, base: string): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed || trimmed.startsWith('#') || /^javascript:/i.test(trimmed)) return undefined;
  try {
    const url = new URL(trimmed, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The request URL with one query parameter replaced; keeps host and path, so fixtures served on loopback paginate too. */
export function withQueryParam(url: string, name: string, value: string | number): string {
  const next = new URL(url);
  next.searchParams.set(name, String(value));
  return next.href;
}
