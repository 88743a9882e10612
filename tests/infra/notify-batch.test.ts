import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BreachwireError } from '../../functions/core/errors.ts';
import type { Log } from '../../functions/core/log.ts';
import {
  DEADLINE_MARGIN_MS,
  type NotifyBatchDeps,
  notifyInvocation,
  notifyOutboxBatch,
  notifySweep,
  parseNotifyInput,
} from '../../functions/handlers/notify-batch.ts';
import type { DrainReport } from '../../functions/notify/drain.ts';
import { SecretValue } from '../../functions/notify/secret-value.ts';
import type { Subscription } from '../../functions/notify/subscriptions.ts';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';

/** A stream record as the mapping delivers it (the filter lets only new `OUT#` items through). */
function record(sequence: string, overrides: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  return {
    eventID: `id-${sequence}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: `OUT#e${sequence}.created` }, sk: { S: 'OUT' } }, SequenceNumber: sequence },
    ...overrides,
  };
}

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

function report(overrides: Partial<DrainReport> = {}): DrainReport {
  return {
    entries: 2,
    done: 2,
    dead: 0,
    pending: 0,
    delivered: 2,
    unconfirmed: 0,
    retries: 0,
    broken: [],
    deadEntries: [],
    ...overrides,
  };
}

const subscription: Subscription = {
  name: 'kr-big-breaches',
  webhook: new SecretValue(WEBHOOK),
  filter: {},
  filterParams: {},
};

/** Deps with a fake clock, a recording log and metrics, and a drain that returns `result`. */
function deps(drain: (deadline: number) => Promise<DrainReport>, options: { clock?: { now: number } } = {}) {
  const clock = options.clock ?? { now: 1_000_000 };
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  const log: Log = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  const metrics: Record<string, number> = {};
  const calls = { loads: 0, drains: [] as number[] };
  const wired: NotifyBatchDeps = {
    loadSubscriptions: async () => {
      calls.loads++;
      return [subscription];
    },
    drain: async (subscriptions, deadline) => {
      expect(subscriptions).toEqual([subscription]);
      calls.drains.push(deadline);
      return drain(deadline);
    },
    log,
    count: (name, value) => {
      metrics[name] = (metrics[name] ?? 0) + value;
    },
    now: () => clock.now,
  };
  return { wired, lines, metrics, calls, clock };
}

describe('the notifier batch', () => {
  it('drains once for the whole batch and reports no failure when the drain finished', async () => {
    const { wired, metrics, calls } = deps(async () => report({ delivered: 3, retries: 1 }));
    const result = await notifyOutboxBatch(batch(record('1'), record('2')), 80_000, wired);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(calls.drains).toHaveLength(1);
    expect(metrics).toEqual({ Deliveries: 3, DeliveryFailures: 1 });
  });

  it('bounds the drain by the remaining time minus one POST and its record write', async () => {
    const { wired, calls, clock } = deps(async () => report());
    await notifyOutboxBatch(batch(record('1')), 80_000, wired);
    expect(calls.drains).toEqual([clock.now + 80_000 - DEADLINE_MARGIN_MS]);
    expect(DEADLINE_MARGIN_MS).toBeGreaterThan(10_000);
  });

  it('does not block the stream on dead entries or broken subscriptions (the drain recorded them)', async () => {
    const dead = report({
      done: 0,
      dead: 1,
      delivered: 0,
      broken: ['kr-big-breaches'],
      deadEntries: [
        { id: 'e1.created', reason: 'subscription "eu": gave up after 5 attempts; last: HTTP 500' },
      ],
    });
    const { wired, lines, metrics } = deps(async () => dead);
    expect(await notifyOutboxBatch(batch(record('1')), 80_000, wired)).toEqual({ batchItemFailures: [] });
    expect(metrics['DeliveryFailures']).toBe(1);
    expect(lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'outbox entry dead',
      'Slack subscriptions broken; see notify --status',
    ]);
  });

  it.each([
    ['the subscriptions cannot be loaded', 'load'],
    ['the drain fails (store unavailable)', 'drain'],
  ])('fails every record so the stream retries when %s', async (_, where) => {
    const failure =
      where === 'load'
        ? new BreachwireError(
            'config.invalid',
            'invalid secret arn:…: subscription "kr".webhook: must be https',
          )
        : new BreachwireError('store.unavailable', 'ProvisionedThroughputExceeded');
    const { wired, lines } = deps(async () => {
      throw failure;
    });
    if (where === 'load')
      wired.loadSubscriptions = async () => {
        throw failure;
      };
    const result = await notifyOutboxBatch(batch(record('11'), record('12'), record('13')), 80_000, wired);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: '11' }, { itemIdentifier: '12' }, { itemIdentifier: '13' }],
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'outbox drain could not run; the stream will retry the batch',
      }),
    );
  });

  it('fails the batch when time ran out with entries still pending, so a retry continues', async () => {
    const clock = { now: 1_000_000 };
    const { wired } = deps(
      async (deadline) => {
        clock.now = deadline + 1;
        return report({ pending: 40, done: 60 });
      },
      { clock },
    );
    expect(await notifyOutboxBatch(batch(record('7')), 80_000, wired)).toEqual({
      batchItemFailures: [{ itemIdentifier: '7' }],
    });
  });

  it('succeeds when entries wait for a later attempt (Retry-After) well before the deadline', async () => {
    const { wired } = deps(async () => report({ pending: 1, done: 1 }));
    expect(await notifyOutboxBatch(batch(record('7')), 80_000, wired)).toEqual({ batchItemFailures: [] });
  });

  it('does not start a drain it could not finish in the remaining time', async () => {
    const { wired, calls } = deps(async () => report());
    const result = await notifyOutboxBatch(batch(record('5')), DEADLINE_MARGIN_MS - 1, wired);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '5' }] });
    expect(calls.loads).toBe(0);
    expect(calls.drains).toEqual([]);
  });

  it('ignores a batch with no new outbox entry (modified items, other keys) without reading anything', async () => {
    const { wired, calls } = deps(async () => report());
    const modified = record('1', { eventName: 'MODIFY' });
    const delivery = record('2', {
      dynamodb: { Keys: { pk: { S: 'DLV#e1.created#kr' }, sk: { S: 'DLV' } }, SequenceNumber: '2' },
    });
    expect(await notifyOutboxBatch(batch(modified, delivery), 80_000, wired)).toEqual({
      batchItemFailures: [],
    });
    expect(calls.loads).toBe(0);
  });

  it('reports a record without a sequence number as "" (Lambda then retries the whole batch)', async () => {
    const { wired } = deps(async () => {
      throw new Error('boom');
    });
    const bare = record('1', { dynamodb: { Keys: { pk: { S: 'OUT#x' } } } });
    expect(await notifyOutboxBatch(batch(bare), 80_000, wired)).toEqual({
      batchItemFailures: [{ itemIdentifier: '' }],
    });
  });

  it('never logs a webhook URL', async () => {
    const { wired, lines } = deps(async () => report({ broken: ['kr-big-breaches'] }));
    await notifyOutboxBatch(batch(record('1')), 80_000, wired);
    const failing = deps(async () => {
      throw new BreachwireError('slack.deliveryFailed', 'POST [redacted] failed');
    });
    await notifyOutboxBatch(batch(record('2')), 80_000, failing.wired);
    const logged = JSON.stringify([...lines, ...failing.lines]);
    expect(logged).not.toContain('hooks.slack.com');
    expect(logged).not.toContain('SECRETTOKEN');
  });
});

describe('the notifier input', () => {
  it('tells a stream batch from the sweep schedule\'s {"sweep": true}', () => {
    const stream = batch(record('1'));
    expect(parseNotifyInput(stream)).toEqual({ kind: 'stream', event: stream });
    expect(parseNotifyInput({ Records: [] })).toEqual({ kind: 'stream', event: { Records: [] } });
    expect(parseNotifyInput({ sweep: true })).toEqual({ kind: 'sweep' });
    expect(parseNotifyInput(JSON.parse('{"sweep":true}'))).toEqual({ kind: 'sweep' });
  });

  it.each([
    ['an empty object', {}],
    ['sweep false', { sweep: false }],
    ['sweep as a string', { sweep: 'true' }],
    ['sweep with extra keys', { sweep: true, force: true }],
    ['Records that are not a list', { Records: 'x' }],
    ['a schedule input of another function', { sourceId: 'hibp' }],
    ['null', null],
    ['undefined', undefined],
    ['a list', [{ sweep: true }]],
    ['a string', '{"sweep":true}'],
  ])('rejects %s with config.invalid, naming keys but no values', (_, event) => {
    let thrown: unknown;
    try {
      parseNotifyInput(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BreachwireError);
    expect((thrown as BreachwireError).code).toBe('config.invalid');
    expect((thrown as Error).message).toMatch(/exactly \{"sweep": true\}/);
    expect((thrown as Error).message).not.toContain('hibp');
  });
});

describe('the notifier sweep', () => {
  /** Deps whose outbox has (or has not) pending entries, counting the pending checks. */
  function sweepDeps(drain: (deadline: number) => Promise<DrainReport>, pending = true) {
    const wired = deps(drain);
    const checks = { pending: 0 };
    wired.wired.hasPending = async () => {
      checks.pending++;
      return pending;
    };
    return { ...wired, checks };
  }

  it('drains once, with the same deadline as a stream batch, and answers the counts', async () => {
    const { wired, calls, clock, metrics, lines } = sweepDeps(async () =>
      report({ delivered: 1, retries: 2, pending: 1, done: 1 }),
    );
    const result = await notifySweep(80_000, wired);
    expect(calls.loads).toBe(1);
    expect(calls.drains).toEqual([clock.now + 80_000 - DEADLINE_MARGIN_MS]);
    expect(result).toEqual({
      sweep: true,
      entries: 2,
      done: 1,
      dead: 0,
      pending: 1,
      delivered: 1,
      unconfirmed: 0,
      retries: 2,
      broken: [],
    });
    expect(metrics).toEqual({ Deliveries: 1, DeliveryFailures: 2 });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'outbox drained',
        fields: expect.objectContaining({ sweep: true }),
      }),
    );
  });

  it('goes through notifyInvocation for {"sweep": true} and for a stream batch alike', async () => {
    const { wired, calls } = sweepDeps(async () => report());
    expect(await notifyInvocation(parseNotifyInput({ sweep: true }), 80_000, wired)).toMatchObject({
      sweep: true,
    });
    expect(await notifyInvocation(parseNotifyInput(batch(record('1'))), 80_000, wired)).toEqual({
      batchItemFailures: [],
    });
    expect(calls.drains).toHaveLength(2);
  });

  it.each([
    ['the subscriptions cannot be loaded', 'load'],
    ['the drain fails (store unavailable)', 'drain'],
    ['the pending check fails', 'pending'],
  ])('throws when %s, so the invocation fails and the alarms see it', async (_, where) => {
    const failure =
      where === 'load'
        ? new BreachwireError(
            'config.invalid',
            'invalid secret arn:…: subscription "kr".webhook: must be https',
          )
        : new BreachwireError('store.unavailable', 'ProvisionedThroughputExceeded');
    const { wired, lines, metrics } = sweepDeps(async () => {
      throw failure;
    });
    if (where === 'load')
      wired.loadSubscriptions = async () => {
        throw failure;
      };
    if (where === 'pending')
      wired.hasPending = async () => {
        throw failure;
      };
    await expect(notifySweep(80_000, wired)).rejects.toBe(failure);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'outbox sweep could not run; the invocation fails',
      }),
    );
    expect(metrics).toEqual({});
  });

  it('with nothing pending reads no secret, starts no drain and emits no metric or info line', async () => {
    const { wired, calls, checks, metrics, lines } = sweepDeps(async () => report(), false);
    expect(await notifySweep(80_000, wired)).toEqual({
      sweep: true,
      entries: 0,
      done: 0,
      dead: 0,
      pending: 0,
      delivered: 0,
      unconfirmed: 0,
      retries: 0,
      broken: [],
    });
    expect(checks.pending).toBe(1);
    expect(calls.loads).toBe(0);
    expect(calls.drains).toEqual([]);
    expect(metrics).toEqual({});
    expect(lines.filter((line) => line.level !== 'debug')).toEqual([]);
  });

  it('refuses, before reading anything, a sweep it could not finish in the remaining time', async () => {
    const { wired, calls, checks } = sweepDeps(async () => report());
    await expect(notifySweep(DEADLINE_MARGIN_MS - 1, wired)).rejects.toThrow(/too little time/);
    expect(checks.pending).toBe(0);
    expect(calls.loads).toBe(0);
  });

  it('does not fail when time ran out with entries pending: the next sweep continues', async () => {
    const clock = { now: 1_000_000 };
    const wired = deps(
      async (deadline) => {
        clock.now = deadline + 1;
        return report({ pending: 40, done: 60 });
      },
      { clock },
    );
    expect(await notifySweep(80_000, wired.wired)).toMatchObject({ sweep: true, pending: 40 });
    expect(wired.lines).toContainEqual(expect.objectContaining({ level: 'warn' }));
  });

  it('never logs or answers a webhook URL', async () => {
    const { wired, lines } = sweepDeps(async () =>
      report({ broken: ['kr-big-breaches'], deadEntries: [{ id: 'e1.created', reason: 'HTTP 500' }] }),
    );
    const result = await notifySweep(80_000, wired);
    const logged = JSON.stringify([...lines, result]);
    expect(logged).not.toContain('hooks.slack.com');
    expect(logged).not.toContain('SECRETTOKEN');
    expect(result).not.toHaveProperty('deadEntries');
  });
});
