import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { parse as parseCsv } from 'csv-parse/sync';
import type { BrowserContext, Page } from 'playwright-core';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { silentLog } from '../../functions/core/log.ts';
import type { Document } from '../../functions/documents/types.ts';
import { encodeRows } from '../../functions/export/encode.ts';
import { exportRows } from '../../functions/export/reader.ts';
import type { TableName } from '../../functions/export/schema.ts';
import { ingestSource } from '../../functions/ingest/ingest.ts';
import { createPipeline } from '../../functions/ingest/pipeline.ts';
import { feedParserFor } from '../../functions/sources/adapters/feed.ts';
import type { Source } from '../../functions/sources/types.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { rssFeed } from '../helpers/feeds.ts';
import { type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';
import { readStore } from './store-audit.ts';

/**
 * Hostile scraped content through the real pipeline (loopback feed → fetch → parse →
 * normalise → extract → store → cluster), then out through every public form: the web page
 * in a real browser, the Atom feeds, the API CSV and the research export CSV. Script in
 * titles and summaries, `javascript:` links, entities (double-escaped too), RTL overrides,
 * zero-width and XML-forbidden characters, and spreadsheet formulas.
 */

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toUTCString();

/** `rssFeed` escapes `&`, `<`, `>` once for XML; what a parser hands on is exactly this text. */
const HOSTILE_ITEMS = [
  {
    title: 'Hostile Corp data breach exposes 12,000 customers <3 & "friends"',
    link: 'https://news.example.org/hostile/1',
    description:
      '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">Names leaked. <a href="javascript:window.__pwned=3">more</a>',
  },
  {
    title: '=HYPERLINK("http://evil.example/","Evilcorp data breach")',
    link: 'https://news.example.org/hostile/2',
  },
  { title: "+Rogue Bank data breach cmd|' /C calc'!A0", link: 'https://news.example.org/hostile/3' },
  { title: '-Minus Ltd data breach affects 2,000 people', link: 'https://news.example.org/hostile/4' },
  { title: '@Mention Inc data breach', link: 'https://news.example.org/hostile/5' },
  {
    title: 'Spoof Ltd data breach: invoice\u202Egnp.exe and Zero\u200BWidth\u200D Corp\uFEFF leak',
    link: 'https://news.example.org/hostile/6',
  },
  {
    title: '&lt;script&gt;window.__pwned=5&lt;/script&gt;Double Escaped Ltd data breach',
    link: 'https://news.example.org/hostile/7',
  },
  { title: 'javascript:window.__pwned=6', link: 'javascript:window.__pwned=7', guid: 'js-link' },
  {
    title: 'Control &#x1; char and &#xFFFE; Nonchar Corp data breach',
    link: 'https://news.example.org/hostile/9',
  },
  {
    title: 'Quote Corp data breach',
    link: 'https://news.example.org/hostile/10?q="><script>window.__pwned=8</script>',
  },
].map((item, index) => ({ ...item, pubDate: hoursAgo(index + 1) }));

const FORMULA_START = /^[=+\-@\t\r]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the characters XML 1.0 forbids is the point.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

let feed: LoopbackServer;
let embedded: EmbeddedStore;
let app: ReturnType<typeof createApp>;
let server: Server;
let base: string;
let documents: Document[];
let browser: BrowserContext | undefined;
let closeBrowser: (() => Promise<void>) | undefined;

const source: Source = {
  id: 'hostile-feed',
  name: 'Hostile feed',
  kind: 'news',
  jurisdiction: 'global',
  language: 'en',
  format: 'rss',
  url: '',
  everyMinutes: 30,
  licence: 'test',
  crawlDelaySeconds: 0,
  parse: feedParserFor(),
};

beforeAll(async () => {
  feed = await startLoopbackServer({
    '/hostile.xml': serveBody(rssFeed(HOSTILE_ITEMS), 'application/rss+xml; charset=utf-8'),
  });
  embedded = await startTestStore();
  const report = await ingestSource(
    { ...source, url: `${feed.url}/hostile.xml` },
    { store: embedded.store, pipeline: createPipeline(embedded.store, silentLog) },
  );
  expect(report).toMatchObject({ status: 'stored', newDocuments: HOSTILE_ITEMS.length });
  documents = (await readStore(embedded.store)).documents;
  app = createApp({ store: embedded.store, sources: [source] });
  server = await new Promise<Server>((resolve) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(instance as Server),
    ) as Server;
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  await embedded?.close();
  await feed?.close();
});

async function text(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await app.request(url);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Every cell that could start a formula is neutralised; a plain number (a negative lag) may start with `-`. */
function expectNoFormulaCells(rows: string[][], where: string): string[] {
  const cells = rows.flat();
  for (const cell of cells) {
    if (FORMULA_START.test(cell)) expect(cell, where).toMatch(/^-?\d+(\.\d+)?$/);
  }
  return cells;
}

describe('hostile content through the real pipeline', () => {
  it('is stored as plain text: no markup, no bidi overrides or zero-width characters, only http(s) links', () => {
    expect(documents).toHaveLength(HOSTILE_ITEMS.length);
    for (const document of documents) {
      for (const field of [document.title, document.summary]) {
        expect(field).not.toMatch(/<script|<img|onerror=/i);
        expect(field).not.toMatch(INVISIBLE);
      }
      if (document.url !== null) expect(document.url).toMatch(/^https?:\/\//);
    }
    // The javascript: item keeps its guid identity but no link; the double-escaped script is gone.
    expect(documents.find((document) => document.guid === 'js-link')?.url).toBeNull();
    expect(documents.map((document) => document.title)).toContain(
      'Hostile Corp data breach exposes 12,000 customers <3 & "friends"',
    );
    expect(documents.some((document) => document.title.startsWith('Double Escaped Ltd'))).toBe(true);
  });

  it('leaves no formula to run in the API CSV of documents and events', async () => {
    for (const url of ['/v1/documents.csv', '/v1/events.csv']) {
      const { status, body } = await text(url);
      expect(status).toBe(200);
      const cells = expectNoFormulaCells(parseCsv(body, { relax_column_count: false }) as string[][], url);
      // The hostile titles did reach the file, neutralised.
      const starts = url.includes('documents')
        ? ["'=HYPERLINK", "'+Rogue", "'-Minus", "'@Mention"]
        : ["'=HYPERLINK"];
      for (const start of starts)
        expect(
          cells.some((cell) => cell.startsWith(start)),
          `${url} ${start}`,
        ).toBe(true);
    }
  });

  it('leaves no formula to run in the research export CSV of documents and events', async () => {
    for (const table of ['documents', 'events'] satisfies TableName[]) {
      let csv = '';
      for await (const chunk of encodeRows(table, 'csv', exportRows(embedded.store, { table }))) csv += chunk;
      const cells = expectNoFormulaCells(parseCsv(csv, { relax_column_count: false }) as string[][], table);
      expect(
        cells.some((cell) => cell.startsWith("'=HYPERLINK")),
        table,
      ).toBe(true);
    }
  });

  it('keeps the Atom feeds well-formed XML with escaped text and only http(s) links', async () => {
    for (const url of ['/v1/documents.atom', '/v1/events.atom']) {
      const { status, body } = await text(url);
      expect(status).toBe(200);
      expect(body).not.toMatch(XML_FORBIDDEN);
      // Hostile text stays text: no markup from data, no link that is not http(s).
      expect(body).not.toMatch(/<script|<img/i);
      expect(body.match(/href="[^"]*"/g)?.filter((href) => !/^href="https?:/.test(href))).toEqual([]);
      expect(body).toContain('&lt;3 &amp;');
      const parsed = await new Parser().parseString(body);
      expect(parsed.items.length, url).toBeGreaterThan(0);
      expect(parsed.items.map((item) => item.title)).toContain(
        'Hostile Corp data breach exposes 12,000 customers <3 & "friends"',
      );
      for (const item of parsed.items) if (item.link) expect(item.link).toMatch(/^https?:\/\//);
    }
  });

  describe('in a real browser', () => {
    let page: Page;
    const dialogs: string[] = [];
    const violations: string[] = [];

    beforeAll(async () => {
      const launched = await launchBrowser('breachwire-hostile');
      browser = launched.browser;
      closeBrowser = launched.close;
      page = await browser.newPage();
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.exposeFunction('__reportViolation', (directive: string) => violations.push(directive));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) =>
          (window as unknown as { __reportViolation(d: string): void }).__reportViolation(
            event.violatedDirective,
          ),
        );
      });
    }, 120_000);

    async function expectInert(where: string): Promise<void> {
      expect(
        await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned),
        where,
      ).toBeUndefined();
      const hrefs = await page
        .locator('a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      expect(
        hrefs.filter((href) => href && !/^(https?:|\/|\?|#)/.test(href)),
        where,
      ).toEqual([]);
      // No element carries an event-handler attribute taken from data.
      const handlers = await page.evaluate(() =>
        [...document.querySelectorAll('*')].flatMap((element) =>
          [...element.attributes].filter((attribute) => attribute.name.startsWith('on')).map((a) => a.name),
        ),
      );
      expect(handlers, where).toEqual([]);
      expect(await page.locator('body script').count(), where).toBe(0);
      expect(dialogs, where).toEqual([]);
    }

    it('sends a Content-Security-Policy that forbids inline script, and the browser enforces it', {
      timeout: 120_000,
    }, async () => {
      const response = await page.goto(`${base}/`);
      const policy = response?.headers()['content-security-policy'] ?? '';
      const directives = new Map(
        policy.split(';').map((part) => {
          const [name = '', ...values] = part.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect(directives.get('default-src')).toEqual(["'none'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|strict-dynamic|\*/);
      // The page owns no inline script: its only script is same-origin.
      const html = await (await fetch(`${base}/`)).text();
      expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="/app.js" defer>']);
      // A script injected inline (as markup reaching the DOM would be) is refused by the browser.
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__pwned = "inline";';
        document.body.append(script);
      });
      await expect.poll(() => violations.length).toBeGreaterThan(0);
      expect(violations).toContain('script-src-elem');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      violations.length = 0;
      await page.evaluate(() => {
        for (const script of document.querySelectorAll('body script')) script.remove();
      });
    });

    it('serves Atom feeds that a conforming XML parser accepts', { timeout: 60_000 }, async () => {
      await page.goto(`${base}/`);
      for (const url of ['/v1/documents.atom', '/v1/events.atom']) {
        const { body } = await text(url);
        const result = await page.evaluate((xml) => {
          const parsed = new DOMParser().parseFromString(xml, 'application/xml');
          return {
            errors: parsed.getElementsByTagName('parsererror').length,
            entries: parsed.getElementsByTagName('entry').length,
            titles: [...parsed.getElementsByTagName('title')].map((title) => title.textContent ?? ''),
          };
        }, body);
        expect(result.errors, url).toBe(0);
        expect(result.entries, url).toBeGreaterThan(0);
        expect(result.titles).toContain('Hostile Corp data breach exposes 12,000 customers <3 & "friends"');
      }
    });

    it('renders every hostile title as text on the list and on each event page, and runs nothing', {
      timeout: 180_000,
    }, async () => {
      await page.goto(`${base}/`);
      await page.waitForSelector('#rows tr');
      await expect.poll(() => page.getByText('<3 & "friends"').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByText('=HYPERLINK("http://evil.example/"').count()).toBeGreaterThan(0);
      await expectInert('list');

      const events = (await (await app.request('/v1/events?limit=100')).json()) as { rows: { id: string }[] };
      expect(events.rows.length).toBeGreaterThan(3);
      for (const { id } of events.rows) {
        await page.goto(`${base}/events/${id}`);
        await page.waitForSelector('#documents li');
        await expectInert(`event ${id}`);
      }
      // A search for the hostile text goes through the URL and the API, and stays text.
      await page.goto(`${base}/?q=${encodeURIComponent('<3 & "friends"')}`);
      await page.waitForSelector('#rows tr');
      await expectInert('search');
      expect(violations).toEqual([]);
    });
  });
});
