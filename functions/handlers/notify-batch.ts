import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { describeError } from '../core/errors.ts';
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
  deps.count(METRIC.deliveries, report.delivered);
  deps.count(METRIC.deliveryFailures, report.retries + report.dead);
  const { deadEntries, broken, ...counts } = report;
  deps.log.info('outbox drained', { newEntries: fresh, ...counts, broken });
  for (const dead of deadEntries)
    deps.log.error('outbox entry dead', { outboxId: dead.id, reason: dead.reason });
  if (broken.length > 0) deps.log.error('Slack subscriptions broken; see notify --status', { broken });
  if (report.pending > 0 && now() >= deadline) {
    deps.log.warn('the drain ran out of time with entries pending; the stream will retry', {
      pending: report.pending,
    });
    return retryBatch(event);
  }
  return { batchItemFailures: [] };
}
