import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssFeed } from '../helpers/feeds.ts';
import { type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';

let mirror: LoopbackServer;
beforeAll(async () => {
  // Every source is fetched from this loopback mirror; only one has a feed, the rest get 404.
  mirror = await startLoopbackServer({
    '/bleepingcomputer': serveBody(
      rssFeed([
        {
          title: 'Retailer breach exposes 2 million customers',
          link: 'https://www.bleepingcomputer.com/news/security/x/',
        },
      ]),
      'application/rss+xml',
    ),
  });
});
afterAll(() => mirror.close());

describe('breachwire start', () => {
  it('serves /v1/sources quickly, ingests on start, keeps answering, and shuts down cleanly on SIGINT', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'bw-start-'));
    const child = spawn(process.execPath, ['bin/breachwire.mjs', 'start', '--data', data, '--port', '0'], {
      env: { ...process.env, BREACHWIRE_SOURCE_MIRROR: mirror.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const started = Date.now();
    let base: string | null = null;
    while (!base && Date.now() - started < 20_000) {
      base = /API on (http:\/\/localhost:\d+)/.exec(stdout)?.[1] ?? null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(base, `no API line in: ${stdout}`).not.toBeNull();
    const sources = (await (await fetch(`${base}/v1/sources`)).json()) as { ok: boolean; rows: unknown[] };
    expect(sources.ok).toBe(true);
    expect(sources.rows.length).toBeGreaterThanOrEqual(5);

    // The ingest at start stores the mirrored feed; poll until the document shows.
    let documents: { rows: { title: string }[] } = { rows: [] };
    for (let attempt = 0; attempt < 100 && documents.rows.length === 0; attempt++) {
      documents = (await (
        await fetch(`${base}/v1/documents?source=bleepingcomputer`)
      ).json()) as typeof documents;
      if (documents.rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(documents.rows.map((row) => row.title)).toEqual(['Retailer breach exposes 2 million customers']);
    expect(mirror.requests.every((request) => request.headers.host?.startsWith('127.0.0.1'))).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGINT: shutting down/);
  });
});
