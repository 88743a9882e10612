import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { withMirror } from '../../functions/cli/context.ts';
import type { CliIo } from '../../functions/cli/io.ts';
import { ingestSources } from '../../functions/ingest/ingest.ts';
import { enabledSources } from '../../functions/sources/registry.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';
import { rssFeed } from '../helpers/feeds.ts';
import { startFixtureMirror } from '../helpers/fixture-mirror.ts';
import { type LoopbackServer, serveBody } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';
import { auditStore, readStore } from './store-audit.ts';

/**
 * The embedded store killed mid-ingest: a real `breachwire ingest` child process over the
 * whole catalog (recorded fixtures on a loopback mirror, two outlets swollen to long feeds
 * that share organisations, so clustering runs long and merges across sources) is SIGKILLed
 * at a seeded moment after it started writing, then run again on the same data folder.
 * The second run must take over the stale lock and finish, and the store must then hold
 * exactly the documents an uninterrupted run stores, each once, each in exactly one event.
 */

/** Change with BREACHWIRE_TEST_SEED to explore other kill moments; the default keeps CI repeatable. */
const SEED = Number(process.env['BREACHWIRE_TEST_SEED'] ?? 20_261_126);
const LONG_FEEDS = ['databreaches-net', 'bleepingcomputer'] as const;
const ITEMS_PER_FEED = 70;
/** Twelve made-up organisations: each long feed tells every story several times. */
const ORGANIZATIONS = [
  'Bra',
  'Cel',
  'Dor',
  'Fen',
  'Gal',
  'Hol',
  'Kav',
  'Lum',
  'Mor',
  'Nex',
  'Orv',
  'Pel',
].map((stem, index) => `${stem}${['mor', 'vex', 'tan'][index % 3]}ia ${index % 2 ? 'Bank' : 'Retail'}`);

function longFeed(outlet: string): string {
  return rssFeed(
    Array.from({ length: ITEMS_PER_FEED }, (_, index) => {
      const organization = ORGANIZATIONS[index % ORGANIZATIONS.length]!;
      const count = ((index % 7) + 1) * 12_000;
      return {
        title: `${organization} discloses data breach affecting ${count.toLocaleString('en-US')} customers`,
        link: `https://${outlet}.example.org/2025/11/story-${index}`,
        guid: `${outlet}-${index}`,
        description: `${organization} said names and email addresses of ${count.toLocaleString('en-US')} customers were exposed.`,
        // Fresh news (published hours ago), so every event opened from these is announced.
        pubDate: new Date(Date.now() - (1 + (index % 48)) * 3_600_000).toUTCString(),
      };
    }),
  );
}

/** mulberry32: the kill moments are random but the same on every run with the same seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let mirror: LoopbackServer;
let expectedIds: string[];
const dataDirs: string[] = [];
const random = seeded(SEED);

beforeAll(async () => {
  mirror = (await startFixtureMirror(enabledSources())).server;
  for (const outlet of LONG_FEEDS)
    mirror.route(`/${outlet}`, serveBody(longFeed(outlet), 'application/rss+xml; charset=utf-8'));
  // The reference: what an uninterrupted run stores, from the same mirror and the same source
  // list the CLI builds (document ids depend on the source and guid or URL only, not on timing).
  const reference = await startTestStore();
  const io = { env: { BREACHWIRE_SOURCE_MIRROR: mirror.url } } as unknown as CliIo;
  const reports = await ingestSources(withMirror(io, enabledSources()), { store: reference.store });
  expect(reports.filter((report) => report.status === 'failed')).toEqual([]);
  expectedIds = (await readStore(reference.store)).documents.map((document) => document.id).sort();
  await reference.close();
  expect(expectedIds.length).toBeGreaterThan(2 * ITEMS_PER_FEED);
}, 120_000);

afterAll(async () => {
  await mirror.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runIngest(dataDir: string): Run {
  const child = spawn(process.execPath, ['bin/breachwire.mjs', 'ingest', '--data', dataDir], {
    env: { ...process.env, BREACHWIRE_SOURCE_MIRROR: mirror.url, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, exited };
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What the killed run has done so far, for choosing the kill moment by progress rather than by clock. */
interface Progress {
  /** Source lines printed (each is one finished source run). */
  finished: number;
  stdout: string;
  /** Paths the mirror served to this run. */
  served: string[];
}

/**
 * Kills an ingest at a moment chosen by its progress (`ready`, so a faster or slower machine
 * meets the same phase) plus a seeded delay in `[fromMs, toMs)`; restarts it on the same
 * folder; audits the store.
 */
async function killAndRecover(
  ready: (progress: Progress) => boolean,
  [fromMs, toMs]: [number, number],
): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-kill-'));
  dataDirs.push(dataDir);
  const servedBefore = mirror.requests.length;
  const killed = runIngest(dataDir);
  const progress = (): Progress => ({
    finished: killed.stdout().match(/^\[\d+\/\d+\] /gm)?.length ?? 0,
    stdout: killed.stdout(),
    served: mirror.requests.slice(servedBefore).map((request) => request.path),
  });
  // Always after the first writes: some source reported stored documents.
  await until(
    () => /\] \S+: [1-9]\d* new of/.test(killed.stdout()) && ready(progress()),
    'the first run to reach its kill point',
  );
  await new Promise((resolve) => setTimeout(resolve, fromMs + Math.floor(random() * (toMs - fromMs))));
  killed.child.kill('SIGKILL');
  const outcome = await killed.exited;
  expect(outcome.signal, `the run finished before the kill point:\n${killed.stdout()}`).toBe('SIGKILL');

  // The lock names a process that no longer exists.
  const lockPath = path.join(dataDir, 'breachwire.lock');
  expect(existsSync(lockPath)).toBe(true);
  expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(killed.child.pid);

  const restarted = runIngest(dataDir);
  const finished = await restarted.exited;
  expect(finished, restarted.stdout()).toEqual({ code: 0, signal: null });
  expect(restarted.stdout()).toMatch(/stored \d+ new documents?; 0 sources failed/);
  const storedAgain = Number(/stored (\d+) new/.exec(restarted.stdout())?.[1]);
  // The killed run had stored some documents, which the second run did not store again.
  expect(storedAgain).toBeLessThan(expectedIds.length);
  expect(existsSync(lockPath)).toBe(false);

  const embedded = await startEmbeddedStore({ dataDir });
  try {
    const contents = await readStore(embedded.store);
    expect(auditStore(contents)).toEqual([]);
    expect(contents.documents.map((document) => document.id).sort()).toEqual(expectedIds);
    // Each event of the long feeds is fresh news: announced as created exactly once.
    const longFeedEvents = contents.events.filter((event) =>
      event.sources.some((source) => (LONG_FEEDS as readonly string[]).includes(source)),
    );
    expect(longFeedEvents.length).toBeGreaterThanOrEqual(ORGANIZATIONS.length / 2);
    for (const event of longFeedEvents) {
      const created = contents.outbox.filter(
        (entry) => entry.eventId === event.id && entry.change === 'created',
      );
      expect(created, event.id).toHaveLength(1);
    }

    // The API agrees: every document exactly once across its pages.
    const app = createApp({ store: embedded.store, sources: enabledSources() });
    const seen: string[] = [];
    let url: string | null = '/v1/documents?limit=100';
    while (url) {
      const response = await app.request(url);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { rows: { id: string }[]; next_url: string | null };
      seen.push(...body.rows.map((row) => row.id));
      url = body.next_url ? `${new URL(body.next_url).pathname}${new URL(body.next_url).search}` : null;
    }
    expect(seen.sort()).toEqual(expectedIds);
  } finally {
    await embedded.close();
  }
}

describe('the embedded store killed mid-ingest', () => {
  // Each case runs the catalog up to twice in a child process: minutes on two loaded cores.
  it('a SIGKILL soon after the first writes is recovered by the next run, nothing lost or doubled', {
    timeout: 420_000,
  }, async () => {
    await killAndRecover(() => true, [0, 400]);
  });

  it('a SIGKILL while the long feeds are being clustered is recovered by the next run, nothing lost or doubled', {
    timeout: 420_000,
  }, async () => {
    // The first long feed has been fetched and its run has not finished: it is storing or clustering.
    await killAndRecover(
      ({ served, stdout }) => served.includes(`/${LONG_FEEDS[0]}`) && !stdout.includes(`${LONG_FEEDS[0]}:`),
      // Past parsing and extraction (a few hundred ms), inside storing and clustering (seconds).
      [400, 1_500],
    );
  });

  it('a SIGKILL late in the run is recovered by the next run, nothing lost or doubled', {
    timeout: 420_000,
  }, async () => {
    // Most sources are done; the last ones (the second long feed among them) are still running.
    await killAndRecover(({ finished }) => finished >= 28, [0, 200]);
  });
});
