import { randomUUID } from 'node:crypto';
import { BreachwireError, describeError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import { matchesFilter } from '../events/filter.ts';
import type { Event, OutboxEntry } from '../events/types.ts';
import type { Store } from '../store/client.ts';
import {
  clearSubscriptionBroken,
  type Delivery,
  getDelivery,
  getSubscriptionStates,
  markSubscriptionBroken,
  noteSubscriptionDelivered,
  noteSubscriptionError,
  writeDelivery,
} from '../store/deliveries.ts';
import { getEvents, listOutbox, setOutboxStatus } from '../store/events.ts';
import { buildMessage, type SlackMessage } from './message.ts';
import type { Subscription } from './subscriptions.ts';
import { type PostOutcome, postWebhook, type WebhookPoster } from './webhook.ts';

/** The steps of one delivery; a hook between them lets tests simulate a crash at each. */
export type DeliveryStep = 'claimed' | 'posted' | 'recorded' | 'entry-settled';

/** Timeouts, retry bounds and lease; every delay is injectable through `DrainDeps.sleep`. */
export interface DeliveryPolicy {
  /** One deadline over a whole POST (connect, send, answer). */
  timeoutMs: number;
  /** POSTs per (entry, subscription), across drains, before the entry is parked as dead. */
  maxAttempts: number;
  /** First backoff after a 5xx or a failed connection; doubled per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` waited for in-process; a longer one is left to a later drain (still honoured). */
  maxRetryAfterMs: number;
  /**
   * How long a claim is held. It must outlast one POST (timeout) plus the record write, so a
   * live drain never has its claim declared abandoned.
   */
  leaseMs: number;
  /** When another drain holds a delivery: wait this long, then look again, up to `busyRounds` times. */
  busyWaitMs: number;
  busyRounds: number;
  /** Subscriptions served at once (each one's messages go out one at a time, in order). */
  concurrency: number;
  /** Pending entries read per round (oldest first). */
  batchSize: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  timeoutMs: 10_000,
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  leaseMs: 60_000,
  busyWaitMs: 1_000,
  busyRounds: 3,
  concurrency: 4,
  batchSize: 100,
};

export interface DrainDeps {
  store: Store;
  subscriptions: readonly Subscription[];
  /** Where the API and web page are published (event links in messages). */
  publicBaseUrl: string;
  log?: Log;
  post?: WebhookPoster;
  /** Epoch milliseconds. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): backoff jitter. */
  random?: () => number;
  checkpoint?: (step: DeliveryStep, at: { outboxId: string; subscription: string }) => void | Promise<void>;
  /** This drain's id in lease records (default: random). */
  owner?: string;
  policy?: Partial<DeliveryPolicy>;
  /** Epoch ms after which no POST is started and no wait begins (a Lambda's remaining time). */
  deadline?: number;
}

export interface DrainReport {
  /** Outbox entries looked at (an entry seen in two rounds counts once). */
  entries: number;
  done: number;
  dead: number;
  /** Entries left pending for a later drain (another drain holds them, or a wait outlasts this one). */
  pending: number;
  /** Messages Slack accepted during this drain. */
  delivered: number;
  /** Messages whose outcome is unknown (sent, never answered; or a drain died holding the claim). */
  unconfirmed: number;
  /** Failed attempts that were retried or left for retry. */
  retries: number;
  /** Subscriptions found broken during this drain. */
  broken: string[];
  /** Entries parked as dead in this drain, with the reason. */
  deadEntries: { id: string; reason: string }[];
}

type Outcome =
  | { kind: 'delivered' | 'unconfirmed' | 'broken' }
  | { kind: 'dead'; reason: string }
  | { kind: 'deferred'; why: 'busy' | 'later' };

interface Context {
  deps: DrainDeps;
  policy: DeliveryPolicy;
  log: Log;
  post: WebhookPoster;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  owner: string;
  report: DrainReport;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Delivers pending outbox entries to the Slack subscriptions whose filter matches their event,
 * oldest first: the one drain used by the local runner, the CLI and the Lambda notifier.
 *
 * Each (entry, subscription) has a delivery record with a deterministic key. A POST is only
 * made by the drain that won a conditional write moving that record to `posting` (with a
 * lease), and only from a state in which no earlier POST can have been accepted: no record,
 * or `retrying` after Slack answered 429/5xx or the request never left. The 2xx is then
 * recorded as `delivered`. A `posting` record whose lease expired (its drain died mid-way) is
 * never posted again: it becomes `unconfirmed`. Hence at most one accepted POST per
 * (entry, subscription), always; exactly one unless a drain dies between claiming and
 * recording, or a sent request gets no answer. See docs/SLACK.md.
 *
 * An entry becomes `done` when every matching subscription has it (delivered, unconfirmed,
 * or the subscription is broken), `dead` with the reasons when any delivery failed for good;
 * otherwise it stays pending for the next drain. One failing subscription never holds up
 * another: each has its own queue.
 */
export async function drainOutbox(deps: DrainDeps): Promise<DrainReport> {
  const policy = { ...DEFAULT_POLICY, ...deps.policy };
  if (policy.leaseMs <= policy.timeoutMs) {
    // A claim that can expire while its POST is still in flight would be declared unconfirmed
    // by another drain while the first may still record success: confusing, though never a duplicate.
    throw new BreachwireError('config.invalid', 'the delivery lease must be longer than the POST timeout', {
      details: [{ param: 'leaseMs', message: `must exceed timeoutMs (${policy.timeoutMs})` }],
    });
  }
  const context: Context = {
    deps,
    policy,
    log: deps.log ?? silentLog,
    post: deps.post ?? postWebhook,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: deps.random ?? Math.random,
    owner: deps.owner ?? randomUUID(),
    report: {
      entries: 0,
      done: 0,
      dead: 0,
      pending: 0,
      delivered: 0,
      unconfirmed: 0,
      retries: 0,
      broken: [],
      deadEntries: [],
    },
  };
  const seen = new Set<string>();
  const leftPending = new Set<string>();
  let busyRounds = 0;
  // Bounded: each round either settles entries, waits for another drain, or stops.
  for (let round = 0; round < 50; round++) {
    const batch = await listOutbox(deps.store, 'pending', policy.batchSize);
    if (batch.length === 0) break;
    for (const entry of batch) seen.add(entry.id);
    const result = await drainBatch(context, batch);
    for (const id of result.settled) leftPending.delete(id);
    for (const id of result.pending) leftPending.add(id);
    if (result.busy) {
      if (busyRounds++ >= policy.busyRounds) break;
      await context.sleep(policy.busyWaitMs);
      continue;
    }
    if (result.pending.length > 0 || batch.length < policy.batchSize) break;
  }
  context.report.entries = seen.size;
  context.report.pending = leftPending.size;
  return context.report;
}

async function drainBatch(
  context: Context,
  batch: readonly OutboxEntry[],
): Promise<{ settled: string[]; pending: string[]; busy: boolean }> {
  const { deps } = context;
  const events = new Map(
    (await getEvents(deps.store, [...new Set(batch.map((entry) => entry.eventId))])).map((event) => [
      event.id,
      event,
    ]),
  );
  const broken = await brokenAtStart(context);
  const outcomes = new Map<string, Map<string, Outcome>>(batch.map((entry) => [entry.id, new Map()]));

  const failures: unknown[] = [];
  const queue = [...deps.subscriptions];
  const workers = Array.from({ length: Math.min(context.policy.concurrency, queue.length) }, async () => {
    for (let subscription = queue.shift(); subscription; subscription = queue.shift()) {
      const matching = batch.filter((entry) => {
        const event = events.get(entry.eventId);
        return event !== undefined && matchesFilter(event, subscription.filter);
      });
      try {
        await serveSubscription(
          context,
          subscription,
          matching,
          events,
          broken.has(subscription.name),
          outcomes,
        );
      } catch (error) {
        failures.push(error);
      }
    }
  });
  await Promise.all(workers);
  // A store error or a crash hook: settle nothing. Every step is idempotent, so the next drain
  // finds the records written so far and completes the rest.
  if (failures.length > 0) throw failures[0];

  const settled: string[] = [];
  const pending: string[] = [];
  let busy = false;
  for (const entry of batch) {
    const perSubscription = outcomes.get(entry.id) ?? new Map<string, Outcome>();
    const values = [...perSubscription.values()];
    if (!events.has(entry.eventId)) {
      await park(context, entry, `event ${entry.eventId} not found`);
      settled.push(entry.id);
      continue;
    }
    if (values.some((outcome) => outcome.kind === 'deferred')) {
      if (values.some((outcome) => outcome.kind === 'deferred' && outcome.why === 'busy')) busy = true;
      pending.push(entry.id);
      continue;
    }
    const reasons = [...perSubscription].flatMap(([name, outcome]) =>
      outcome.kind === 'dead' ? [`subscription "${name}": ${outcome.reason}`] : [],
    );
    if (reasons.length > 0) await park(context, entry, reasons.join('; '));
    else {
      await setOutboxStatus(deps.store, entry, 'done');
      context.report.done++;
    }
    await deps.checkpoint?.('entry-settled', { outboxId: entry.id, subscription: '' });
    settled.push(entry.id);
  }
  return { settled, pending, busy };
}

async function park(context: Context, entry: OutboxEntry, reason: string): Promise<void> {
  await setOutboxStatus(context.deps.store, entry, 'dead', reason);
  context.report.dead++;
  context.report.deadEntries.push({ id: entry.id, reason });
  context.log.error('outbox entry parked as dead', { outboxId: entry.id, eventId: entry.eventId, reason });
}

/** Subscriptions marked broken for the webhook still configured; a replaced webhook repairs one. */
async function brokenAtStart(context: Context): Promise<Set<string>> {
  const { deps } = context;
  const states = await getSubscriptionStates(
    deps.store,
    deps.subscriptions.map((subscription) => subscription.name),
  );
  const broken = new Set<string>();
  for (const [index, state] of states.entries()) {
    const subscription = deps.subscriptions[index];
    if (!subscription || !state.broken) continue;
    if (state.brokenWebhook === subscription.webhook.fingerprint()) broken.add(subscription.name);
    else {
      await clearSubscriptionBroken(deps.store, subscription.name);
      context.log.info('subscription has a new webhook; no longer broken', {
        subscription: subscription.name,
      });
    }
  }
  return broken;
}

/** One subscription's queue: its matching entries in order, one message at a time. */
async function serveSubscription(
  context: Context,
  subscription: Subscription,
  entries: readonly OutboxEntry[],
  events: ReadonlyMap<string, Event>,
  brokenAlready: boolean,
  outcomes: Map<string, Map<string, Outcome>>,
): Promise<void> {
  let broken = brokenAlready;
  let stopped: Outcome | null = null;
  for (const entry of entries) {
    const event = events.get(entry.eventId) as Event;
    let outcome: Outcome;
    if (stopped) outcome = stopped;
    else if (broken) outcome = { kind: 'broken' };
    else outcome = await deliver(context, subscription, entry, event);
    outcomes.get(entry.id)?.set(subscription.name, outcome);
    if (outcome.kind === 'broken') broken = true;
    // Later messages wait behind an earlier one so the channel sees them in order.
    if (outcome.kind === 'deferred') stopped = outcome;
  }
}

/** Exponential backoff with equal jitter, or the server's `Retry-After` when it gave one. */
function retryDelay(context: Context, attempt: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return retryAfterMs;
  const { baseDelayMs, maxDelayMs } = context.policy;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (context.random() * ceiling) / 2);
}

/**
 * Moves a record this drain holds to its next state. If the write loses (our lease expired and
 * another drain declared the delivery unconfirmed), the newer state stands, except that a
 * confirmed delivery replaces "unconfirmed": it is strictly better knowledge.
 */
async function transition(context: Context, from: Delivery, fields: Partial<Delivery>): Promise<Delivery> {
  let current = from;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next: Delivery = {
      ...current,
      ...fields,
      version: current.version + 1,
      updatedAt: iso(context.now()),
    };
    if (await writeDelivery(context.deps.store, next, current.version)) return next;
    const stored = await getDelivery(context.deps.store, current.outboxId, current.subscription);
    if (!stored) return current;
    if (!(fields.status === 'delivered' && stored.status === 'unconfirmed')) return stored;
    current = stored;
  }
  return current;
}

async function deliver(
  context: Context,
  subscription: Subscription,
  entry: OutboxEntry,
  event: Event,
): Promise<Outcome> {
  const { deps, policy, log, report } = context;
  const at = { outboxId: entry.id, subscription: subscription.name };
  let record = await getDelivery(deps.store, entry.id, subscription.name);
  let message: SlackMessage | null = null;
  for (let step = 0; step < policy.maxAttempts * 4 + 8; step++) {
    const now = context.now();
    if (record) {
      switch (record.status) {
        case 'delivered':
          return { kind: 'delivered' };
        case 'unconfirmed':
          return { kind: 'unconfirmed' };
        case 'failed':
        case 'rejected':
          return { kind: 'dead', reason: record.error ?? record.status };
        case 'posting': {
          if ((record.leaseUntil ?? 0) > now) return { kind: 'deferred', why: 'busy' };
          // The ambiguous case: a drain claimed this and died (or lost the store) before
          // recording the answer. It may have posted. Never post again; say so.
          const reason = `outcome unknown: a drain stopped after claiming this delivery (lease expired ${iso(record.leaseUntil ?? 0)}); not re-posted to avoid a duplicate`;
          const resolved: Delivery = {
            ...record,
            status: 'unconfirmed',
            version: record.version + 1,
            error: reason,
            updatedAt: iso(now),
          };
          if (await writeDelivery(deps.store, resolved, record.version)) {
            report.unconfirmed++;
            log.warn('slack delivery unconfirmed', { ...at, reason });
            await noteSubscriptionError(deps.store, subscription.name, `${entry.id}: ${reason}`, iso(now));
            return { kind: 'unconfirmed' };
          }
          record = await getDelivery(deps.store, entry.id, subscription.name);
          continue;
        }
        case 'retrying':
          // Another drain is waiting to retry it (or honouring a long Retry-After): leave it.
          if (record.owner !== context.owner && (record.leaseUntil ?? 0) > now) {
            return { kind: 'deferred', why: 'busy' };
          }
          break;
        case 'broken':
          // Only reached once the subscription has been repaired: the delivery is owed again.
          break;
      }
    }
    if (deps.deadline !== undefined && now + policy.timeoutMs > deps.deadline)
      return { kind: 'deferred', why: 'later' };

    const claim: Delivery = {
      outboxId: entry.id,
      subscription: subscription.name,
      eventId: entry.eventId,
      status: 'posting',
      version: (record?.version ?? 0) + 1,
      attempts: (record?.attempts ?? 0) + 1,
      owner: context.owner,
      leaseUntil: now + policy.leaseMs,
      error: record?.error ?? null,
      updatedAt: iso(now),
      deliveredAt: null,
    };
    if (!(await writeDelivery(deps.store, claim, record?.version ?? null))) {
      record = await getDelivery(deps.store, entry.id, subscription.name);
      continue;
    }
    record = claim;
    await deps.checkpoint?.('claimed', at);
    message ??= buildMessage(event, entry, { publicBaseUrl: deps.publicBaseUrl });
    let outcome: PostOutcome;
    try {
      outcome = await context.post(subscription.webhook, message, { timeoutMs: policy.timeoutMs });
    } catch (error) {
      // A poster that throws has not told us whether it sent anything.
      outcome = { kind: 'unknown', reason: subscription.webhook.redact(describeError(error)) };
    }
    const finishedAt = iso(context.now());
    switch (outcome.kind) {
      case 'delivered': {
        await deps.checkpoint?.('posted', at);
        record = await transition(context, record, {
          status: 'delivered',
          deliveredAt: finishedAt,
          error: null,
        });
        report.delivered++;
        await noteSubscriptionDelivered(deps.store, subscription.name, finishedAt);
        await deps.checkpoint?.('recorded', at);
        log.info('slack message delivered', { ...at, eventId: entry.eventId, change: entry.change });
        return { kind: 'delivered' };
      }
      case 'unknown': {
        const reason = `outcome unknown: ${outcome.reason}; not re-posted to avoid a duplicate`;
        record = await transition(context, record, { status: 'unconfirmed', error: reason });
        report.unconfirmed++;
        log.warn('slack delivery unconfirmed', { ...at, reason });
        await noteSubscriptionError(deps.store, subscription.name, `${entry.id}: ${reason}`, finishedAt);
        return record.status === 'delivered' ? { kind: 'delivered' } : { kind: 'unconfirmed' };
      }
      case 'rejected': {
        record = await transition(context, record, { status: 'rejected', error: outcome.reason });
        await noteSubscriptionError(
          deps.store,
          subscription.name,
          `${entry.id}: ${outcome.reason}`,
          finishedAt,
        );
        return { kind: 'dead', reason: outcome.reason };
      }
      case 'broken': {
        record = await transition(context, record, { status: 'broken', error: outcome.reason });
        await markSubscriptionBroken(
          deps.store,
          subscription.name,
          subscription.webhook.fingerprint(),
          outcome.reason,
          finishedAt,
        );
        report.broken.push(subscription.name);
        log.error('slack subscription broken; not posting to it until repaired', {
          subscription: subscription.name,
          reason: outcome.reason,
        });
        return { kind: 'broken' };
      }
      case 'retry': {
        report.retries++;
        if (record.attempts >= policy.maxAttempts) {
          const reason = `gave up after ${record.attempts} attempts; last: ${outcome.reason}`;
          record = await transition(context, record, { status: 'failed', error: reason });
          await noteSubscriptionError(deps.store, subscription.name, `${entry.id}: ${reason}`, finishedAt);
          return { kind: 'dead', reason };
        }
        const wait = retryDelay(context, record.attempts, outcome.retryAfterMs);
        const resumeAt = context.now() + wait;
        const later =
          wait > policy.maxRetryAfterMs ||
          (deps.deadline !== undefined && resumeAt + policy.timeoutMs > deps.deadline);
        // While waiting this drain keeps the record; if it dies, anyone may retry after the lease.
        const waiting = await transition(context, record, {
          status: 'retrying',
          leaseUntil: resumeAt + (later ? 0 : policy.leaseMs),
          error: outcome.reason,
        });
        log.warn('slack delivery failed; will retry', {
          ...at,
          attempt: record.attempts,
          waitMs: wait,
          reason: outcome.reason,
        });
        await noteSubscriptionError(
          deps.store,
          subscription.name,
          `${entry.id}: ${outcome.reason}`,
          finishedAt,
        );
        if (waiting.status !== 'retrying' || waiting.owner !== context.owner) {
          record = waiting;
          continue;
        }
        if (later) return { kind: 'deferred', why: 'later' };
        await context.sleep(wait);
        record = waiting;
        continue;
      }
    }
  }
  return { kind: 'deferred', why: 'later' };
}
