import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { clusterDocument } from '../../functions/events/process.ts';
import { storeNewDocuments } from '../../functions/store/documents.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';
import { documentWith } from '../events/factories.ts';
import { rssFeed } from '../helpers/feeds.ts';
import { serveBody, startLoopbackServer } from '../helpers/http-server.ts';
import { type SlackStandIn, startSlackStandIn } from './slack-stand-in.ts';

let slack: SlackStandIn;
let data: string;
beforeEach(async () => {
  slack = await startSlackStandIn();
  data = mkdtempSync(path.join(tmpdir(), 'bw-notify-'));
});
afterEach(() => slack.close());

async function cli(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await main(args, {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: { LOG_LEVEL: 'silent', ...env },
    isTTY: false,
  });
  return { code, stdout: out, stderr: err };
}

async function seedData(): Promise<void> {
  const embedded = await startEmbeddedStore({ dataDir: data });
  try {
    const documents = [
      documentWith(
        {
          organization: 'Coupang',
          affected: { count: 33_700_000, unit: 'accounts', approximate: true },
          country: 'KR',
        },
        { id: 'cli-c1', title: 'Coupang: 33.7 million accounts exposed' },
      ),
      documentWith(
        {
          kind: 'penalty',
          organization: 'Meta',
          penalty: { amount: 1.2e9, currency: 'EUR', authority: 'DPC', status: 'final' },
          country: 'IE',
        },
        { id: 'cli-m1', title: 'DPC fines Meta €1.2 billion' },
      ),
    ];
    for (const document of await storeNewDocuments(embedded.store, documents, { pending: true }))
      await clusterDocument(document, { store: embedded.store });
  } finally {
    await embedded.close();
  }
}

function subscriptionsFile(config: unknown): string {
  const file = path.join(data, 'subscriptions.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('breachwire notify', () => {
  it('shows pending messages with --dry-run, delivers them once, and reports status without any webhook', async () => {
    await seedData();
    const file = subscriptionsFile([
      { name: 'kr', webhook: slack.webhook('kr'), filter: { country: 'KR' } },
      {
        name: 'fines',
        webhook: slack.webhook('fines'),
        filter: { kind: 'penalty', min_penalty: '1000000', currency: 'EUR' },
      },
    ]);
    const dry = await cli(['notify', '--dry-run', '--subscriptions', file, '--data', data]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/to kr:\n▌ New breach: Coupang/);
    expect(dry.stdout).toMatch(/to fines:\n▌ New penalty: Meta/);
    expect(dry.stdout).toMatch(/2 message\(s\) would be posted \(dry run: nothing sent\)/);
    expect(slack.requests()).toHaveLength(0);

    const sent = await cli(['notify', '--subscriptions', file, '--data', data], {
      BREACHWIRE_PUBLIC_URL: 'https://breachwire.example.org',
    });
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(
      /slack: 2 delivered, 0 unconfirmed, 0 retried; entries 2 done, 0 dead, 0 still pending/,
    );
    expect(slack.shown('kr').map((message) => message.text)).toEqual([
      'New breach: Coupang — 33.7 million (33,700,000) accounts (approximate) affected (KR)',
    ]);
    expect(JSON.stringify(slack.shown('fines'))).toContain('https://breachwire.example.org/v1/events/');

    const again = await cli(['notify', '--subscriptions', file, '--data', data]);
    expect(again.stdout).toMatch(/slack: 0 delivered/);
    expect(slack.requests()).toHaveLength(2);

    const status = await cli(['notify', '--status', '--subscriptions', file, '--data', data]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^kr {2}\[country=KR\] {2}ok\n {2}last delivered \d{4}-\d\d-\d\d \d\d:\d\d; last error -/m,
    );
    expect(status.stdout).toMatch(/0 pending, 0 dead notifications/);
    expect(status.stdout + status.stderr).not.toContain(slack.token('kr'));
  });

  it('exits 1 on a broken webhook, shows it in --status, and --reset clears it', async () => {
    await seedData();
    slack.fallback('gone', { status: 410, body: 'channel_is_archived' });
    const file = subscriptionsFile([{ name: 'gone', webhook: slack.webhook('gone') }]);
    const run = await cli(['notify', '--subscriptions', file, '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/subscription gone is BROKEN/);
    const status = await cli(['notify', '--status', '--json', '--subscriptions', file, '--data', data]);
    const parsed = JSON.parse(status.stdout) as {
      subscriptions: { name: string; broken: boolean; brokenReason: string }[];
    };
    expect(parsed.subscriptions[0]).toMatchObject({ name: 'gone', broken: true });
    expect(parsed.subscriptions[0]?.brokenReason).toMatch(
      /^HTTP 410 channel_is_archived: the channel is archived/,
    );
    expect(status.stdout).not.toContain(slack.token('gone'));
    const reset = await cli(['notify', '--reset', 'gone', '--subscriptions', file, '--data', data]);
    expect(reset.stdout).toMatch(/no longer marked broken/);
    const after = await cli(['notify', '--status', '--subscriptions', file, '--data', data]);
    expect(after.stdout).toMatch(/^gone {2}\[\(every event\)\] {2}ok/m);
  });

  it('explains what is missing or wrong, and previews without subscriptions', async () => {
    await seedData();
    const none = await cli(['notify', '--data', data]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Slack subscriptions configured/);
    const preview = await cli(['notify', '--dry-run', '--data', data]);
    expect(preview.stdout).toMatch(/to nobody \(no subscription configured\)/);
    const bad = await cli(['notify', '--data', data], {
      BREACHWIRE_SUBSCRIPTIONS: JSON.stringify([
        { name: 'kr', webhook: { env: 'SLACK_KR' }, filter: { min_affected: 'many' } },
      ]),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /config.invalid: .*subscription "kr".filter.min_affected: min_affected must be a non-negative number/,
    );
  });
});

describe('breachwire start with subscriptions', () => {
  it('delivers the events of its first ingest to Slack', async () => {
    const mirror = await startLoopbackServer({
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
    const file = subscriptionsFile([{ name: 'all', webhook: slack.webhook('all') }]);
    const child = spawn(
      process.execPath,
      ['bin/breachwire.mjs', 'start', '--data', data, '--port', '0', '--subscriptions', file],
      { env: { ...process.env, BREACHWIRE_SOURCE_MIRROR: mirror.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const started = Date.now();
      while (slack.shown('all').length === 0 && Date.now() - started < 25_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(slack.shown('all').map((message) => message.text)).toEqual([
        expect.stringMatching(/^New breach: .*2 million \(2,000,000\)/),
      ]);
      expect(stdout).not.toContain(slack.token('all'));
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      await mirror.close();
    }
    expect(stdout).toMatch(/slack: 1 delivered/);
    expect(slack.requests('all')).toHaveLength(1);
  }, 40_000);
});
