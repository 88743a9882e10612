import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { ingestSource, ingestSources } from '../../functions/ingest/ingest.ts';
import type { Source } from '../../functions/sources/types.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { getSourceState } from '../../functions/store/source-state.ts';
import { eucKr, feedSource, rssFeed } from '../helpers/feeds.ts';
import { type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';

const englishItems = Array.from({ length: 5 }, (_, index) => ({
  title: `Retailer ${index} discloses data breach affecting ${index + 1},000 customers`,
  link: `https://news.example.org/2026/11/breach-${index}?utm_source=rss`,
  description: `<p>Item ${index} &amp; more</p>`,
  pubDate: `Wed, 2${index} Nov 2026 10:00:00 GMT`,
}));

// A Korean feed served in its real encoding, EUC-KR, declared only in the XML declaration.
const koreanXml = `<?xml version="1.0" encoding="EUC-KR"?>
<rss version="2.0"><channel><title>보도자료</title><link>https://www.korea.kr/</link><description>정책</description>
<item><title>쿠팡 개인정보 유출 조사 착수</title><link>https://www.korea.kr/briefing/pressReleaseView.do?newsId=156700001</link><guid>156700001</guid><pubDate>Mon, 01 Dec 2025 12:00:00 +0900</pubDate><description>개인정보보호위원회는 쿠팡의 유출 사고에 대해 조사에 착수했다</description></item>
<item><title>개인정보 보호 강화 대책 발표</title><link>https://www.korea.kr/briefing/pressReleaseView.do?newsId=156700002</link><guid>156700002</guid><pubDate>Tue, 02 Dec 2025 09:00:00 +0900</pubDate></item>
</channel></rss>`;

let server: LoopbackServer;
let embedded: EmbeddedStore;
let sources: Source[];

function source(id: string, path: string, language = 'en'): Source {
  return feedSource(id, `${server.url}${path}`, {
    language,
    jurisdiction: language === 'ko' ? 'KR' : 'global',
  });
}

beforeAll(async () => {
  server = await startLoopbackServer({
    '/english.xml': serveBody(rssFeed(englishItems), 'application/rss+xml; charset=utf-8', { etag: '"e1"' }),
    // No validators: the second run must still store nothing (unchanged body).
    '/korean.xml': serveBody(eucKr(koreanXml), 'application/xml'),
    '/broken.xml': (_req, res) => void res.writeHead(500).end('internal error'),
    '/garbage.xml': serveBody('<rss><channel><item><title>unterminated', 'application/rss+xml'),
    '/html.xml': serveBody('<!DOCTYPE html><html><body>Cookie wall</body></html>', 'text/html'),
  });
  embedded = await startTestStore();
  sources = [
    source('english-news', '/english.xml'),
    source('korean-board', '/korean.xml', 'ko'),
    source('broken-source', '/broken.xml'),
    source('garbage-source', '/garbage.xml'),
    source('html-source', '/html.xml'),
  ];
});

afterAll(async () => {
  await embedded.close();
  await server.close();
});

describe('ingest end to end', () => {
  it('stores every item once, isolates failing sources, and a second run stores nothing', async () => {
    const first = await ingestSources(sources, { store: embedded.store });
    const byId = Object.fromEntries(first.map((report) => [report.sourceId, report]));
    expect(byId['english-news']).toMatchObject({ status: 'stored', newDocuments: 5 });
    expect(byId['korean-board']).toMatchObject({ status: 'stored', newDocuments: 2 });
    expect(byId['broken-source']).toMatchObject({ status: 'failed', error: { code: 'source.httpStatus' } });
    expect(byId['garbage-source']).toMatchObject({ status: 'failed', error: { code: 'source.parseFailed' } });
    expect(byId['html-source']).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(/HTML page/) },
    });

    const second = await ingestSources(sources, { store: embedded.store });
    const again = Object.fromEntries(second.map((report) => [report.sourceId, report]));
    expect(again['english-news']).toMatchObject({ status: 'not-modified', newDocuments: 0 });
    expect(again['korean-board']).toMatchObject({ status: 'unchanged', newDocuments: 0 });
    expect(second.reduce((sum, report) => sum + report.newDocuments, 0)).toBe(0);

    const broken = await getSourceState(embedded.store, 'broken-source');
    expect(broken).toMatchObject({
      consecutiveFailures: 2,
      lastErrorCode: 'source.httpStatus',
      lastError: expect.stringMatching(/HTTP 500/),
    });
  });

  it('serves the stored documents through the API, newest first, every row exactly once across pages', async () => {
    const app = createApp({ store: embedded.store, sources });
    const seen: string[] = [];
    let url: string | null = '/v1/documents?limit=2';
    let pages = 0;
    while (url) {
      const response = await app.request(url);
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        ok: boolean;
        rows: { id: string; first_seen_at: string }[];
        next: string | null;
        next_url: string | null;
      };
      expect(body.ok).toBe(true);
      seen.push(...body.rows.map((row) => row.id));
      url = body.next_url ? new URL(body.next_url).pathname + new URL(body.next_url).search : null;
      if (body.next) expect(response.headers.get('link')).toMatch(/rel="next"/);
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    const korean = (await (await app.request('/v1/documents?source=korean-board')).json()) as {
      rows: { title: string; url: string; lang: string; published_at: string }[];
    };
    expect(korean.rows.map((row) => row.title).sort()).toEqual([
      '개인정보 보호 강화 대책 발표',
      '쿠팡 개인정보 유출 조사 착수',
    ]);
    expect(korean.rows.every((row) => row.lang === 'ko')).toBe(true);
    const coupang = korean.rows.find((row) => row.title.startsWith('쿠팡'));
    expect(coupang?.published_at).toBe('2025-12-01T03:00:00.000Z');

    const english = (await (await app.request('/v1/documents?source=english-news&limit=1')).json()) as {
      rows: { url: string; summary: string }[];
    };
    expect(english.rows[0]?.url).not.toMatch(/utm_source/);
    expect(english.rows[0]?.summary).toMatch(/^Item \d & more$/);
  });

  it('shows every source with its health in /v1/sources', async () => {
    const app = createApp({ store: embedded.store, sources });
    const body = (await (await app.request('/v1/sources')).json()) as {
      rows: { id: string; health: { status: string; last_error: string | null } }[];
    };
    const health = Object.fromEntries(body.rows.map((row) => [row.id, row.health]));
    expect(health['english-news']?.status).toBe('ok');
    expect(health['broken-source']).toMatchObject({
      status: 'failing',
      last_error: expect.stringMatching(/HTTP 500/),
    });
  });
});

describe('crash recovery', () => {
  it.each(['fetched', 'parsed', 'documents-stored', 'state-recorded'] as const)(
    'a crash after "%s" is completed by the next run without duplicates',
    async (step) => {
      const crashing = await startTestStore();
      try {
        const target = source(`crash-${step}`, '/english.xml');
        const crashed = await ingestSource(target, {
          store: crashing.store,
          checkpoint: (at) => {
            if (at === step) throw new Error(`simulated crash after ${at}`);
          },
        });
        expect(crashed.status).toBe('failed');
        const recovered = await ingestSource(target, { store: crashing.store });
        expect(recovered.status).not.toBe('failed');
        const app = createApp({ store: crashing.store, sources: [target] });
        const body = (await (await app.request(`/v1/documents?source=${target.id}&limit=100`)).json()) as {
          rows: { id: string }[];
        };
        expect(body.rows).toHaveLength(5);
        expect(new Set(body.rows.map((row) => row.id)).size).toBe(5);
        const state = await getSourceState(crashing.store, target.id);
        expect(state.consecutiveFailures).toBe(0);
      } finally {
        await crashing.close();
      }
    },
  );
});
