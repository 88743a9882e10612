import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssFeed } from '../helpers/feeds.ts';
import { type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/breachwire.mjs');

async function breachwire(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

let server: LoopbackServer;
beforeAll(async () => {
  const items = Array.from({ length: 4 }, (_, index) => ({
    title: `Item ${index}`,
    link: `https://news.example.org/${index}`,
  }));
  server = await startLoopbackServer({ '/feed.xml': serveBody(rssFeed(items), 'application/rss+xml') });
});
afterAll(() => server.close());

describe('breachwire CLI', () => {
  it('ingest --url stores the feed, and a second run stores none', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'bw-cli-'));
    const args = ['ingest', '--url', `${server.url}/feed.xml`, '--format', 'rss', '--data', data];
    const first = await breachwire(args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/4 new of 4 entries/);
    expect(first.stdout).toMatch(/stored 4 new documents/);
    const second = await breachwire(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/stored 0 new documents/);
  });

  it.each([
    [['ingest', '--bogus'], /Unknown option '--bogus'/],
    [['ingest', '--url', 'http://127.0.0.1/x', '--format', 'csv'], /--format must be rss, atom or rdf/],
    [['ingest', '--format', 'rss'], /--format goes with --url/],
    [['serve', '--port', 'abc'], /--port must be a TCP port/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const result = await breachwire(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('ingest --source with an unknown id says how to list sources', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'bw-cli-'));
    const result = await breachwire(['ingest', '--source', 'nope', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown source "nope".*breachwire sources/);
  });

  it('--help prints usage and exits 0', async () => {
    const result = await breachwire(['ingest', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/breachwire ingest/);
  });
});
