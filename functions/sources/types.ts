import type { StructuredHints } from '../extract/types.ts';

export type SourceKind = 'news' | 'regulator' | 'aggregator';
export type SourceFormat = 'rss' | 'atom' | 'rdf' | 'json' | 'csv' | 'html';

/** A native field value as the source published it (register columns, API fields). */
export type NativeValue = string | number | boolean | null | string[];

/**
 * One record as a source publishes it, before normalisation. Adapters keep the native
 * fields so later stages can use structured values instead of guessing from prose.
 */
export interface RawEntry {
  /** A permanent id the source gives the item (RSS guid, accession number, row id). */
  guid?: string;
  /** Link to the item; may be relative (resolved against the page URL by normalise). */
  url?: string;
  title: string;
  /** May contain markup and entities; normalise cleans it. */
  summary?: string;
  /** As published (RFC 822, ISO 8601, `MM/DD/YYYY`, `2025.12.01` …); normalise parses it. */
  publishedAt?: string;
  lang?: string;
  native?: Record<string, NativeValue>;
  structured?: StructuredHints;
}

/** What the pure parse step receives besides the body. */
export interface ParseContext {
  source: Source;
  /** The URL this body was fetched from (after redirects); base for relative links. */
  url: string;
  /** 0 for the first page. */
  page: number;
  contentType: string | null;
}

export interface ParseResult {
  entries: RawEntry[];
  /** Absolute URL of the next page, when the source paginates and more should be read. */
  next?: string;
}

/** A pure function from a decoded body to raw entries. Throws BreachwireError('source.parseFailed'). */
export type Parser = (body: string, ctx: ParseContext) => ParseResult | Promise<ParseResult>;

export interface Source {
  /** Stable, kebab-case; used in keys, schedules and URLs. */
  id: string;
  name: string;
  kind: SourceKind;
  /** ISO 3166-1 alpha-2, a subdivision like `US-CA`, `EU`, or `global`. */
  jurisdiction: string;
  /** BCP 47 primary language tag of the content. */
  language: string;
  format: SourceFormat;
  /** The first URL fetched. */
  url: string;
  /** The site people read, for attribution and the web page. */
  homepage?: string;
  /** How often to poll, in minutes. */
  everyMinutes: number;
  /** Licence or terms, and the attribution to carry into exports when one is required. */
  licence: string;
  attribution?: string;
  /** Turns a fetched body into raw entries. */
  parse: Parser;
  /** Maximum pages followed per run (1 = no pagination). */
  maxPages?: number;
  /** Seconds between requests to the same host (robots Crawl-delay), default 1. */
  crawlDelaySeconds?: number;
  /**
   * The zone of dates the source publishes without an offset (`2025-12-01 09:12`); defaults
   * from the jurisdiction (KR → Asia/Seoul …), else UTC.
   */
  timeZone?: string;
  /** Extra request headers (e.g. Accept). Never secrets. */
  headers?: Record<string, string>;
  /**
   * Native fields every entry must carry; a run where they go missing is flagged as drift
   * (the most common silent failure of scrapers).
   */
  requiredNative?: string[];
  /** Off by default (e.g. Google News, whose terms restrict automated use). */
  enabled?: boolean;
  /** Free-form notes on quirks, shown in `breachwire sources --verbose` and the docs. */
  notes?: string;
}
