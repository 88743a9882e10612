import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { BreachwireError } from '../../functions/core/errors.ts';
import { SecretValue } from '../../functions/notify/secret-value.ts';
import { secretsManagerReader } from '../../functions/notify/secrets-manager.ts';
import {
  cachedSecretReader,
  envSubscriptionSource,
  fileSubscriptionSource,
  loadSubscriptions,
  type SecretReader,
  type SubscriptionSource,
  secretSubscriptionSource,
  subscriptionSourceFrom,
} from '../../functions/notify/subscriptions.ts';
import { parseRetryAfter } from '../../functions/notify/webhook.ts';

const URL_A = 'https://hooks.slack.com/services/T0000/B0000/SECRETTOKENAAAA';
const URL_B = 'https://hooks.slack.com/services/T0000/B0001/SECRETTOKENBBBB';

function source(config: unknown, inlineWebhooks = true): SubscriptionSource {
  return { describe: 'test config', inlineWebhooks, read: async () => JSON.stringify(config) };
}

async function configError(promise: Promise<unknown>): Promise<BreachwireError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BreachwireError);
  expect((error as BreachwireError).code).toBe('config.invalid');
  return error as BreachwireError;
}

describe('loadSubscriptions', () => {
  it('reads a file with filters in the GET /v1/events language', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bw-subs-'));
    const file = path.join(dir, 'subscriptions.json');
    writeFileSync(
      file,
      JSON.stringify({
        subscriptions: [
          {
            name: 'kr-big',
            webhook: URL_A,
            filter: { kind: ['breach'], country: ['kr'], min_affected: '1000000' },
          },
          {
            name: 'fines',
            webhook: { env: 'SLACK_FINES' },
            filter: { kind: 'penalty', min_penalty: 1_000_000, currency: 'EUR' },
          },
          { name: 'everything', webhook: URL_B },
        ],
      }),
    );
    const subs = await loadSubscriptions(fileSubscriptionSource(file), { env: { SLACK_FINES: URL_B } });
    expect(subs.map((sub) => [sub.name, sub.filter])).toEqual([
      ['kr-big', { kind: ['breach'], country: ['KR'], min_affected: 1_000_000 }],
      ['fines', { kind: ['penalty'], min_penalty: 1_000_000, currency: 'EUR' }],
      ['everything', {}],
    ]);
    expect(subs[1]?.webhook.reveal()).toBe(URL_B);
    // However a subscription is printed or serialised, its webhook is not.
    expect(JSON.stringify(subs)).not.toContain('SECRETTOKEN');
    expect(inspect(subs, { depth: 5 })).not.toContain('SECRETTOKEN');
    expect(`${subs[0]?.webhook}`).toBe('[redacted]');
  });

  it('names every bad subscription and parameter in one config.invalid, never quoting a webhook', async () => {
    const error = await configError(
      loadSubscriptions(
        source([
          { name: 'kr', webhook: URL_A, filter: { countyr: 'KR', min_affected: 'lots' } },
          { name: 'fines', webhook: URL_B, filter: { min_penalty: '100' } },
          { name: 'kr', webhook: 'http://hooks.slack.com/services/T/B/SECRETTOKENPLAIN' },
          { name: 'Bad Name', webhook: URL_A },
          { name: 'odd', webhook: { url: 'https://hooks.slack.com/services/T/B/SECRETTOKENODD' } },
        ]),
        { env: {} },
      ),
    );
    expect(error.details.map((detail) => detail.param)).toEqual([
      'subscription "kr".filter.countyr',
      'subscription "kr".filter.min_affected',
      'subscription "fines".filter.currency',
      'subscription "kr".name',
      'subscription "kr".webhook',
      'subscription #4.name',
      'subscription "odd".webhook',
    ]);
    expect(error.message).toMatch(
      /^invalid Slack subscriptions in test config: subscription "kr".filter.countyr: unknown parameter/,
    );
    expect(JSON.stringify([error.message, error.details])).not.toContain('SECRETTOKEN');
  });

  it('refuses a webhook URL written inline in an environment value, and resolves references', async () => {
    const inline = JSON.stringify([{ name: 'kr', webhook: URL_A }]);
    const error = await configError(loadSubscriptions(envSubscriptionSource(inline), { env: {} }));
    expect(error.details[0]?.message).toMatch(/must not be written inline in BREACHWIRE_SUBSCRIPTIONS/);
    expect(error.message).not.toContain('SECRETTOKEN');

    const byReference = JSON.stringify([{ name: 'kr', webhook: { env: 'SLACK_KR' } }]);
    const missing = await configError(loadSubscriptions(envSubscriptionSource(byReference), { env: {} }));
    expect(missing.details).toEqual([
      { param: 'subscription "kr".webhook', message: 'environment variable SLACK_KR is not set' },
    ]);
    const subs = await loadSubscriptions(envSubscriptionSource(byReference), { env: { SLACK_KR: URL_A } });
    expect(subs[0]?.webhook.reveal()).toBe(URL_A);
  });

  it('reads webhooks and whole configurations from a secret store, with caching', async () => {
    const reads: string[] = [];
    const secrets: Record<string, string> = {
      'breachwire/slack': JSON.stringify({ kr: URL_A, fines: URL_B }),
      'breachwire/kr-only': URL_A,
      'breachwire/subscriptions': JSON.stringify([
        { name: 'kr', webhook: { secret: 'breachwire/slack', key: 'kr' }, filter: { country: 'KR' } },
        { name: 'fines', webhook: { secret: 'breachwire/slack', key: 'fines' } },
        { name: 'plain', webhook: { secret: 'breachwire/kr-only' } },
        { name: 'inline', webhook: URL_B },
      ]),
    };
    let now = 0;
    const reader: SecretReader = {
      read: async (id) => {
        reads.push(id);
        const value = secrets[id];
        if (value === undefined) throw new Error(`no secret ${id}`);
        return value;
      },
    };
    const cached = cachedSecretReader(reader, { ttlMs: 1000, now: () => now });
    const subs = await loadSubscriptions(secretSubscriptionSource(cached, 'breachwire/subscriptions'), {
      env: {},
      secrets: cached,
    });
    expect(subs.map((sub) => [sub.name, sub.webhook.reveal()])).toEqual([
      ['kr', URL_A],
      ['fines', URL_B],
      ['plain', URL_A],
      ['inline', URL_B],
    ]);
    expect(reads.sort()).toEqual(['breachwire/kr-only', 'breachwire/slack', 'breachwire/subscriptions']);
    await cached.read('breachwire/slack');
    expect(reads).toHaveLength(3);
    now = 1001;
    await cached.read('breachwire/slack');
    expect(reads).toHaveLength(4);

    const wrongKey = JSON.stringify([{ name: 'x', webhook: { secret: 'breachwire/slack', key: 'nope' } }]);
    const error = await configError(
      loadSubscriptions(source(JSON.parse(wrongKey)), { env: {}, secrets: cached }),
    );
    expect(error.details[0]?.message).toBe('secret breachwire/slack has no string field nope');
    const noStore = await configError(loadSubscriptions(source(JSON.parse(wrongKey)), { env: {} }));
    expect(noStore.details[0]?.message).toMatch(/no secret store is available here/);
  });

  it('reports broken JSON by position only (V8 would quote the text, webhook included)', async () => {
    const broken = `[{"name": "kr", "webhook": "${URL_A}" "filter": {}}]`;
    const error = await configError(
      loadSubscriptions(
        { describe: 'file x.json', inlineWebhooks: true, read: async () => broken },
        { env: {} },
      ),
    );
    expect(error.details[0]?.message).toMatch(/^not valid JSON \(at position \d+\)$/);
    expect(JSON.stringify([error.message, error.details])).not.toContain('SECRETTOKEN');
  });

  it('takes --subscriptions, then BREACHWIRE_SUBSCRIPTIONS_FILE, then BREACHWIRE_SUBSCRIPTIONS', () => {
    expect(subscriptionSourceFrom({}, undefined)).toBeNull();
    expect(subscriptionSourceFrom({ BREACHWIRE_SUBSCRIPTIONS: '[]' })?.describe).toBe(
      'BREACHWIRE_SUBSCRIPTIONS',
    );
    expect(
      subscriptionSourceFrom({ BREACHWIRE_SUBSCRIPTIONS: '[]', BREACHWIRE_SUBSCRIPTIONS_FILE: 'a.json' })
        ?.describe,
    ).toBe('file a.json');
    expect(subscriptionSourceFrom({ BREACHWIRE_SUBSCRIPTIONS_FILE: 'a.json' }, 'b.json')?.describe).toBe(
      'file b.json',
    );
  });
});

describe('SecretValue', () => {
  it('redacts the URL and its path from error text', () => {
    const secret = new SecretValue(URL_A);
    expect(secret.redact(`POST ${URL_A} failed; path /services/T0000/B0000/SECRETTOKENAAAA`)).toBe(
      'POST [redacted] failed; path [redacted]',
    );
    expect(secret.fingerprint()).toHaveLength(16);
    expect(secret.fingerprint()).not.toBe(new SecretValue(URL_B).fingerprint());
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['soon', null],
    [undefined, null],
  ])('reads %j as %j ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(expected);
  });
});

describe('secretsManagerReader', () => {
  it('returns SecretString, and gives up on a hanging call at its deadline without quoting the value', async () => {
    const answering = {
      send: async (command: { input: { SecretId: string } }) => ({
        SecretString: `value of ${command.input.SecretId}`,
      }),
    } as unknown as SecretsManagerClient;
    expect(await secretsManagerReader({ client: answering }).read('breachwire/slack')).toBe(
      'value of breachwire/slack',
    );

    const hanging = {
      send: (_command: unknown, options: { abortSignal: AbortSignal }) =>
        new Promise((_resolve, reject) =>
          options.abortSignal.addEventListener('abort', () => reject(options.abortSignal.reason)),
        ),
    } as unknown as SecretsManagerClient;
    const started = Date.now();
    await expect(
      secretsManagerReader({ client: hanging, timeoutMs: 50 }).read('breachwire/slack'),
    ).rejects.toThrow(/cannot read secret breachwire\/slack: TimeoutError/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
