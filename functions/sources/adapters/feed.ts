import Parser from 'rss-parser';
import { BreachwireError } from '../../core/errors.ts';
import type { ParseContext, ParseResult, RawEntry } from '../types.ts';

type FeedItem = Parser.Item & {
  id?: string;
  summary?: string;
  'content:encoded'?: string;
  'dc:creator'?: string;
  'dc:date'?: string;
  updated?: string;
  /** Atom `<author><name>`, which rss-parser does not map to `creator`. */
  author?: string;
  /** Google News: `<source url="publisher origin">Outlet</source>`. */
  source?: unknown;
};

// One parser instance: construction builds xml2js options, which is not free per call.
const feedParser: Parser<Record<string, unknown>, FeedItem> = new Parser({
  customFields: { item: ['dc:creator', 'dc:date', 'updated', 'id', 'summary', 'source'] },
});

/** Options for the RSS / Atom / RDF adapter. */
export interface FeedOptions {
  /** Keep only items whose title or summary matches (e.g. FTC's consumer-protection feed). */
  keep?: RegExp;
}

/**
 * Parses RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) with rss-parser's `parseString` — never
 * `parseURL`, which has no size cap and mis-decodes non-UTF-8 feeds; the body arrives here
 * already decoded by fetchSource.
 */
export function feedParserFor(options: FeedOptions = {}) {
  return async (body: string, ctx: ParseContext): Promise<ParseResult> => {
    const trimmed = body.trimStart();
    if (!trimmed.startsWith('<')) {
      throw new BreachwireError('source.parseFailed', `expected an XML feed, got ${describeStart(trimmed)}`);
    }
    if (/^<!doctype html|^<html/i.test(trimmed)) {
      throw new BreachwireError('source.parseFailed', 'expected an XML feed, got an HTML page');
    }
    let feed: Awaited<ReturnType<typeof feedParser.parseString>>;
    try {
      feed = await feedParser.parseString(stripDoctype(body));
    } catch (error) {
      throw new BreachwireError('source.parseFailed', `malformed feed: ${firstLine(error)}`, {
        cause: error,
      });
    }
    if (!Array.isArray(feed.items)) {
      throw new BreachwireError('source.parseFailed', 'document is XML but not an RSS, Atom or RDF feed');
    }
    const entries: RawEntry[] = [];
    for (const item of feed.items) {
      const entry = toRawEntry(item, ctx);
      if (!entry) continue;
      if (options.keep && !options.keep.test(`${entry.title} ${entry.summary ?? ''}`)) continue;
      entries.push(entry);
    }
    return { entries };
  };
}

function toRawEntry(item: FeedItem, ctx: ParseContext): RawEntry | null {
  const title = textOf(item.title);
  const url = textOf(item.link);
  if (!title && !url) return null;
  const summary =
    textOf(item.contentSnippet) ||
    textOf(item.summary) ||
    textOf(item.content) ||
    textOf(item['content:encoded']);
  const entry: RawEntry = { title: title ?? '' };
  const guid = textOf(item.guid) || textOf(item.id);
  if (guid) entry.guid = guid;
  if (url) entry.url = url;
  if (summary) entry.summary = summary;
  const published =
    textOf(item.pubDate) || textOf(item.isoDate) || textOf(item['dc:date']) || textOf(item.updated);
  if (published) entry.publishedAt = published;
  const creator = textOf(item.creator) || textOf(item['dc:creator']) || textOf(item.author);
  entry.native = { creator: creator ?? null, categories: (item.categories ?? []).map(categoryText) };
  // Aggregated feeds name the original outlet; keep it so the publisher is not the aggregator.
  const publisher = textOf(item.source);
  if (publisher) entry.native['publisher'] = publisher;
  entry.lang = ctx.source.language;
  return entry;
}

/** Categories arrive as strings, or `{_: text, $: {domain}}` when the element has attributes. */
function categoryText(category: unknown): string {
  return textOf(category) ?? '';
}

/** rss-parser gives strings, objects (`{_: text, $: attrs}`) or arrays depending on the XML. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('_' in record) return textOf(record['_']);
    if ('$' in record) return textOf((record['$'] as Record<string, unknown>)['href']);
  }
  return undefined;
}

/**
 * Drops any DOCTYPE so that internal entity declarations (the "billion laughs" bomb) and
 * external entities (XXE) can never be expanded, whatever the XML library does with them.
 */
function stripDoctype(xml: string): string {
  return neutraliseEntities(removeDoctype(xml));
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const HTML_ENTITY_CODES: Record<string, number> = {
  nbsp: 160,
  hellip: 8230,
  mdash: 8212,
  ndash: 8211,
  lsquo: 8216,
  rsquo: 8217,
  ldquo: 8220,
  rdquo: 8221,
  middot: 183,
  copy: 169,
  reg: 174,
  trade: 8482,
  euro: 8364,
  pound: 163,
  yen: 165,
  laquo: 171,
  raquo: 187,
  bull: 8226,
};

/**
 * With the DOCTYPE gone, a reference to an entity it declared (`&xxe;`, `&lol9;`) would
 * make the strict parser reject the whole feed; HTML entities (`&nbsp;`) that feeds use
 * without declaring them would too. Known HTML names become numeric references, the rest
 * are dropped — nothing is ever expanded from a declaration.
 */
function neutraliseEntities(xml: string): string {
  return xml.replace(/&([A-Za-z][\w.-]{0,31});/g, (whole, name: string) => {
    if (XML_ENTITIES.has(name)) return whole;
    const code = HTML_ENTITY_CODES[name.toLowerCase()];
    return code ? `&#${code};` : '';
  });
}

function removeDoctype(xml: string): string {
  const start = xml.search(/<!DOCTYPE/i);
  if (start < 0) return xml;
  // An internal subset ends with "]>", a plain doctype with ">".
  const bracket = xml.indexOf('[', start);
  const close = xml.indexOf('>', start);
  if (bracket >= 0 && bracket < close) {
    const end = xml.indexOf(']>', bracket);
    return end < 0 ? xml.slice(0, start) : xml.slice(0, start) + xml.slice(end + 2);
  }
  return close < 0 ? xml.slice(0, start) : xml.slice(0, start) + xml.slice(close + 1);
}

function describeStart(text: string): string {
  if (text.startsWith('{') || text.startsWith('[')) return 'JSON';
  if (text.length === 0) return 'an empty body';
  return `text starting "${text.slice(0, 20).replace(/\s+/g, ' ')}"`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
