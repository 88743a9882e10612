import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Log } from '../../functions/core/log.ts';
import type { Document } from '../../functions/documents/types.ts';
import { clusterDocument } from '../../functions/events/process.ts';
import { type DeliveryPolicy, type DrainDeps, drainOutbox } from '../../functions/notify/drain.ts';
import { notifyStatus } from '../../functions/notify/status.ts';
import { loadSubscriptions, type Subscription } from '../../functions/notify/subscriptions.ts';
import type { Store } from '../../functions/store/client.ts';
import { getDelivery, getSubscriptionStates } from '../../functions/store/deliveries.ts';
import { storeNewDocuments } from '../../functions/store/documents.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { listOutbox } from '../../functions/store/events.ts';
import { coupangDocument, documentWith } from '../events/factories.ts';
import { startTestStore } from '../helpers/store.ts';
import { type SlackStandIn, startSlackStandIn } from './slack-stand-in.ts';

let embedded: EmbeddedStore;
let store: Store;
let slack: SlackStandIn;
beforeEach(async () => {
  embedded = await startTestStore();
  store = embedded.store;
  slack = await startSlackStandIn();
});
afterEach(async () => {
  await slack.close();
  await embedded.close();
});

/** Coupang first reported small, then 33.7 million (a significant revision), and an unrelated US breach. */
function incidentDocuments(): Document[] {
  return [
    coupangDocument('c1'),
    coupangDocument('c2'),
    documentWith(
      {
        organization: 'Acme Corp',
        affected: { count: 2_000_000, unit: 'people', approximate: false },
        country: 'US',
      },
      {
        id: 'a1',
        sourceId: 'bleepingcomputer',
        publishedAt: '2025-11-30T00:00:00.000Z',
        firstSeenAt: '2025-11-30T01:00:00.000Z',
        title: 'Acme Corp <!channel> says 2 million customers affected @here',
      },
    ),
  ];
}

/** Seeds real outbox entries: documents stored pending, then clustered, one after the other. */
async function seed(documents = incidentDocuments()): Promise<void> {
  const stored = await storeNewDocuments(store, documents, { pending: true });
  for (const document of stored) await clusterDocument(document, { store });
}

/** The channels: KR breaches, and anything with a million or more affected. */
async function subscriptions(webhooks: Partial<Record<'kr' | 'big', string>> = {}): Promise<Subscription[]> {
  const config = [
    {
      name: 'kr',
      webhook: webhooks.kr ?? slack.webhook('kr'),
      filter: { kind: ['breach'], country: ['KR'] },
    },
    { name: 'big', webhook: webhooks.big ?? slack.webhook('big'), filter: { min_affected: 1_000_000 } },
  ];
  return loadSubscriptions(
    { describe: 'test', inlineWebhooks: true, read: async () => JSON.stringify(config) },
    { env: {} },
  );
}

/** What each channel should show once: fallback texts, sorted. */
const EXPECTED = {
  kr: [
    'Breach update: Coupang — count revised: 4,500 → 33.7 million accounts (KR)',
    'New breach: Coupang — 33.7 million (33,700,000) accounts (approximate) affected (KR)',
  ],
  big: [
    'Breach update: Coupang — count revised: 4,500 → 33.7 million accounts (KR)',
    'New breach: Acme Corp — 2 million (2,000,000) people affected (US)',
    'New breach: Coupang — 33.7 million (33,700,000) accounts (approximate) affected (KR)',
  ],
};

const shownTexts = (name: string) =>
  slack
    .shown(name)
    .map((message) => message.text)
    .sort();

const FAST: Partial<DeliveryPolicy> = {
  timeoutMs: 500,
  baseDelayMs: 10,
  maxDelayMs: 40,
  busyWaitMs: 20,
  leaseMs: 5_000,
};

function deps(subs: Subscription[], overrides: Partial<DrainDeps> = {}): DrainDeps & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    store,
    subscriptions: subs,
    publicBaseUrl: 'https://breachwire.example.org',
    policy: FAST,
    // Waits are recorded and shortened: tests check what was honoured without spending it.
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));
    },
    sleeps,
    ...overrides,
  };
}

/** Every outbox entry ended delivered (done) or dead with a reason; none is left pending. */
async function expectAllSettled(): Promise<void> {
  expect(await listOutbox(store, 'pending')).toEqual([]);
  for (const entry of await listOutbox(store, 'dead')) expect(entry.error).toBeTruthy();
}

describe('drainOutbox', () => {
  it('posts one message per matching new event and significant change, and nothing on the next drain', async () => {
    await seed();
    const subs = await subscriptions();
    const report = await drainOutbox(deps(subs));
    expect(report).toMatchObject({ entries: 3, done: 3, dead: 0, pending: 0, delivered: 5, retries: 0 });
    expect(shownTexts('kr')).toEqual(EXPECTED.kr);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    // Scraped mentions reached Slack escaped.
    expect(JSON.stringify(slack.requests())).not.toMatch(/<!channel>|[^\u200B]@here/);

    const again = await drainOutbox(deps(subs));
    expect(again).toMatchObject({ entries: 0, delivered: 0 });
    // A new document of a known event with no significant change notifies nobody.
    await seed([
      documentWith(
        {
          organization: 'Coupang',
          affected: { count: 33_800_000, unit: 'accounts', approximate: true },
          country: 'KR',
        },
        {
          id: 'c4',
          sourceId: 'korea-herald',
          publishedAt: '2025-11-30T02:00:00.000Z',
          firstSeenAt: '2025-11-30T03:00:00.000Z',
          title: 'Coupang leak: 33.8 million',
        },
      ),
    ]);
    await drainOutbox(deps(subs));
    expect(slack.requests()).toHaveLength(5);
    await expectAllSettled();
  });

  it('never posts twice after a crash between Slack accepting a message and the delivery record', async () => {
    await seed();
    const subs = await subscriptions();
    let crashed = false;
    const crashing = deps(subs, {
      checkpoint: (step, at) => {
        if (step === 'posted' && at.subscription === 'kr' && !crashed) {
          crashed = true;
          throw new Error('simulated crash after POST, before the record');
        }
      },
    });
    await expect(drainOutbox(crashing)).rejects.toThrow('simulated crash');
    expect(slack.shown('kr')).toHaveLength(1);

    // While the dead drain's lease runs, another drain leaves the delivery alone.
    const meanwhile = await drainOutbox(deps(subs));
    expect(meanwhile.pending).toBeGreaterThan(0);
    expect(slack.shown('kr')).toHaveLength(1);

    // After the lease: the ambiguous delivery is declared unconfirmed, never re-posted.
    const later = await drainOutbox(deps(subs, { now: () => Date.now() + 60_000 }));
    expect(later.unconfirmed).toBe(1);
    expect(shownTexts('kr')).toEqual(EXPECTED.kr);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    expect(slack.requests()).toHaveLength(5);
    await expectAllSettled();
    const first = slack.requests('kr')[0];
    const entryId = (await listOutbox(store, 'done', 10)).find((entry) =>
      first?.message.text.startsWith(entry.change === 'created' ? 'New' : 'Breach update'),
    )?.id;
    expect((await getDelivery(store, entryId ?? '', 'kr'))?.status).toBe('unconfirmed');
    const status = await notifyStatus(store, subs);
    expect(status.subscriptions.find((s) => s.name === 'kr')?.lastError).toMatch(/outcome unknown/);
  });

  it('loses (rather than duplicates) a message when a drain dies after claiming and before posting — the documented limit', async () => {
    await seed([incidentDocuments()[2] as Document]);
    const subs = await subscriptions();
    await expect(
      drainOutbox(
        deps(subs, {
          checkpoint: (step) => {
            if (step === 'claimed') throw new Error('simulated crash before the POST');
          },
        }),
      ),
    ).rejects.toThrow('simulated crash');
    await drainOutbox(deps(subs, { now: () => Date.now() + 60_000 }));
    expect(slack.requests()).toHaveLength(0);
    expect((await listOutbox(store, 'done')).map((entry) => entry.id)).toHaveLength(1);
  });

  it('settles an entry without posting again after a crash between recording and settling it', async () => {
    await seed();
    const subs = await subscriptions();
    await expect(
      drainOutbox(
        deps(subs, {
          checkpoint: (step) => {
            if (step === 'entry-settled') throw new Error('simulated crash after the records');
          },
        }),
      ),
    ).rejects.toThrow('simulated crash');
    const resumed = await drainOutbox(deps(subs));
    expect(resumed.delivered).toBe(0);
    expect(shownTexts('kr')).toEqual(EXPECTED.kr);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    await expectAllSettled();
  });

  it('posts each message once when two drains run at the same time on the same store', async () => {
    await seed();
    const subs = await subscriptions();
    // Slow answers widen the window in which both drains race for the same deliveries.
    slack.fallback('kr', { status: 200, body: 'ok', delayMs: 30 });
    slack.fallback('big', { status: 200, body: 'ok', delayMs: 30 });
    const [a, b] = await Promise.all([drainOutbox(deps(subs)), drainOutbox(deps(subs))]);
    expect(a.delivered + b.delivered).toBe(5);
    await drainOutbox(deps(subs));
    expect(shownTexts('kr')).toEqual(EXPECTED.kr);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    expect(slack.requests()).toHaveLength(5);
    await expectAllSettled();
  });

  it('honours Retry-After through a 429 storm and posts once', async () => {
    await seed();
    const subs = await subscriptions();
    slack.script(
      'kr',
      ...Array.from({ length: 3 }, () => ({ status: 429, body: 'rate_limited', retryAfter: '2' })),
    );
    const run = deps(subs);
    const report = await drainOutbox(run);
    expect(report).toMatchObject({ done: 3, dead: 0, retries: 3 });
    expect(run.sleeps.filter((ms) => ms === 2000)).toHaveLength(3);
    expect(shownTexts('kr')).toEqual(EXPECTED.kr);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    expect(slack.requests('kr')).toHaveLength(5);
    await expectAllSettled();
  });

  it('parks an entry as dead with its reason after bounded 5xx retries, without holding up the other channel', async () => {
    await seed();
    const subs = await subscriptions();
    slack.fallback('kr', { status: 500, body: 'internal_error' });
    const run = deps(subs, { policy: { ...FAST, maxAttempts: 3 } });
    const report = await drainOutbox(run);
    expect(report.dead).toBe(2);
    expect(report.deadEntries[0]?.reason).toBe(
      'subscription "kr": gave up after 3 attempts; last: HTTP 500 internal_error',
    );
    // Exponential backoff with jitter: within [ceiling/2, ceiling] of 10, 20 ms.
    expect(run.sleeps.slice(0, 2).every((ms, index) => ms >= 5 * 2 ** index && ms <= 10 * 2 ** index)).toBe(
      true,
    );
    expect(slack.requests('kr')).toHaveLength(6);
    expect(slack.shown('kr')).toHaveLength(0);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    await expectAllSettled();
    const status = await notifyStatus(store, subs);
    expect(status.dead.map((entry) => entry.error)).toEqual([
      'subscription "kr": gave up after 3 attempts; last: HTTP 500 internal_error',
      'subscription "kr": gave up after 3 attempts; last: HTTP 500 internal_error',
    ]);
  });

  it('marks a subscription broken on 404 no_service, keeps serving the others, and repairs it when the webhook changes', async () => {
    await seed();
    let subs = await subscriptions();
    slack.fallback('kr', { status: 404, body: 'no_service' });
    const report = await drainOutbox(deps(subs));
    expect(report).toMatchObject({ done: 3, dead: 0, broken: ['kr'] });
    expect(slack.requests('kr')).toHaveLength(1);
    expect(shownTexts('big')).toEqual(EXPECTED.big);
    await expectAllSettled();
    const [state] = await getSubscriptionStates(store, ['kr']);
    expect(state?.broken).toBe(true);
    const status = await notifyStatus(store, subs);
    const kr = status.subscriptions.find((s) => s.name === 'kr');
    expect(kr).toMatchObject({ broken: true, filter: 'kind=breach country=KR' });
    expect(kr?.brokenReason).toMatch(/^HTTP 404 no_service: the webhook no longer exists/);
    expect(JSON.stringify(status)).not.toContain(slack.token('kr'));

    // Nothing more goes to the broken webhook.
    await seed([
      documentWith(
        {
          organization: 'Naver',
          affected: { count: 5_000_000, unit: 'people', approximate: false },
          country: 'KR',
        },
        {
          id: 'n1',
          firstSeenAt: '2025-12-01T01:00:00.000Z',
          publishedAt: '2025-12-01T00:00:00.000Z',
          title: 'Naver breach hits 5 million',
        },
      ),
    ]);
    await drainOutbox(deps(subs));
    expect(slack.requests('kr')).toHaveLength(1);
    expect(slack.shown('big')).toHaveLength(4);

    // A new webhook for the subscription repairs it; only new entries go there.
    subs = await subscriptions({ kr: slack.webhook('kr-new') });
    await seed([
      documentWith(
        {
          organization: 'Kakao',
          affected: { count: 1_200_000, unit: 'people', approximate: false },
          country: 'KR',
        },
        {
          id: 'k1',
          firstSeenAt: '2025-12-02T01:00:00.000Z',
          publishedAt: '2025-12-02T00:00:00.000Z',
          title: 'Kakao breach',
        },
      ),
    ]);
    await drainOutbox(deps(subs));
    expect(slack.shown('kr-new').map((message) => message.text)).toEqual([
      'New breach: Kakao — 1.2 million (1,200,000) people affected (KR)',
    ]);
    expect((await getSubscriptionStates(store, ['kr']))[0]?.broken).toBe(false);
    await expectAllSettled();
  });

  it('does not re-post a message Slack never answered (timeout after sending): unconfirmed, at most once', async () => {
    await seed([incidentDocuments()[2] as Document]);
    const subs = await subscriptions();
    slack.script('big', 'hang');
    const report = await drainOutbox(deps(subs, { policy: { ...FAST, timeoutMs: 200 } }));
    expect(report).toMatchObject({ unconfirmed: 1, done: 1, delivered: 0 });
    await drainOutbox(deps(subs));
    expect(slack.requests('big')).toHaveLength(1);
    await expectAllSettled();
  });

  it('parks an entry Slack refuses as a message (400 invalid_blocks) without breaking the subscription', async () => {
    await seed([incidentDocuments()[2] as Document]);
    const subs = await subscriptions();
    slack.script('big', { status: 400, body: 'invalid_blocks' });
    const report = await drainOutbox(deps(subs));
    expect(report.deadEntries).toEqual([
      {
        id: expect.any(String),
        reason: 'subscription "big": HTTP 400 invalid_blocks: Slack refused the message',
      },
    ]);
    expect(report.broken).toEqual([]);
    expect(slack.requests('big')).toHaveLength(1);
    await expectAllSettled();
  });

  it('leaves a delivery whose Retry-After outlasts the drain to a later drain, which honours it', async () => {
    await seed([incidentDocuments()[2] as Document]);
    const subs = await subscriptions();
    slack.script('big', { status: 429, body: 'rate_limited', retryAfter: '120' });
    const first = await drainOutbox(deps(subs));
    expect(first).toMatchObject({ pending: 1, delivered: 0 });
    // Too early: the wait is honoured even by another drain.
    await drainOutbox(deps(subs, { policy: { ...FAST, busyRounds: 0 } }));
    expect(slack.requests('big')).toHaveLength(1);
    const later = await drainOutbox(deps(subs, { now: () => Date.now() + 121_000 }));
    expect(later).toMatchObject({ delivered: 1, done: 1 });
    expect(slack.shown('big')).toHaveLength(1);
    await expectAllSettled();
  });

  it('retries a webhook it cannot reach and never writes the webhook URL to logs, reasons or status', async () => {
    await seed([incidentDocuments()[2] as Document]);
    const unreachable = 'http://127.0.0.1:9/services/T0000/B0000/XXXXsecretUNREACHABLETOKEN';
    const subs = await subscriptions({ big: unreachable });
    const lines: string[] = [];
    const log: Log = {
      debug: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
      info: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
      warn: (message, fields) => lines.push(JSON.stringify({ message, ...fields })),
      error: (message, fields) => lines.push(JSON.stringify({ message, ...fields, subs })),
    };
    const report = await drainOutbox(deps(subs, { log, policy: { ...FAST, maxAttempts: 2 } }));
    expect(report.deadEntries[0]?.reason).toMatch(
      /^subscription "big": gave up after 2 attempts; last: could not connect \(ECONNREFUSED/,
    );
    const everything = JSON.stringify([
      lines,
      report,
      await notifyStatus(store, subs),
      await listOutbox(store, 'dead'),
    ]);
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain('XXXXsecretUNREACHABLETOKEN');
    expect(everything).toContain('[redacted]');
  });
});
