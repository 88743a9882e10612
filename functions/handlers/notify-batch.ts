import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BreachwireError, describeError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { DEFAULT_POLICY, type DrainReport } from '../notify/drain.ts';
import type { Subscription } from '../notify/subscriptions.ts';
import { METRIC, type MetricName } from './metric-names.ts';

/**
 * Time kept back from the Lambda timeout: a POST started just before the drain's deadline may
 * take its whole timeout, then its outcome must still be recorded. A function killed mid-POST
 * would leave a `posting` record that the next drain can only call `unconfirmed`.
 */
export const DEADLINE_MARGIN_MS = DEFAULT_POLICY.timeoutMs + 5_000;

export interface NotifyBatchDeps {
  /** The subscriptions, from the cached secret reader (throws `config.invalid` on a bad document). */
  loadSubscriptions: () => Promise<readonly Subscription[]>;
  /** `drainOutbox` with the store and public URL bound; starts nothing after `deadline` (epoch ms). */
  drain: (subscriptions: readonly Subscription[], deadline: number) => Promise<DrainReport>;
  /**
   * Whether any outbox entry is pending (one key-condition Query, `Limit: 1`). The sweep asks
   * first, so a sweep with nothing to do reads neither the secret nor anything else. Without
   * it, every sweep loads the subscriptions and drains.
   */
  hasPending?: () => Promise<boolean>;
  log: Log;
  count: (name: MetricName, value: number) => void;
  now?: () => number;
}

/** A stream record of a newly written outbox entry (the mapping's filter lets only these through). */
export function isNewOutboxEntry(record: DynamoDBRecord): boolean {
  return record.eventName === 'INSERT' && (record.dynamodb?.Keys?.['pk']?.S ?? '').startsWith('OUT#');
}

/**
 * Every record of the batch as failed: the stream retries it (bounded, then the failure queue).
 * A record without a sequence number is reported as `''`, which Lambda reads as "the whole batch
 * failed" — the safe reading when the batch cannot be described.
 */
function retryBatch(event: DynamoDBStreamEvent): DynamoDBBatchResponse {
  return {
    batchItemFailures: event.Records.map((record) => ({
      itemIdentifier: record.dynamodb?.SequenceNumber ?? '',
    })),
  };
}

/**
 * One invocation of the notifier for one stream batch. The records only say that something new
 * is in the outbox; the drain reads the outbox itself (oldest first, every pending entry), so
 * the records are not delivered one by one and none of them can be a poison message.
 *
 * Partial batch failures, by cause:
 * - the drain could not run (subscriptions unreadable or invalid, a store error): every record
 *   fails, so the stream retries the batch (each retry is a fresh drain; all steps are idempotent);
 * - time ran out with entries still pending: every record fails, so a retry continues the work;
 * - deliveries that died, were rejected or hit a broken subscription: recorded by the drain in
 *   the table (`notify --status`), and the batch succeeds — they must not hold up the stream;
 * - entries waiting for a later attempt (Retry-After, backoff) before the deadline: success; the
 *   next drain takes them up.
 */
export async function notifyOutboxBatch(
  event: DynamoDBStreamEvent,
  remainingMs: number,
  deps: NotifyBatchDeps,
): Promise<DynamoDBBatchResponse> {
  const now = deps.now ?? Date.now;
  const fresh = (event.Records ?? []).filter(isNewOutboxEntry).length;
  if (fresh === 0) return { batchItemFailures: [] };
  const deadline = now() + remainingMs - DEADLINE_MARGIN_MS;
  if (deadline <= now()) {
    deps.log.warn('too little time left to drain the outbox; the stream will retry', { remainingMs });
    return retryBatch(event);
  }
  let report: DrainReport;
  try {
    report = await deps.drain(await deps.loadSubscriptions(), deadline);
  } catch (error) {
    // describeError: config errors name subscriptions and parameters, never a webhook URL.
    deps.log.error('outbox drain could not run; the stream will retry the batch', {
      error: describeError(error),
      records: event.Records.length,
    });
    return retryBatch(event);
  }
  reportDrain(report, deps, { newEntries: fresh });
  if (report.pending > 0 && now() >= deadline) {
    deps.log.warn('the drain ran out of time with entries pending; the stream will retry', {
      pending: report.pending,
    });
    return retryBatch(event);
  }
  return { batchItemFailures: [] };
}

/** Metrics and log lines of one finished drain (stream batch or sweep alike). */
function reportDrain(report: DrainReport, deps: NotifyBatchDeps, trigger: Record<string, unknown>): void {
  deps.count(METRIC.deliveries, report.delivered);
  deps.count(METRIC.deliveryFailures, report.retries + report.dead);
  const { deadEntries, broken, ...counts } = report;
  deps.log.info('outbox drained', { ...trigger, ...counts, broken });
  for (const dead of deadEntries)
    deps.log.error('outbox entry dead', { outboxId: dead.id, reason: dead.reason });
  if (broken.length > 0) deps.log.error('Slack subscriptions broken; see notify --status', { broken });
}

/** What the notifier is invoked with: a stream batch, or the sweep schedule's `{"sweep": true}`. */
export type NotifyInput = { kind: 'stream'; event: DynamoDBStreamEvent } | { kind: 'sweep' };

/**
 * Tells a stream batch (an object with a `Records` array) from a sweep (exactly
 * `{"sweep": true}`, nothing more), and rejects anything else with `config.invalid` before any
 * I/O. The message names the keys it found, never their values.
 */
export function parseNotifyInput(event: unknown): NotifyInput {
  if (isRecord(event)) {
    if (Array.isArray(event['Records']))
      return { kind: 'stream', event: event as unknown as DynamoDBStreamEvent };
    if (Object.keys(event).length === 1 && event['sweep'] === true) return { kind: 'sweep' };
  }
  throw new BreachwireError(
    'config.invalid',
    `invalid notify input: expected a DynamoDB stream batch ({"Records": [...]}) or exactly {"sweep": true}, got ${shapeOf(event)}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What an input looks like, without any of its values. */
function shapeOf(value: unknown): string {
  if (isRecord(value)) return `an object with keys [${Object.keys(value).join(', ')}]`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

/** The counts of a sweep's drain (what a manual `{"sweep": true}` invocation answers). */
export type SweepResult = Omit<DrainReport, 'deadEntries'> & { sweep: true };

const NOTHING_DRAINED = {
  entries: 0,
  done: 0,
  dead: 0,
  pending: 0,
  delivered: 0,
  unconfirmed: 0,
  retries: 0,
} as const;

/**
 * One sweep of the outbox, run by a low-frequency schedule (infra/constructs/outbox-sweep.ts):
 * deliveries waiting on Slack's `Retry-After` or a backoff are otherwise taken up only when the
 * next outbox entry is written, which may be days later. Same deps and deadline as
 * `notifyOutboxBatch`; drains and stream batches may overlap safely (leases on every delivery).
 *
 * - nothing pending (`hasPending`): returns at once, no secret read, no metrics, a debug line;
 * - the drain could not run (subscriptions unreadable or invalid, a store error), or there is
 *   too little time to start one: throws, so the invocation fails and the Errors alarm and the
 *   sweep's dead-letter queue see it (the entries stay pending; the next sweep tries again);
 * - time ran out with entries still pending: a warning, not a failure; the next sweep continues.
 */
export async function notifySweep(remainingMs: number, deps: NotifyBatchDeps): Promise<SweepResult> {
  const now = deps.now ?? Date.now;
  const deadline = now() + remainingMs - DEADLINE_MARGIN_MS;
  if (deadline <= now()) {
    throw new BreachwireError(
      'internal',
      `too little time left to sweep the outbox (${remainingMs} ms; a drain needs more than ${DEADLINE_MARGIN_MS} ms)`,
    );
  }
  let report: DrainReport;
  try {
    if (deps.hasPending && !(await deps.hasPending())) {
      deps.log.debug('outbox sweep: nothing pending');
      return { sweep: true, ...NOTHING_DRAINED, broken: [] };
    }
    report = await deps.drain(await deps.loadSubscriptions(), deadline);
  } catch (error) {
    // describeError: config errors name subscriptions and parameters, never a webhook URL.
    deps.log.error('outbox sweep could not run; the invocation fails', { error: describeError(error) });
    throw error;
  }
  reportDrain(report, deps, { sweep: true });
  if (report.pending > 0 && now() >= deadline) {
    deps.log.warn('the sweep ran out of time with entries pending; the next sweep continues', {
      pending: report.pending,
    });
  }
  const { deadEntries: _logged, ...counts } = report;
  return { sweep: true, ...counts };
}

/** The notifier's one entry point: decodes the input, then a stream batch or a sweep. */
export function notifyInvocation(
  input: NotifyInput,
  remainingMs: number,
  deps: NotifyBatchDeps,
): Promise<DynamoDBBatchResponse | SweepResult> {
  return input.kind === 'sweep'
    ? notifySweep(remainingMs, deps)
    : notifyOutboxBatch(input.event, remainingMs, deps);
}
