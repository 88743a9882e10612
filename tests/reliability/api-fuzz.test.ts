import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { ROUTES } from '../../functions/api/queries.ts';
import { DATA_TYPES, KINDS } from '../../functions/extract/types.ts';
import { sources } from '../../functions/sources/registry.ts';
import { createStore, type Store } from '../../functions/store/client.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { seedEvents } from '../api/seed.ts';
import { startTestStore } from '../helpers/store.ts';

/**
 * API fuzzing: every query parameter of every list route (and their .csv/.ndjson/.atom
 * forms), unknown and prototype-shaped parameter names, repeats, malformed percent escapes,
 * and cursors that are tampered, truncated, foreign, huge, random or forged with the default
 * signing key. Every answer must be a 200 or a 4xx with the one error shape; never a 5xx,
 * and the store must never be Scanned (a client middleware refuses Scans and records them).
 */

const RUNS_PER_PROPERTY = 150;
const LIST_ROUTES = ROUTES.filter((route) => !route.pathParams);

let embedded: EmbeddedStore;
let app: ReturnType<typeof createApp>;
const scans: string[] = [];
/** Real cursors from real pages of several routes and filters, to tamper with and to cross routes. */
const realCursors: string[] = [];

beforeAll(async () => {
  embedded = await startTestStore();
  await seedEvents(embedded.store, 40);
  // The app gets its own client on the same dynalite, with a middleware that fails any Scan.
  const store: Store = createStore({ tableName: embedded.store.tableName, endpoint: embedded.endpoint });
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ScanCommand') {
        scans.push(JSON.stringify(args.input));
        throw new Error('a request path Scanned the table');
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseScans' },
  );
  app = createApp({ store, sources, now: () => new Date('2026-01-15T00:00:00.000Z') });
  for (const url of [
    '/v1/events?limit=2',
    '/v1/events?limit=1&kind=breach',
    '/v1/events?limit=1&sort=affected',
    '/v1/events?limit=1&sort=penalty&country=KR',
    '/v1/events?limit=1&org=coupang',
    '/v1/documents?limit=2',
    '/v1/documents?limit=1&source=source-a',
  ]) {
    const body = (await (await app.request(url)).json()) as { next: string | null };
    if (body.next) realCursors.push(body.next);
  }
  expect(realCursors.length).toBeGreaterThanOrEqual(5);
}, 120_000);

afterAll(() => embedded.close());

/** A cursor with a valid signature under the default key (public in the source) and any content. */
function forged(body: unknown): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  const signature = createHmac('sha256', process.env['BREACHWIRE_CURSOR_KEY'] ?? 'breachwire-cursor-v1')
    .update(payload)
    .digest('base64url')
    .slice(0, 22);
  return `${payload}.${signature}`;
}

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '<script>alert(1)</script>',
    '\u202Egnp.exe',
    'a\u200Bb\u200Dc\uFEFF',
    '쿠팡',
    '%',
    '%%',
    "' OR 1=1 --",
    '{"$ne":null}',
    'x'.repeat(201),
    'x'.repeat(5_000),
  ),
);

const dateText = fc.oneof(
  fc.constantFrom(
    '2025-01-01',
    '2025-06-01T12:00:00Z',
    '2025-06-01T12:00+09:00',
    '2025-12-31T23:59:59.999-14:00',
    '2025-02-29',
    '2024-02-29',
    '2025-02-31',
    '2025-13-01',
    '0000-01-01',
    '0000-01-01T00:00+01:00',
    '9999-12-31T23:59:59.999-14:00',
    '2025-1-1',
    'yesterday',
    '1735689600',
  ),
  fc
    .date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .chain((date) => fc.constantFrom(date.toISOString(), date.toISOString().slice(0, 10))),
);

const numberText = fc.oneof(
  fc.nat({ max: 100_000_000 }).map(String),
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    '1e9',
    '9'.repeat(16),
    '9'.repeat(17),
    '0x10',
    'NaN',
    'Infinity',
    ' 5',
    '',
  ),
);

/** Values for each known parameter: mostly plausible, often hostile. */
const VALUES: Record<string, fc.Arbitrary<string>> = {
  kind: fc.oneof(fc.constantFrom(...KINDS, 'BREACH', 'breach,penalty', 'breach,,', ','), hostileText),
  country: fc.oneof(fc.constantFrom('KR', 'kr', 'EU', 'US,GB', 'KOREA', 'K', '12'), hostileText),
  since: dateText,
  until: dateText,
  as_of: dateText,
  date_field: fc.oneof(fc.constantFrom('first_seen', 'disclosed', 'published'), hostileText),
  min_affected: numberText,
  max_affected: numberText,
  min_penalty: numberText,
  org: fc.oneof(fc.constantFrom('Coupang', '쿠팡', 'coupang', 'Inc.', 'Org 3 Holdings'), hostileText),
  q: fc.oneof(fc.constantFrom('holdings', 'Hostile', '개인정보', 'script'), hostileText),
  data_type: fc.oneof(fc.constantFrom(...DATA_TYPES, 'email,phone', 'EMAIL'), hostileText),
  currency: fc.oneof(fc.constantFrom('EUR', 'KRW', 'usd', 'XXX', 'EURO', 'E1R'), hostileText),
  source: fc.oneof(
    fc.constantFrom('source-a', 'yonhap-ko', 'korea-kr-pipc', 'NOPE', 'a'.repeat(65)),
    hostileText,
  ),
  sort: fc.oneof(fc.constantFrom('first_seen', 'affected', 'penalty', 'random'), hostileText),
  limit: fc.oneof(
    fc.constantFrom('1', '50', '500', '501', '0', '-1', '50.5', '0001', '99999', 'ten'),
    hostileText,
  ),
  download: fc.oneof(fc.constantFrom('0', '1', '2', 'true'), hostileText),
};

const UNKNOWN_NAMES = [
  'countyr',
  'LIMIT',
  'page',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
];

function cursorBody(cursor: string): { r: string; k: Record<string, unknown> } {
  return JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString('utf8'));
}
const scopeOf = (cursor: string) => cursorBody(cursor).r;
const keyOf = (cursor: string) => cursorBody(cursor).k;

/** One of the real cursors (read when generating: they are collected in beforeAll). */
const realCursor = fc.nat().map((index) => realCursors[index % realCursors.length]!);

/** Cursors of every hostile kind, plus the real ones (valid for their own route only). */
const cursorText = fc.oneof(
  realCursor,
  fc.tuple(realCursor, fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([cursor, at, char]) => {
    const index = at % cursor.length;
    return `${cursor.slice(0, index)}${char}${cursor.slice(index + 1)}`;
  }),
  fc.tuple(realCursor, fc.nat()).map(([cursor, at]) => cursor.slice(0, at % cursor.length)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc
    .tuple(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 16, maxLength: 16 }))
    .map(([a, b]) => `${Buffer.from(a).toString('base64url')}.${Buffer.from(b).toString('base64url')}`),
  fc.constantFrom('x'.repeat(5_000), `${'A'.repeat(3_000)}.${'B'.repeat(22)}`, '.', '..', 'a.b.c', ''),
  // Signed with the default key (it is public), so only what the cursor carries can stop them:
  // the scope of a real cursor with a start key of another shape, partition or range.
  fc
    .record({
      r: fc.oneof(realCursor.map(scopeOf), fc.string()),
      k: fc.oneof(
        fc.dictionary(
          fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi5sk', 'x'),
          fc.string(),
        ),
        fc
          .tuple(
            realCursor.map(keyOf),
            fc.constantFrom('pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'),
            fc.string(),
          )
          .map(([key, name, value]) => ({ ...key, [name]: value })),
        fc.constantFrom({ pk: 1 }, { pk: { S: 'x' } }, [], null, 'k'),
      ),
    })
    .map(forged),
);

const queryPairs = (route: (typeof LIST_ROUTES)[number]) => {
  const known = Object.keys(route.shape);
  const pair = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...(known.length ? known : ['limit'])) },
    { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_NAMES) },
  );
  return fc.array(
    pair.chain((name) =>
      (name === 'cursor' ? cursorText : Object.hasOwn(VALUES, name) ? VALUES[name]! : hostileText).map(
        (value) => [name, value] as const,
      ),
    ),
    { maxLength: 6 },
  );
};

function toQuery(pairs: readonly (readonly [string, string])[], rawTail: string): string {
  const encoded = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  const text = [...encoded, ...(rawTail ? [rawTail] : [])].join('&');
  return text ? `?${text}` : '';
}

/** Raw, possibly malformed, query text appended without encoding. */
const rawTail = fc.constantFrom('', '', '', 'limit=%', 'q=%zz', 'q=%E0%A4', '&&', '=', 'kind', 'q=a+b');

interface ErrorBody {
  ok: boolean;
  status: number;
  error: string;
  errors: { param: string; message: string }[];
}

/** The contract every answer keeps, whatever the input. */
async function expectContract(url: string): Promise<number> {
  const before = scans.length;
  const response = await app.request(url);
  const text = await response.text();
  expect(scans.length, `${url} Scanned`).toBe(before);
  expect(response.status, `${url} → ${response.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400) {
    const body = JSON.parse(text) as ErrorBody;
    expect(body, url).toMatchObject({ ok: false, status: response.status, error: expect.any(String) });
    expect(Array.isArray(body.errors), url).toBe(true);
    for (const detail of body.errors)
      expect(detail, url).toEqual({ param: expect.any(String), message: expect.any(String) });
    if (response.status === 400) expect(body.errors.length, url).toBeGreaterThan(0);
    expect(response.headers.get('cache-control') ?? '', url).not.toMatch(/max-age=[1-9]/);
  } else {
    expect(response.status, url).toBe(200);
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('application/json')) expect(JSON.parse(text), url).toMatchObject({ ok: true });
  }
  return response.status;
}

describe('API fuzzing', () => {
  it('every combination of parameters on every list route answers 200 or a 4xx error shape, never a 5xx or a Scan', {
    timeout: 600_000,
  }, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...LIST_ROUTES)
          .chain((route) => fc.tuple(fc.constant(route.path), queryPairs(route), rawTail)),
        async ([path, pairs, tail]) => {
          const status = await expectContract(`${path}${toQuery(pairs, tail)}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
      ),
      { numRuns: RUNS_PER_PROPERTY * LIST_ROUTES.length },
    );
    // The fuzzing reaches both sides of validation.
    expect(statuses.get(200)).toBeGreaterThan(50);
    expect(statuses.get(400)).toBeGreaterThan(50);
  });

  it('tampered, truncated, foreign, huge, random and forged cursors are a 400 on cursor on every paged route, never a 5xx', {
    timeout: 300_000,
  }, async () => {
    const paged = LIST_ROUTES.filter((route) => 'cursor' in route.shape).map((route) => route.path);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paged), cursorText, async (path, cursor) => {
        const url = `${path}?cursor=${encodeURIComponent(cursor)}`;
        const status = await expectContract(url);
        if (status !== 200) {
          const body = (await (await app.request(url)).json()) as ErrorBody;
          expect(
            body.errors.map((detail) => detail.param),
            url,
          ).toContain('cursor');
        }
      }),
      { numRuns: RUNS_PER_PROPERTY },
    );
  });

  it('any id on the single-resource routes answers 200 or 404 with the error shape, never a 5xx', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/events/', '/v1/sources/'),
        fc.oneof(hostileText, fc.constantFrom('korea-kr-pipc', '..', '%2e%2e', 'a/b', '%00')),
        fc.option(dateText, { nil: undefined }),
        async (prefix, id, asOf) => {
          const query =
            asOf === undefined || prefix === '/v1/sources/' ? '' : `?as_of=${encodeURIComponent(asOf)}`;
          await expectContract(`${prefix}${encodeURIComponent(id)}${query}`);
        },
      ),
      { numRuns: RUNS_PER_PROPERTY },
    );
  });
});
