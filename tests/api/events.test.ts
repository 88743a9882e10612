import { parse as parseCsv } from 'csv-parse/sync';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { eventAsOf } from '../../functions/events/as-of.ts';
import { type EventFilter, matchesFilter } from '../../functions/events/filter.ts';
import { approximateEur } from '../../functions/money/convert.ts';
import { sources } from '../../functions/sources/registry.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { eventKeys } from '../../functions/store/keys.ts';
import { startTestStore } from '../helpers/store.ts';
import { FORMULA_TITLE, HOSTILE_TITLE, type Seeded, seedEvents } from './seed.ts';

let embedded: EmbeddedStore;
let seeded: Seeded;
let app: ReturnType<typeof createApp>;
/** The same app with a tiny read budget: pages come back short and must still add up. */
let frugal: ReturnType<typeof createApp>;

beforeAll(async () => {
  embedded = await startTestStore();
  seeded = await seedEvents(embedded.store, 130);
  const now = () => new Date('2026-01-15T00:00:00.000Z');
  app = createApp({ store: embedded.store, sources, now });
  frugal = createApp({ store: embedded.store, sources, now, readBudget: { maxPages: 2, maxItems: 12 } });
}, 120_000);
afterAll(() => embedded.close());

interface Envelope<T = Record<string, unknown>> {
  ok: true;
  rows: T[];
  next: string | null;
  next_url: string | null;
}
interface ErrorBody {
  ok: false;
  status: number;
  error: string;
  errors: { param: string; message: string }[];
}
type PublicEvent = { id: string; [key: string]: unknown };

/** Every page of a list, following `next_url` as a client would. */
async function everyPage(client: typeof app, url: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | null = url;
  let pages = 0;
  while (next) {
    const response = await client.request(next);
    expect(response.status, `${next}`).toBe(200);
    const body = (await response.json()) as Envelope<PublicEvent>;
    ids.push(...body.rows.map((row) => row.id));
    pages++;
    expect(pages).toBeLessThan(400);
    if (body.next) {
      expect(body.next_url).toContain(`cursor=${encodeURIComponent(body.next)}`);
      expect(response.headers.get('link')).toBe(`<${body.next_url}>; rel="next"`);
      const nextUrl: URL = new URL(body.next_url!);
      next = `${nextUrl.pathname}${nextUrl.search}`;
    } else {
      expect(body.next_url).toBeNull();
      next = null;
    }
  }
  return { ids, pages };
}

/** The expected rows, computed from the seeded events with matchesFilter and plain sorting. */
function expected(filter: EventFilter, sort: 'first_seen' | 'affected' | 'penalty', asOf?: string): string[] {
  const rows: { key: string; id: string }[] = [];
  for (const stored of seeded.events) {
    const event = asOf ? eventAsOf(stored, asOf) : stored;
    if (!event || !matchesFilter(event, filter)) continue;
    if (sort === 'first_seen') rows.push({ key: `${stored.firstSeenAt}#${stored.id}`, id: stored.id });
    if (sort === 'affected' && stored.affected)
      rows.push({ key: eventKeys.byAffected(stored.affected.count, stored.id).gsi5sk, id: stored.id });
    const eur = stored.penalty ? approximateEur(stored.penalty.amount, stored.penalty.currency) : null;
    if (sort === 'penalty' && eur !== null)
      rows.push({ key: eventKeys.byPenalty(eur, stored.id).gsi6sk, id: stored.id });
  }
  return rows.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)).map((row) => row.id);
}

function snakeCaseKeys(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => snakeCaseKeys(item, `${path}[${index}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => [
      ...(/^[a-z][a-z0-9_]*$/.test(key) ? [] : [`${path}.${key}`]),
      ...snakeCaseKeys(child, `${path}.${key}`),
    ]);
  return [];
}

describe('seed', () => {
  it('holds at least 120 events of every kind', () => {
    expect(seeded.events.length).toBeGreaterThanOrEqual(120);
    expect(new Set(seeded.events.map((event) => event.kind))).toEqual(
      new Set(['breach', 'penalty', 'policy', 'other']),
    );
    expect(seeded.coupang.breach.affectedHistory).toHaveLength(2);
    expect(seeded.coupang.penalty.related[0]?.eventId).toBe(seeded.coupang.breach.id);
  });
});

describe('GET /v1/events pagination returns every matching event exactly once, in order', () => {
  const cases: [string, EventFilter, 'first_seen' | 'affected' | 'penalty', string?][] = [
    ['', {}, 'first_seen'],
    ['country=KR', { country: ['KR'] }, 'first_seen'],
    ['country=KR,US&kind=breach', { country: ['KR', 'US'], kind: ['breach'] }, 'first_seen'],
    ['kind=penalty&kind=policy', { kind: ['penalty', 'policy'] }, 'first_seen'],
    ['kind=breach&min_affected=100000', { kind: ['breach'], min_affected: 100_000 }, 'first_seen'],
    [
      'since=2025-03-01&until=2025-09-01',
      { since: '2025-03-01T00:00:00.000Z', until: '2025-09-01T00:00:00.000Z' },
      'first_seen',
    ],
    [
      'since=2025-01-01&date_field=disclosed',
      { since: '2025-01-01T00:00:00.000Z', date_field: 'disclosed' },
      'first_seen',
    ],
    ['sort=affected', {}, 'affected'],
    [
      'sort=affected&min_affected=5000&max_affected=500000',
      { min_affected: 5000, max_affected: 500_000 },
      'affected',
    ],
    ['sort=affected&country=JP', { country: ['JP'] }, 'affected'],
    ['sort=penalty', {}, 'penalty'],
    ['sort=penalty&min_penalty=100000&currency=EUR', { min_penalty: 100_000, currency: 'EUR' }, 'penalty'],
    ['min_penalty=1000000&currency=KRW', { min_penalty: 1_000_000, currency: 'KRW' }, 'first_seen'],
    ['data_type=email', { data_type: ['email'] }, 'first_seen'],
    ['source=source-b', { source: 'source-b' }, 'first_seen'],
    ['q=holdings&country=DE', { q: 'holdings', country: ['DE'] }, 'first_seen'],
    ['q=%EC%9C%A0%EC%B6%9C', { q: '유출' }, 'first_seen'],
    ['org=%EC%BF%A0%ED%8C%A1', { org: '쿠팡' }, 'first_seen'],
    ['org=coupang&kind=penalty', { org: 'coupang', kind: ['penalty'] }, 'first_seen'],
    ['as_of=2025-07-01', {}, 'first_seen', '2025-07-01T00:00:00.000Z'],
    [
      'as_of=2025-08-15&min_affected=10000',
      { min_affected: 10_000 },
      'first_seen',
      '2025-08-15T00:00:00.000Z',
    ],
    ['as_of=2025-10-01&sort=affected', {}, 'affected', '2025-10-01T00:00:00.000Z'],
  ];

  it.each(cases)('?%s', async (query, filter, sort, asOf) => {
    const want = expected(filter, sort, asOf);
    for (const [client, limit] of [
      [app, 7],
      [frugal, 5],
    ] as const) {
      const { ids } = await everyPage(client, `/v1/events?${query}${query ? '&' : ''}limit=${limit}`);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(want);
    }
  });

  it('lists new disclosures first even when they report old breaches', async () => {
    const body = (await (await app.request('/v1/events?limit=3')).json()) as Envelope<PublicEvent>;
    const newest = [...seeded.events].sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt))[0]!;
    expect(body.rows[0]!.id).toBe(newest.id);
  });

  it('answers a sparse filter with a bounded read and a cursor instead of reading everything', async () => {
    // One matching event among 130: a small budget must stop early and hand back a cursor.
    const response = await frugal.request(`/v1/events?q=${encodeURIComponent('Hostile Corp')}&limit=1`);
    const body = (await response.json()) as Envelope<PublicEvent>;
    expect(body.rows.length).toBeLessThanOrEqual(1);
    const { ids, pages } = await everyPage(frugal, `/v1/events?q=${encodeURIComponent('Hostile Corp')}`);
    expect(ids).toEqual([seeded.hostile.id]);
    expect(pages).toBeGreaterThan(5);
  });

  it('applies as_of to counts: the Coupang breach shows 4,500 before the revision', async () => {
    const before = (await (
      await app.request(`/v1/events?org=coupang&kind=breach&as_of=2025-11-25T00:00:00Z`)
    ).json()) as Envelope<{ id: string; affected: { count: number }; source_count: number }>;
    expect(before.rows).toHaveLength(1);
    expect(before.rows[0]!.affected.count).toBe(4500);
    expect(before.rows[0]!.source_count).toBe(1);
    const earlier = (await (await app.request('/v1/events?org=coupang&as_of=2025-11-01')).json()) as Envelope;
    expect(earlier.rows).toEqual([]);
  });
});

describe('GET /v1/events contract', () => {
  it('answers the envelope with snake_case keys only', async () => {
    for (const url of [
      '/v1/events?limit=20',
      `/v1/events/${seeded.coupang.breach.id}`,
      '/v1/stats',
      '/v1/documents?limit=5',
      '/v1/sources',
    ]) {
      const response = await app.request(url);
      expect(response.status, url).toBe(200);
      const body = (await response.json()) as Envelope;
      expect(body).toMatchObject({
        ok: true,
        next: expect.toSatisfy((v) => v === null || typeof v === 'string'),
      });
      expect(Array.isArray(body.rows)).toBe(true);
      expect(snakeCaseKeys(body), url).toEqual([]);
    }
  });

  const badParams: [string, string][] = [
    ['kind=gossip', 'kind'],
    ['kind=breach,gossip', 'kind'],
    ['country=KOR', 'country'],
    ['country=K1', 'country'],
    ['since=yesterday', 'since'],
    ['since=2025-13-45', 'since'],
    ['until=2025-02-30T25:00Z', 'until'],
    ['since=2025-06-01&until=2025-01-01', 'until'],
    ['date_field=published', 'date_field'],
    ['min_affected=-5', 'min_affected'],
    ['min_affected=1e6', 'min_affected'],
    ['max_affected=abc', 'max_affected'],
    ['min_affected=100&max_affected=10', 'max_affected'],
    ['org=', 'org'],
    [`org=${'x'.repeat(201)}`, 'org'],
    ['q=', 'q'],
    [`q=${'가'.repeat(201)}`, 'q'],
    ['q=a&q=b', 'q'],
    ['data_type=dna', 'data_type'],
    ['min_penalty=abc&currency=EUR', 'min_penalty'],
    ['min_penalty=100', 'currency'],
    ['currency=EUR', 'currency'],
    ['min_penalty=100&currency=EURO', 'currency'],
    ['source=Not_An_Id', 'source'],
    ['sort=size', 'sort'],
    ['sort=affected&sort=penalty', 'sort'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['as_of=nope', 'as_of'],
    ['as_of=2025-02-31', 'as_of'],
    ['download=1', 'download'],
    ['countyr=KR', 'countyr'],
    ['cursor=abc', 'cursor'],
    [`cursor=${'a'.repeat(3000)}`, 'cursor'],
  ];

  it.each(badParams)('%s → 400 naming %s', async (query, param) => {
    const response = await app.request(`/v1/events?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ ok: false, status: 400 });
    expect(body.errors.map((error) => error.param)).toContain(param);
    expect(body.error).toContain(param);
    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('names every bad parameter at once', async () => {
    const body = (await (
      await app.request('/v1/events?kind=x&country=y&limit=0&colour=red')
    ).json()) as ErrorBody;
    expect(body.errors.map((error) => error.param).sort()).toEqual(['colour', 'country', 'kind', 'limit']);
  });

  describe('cursors', () => {
    let cursor: string;
    beforeAll(async () => {
      const body = (await (await app.request('/v1/events?country=KR&limit=2')).json()) as Envelope;
      cursor = body.next!;
      expect(cursor).toBeTruthy();
    });

    it('accepts its own cursor', async () => {
      const response = await app.request(`/v1/events?country=KR&limit=2&cursor=${cursor}`);
      expect(response.status).toBe(200);
    });

    it.each([
      ['tampered', (c: string) => `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}`],
      ['truncated', (c: string) => c.slice(0, -3)],
      ['without signature', (c: string) => c.split('.')[0]!],
      ['huge', (c: string) => `${c}${'A'.repeat(2_100)}`],
    ])('refuses a %s cursor with a 400 on cursor', async (_name, mangle) => {
      const response = await app.request(
        `/v1/events?country=KR&limit=2&cursor=${encodeURIComponent(mangle(cursor))}`,
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).errors.map((error) => error.param)).toContain('cursor');
    });

    it('refuses a cursor from another filter, sort or route', async () => {
      for (const url of [
        `/v1/events?country=US&limit=2&cursor=${cursor}`,
        `/v1/events?country=KR&sort=affected&limit=2&cursor=${cursor}`,
        `/v1/events?country=KR&limit=2&as_of=2025-12-01&cursor=${cursor}`,
        `/v1/documents?cursor=${cursor}`,
      ]) {
        const response = await app.request(url);
        expect(response.status, url).toBe(400);
        expect(((await response.json()) as ErrorBody).errors[0]!.param).toBe('cursor');
      }
      const documentsCursor = ((await (await app.request('/v1/documents?limit=1')).json()) as Envelope).next!;
      const response = await app.request(`/v1/events?cursor=${documentsCursor}`);
      expect(response.status).toBe(400);
    });
  });

  it('serves cache headers and 304 on If-None-Match, and CORS for GET', async () => {
    const first = await app.request('/v1/events?country=KR', {
      headers: { Origin: 'https://newsroom.example' },
    });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[^"]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const second = await app.request('/v1/events?country=KR', { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
    expect(second.headers.get('etag')).toBe(etag);
    expect(await second.text()).toBe('');
    const other = await app.request('/v1/events?country=US', { headers: { 'If-None-Match': etag } });
    expect(other.status).toBe(200);
    const preflight = await app.request('/v1/events', {
      method: 'OPTIONS',
      headers: { Origin: 'https://newsroom.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');
    const event = await app.request(`/v1/events/${seeded.coupang.breach.id}`);
    expect(event.headers.get('etag')).toMatch(/^W\//);
  });
});

describe('GET /v1/events/{id}', () => {
  interface Detail {
    id: string;
    affected: { count: number };
    documents: {
      source: string;
      url: string | null;
      title: string;
      published_at: string;
      first_seen_at: string;
    }[];
    affected_history: { count: number; source: string; document_id: string }[];
    related_events: { id: string; kind: string; title: string }[];
  }

  it('shows documents, count history and related events', async () => {
    const response = await app.request(`/v1/events/${seeded.coupang.breach.id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Envelope<Detail>;
    const event = body.rows[0]!;
    expect(event.affected.count).toBe(33_700_000);
    expect(event.documents.map((document) => document.source)).toEqual(['yonhap-en', 'yonhap-ko']);
    expect(event.documents[1]).toMatchObject({
      title: '쿠팡 개인정보 유출 3370만명',
      first_seen_at: '2025-11-29T13:00:00.000Z',
    });
    expect(event.affected_history.map((observation) => observation.count)).toEqual([4500, 33_700_000]);
    expect(event.related_events).toEqual([
      expect.objectContaining({ id: seeded.coupang.penalty.id, kind: 'penalty' }),
    ]);
  });

  it('shows the event as of a time', async () => {
    const body = (await (
      await app.request(`/v1/events/${seeded.coupang.breach.id}?as_of=2025-11-25`)
    ).json()) as Envelope<Detail>;
    expect(body.rows[0]!.affected.count).toBe(4500);
    expect(body.rows[0]!.documents).toHaveLength(1);
    expect(body.rows[0]!.related_events).toEqual([]);
  });

  it.each([
    ['/v1/events/eNOSUCHEVENT', 404, 'id'],
    [`/v1/events/${'x'.repeat(3000)}`, 404, 'id'],
    ['/v1/events/%3Cscript%3E', 404, 'id'],
    [`/v1/events/${'e'}?as_of=nope`, 400, 'as_of'],
    ['/v1/events/eX?limit=5', 400, 'limit'],
  ])('%s → %i naming %s', async (url, status, param) => {
    const response = await app.request(url);
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ ok: false, status });
    expect(body.errors.map((error) => error.param)).toContain(param);
  });

  it('is a 404 when the event was not yet seen at as_of', async () => {
    const response = await app.request(`/v1/events/${seeded.coupang.breach.id}?as_of=2025-01-01`);
    expect(response.status).toBe(404);
  });
});

describe('exports', () => {
  it('streams every matching event as CSV with documented columns, neutralising formulas', async () => {
    const response = await app.request('/v1/events.csv?sort=first_seen');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBeNull();
    const records = parseCsv(await response.text(), { columns: true }) as Record<string, string>[];
    expect(records.map((record) => record['id'])).toEqual(expected({}, 'first_seen'));
    expect(Object.keys(records[0]!)).toContain('affected_count');
    const formula = records.find((record) => record['title']?.includes('HYPERLINK'))!;
    expect(formula['title']).toBe(`'${FORMULA_TITLE}`);
    for (const record of records)
      for (const cell of Object.values(record)) expect(cell).not.toMatch(/^[=+\-@]/);
    const hostile = records.find((record) => record['id'] === seeded.hostile.id)!;
    expect(hostile['title']).toBe(HOSTILE_TITLE);
    const korean = records.find((record) => record['id'] === seeded.coupang.breach.id)!;
    expect(korean['affected_count']).toBe('33700000');
  });

  it('filters the CSV and offers it as a download', async () => {
    const response = await app.request('/v1/events.csv?country=KR&min_affected=1000&download=1');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="breachwire-events.csv"');
    const records = parseCsv(await response.text(), { columns: true, bom: true }) as Record<string, string>[];
    expect(records.map((record) => record['id'])).toEqual(
      expected({ country: ['KR'], min_affected: 1000 }, 'first_seen'),
    );
  });

  it('streams NDJSON, one event per line, all pages (even with a frugal read budget)', async () => {
    const response = await frugal.request('/v1/events.ndjson?sort=affected&kind=breach');
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text()).split('\n');
    expect(lines.at(-1)).toBe('');
    const rows = lines.slice(0, -1).map((line) => JSON.parse(line) as PublicEvent);
    expect(rows.map((row) => row.id)).toEqual(expected({ kind: ['breach'] }, 'affected'));
    expect(rows.flatMap((row) => snakeCaseKeys(row))).toEqual([]);
  });

  it('serves an Atom feed of exactly that filter', async () => {
    const response = await app.request('/v1/events.atom?country=KR&min_affected=1000000');
    expect(response.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const xml = await response.text();
    expect(xml).toMatch(
      /<link rel="self" type="application\/atom\+xml" href="http:\/\/localhost\/v1\/events\.atom\?country=KR&amp;min_affected=1000000"\/>/,
    );
    const feed = await new Parser().parseString(xml);
    const want = expected({ country: ['KR'], min_affected: 1_000_000 }, 'first_seen');
    expect(feed.items.map((item) => item.id)).toEqual(want.map((id) => `urn:breachwire:event:${id}`));
    expect(feed.items.length).toBeGreaterThan(0);
    expect(response.headers.get('etag')).toMatch(/^W\//);
  });

  it('escapes hostile titles in Atom and keeps the feed well-formed', async () => {
    const xml = await (await app.request('/v1/events.atom?org=hostile%20corp')).text();
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/href="javascript:/);
    const feed = await new Parser().parseString(xml);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]!.title).toBe(HOSTILE_TITLE);
    expect(feed.items[0]!.link).toMatch(/^http:\/\/localhost\/events\//);
  });

  it('limits the feed to 100 entries, newest first-seen first', async () => {
    const feed = await new Parser().parseString(await (await app.request('/v1/events.atom')).text());
    expect(feed.items.map((item) => item.id)).toEqual(
      expected({}, 'first_seen')
        .slice(0, 100)
        .map((id) => `urn:breachwire:event:${id}`),
    );
  });

  it.each([
    ['/v1/events.csv?limit=5', 'limit'],
    ['/v1/events.csv?cursor=abc', 'cursor'],
    ['/v1/events.csv?download=yes', 'download'],
    ['/v1/events.csv?country=KOR', 'country'],
    ['/v1/events.ndjson?min_penalty=5', 'currency'],
    ['/v1/events.atom?sort=affected', 'sort'],
    ['/v1/events.atom?kind=gossip', 'kind'],
    ['/v1/documents.csv?kind=gossip', 'kind'],
    ['/v1/documents.atom?since=never', 'since'],
  ])('%s → 400 naming %s (an error, not a broken stream)', async (url, param) => {
    const response = await app.request(url);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).errors.map((error) => error.param)).toContain(param);
  });

  it('exports documents as CSV, NDJSON and Atom', async () => {
    const csv = parseCsv(await (await app.request('/v1/documents.csv?source=source-a')).text(), {
      columns: true,
    }) as Record<string, string>[];
    expect(csv.length).toBe(seeded.documents.filter((document) => document.sourceId === 'source-a').length);
    expect(csv.every((record) => record['source'] === 'source-a')).toBe(true);
    const ndjson = (await (await app.request('/v1/documents.ndjson')).text()).trim().split('\n');
    expect(ndjson.length).toBe(seeded.documents.length + 4);
    const feed = await new Parser().parseString(
      await (await app.request('/v1/documents.atom?source=source-a')).text(),
    );
    expect(feed.items.length).toBe(Math.min(100, csv.length));
    expect(feed.items.every((item) => item.id?.startsWith('urn:breachwire:document:'))).toBe(true);
    // javascript: URLs never become links.
    expect(feed.items.every((item) => !item.link || item.link.startsWith('http'))).toBe(true);
  });
});

describe('GET /v1/stats', () => {
  interface StatsRow {
    dimension: string;
    value: string;
    events: number;
    affected_sum: number;
    penalties: { currency: string; amount: number }[];
  }

  it('counts by month, country and kind over a bounded range', async () => {
    const response = await app.request('/v1/stats?since=2025-01-01&until=2026-01-01');
    const body = (await response.json()) as Envelope<StatsRow> & { range: { since: string; until: string } };
    const months = body.rows.filter((row) => row.dimension === 'month');
    expect(months.map((row) => row.value)).toHaveLength(12);
    const inRange = seeded.events.filter(
      (event) => event.firstSeenAt >= '2025-01-01' && event.firstSeenAt < '2026-01-01',
    );
    expect(months.reduce((sum, row) => sum + row.events, 0)).toBe(inRange.length);
    const june = months.find((row) => row.value === '2025-06')!;
    expect(june.events).toBe(inRange.filter((event) => event.firstSeenAt.startsWith('2025-06')).length);
    const kr = body.rows.find((row) => row.dimension === 'country' && row.value === 'KR')!;
    const krEvents = inRange.filter((event) => event.country === 'KR');
    expect(kr.events).toBe(krEvents.length);
    expect(kr.affected_sum).toBe(krEvents.reduce((sum, event) => sum + (event.affected?.count ?? 0), 0));
    const krw = kr.penalties.find((penalty) => penalty.currency === 'KRW');
    expect(krw?.amount ?? 0).toBe(
      krEvents
        .filter((event) => event.penalty?.currency === 'KRW')
        .reduce((sum, event) => sum + event.penalty!.amount, 0),
    );
    const kinds = body.rows.filter((row) => row.dimension === 'kind');
    expect(kinds.reduce((sum, row) => sum + row.events, 0)).toBe(inRange.length);
  });

  it('defaults to the last 12 months and applies the filter', async () => {
    const body = (await (await app.request('/v1/stats?kind=penalty')).json()) as Envelope<StatsRow> & {
      range: { since: string; until: string };
    };
    expect(body.range).toEqual({ since: '2025-02-01T00:00:00.000Z', until: '2026-01-15T00:00:00.000Z' });
    expect(body.rows.filter((row) => row.dimension === 'month')).toHaveLength(12);
    expect(body.rows.filter((row) => row.dimension === 'kind').map((row) => row.value)).toEqual(['penalty']);
  });

  it.each([
    ['since=2020-01-01&until=2026-01-01', 'since'],
    ['since=2026-01-01&until=2025-01-01', 'until'],
    ['since=soon', 'since'],
    ['sort=affected', 'sort'],
    ['date_field=disclosed', 'date_field'],
    ['min_penalty=5', 'currency'],
  ])('%s → 400 naming %s', async (query, param) => {
    const response = await app.request(`/v1/stats?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).errors.map((error) => error.param)).toContain(param);
  });
});

describe('GET /openapi.json', () => {
  it('documents every route and every parameter from the validating schemas', async () => {
    const spec = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<
        string,
        { get: { parameters: { name: string; description: string; schema: unknown }[] } }
      >;
    };
    expect(spec.openapi).toBe('3.1.0');
    const events = spec.paths['/v1/events']!.get.parameters.map((param) => param.name);
    expect(events).toEqual(
      expect.arrayContaining([
        'kind',
        'country',
        'since',
        'until',
        'date_field',
        'min_affected',
        'max_affected',
        'org',
        'q',
        'data_type',
        'min_penalty',
        'currency',
        'source',
        'sort',
        'limit',
        'cursor',
        'as_of',
      ]),
    );
    for (const [path, item] of Object.entries(spec.paths))
      for (const param of item.get.parameters) {
        expect(param.description, `${path} ${param.name}`).not.toBe(param.name);
        expect(param.schema, `${path} ${param.name}`).toBeTruthy();
      }
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events.csv',
        '/v1/events.atom',
        '/v1/events/{id}',
        '/v1/stats',
        '/v1/documents',
      ]),
    );
  });
});

describe('store access on request paths', () => {
  it('never Scans, and a list request reads at most its budget of Query pages', async () => {
    const commands: string[] = [];
    const recording = {
      tableName: embedded.store.tableName,
      doc: {
        send: (command: { constructor: { name: string } }) => {
          commands.push(command.constructor.name);
          return embedded.store.doc.send(command as never);
        },
      },
    } as unknown as typeof embedded.store;
    const watched = createApp({ store: recording, sources, now: () => new Date('2026-01-15T00:00:00.000Z') });
    const urls = [
      '/v1/events',
      '/v1/events?q=nothing-matches-this&limit=500',
      '/v1/events?sort=affected&source=source-c',
      '/v1/events?sort=penalty&data_type=health',
      '/v1/events?org=coupang',
      '/v1/events?country=KR&kind=breach&as_of=2025-09-01',
      '/v1/events.csv',
      '/v1/events.ndjson?sort=penalty',
      '/v1/events.atom?q=holdings',
      `/v1/events/${seeded.coupang.breach.id}`,
      '/v1/documents.csv',
      '/v1/documents.atom',
      '/v1/stats?since=2023-02-01&until=2026-01-15',
      '/v1/sources',
    ];
    for (const url of urls) {
      commands.length = 0;
      const response = await watched.request(url);
      expect(response.status, url).toBe(200);
      await response.text();
      expect(commands, url).not.toContain('ScanCommand');
      if (url.startsWith('/v1/events?'))
        expect(commands.filter((name) => name === 'QueryCommand').length, url).toBeLessThanOrEqual(4);
    }
  });
});
