import type { CheerioAPI } from 'cheerio/slim';
import { load } from 'cheerio/slim';
import type { AnyNode } from 'domhandler';
import { BreachwireError } from '../../core/errors.ts';
import type { StructuredHints } from '../../extract/types.ts';
import type { NativeValue, ParseContext, ParseResult, Parser, RawEntry } from '../types.ts';
import { absoluteUrl, collapseSpace, hasPageBudget } from './common.ts';

/**
 * Loads an HTML page with cheerio's slim build (htmlparser2 only: small Lambda bundles).
 * A JSON or empty body is a parse failure: the page was swapped for something else.
 */
export function loadHtml(body: string, sourceId: string): CheerioAPI {
  const start = body.trimStart();
  if (start.startsWith('{') || start.startsWith('[') || !/<\w/.test(body)) {
    throw new BreachwireError('source.parseFailed', `${sourceId}: expected an HTML page, got no markup`);
  }
  return load(body);
}

/** The whitespace-collapsed text of a selection ('' when empty). */
export function textOf(selection: { text(): string }): string {
  return collapseSpace(selection.text());
}

/**
 * The URL of the next page from a "next" anchor, resolved against the page URL (relative
 * links keep working when fixtures are served from loopback), or undefined when there is
 * none, the link is `#`/`javascript:`, it points back at this page, or the page bound is reached.
 */
export function nextPageLink($: CheerioAPI, ctx: ParseContext, selector: string): string | undefined {
  if (!hasPageBudget(ctx)) return undefined;
  for (const anchor of $(selector).toArray()) {
    const next = absoluteUrl($(anchor).attr('href'), ctx.url);
    if (next && next !== ctx.url) return next;
  }
  return undefined;
}

/**
 * Reads an HTML table into rows keyed by header text (`thead th`, or the first row's cells).
 * Keyed access survives a column being added or moved; a missing header is drift.
 */
export function tableRows(
  $: CheerioAPI,
  tableSelector: string,
  requiredHeaders: readonly string[],
  sourceId: string,
): Array<{ cells: Map<string, ReturnType<CheerioAPI>>; texts: Record<string, string> }> {
  const table = $(tableSelector).first();
  if (table.length === 0) {
    throw new BreachwireError('source.parseFailed', `${sourceId}: no table matches "${tableSelector}"`);
  }
  let headerCells = table.find('thead th');
  let bodyRows = table.find('tbody tr');
  if (headerCells.length === 0) {
    headerCells = table.find('tr').first().children('th, td');
    bodyRows = table.find('tr').slice(1);
  }
  const headers = headerCells.toArray().map((cell) => textOf($(cell)));
  const missing = requiredHeaders.filter((header) => !headers.includes(header));
  if (missing.length > 0) {
    throw new BreachwireError(
      'source.parseFailed',
      `${sourceId}: table lacks ${missing.map((m) => `"${m}"`).join(', ')}; found ${headers.map((h) => `"${h}"`).join(', ')}`,
    );
  }
  return bodyRows.toArray().flatMap((row) => {
    const cells = $(row).children('td').toArray();
    if (cells.length === 0) return [];
    const byHeader = new Map<string, ReturnType<CheerioAPI>>();
    const texts: Record<string, string> = {};
    headers.forEach((header, index) => {
      const cell = cells[index];
      if (!header || !cell) return;
      // One wrapper per cell: wrapping twice doubled the allocations of large registers.
      const wrapped = $(cell as AnyNode);
      byHeader.set(header, wrapped);
      texts[header] = textOf(wrapped);
    });
    return [{ cells: byHeader, texts }];
  });
}

/**
 * A declarative list or board page: one selector per item and per field inside it.
 * Covers press-release lists (Irish DPC, OAIC, Japan PPC) and government boards (KISA).
 */
export interface HtmlListSpec {
  /** Each item: `table.tbl_board tbody tr`, `.views-row` … */
  item: string;
  /** The title element inside an item. */
  title: string;
  /** Prefer this attribute of the title element (boards truncate the text and keep the full title in `title=""`). */
  titleAttr?: string;
  /** The anchor inside an item (defaults to the title selector). */
  link?: string;
  /** The date element inside an item. */
  date?: string;
  /** Read the date from this attribute (e.g. `datetime` of `<time>`), falling back to the text. */
  dateAttr?: string;
  /** Reformats a source-specific date text (e.g. Japanese era dates) into ISO; the raw text stays in native. */
  dateFrom?: (text: string) => string | undefined;
  summary?: string;
  /** Native field name → selector inside the item whose text is kept verbatim. */
  native?: Record<string, string>;
  /** The "next page" anchor, when the list paginates with real links. */
  next?: string;
  /** Structured hints the source states reliably (e.g. every KISA item is Korean). */
  structured?: (entry: RawEntry) => StructuredHints | undefined;
}

/**
 * Builds a pure parser for an HTML list page. An empty first page throws: a redesign that
 * breaks the selectors must show up as drift, never as "no news today".
 */
export function htmlListParserFor(spec: HtmlListSpec): Parser {
  return (body: string, ctx: ParseContext): ParseResult => {
    const $ = loadHtml(body, ctx.source.id);
    const items = $(spec.item).toArray();
    if (items.length === 0 && ctx.page === 0) {
      throw new BreachwireError('source.parseFailed', `${ctx.source.id}: no items match "${spec.item}"`);
    }
    const entries: RawEntry[] = [];
    for (const node of items) {
      const item = $(node);
      const titleElement = item.find(spec.title).first();
      const title = collapseSpace(
        (spec.titleAttr && titleElement.attr(spec.titleAttr)) || titleElement.text(),
      );
      if (!title) continue;
      const entry: RawEntry = { title, lang: ctx.source.language };
      const href = item
        .find(spec.link ?? spec.title)
        .first()
        .attr('href');
      const url = absoluteUrl(href, ctx.url);
      if (url) {
        entry.url = url;
        entry.guid = url;
      }
      const native: Record<string, NativeValue> = {};
      if (spec.date) {
        const dateElement = item.find(spec.date).first();
        const raw = collapseSpace((spec.dateAttr && dateElement.attr(spec.dateAttr)) || dateElement.text());
        if (raw) {
          native['date'] = raw;
          const published = spec.dateFrom ? spec.dateFrom(raw) : raw;
          if (published) entry.publishedAt = published;
        }
      }
      if (spec.summary) {
        const summary = textOf(item.find(spec.summary).first());
        if (summary) entry.summary = summary;
      }
      for (const [name, selector] of Object.entries(spec.native ?? {})) {
        native[name] = textOf(item.find(selector).first());
      }
      if (Object.keys(native).length > 0) entry.native = native;
      const structured = spec.structured?.(entry);
      if (structured) entry.structured = structured;
      entries.push(entry);
    }
    const next = spec.next ? nextPageLink($, ctx, spec.next) : undefined;
    return next ? { entries, next } : { entries };
  };
}
