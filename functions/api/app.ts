import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { BreachwireError, describeError, isBreachwireError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Document } from '../documents/types.ts';
import { eventAsOf } from '../events/as-of.ts';
import type { Event } from '../events/types.ts';
import { healthOf } from '../sources/health.ts';
import type { Source } from '../sources/types.ts';
import type { Store } from '../store/client.ts';
import { getDocuments, listDocuments } from '../store/documents.ts';
import { allEvents, eventsByMonth, listEvents, type ReadBudget } from '../store/event-queries.ts';
import { getEvent, getEvents } from '../store/events.ts';
import { getSourceStates } from '../store/source-state.ts';
import { PAGE_CSS, PAGE_HEADERS, PAGE_HTML, PAGE_SCRIPT } from '../web/page.ts';
import { type AtomEntry, renderAtom, safeHttpUrl } from './atom.ts';
import { openApiDocument } from './openapi.ts';
import { parseParams } from './params.ts';
import {
  documentsExportQuery,
  documentsFeedQuery,
  documentsQuery,
  eventFilterOf,
  eventQuery,
  eventsExportQuery,
  eventsFeedQuery,
  eventsQuery,
  statsQuery,
} from './queries.ts';
import { cachedBody, cachedJson, nextUrl, rawQuery, streamedBody } from './respond.ts';
import {
  DOCUMENT_CSV_COLUMNS,
  documentCsvRecord,
  EVENT_CSV_COLUMNS,
  eventCsvRecord,
  publicDocument,
  publicEvent,
  publicEventDocument,
  publicEventSummary,
  publicObservation,
  publicSource,
} from './serialize.ts';
import { aggregateStats, statsRange } from './stats.ts';

export { documentsQuery } from './queries.ts';

export interface AppDeps {
  store: Store;
  sources: readonly Source[];
  log?: Log;
  /** The clock stats default their range from (tests pin it). */
  now?: () => Date;
  /** How much one list request may read (tests shrink it to exercise short pages). */
  readBudget?: ReadBudget;
}

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  'query.invalidParam': 400,
  'query.notFound': 404,
  'source.unknown': 404,
};

/** Entries in an Atom feed: enough for any reader's window, small enough to build in one go. */
const FEED_ENTRIES = 100;
/** Documents listed on an event page (the newest); the rest stay in `document_count`. */
const EVENT_PAGE_DOCUMENTS = 200;
/** Page size of the streamed exports (each page is one bounded read). */
const EXPORT_PAGE = 500;
const EVENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

function notFound(param: string, message: string): BreachwireError {
  return new BreachwireError('query.notFound', message, { details: [{ param, message }] });
}

/** A short, stable id for a query: feed ids must not change when parameters are reordered. */
function queryId(c: Context): string {
  const pairs = [...new URL(c.req.url).searchParams].sort(([a, x], [b, y]) =>
    a === b ? x.localeCompare(y) : a.localeCompare(b),
  );
  return createHash('sha256').update(JSON.stringify(pairs)).digest('base64url').slice(0, 16);
}

function describeQuery(c: Context): string {
  const text = new URL(c.req.url).searchParams.toString();
  return text ? ` (${decodeURIComponent(text.replace(/\+/g, ' ')).replace(/&/g, ', ')})` : '';
}

function exportHeaders(c: Context, contentType: string, download: boolean, filename: string) {
  c.header('Content-Type', contentType);
  c.header('Cache-Control', 'public, max-age=60');
  if (download) c.header('Content-Disposition', `attachment; filename="${filename}"`);
}

function eventSummaryLine(event: Event): string {
  const parts = [
    event.kind,
    event.organization?.name ?? null,
    event.country,
    event.affected
      ? `${event.affected.approximate ? '≈' : ''}${event.affected.count.toLocaleString('en-US')} ${event.affected.unit} affected`
      : null,
    event.penalty
      ? `penalty ${event.penalty.amount.toLocaleString('en-US')} ${event.penalty.currency}${event.penalty.authority ? ` (${event.penalty.authority})` : ''}`
      : null,
    `${event.sources.length} source${event.sources.length === 1 ? '' : 's'}`,
  ];
  return parts.filter((part): part is string => Boolean(part)).join(' · ');
}

/**
 * The HTTP API and the web page. It knows nothing about Lambda or Node's HTTP server: the
 * Lambda entry wraps it with `handle(app)`, the local runner with `serve`, tests call
 * `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? silentLog;
  const now = deps.now ?? (() => new Date());
  const budget = deps.readBudget;
  const app = new Hono();

  app.onError((error, c) => {
    const status = isBreachwireError(error) ? (STATUS_BY_CODE[error.code] ?? 500) : 500;
    if (status >= 500) log.error('request failed', { path: c.req.path, error: describeError(error) });
    // A 500 body never carries internal detail.
    const body =
      status >= 500 || !isBreachwireError(error)
        ? { ok: false, status, error: 'internal error', errors: [] }
        : { ok: false, status, error: error.message, errors: error.details };
    return c.json(body, status as 400);
  });
  app.notFound((c) =>
    c.json({ ok: false, status: 404, error: `no route for ${c.req.path}`, errors: [] }, 404),
  );

  // The API is public and read-only: any origin may read it (and see the paging and cache headers).
  const publicCors = cors({
    origin: '*',
    allowMethods: ['GET', 'HEAD', 'OPTIONS'],
    exposeHeaders: ['Link', 'ETag', 'Content-Disposition'],
    maxAge: 86_400,
  });
  app.use('/v1/*', publicCors);
  app.use('/openapi.json', publicCors);

  // --- events ---------------------------------------------------------------------------

  app.get('/v1/events', async (c) => {
    const params = parseParams(eventsQuery, rawQuery(c));
    const filter = eventFilterOf(params);
    const page = await listEvents(
      deps.store,
      { filter, sort: params.sort, limit: params.limit, cursor: params.cursor, asOf: params.as_of },
      budget,
    );
    const next_url = nextUrl(c, page.next);
    if (next_url) c.header('Link', `<${next_url}>; rel="next"`);
    return cachedJson(c, { ok: true, rows: page.rows.map(publicEvent), next: page.next, next_url });
  });

  const eventExport = (format: 'csv' | 'ndjson') => async (c: Context) => {
    const params = parseParams(eventsExportQuery, rawQuery(c));
    const filter = eventFilterOf(params);
    const download = params.download === '1';
    const pages = allEvents(deps.store, { filter, sort: params.sort, asOf: params.as_of }, budget);
    async function* chunks(): AsyncGenerator<string> {
      // A BOM only on downloads: it is what makes spreadsheets read Korean as UTF-8.
      if (format === 'csv') yield `${download ? '\uFEFF' : ''}${stringify([[...EVENT_CSV_COLUMNS]])}`;
      for await (const rows of pages) {
        yield format === 'csv'
          ? stringify(rows.map(eventCsvRecord))
          : rows.map((event) => `${JSON.stringify(publicEvent(event))}\n`).join('');
      }
    }
    const body = await streamedBody(chunks(), log, c.req.path);
    exportHeaders(
      c,
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      download,
      `breachwire-events.${format}`,
    );
    return c.body(body, 200);
  };
  app.get('/v1/events.csv', eventExport('csv'));
  app.get('/v1/events.ndjson', eventExport('ndjson'));

  app.get('/v1/events.atom', async (c) => {
    const params = parseParams(eventsFeedQuery, rawQuery(c));
    const filter = eventFilterOf(params);
    const page = await listEvents(
      deps.store,
      { filter, sort: 'first_seen', limit: FEED_ENTRIES },
      budget ?? { maxPages: 4, maxItems: 2_000 },
    );
    const origin = new URL(c.req.url).origin;
    const search = new URL(c.req.url).search;
    const entries: AtomEntry[] = page.rows.map((event) => ({
      id: `urn:breachwire:event:${event.id}`,
      title: event.title,
      updated: event.updatedAt,
      published: event.firstSeenAt,
      summary: eventSummaryLine(event),
      link: `${origin}/events/${encodeURIComponent(event.id)}`,
      related: `${origin}/v1/events/${encodeURIComponent(event.id)}`,
      categories: [event.kind, ...(event.country ? [event.country] : [])],
    }));
    const xml = renderAtom({
      id: `urn:breachwire:feed:events:${queryId(c)}`,
      title: `breachwire: events${describeQuery(c)}`,
      selfUrl: c.req.url,
      alternateUrl: `${origin}/${search}`,
      entries,
    });
    return cachedBody(c, xml, 'application/atom+xml; charset=utf-8');
  });

  app.get('/v1/events/:id', async (c) => {
    const params = parseParams(eventQuery, rawQuery(c));
    const id = c.req.param('id');
    // A malformed id cannot exist; answering 404 before the store keeps odd input away from it.
    const stored = EVENT_ID.test(id) ? await getEvent(deps.store, id) : null;
    if (!stored) throw notFound('id', `no event "${id.slice(0, 100)}"`);
    const event = params.as_of ? eventAsOf(stored, params.as_of) : stored;
    if (!event) throw notFound('id', `event "${id}" was not yet seen at ${params.as_of}`);
    const documentIds = event.members
      .slice()
      .sort((a, b) => b.seenAt.localeCompare(a.seenAt))
      .slice(0, EVENT_PAGE_DOCUMENTS)
      .map((member) => member.documentId);
    const [documents, relatedEvents] = await Promise.all([
      getDocuments(deps.store, documentIds),
      getEvents(
        deps.store,
        event.related.map((relation) => relation.eventId),
      ),
    ]);
    documents.sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt) || a.id.localeCompare(b.id));
    const reasons = new Map(event.related.map((relation) => [relation.eventId, relation.reason]));
    const related = relatedEvents
      .filter((other) => !params.as_of || other.firstSeenAt <= params.as_of)
      .map((other) => publicEventSummary(other, reasons.get(other.id) ?? null));
    const row = {
      ...publicEvent(event),
      documents: documents.map(publicEventDocument),
      affected_history: event.affectedHistory
        .slice()
        .sort((a, b) => a.statedAt.localeCompare(b.statedAt))
        .map(publicObservation),
      related_events: related,
    };
    return cachedJson(c, { ok: true, rows: [row], next: null, next_url: null });
  });

  // --- documents ------------------------------------------------------------------------

  app.get('/v1/documents', async (c) => {
    const query = parseParams(documentsQuery, rawQuery(c));
    const page = await listDocuments(deps.store, query);
    const next_url = nextUrl(c, page.next);
    if (next_url) c.header('Link', `<${next_url}>; rel="next"`);
    return cachedJson(c, { ok: true, rows: page.rows.map(publicDocument), next: page.next, next_url });
  });

  async function* allDocuments(query: { source?: string; kind?: string; since?: string }) {
    let cursor: string | undefined;
    do {
      const page = await listDocuments(deps.store, {
        ...query,
        limit: EXPORT_PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (page.rows.length > 0) yield page.rows;
      cursor = page.next ?? undefined;
    } while (cursor);
  }

  const documentExport = (format: 'csv' | 'ndjson') => async (c: Context) => {
    const { download, ...query } = parseParams(documentsExportQuery, rawQuery(c));
    async function* chunks(): AsyncGenerator<string> {
      if (format === 'csv')
        yield `${download === '1' ? '\uFEFF' : ''}${stringify([[...DOCUMENT_CSV_COLUMNS]])}`;
      for await (const rows of allDocuments(query)) {
        yield format === 'csv'
          ? stringify(rows.map(documentCsvRecord))
          : rows.map((document) => `${JSON.stringify(publicDocument(document))}\n`).join('');
      }
    }
    const body = await streamedBody(chunks(), log, c.req.path);
    exportHeaders(
      c,
      format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      download === '1',
      `breachwire-documents.${format}`,
    );
    return c.body(body, 200);
  };
  app.get('/v1/documents.csv', documentExport('csv'));
  app.get('/v1/documents.ndjson', documentExport('ndjson'));

  app.get('/v1/documents.atom', async (c) => {
    const query = parseParams(documentsFeedQuery, rawQuery(c));
    const page = await listDocuments(deps.store, { ...query, limit: FEED_ENTRIES });
    const origin = new URL(c.req.url).origin;
    const entries: AtomEntry[] = page.rows.map((document: Document) => ({
      id: `urn:breachwire:document:${document.id}`,
      title: document.title,
      updated: document.firstSeenAt,
      published: document.publishedAt ?? document.firstSeenAt,
      summary: [document.sourceId, document.facts?.kind, document.facts?.organization, document.summary]
        .filter(Boolean)
        .join(' · ')
        .slice(0, 1_000),
      link: safeHttpUrl(document.url),
      ...(document.eventId ? { related: `${origin}/v1/events/${encodeURIComponent(document.eventId)}` } : {}),
      categories: [document.sourceId, ...(document.facts ? [document.facts.kind] : [])],
    }));
    const xml = renderAtom({
      id: `urn:breachwire:feed:documents:${queryId(c)}`,
      title: `breachwire: documents${describeQuery(c)}`,
      selfUrl: c.req.url,
      alternateUrl: `${origin}/`,
      entries,
    });
    return cachedBody(c, xml, 'application/atom+xml; charset=utf-8');
  });

  // --- stats, sources, OpenAPI ----------------------------------------------------------

  app.get('/v1/stats', async (c) => {
    const params = parseParams(statsQuery, rawQuery(c));
    const { since, until, ...rest } = params;
    const filter = eventFilterOf(rest);
    const range = statsRange(since, until, now());
    const buckets = await eventsByMonth(deps.store, range, filter);
    return cachedJson(c, {
      ok: true,
      rows: aggregateStats(buckets),
      range: { since: range.since, until: range.until },
      next: null,
      next_url: null,
    });
  });

  app.get('/v1/sources', async (c) => {
    parseParams({}, rawQuery(c));
    const states = await getSourceStates(
      deps.store,
      deps.sources.map((source) => source.id),
    );
    const rows = deps.sources.map((source, index) => publicSource(healthOf(source, states[index]!)));
    return cachedJson(c, { ok: true, rows, next: null, next_url: null });
  });

  app.get('/v1/sources/:id', async (c) => {
    parseParams({}, rawQuery(c));
    const id = c.req.param('id');
    const source = deps.sources.find((candidate) => candidate.id === id);
    if (!source)
      throw new BreachwireError('query.notFound', `unknown source "${id.slice(0, 100)}"`, {
        details: [{ param: 'id', message: 'no such source' }],
      });
    const [state] = await getSourceStates(deps.store, [id]);
    return cachedJson(c, {
      ok: true,
      rows: [publicSource(healthOf(source, state!))],
      next: null,
      next_url: null,
    });
  });

  app.get('/openapi.json', (c) => {
    parseParams({}, rawQuery(c));
    return cachedJson(c, openApiDocument(new URL(c.req.url).origin));
  });

  // --- the web page ---------------------------------------------------------------------

  const page = (body: string, contentType: string) => (c: Context) => {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
    return cachedBody(c, body, contentType);
  };
  app.get('/', page(PAGE_HTML, 'text/html; charset=utf-8'));
  app.get('/events/:id', page(PAGE_HTML, 'text/html; charset=utf-8'));
  app.get('/app.js', page(PAGE_SCRIPT, 'text/javascript; charset=utf-8'));
  app.get('/app.css', page(PAGE_CSS, 'text/css; charset=utf-8'));

  return app;
}
