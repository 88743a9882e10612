import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSources } from '../../functions/ingest/ingest.ts';
import { listDocuments } from '../../functions/store/documents.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { getSourceState } from '../../functions/store/source-state.ts';
import { eucKr, feedSource, rssFeed } from '../helpers/feeds.ts';
import { type Handler, type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';

/**
 * The source fault matrix: every scenario runs beside a healthy source, on a store that
 * already holds documents from an earlier good run of the faulty source. Each asserts the
 * faulty source fails (or degrades) with a readable, recorded error, nothing stored is lost
 * or duplicated, and the healthy source keeps working.
 */

const goodItems = (prefix: string, count = 3) =>
  Array.from({ length: count }, (_, index) => ({
    title: `${prefix} item ${index}`,
    link: `https://news.example.org/${prefix}/${index}`,
    guid: `${prefix}-${index}`,
    pubDate: 'Wed, 26 Nov 2026 08:00:00 GMT',
  }));

const XML = 'application/rss+xml; charset=utf-8';
let closedPort = 0;

interface Scenario {
  name: string;
  handler: Handler;
  /** `failed` with this error code, or `degraded` (stored what it could). */
  expect:
    | { status: 'failed'; code: string; message?: RegExp }
    | { status: 'stored'; newDocuments: number; check?: (titles: string[]) => void };
  /** Overrides the URL (e.g. a refused port or a name that does not resolve). */
  url?: (server: LoopbackServer) => string;
  /** The public-looking host the source is configured with (resolved to the test server). */
  publicHost?: boolean;
}

const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>t</title><item><title>bomb &lol9; defused</title><link>https://news.example.org/bomb</link></item></channel></rss>`;

const xxe = `<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>t</title><item><title>leak &xxe; here</title><link>https://news.example.org/xxe</link></item></channel></rss>`;

const scenarios: Scenario[] = [
  {
    name: 'connection refused',
    handler: () => {},
    url: () => `http://127.0.0.1:${closedPort}/feed`,
    expect: { status: 'failed', code: 'source.fetchFailed', message: /connection refused/ },
  },
  {
    name: 'DNS failure',
    handler: () => {},
    url: () => 'http://no-such-host.invalid/feed',
    expect: { status: 'failed', code: 'source.fetchFailed', message: /DNS lookup failed/ },
  },
  {
    name: 'HTTP 500',
    handler: (_q, r) => void r.writeHead(500).end(),
    expect: { status: 'failed', code: 'source.httpStatus', message: /HTTP 500/ },
  },
  {
    name: 'HTTP 503',
    handler: (_q, r) => void r.writeHead(503).end(),
    expect: { status: 'failed', code: 'source.httpStatus', message: /HTTP 503/ },
  },
  {
    name: '429 with Retry-After',
    handler: (_q, r) => void r.writeHead(429, { 'retry-after': '3600' }).end(),
    expect: { status: 'failed', code: 'source.rateLimited', message: /Retry-After: 3600/ },
  },
  { name: 'timeout (no answer)', handler: () => {}, expect: { status: 'failed', code: 'source.timeout' } },
  {
    name: 'slow drip past the timeout',
    handler: (_q, r) => {
      r.writeHead(200, { 'content-type': XML });
      const timer = setInterval(() => r.write(' '), 40);
      r.on('close', () => clearInterval(timer));
    },
    expect: { status: 'failed', code: 'source.timeout' },
  },
  {
    name: 'body over the cap',
    handler: (_q, r) => void r.writeHead(200, { 'content-type': XML }).end(Buffer.alloc(6_000_000, 'x')),
    expect: { status: 'failed', code: 'source.tooLarge' },
  },
  {
    name: 'truncated XML',
    handler: serveBody(rssFeed(goodItems('t')).slice(0, 300), XML),
    expect: { status: 'failed', code: 'source.parseFailed', message: /malformed feed/ },
  },
  {
    name: 'HTML served as a feed',
    handler: serveBody('<!DOCTYPE html><html><body>Please enable cookies</body></html>', 'text/html'),
    expect: { status: 'failed', code: 'source.parseFailed', message: /HTML page/ },
  },
  {
    name: 'JSON where XML was expected',
    handler: serveBody('{"items":[]}', 'application/json'),
    expect: { status: 'failed', code: 'source.parseFailed', message: /got JSON/ },
  },
  {
    name: 'wrong declared charset (EUC-KR bytes declared UTF-8)',
    handler: serveBody(
      Buffer.concat([
        Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>'),
        eucKr('개인정보'),
        Buffer.from('</title></channel></rss>'),
      ]),
      'application/rss+xml; charset=utf-8',
    ),
    expect: { status: 'failed', code: 'source.decodeFailed', message: /not valid utf-8/ },
  },
  {
    name: 'entity-expansion bomb',
    handler: serveBody(bomb, XML),
    expect: {
      status: 'stored',
      newDocuments: 1,
      check: (titles) => expect(titles.join('').length).toBeLessThan(100),
    },
  },
  {
    name: 'external entity (XXE)',
    handler: serveBody(xxe, XML),
    expect: {
      status: 'stored',
      newDocuments: 1,
      check: (titles) => expect(titles.join(' ')).not.toMatch(/root:/),
    },
  },
  {
    name: 'redirect loop',
    handler: (_q, r) => void r.writeHead(302, { location: '/faulty' }).end(),
    expect: { status: 'failed', code: 'source.redirectLimit' },
  },
  ...['169.254.169.254', '127.0.0.1', '10.0.0.7'].map(
    (address): Scenario => ({
      name: `redirect to ${address} from a public-looking source`,
      handler: (_q, r) => void r.writeHead(302, { location: `http://${address}/latest/meta-data/` }).end(),
      publicHost: true,
      expect: { status: 'failed', code: 'source.blockedAddress' },
    }),
  ),
  {
    name: '10,000 items in one feed',
    handler: serveBody(rssFeed(goodItems('many', 10_000)), XML),
    expect: { status: 'stored', newDocuments: 10_000 },
  },
  {
    name: 'items with missing links or dates',
    handler: serveBody(
      rssFeed([
        { title: 'no link, no guid, no date' },
        { title: 'guid only', guid: 'only-guid' },
        { title: 'link only', link: 'https://news.example.org/link-only' },
        { title: 'javascript link', link: 'javascript:alert(1)' },
      ]),
      XML,
    ),
    expect: { status: 'stored', newDocuments: 2 },
  },
  {
    name: 'dates in 1970 or 2099',
    handler: serveBody(
      rssFeed([
        { title: 'epoch', guid: 'epoch', pubDate: 'Thu, 01 Jan 1970 00:00:00 GMT' },
        { title: 'future', guid: 'future', pubDate: 'Thu, 01 Jan 2099 00:00:00 GMT' },
      ]),
      XML,
    ),
    expect: { status: 'stored', newDocuments: 2 },
  },
  {
    name: 'duplicate guids within a feed',
    handler: serveBody(
      rssFeed([
        { title: 'first copy', guid: 'dup' },
        { title: 'second copy', guid: 'dup' },
        { title: 'other', guid: 'other' },
      ]),
      XML,
    ),
    expect: { status: 'stored', newDocuments: 2 },
  },
];

let server: LoopbackServer;
let embedded: EmbeddedStore;

beforeAll(async () => {
  server = await startLoopbackServer({ '/healthy': serveBody(rssFeed(goodItems('healthy')), XML) });
  const spare = await startLoopbackServer();
  closedPort = spare.port;
  await spare.close();
  embedded = await startTestStore();
});

afterAll(async () => {
  await embedded.close();
  await server.close();
});

describe('source fault matrix', () => {
  // 10,000 conditional puts into dynalite take tens of seconds on two shared cores.
  it.each(scenarios.map((scenario, index) => [scenario.name, scenario, index] as const))(
    '%s',
    { timeout: 240_000 },
    async (_name, scenario, index) => {
      const id = `faulty-${index}`;
      const path = `/faulty-${index}`;
      // An earlier good run stored three documents for this source.
      server.route(path, serveBody(rssFeed(goodItems(id)), XML));
      const faultyUrl =
        scenario.url?.(server) ??
        (scenario.publicHost ? `http://feeds.example.test:${server.port}${path}` : `${server.url}${path}`);
      const faulty = feedSource(id, faultyUrl);
      const healthy = feedSource(`healthy-${index}`, `${server.url}/healthy`);
      const lookup = async (host: string) => {
        if (host === 'feeds.example.test') return ['127.0.0.1'];
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      };
      const deps = { store: embedded.store, fetchOptions: { timeoutMs: 400, maxBytes: 5_000_000, lookup } };
      if (!scenario.url) await ingestSources([faulty], deps);

      server.route(path, scenario.handler);
      if (scenario.name === 'redirect loop') server.route('/faulty', scenario.handler);
      const [faultyReport, healthyReport] = await ingestSources([faulty, healthy], deps);

      expect(healthyReport).toMatchObject({ status: 'stored', newDocuments: 3 });
      const stored = await listDocuments(embedded.store, { source: id, limit: 500 });
      const state = await getSourceState(embedded.store, id);
      const before = scenario.url ? 0 : 3;
      if (scenario.expect.status === 'failed') {
        expect(faultyReport).toMatchObject({ status: 'failed', error: { code: scenario.expect.code } });
        if (scenario.expect.message) expect(faultyReport?.error?.message).toMatch(scenario.expect.message);
        expect(state.lastErrorCode).toBe(scenario.expect.code);
        expect(state.consecutiveFailures).toBe(1);
        expect(stored.rows).toHaveLength(before);
      } else {
        expect(faultyReport).toMatchObject({ status: 'stored', newDocuments: scenario.expect.newDocuments });
        const all = [];
        let cursor: string | undefined;
        do {
          const page = await listDocuments(embedded.store, {
            source: id,
            limit: 500,
            ...(cursor ? { cursor } : {}),
          });
          all.push(...page.rows);
          cursor = page.next ?? undefined;
        } while (cursor);
        expect(all).toHaveLength(before + scenario.expect.newDocuments);
        expect(new Set(all.map((document) => document.id)).size).toBe(all.length);
        scenario.expect.check?.(
          all.filter((document) => !document.title.includes(`${id} item`)).map((document) => document.title),
        );
      }
    },
  );

  it('keeps 1970 and 2099 publish dates out of published_at but keeps the raw value', async () => {
    const index = scenarios.findIndex((scenario) => scenario.name === 'dates in 1970 or 2099');
    const page = await listDocuments(embedded.store, { source: `faulty-${index}`, limit: 10 });
    const odd = page.rows.filter((document) => document.guid === 'epoch' || document.guid === 'future');
    expect(odd).toHaveLength(2);
    for (const document of odd) {
      expect(document.publishedAt).toBeNull();
      expect(document.native['published_raw']).toMatch(/1970|2099/);
    }
  });
});
