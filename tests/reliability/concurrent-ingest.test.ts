import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.ts';
import { ingestSource } from '../../functions/ingest/ingest.ts';
import { createPipeline } from '../../functions/ingest/pipeline.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';
import { feedSource, rssFeed } from '../helpers/feeds.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';
import { auditStore, readStore } from './store-audit.ts';

/**
 * Two ingests of the same source at once: in one process (two `ingestSource` calls sharing
 * the store, as two overlapping Lambda invocations would), and as two CLI processes on one
 * data folder (the second is refused by the lock and the first completes).
 */

const XML = 'application/rss+xml; charset=utf-8';
const ORGANIZATIONS = [
  'Aldoria Bank',
  'Bexley Retail',
  'Corvane Health',
  'Dunmore Telecom',
  'Elsfield Games',
];

function storyItems(outlet: string, from: number, to: number) {
  return Array.from({ length: to - from }, (_, offset) => {
    const index = from + offset;
    const organization = ORGANIZATIONS[index % ORGANIZATIONS.length]!;
    const count = (index + 1) * 1_500;
    return {
      title: `${organization} data breach exposes ${count.toLocaleString('en-US')} customers`,
      link: `https://${outlet}.example.org/story-${index}`,
      guid: `${outlet}-${index}`,
      description: `${organization} said ${count.toLocaleString('en-US')} customers' emails were exposed.`,
      pubDate: `Mon, ${String(1 + (index % 20)).padStart(2, '0')} Dec 2025 09:00:00 GMT`,
    };
  });
}

let server: LoopbackServer;
let embedded: EmbeddedStore;
/** Items the contested feed lists now; each round adds some. */
let listed = 0;
let contestedRequests = 0;

beforeAll(async () => {
  server = await startLoopbackServer({
    // Every other request lists the items in reverse, so two runs race for the same documents
    // from opposite ends; a small random delay varies which run gets ahead.
    '/contested': async (_req, res) => {
      const reversed = contestedRequests++ % 2 === 1;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
      const items = storyItems('contested', 0, listed);
      res.writeHead(200, { 'content-type': XML }).end(rssFeed(reversed ? items.reverse() : items));
    },
    '/bystander': (_req, res) =>
      void res.writeHead(200, { 'content-type': XML }).end(rssFeed(storyItems('bystander', 0, 6))),
  });
  embedded = await startTestStore();
});

afterAll(async () => {
  await embedded.close();
  await server.close();
});

describe('two ingests of one source at once', () => {
  it('two concurrent ingestSource runs of one source store each document once and keep events consistent', {
    timeout: 240_000,
  }, async () => {
    const contested = feedSource('contested', `${server.url}/contested`);
    const bystander = feedSource('bystander', `${server.url}/bystander`);
    let stored = 0;
    // Rounds of new items, each ingested by two runs at once (plus an unrelated source).
    for (const upTo of [12, 20, 32, 40]) {
      listed = upTo;
      const deps = () => ({ store: embedded.store, pipeline: createPipeline(embedded.store, silentLog) });
      const reports = await Promise.all([
        ingestSource(contested, deps()),
        ingestSource(contested, deps()),
        ingestSource(bystander, deps()),
      ]);
      for (const report of reports) expect(report.status, JSON.stringify(report)).not.toBe('failed');
      stored += reports[0]!.newDocuments + reports[1]!.newDocuments;
      expect(stored).toBe(upTo);
    }
    const contents = await readStore(embedded.store);
    expect(auditStore(contents)).toEqual([]);
    const bySource = (id: string) => contents.documents.filter((document) => document.sourceId === id);
    expect(bySource('contested')).toHaveLength(40);
    expect(bySource('bystander')).toHaveLength(6);
    // Five organisations; a race between two first documents may open a second event for one
    // (docs/RELIABILITY.md, known limits), never more events than documents.
    expect(contents.events.length).toBeGreaterThanOrEqual(ORGANIZATIONS.length);
    expect(contents.events.length).toBeLessThan(46);
  });

  it('a second breachwire ingest on the same data folder is refused by the lock and the first completes', {
    timeout: 240_000,
  }, async () => {
    listed = 30;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-two-cli-'));
    try {
      // Every enabled source is asked for at the mirror; only `bleepingcomputer` answers with a feed.
      const mirror = await startLoopbackServer({
        '/bleepingcomputer': async (_req, res) => {
          // Slow enough that the second process starts while the first holds the folder.
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          res.writeHead(200, { 'content-type': XML }).end(rssFeed(storyItems('bc', 0, 30)));
        },
      });
      const run = () => {
        const child = spawn(
          process.execPath,
          ['bin/breachwire.mjs', 'ingest', '--source', 'bleepingcomputer', '--data', dataDir],
          {
            env: { ...process.env, BREACHWIRE_SOURCE_MIRROR: mirror.url, LOG_LEVEL: 'error' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
        });
        child.stderr.on('data', (chunk) => {
          output += chunk;
        });
        const code = new Promise<number | null>((resolve) => child.on('close', resolve));
        return { code, output: () => output };
      };
      const first = run();
      // The first holds the lock once it has asked the mirror for the feed.
      for (let waited = 0; !mirror.requests.length; waited += 25) {
        if (waited > 60_000) throw new Error(`the first ingest never fetched:\n${first.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const second = run();
      expect(await second.code).toBe(1);
      expect(second.output()).toMatch(/store\.locked.*in use by another breachwire process \(pid \d+\)/);
      expect(await first.code, first.output()).toBe(0);
      expect(first.output()).toMatch(/bleepingcomputer: 30 new of 30 entries/);
      await mirror.close();

      const reopened = await startEmbeddedStore({ dataDir });
      try {
        const contents = await readStore(reopened.store);
        expect(auditStore(contents)).toEqual([]);
        expect(contents.documents).toHaveLength(30);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
