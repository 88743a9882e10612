import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch.ts';
import type { Store } from './client.ts';
import { deliveryKeys, ENTITY, subscriptionKeys } from './keys.ts';

/**
 * Where one (outbox entry, subscription) delivery stands.
 *
 * - `posting`: a drain holds the lease and may be posting right now. Left behind with an
 *   expired lease it is the one ambiguous state (the POST may or may not have reached Slack).
 * - `retrying`: the last attempt was answered with a failure Slack reports as not posted (429,
 *   5xx) or never left the machine; the owner waits until `leaseUntil`, then anyone may claim it.
 * - `delivered`: Slack answered 2xx. Final.
 * - `unconfirmed`: a POST went out and no answer was recorded (timeout after sending, or a drain
 *   that died holding the lease). Final and never re-posted: at most once beats a duplicate.
 * - `failed`: bounded retries exhausted. Final; the outbox entry is dead.
 * - `rejected`: Slack refused this message (400 invalid_blocks…). Final; the outbox entry is dead.
 * - `broken`: the webhook itself is gone (404 no_service, 403, 410). Claimable again only once the
 *   subscription is repaired.
 */
export type DeliveryStatus =
  | 'posting'
  | 'retrying'
  | 'delivered'
  | 'unconfirmed'
  | 'failed'
  | 'rejected'
  | 'broken';

/** The record that makes a delivery happen at most once: deterministic key, versioned transitions. */
export interface Delivery {
  outboxId: string;
  subscription: string;
  eventId: string;
  status: DeliveryStatus;
  /** Incremented by every transition; each write is conditional on the version it read. */
  version: number;
  /** POSTs attempted so far, across drains (the retry bound counts these). */
  attempts: number;
  /** The drain that holds (or last held) the lease. */
  owner: string | null;
  /** Epoch milliseconds until which `owner` holds the record (posting or waiting to retry). */
  leaseUntil: number | null;
  /** The last failure, already redacted. */
  error: string | null;
  updatedAt: string;
  deliveredAt: string | null;
}

const FINAL_TTL_SECONDS = 90 * 86_400;
const FINAL: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'unconfirmed', 'failed', 'rejected']);

function deliveryFromItem(item: Record<string, unknown>): Delivery {
  return {
    outboxId: String(item['outboxId']),
    subscription: String(item['subscription']),
    eventId: String(item['eventId'] ?? ''),
    status: item['status'] as DeliveryStatus,
    version: Number(item['version'] ?? 0),
    attempts: Number(item['attempts'] ?? 0),
    owner: (item['owner'] as string | null | undefined) ?? null,
    leaseUntil:
      item['leaseUntil'] === null || item['leaseUntil'] === undefined ? null : Number(item['leaseUntil']),
    error: (item['error'] as string | null | undefined) ?? null,
    updatedAt: String(item['updatedAt'] ?? ''),
    deliveredAt: (item['deliveredAt'] as string | null | undefined) ?? null,
  };
}

/** The delivery record of one entry for one subscription (strongly consistent), or null if never claimed. */
export async function getDelivery(
  store: Store,
  outboxId: string,
  subscription: string,
): Promise<Delivery | null> {
  const result = await store.doc.send(
    new GetCommand({
      TableName: store.tableName,
      Key: deliveryKeys.item(outboxId, subscription),
      ConsistentRead: true,
    }),
  );
  return result.Item ? deliveryFromItem(result.Item) : null;
}

/**
 * Writes the next state of a delivery only if the stored one is still at `expectedVersion`
 * (`null`: only if no record exists). False means another drain moved it first: the caller
 * re-reads and decides again, so two drains can never both win a claim.
 */
export async function writeDelivery(
  store: Store,
  next: Delivery,
  expectedVersion: number | null,
): Promise<boolean> {
  const condition =
    expectedVersion === null
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...deliveryKeys.item(next.outboxId, next.subscription),
          entity: ENTITY.delivery,
          ...next,
          // Settled records may expire in AWS (TTL); the outbox entry keeps the outcome.
          expiresAt: FINAL.has(next.status) ? Math.floor(Date.now() / 1000) + FINAL_TTL_SECONDS : null,
        },
        ...condition,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The entity tag of subscription state items (kept beside its only repository). */
const SUBSCRIPTION_STATE_ENTITY = 'SubscriptionState';

/** What the notifier remembers about a subscription between drains. Never holds its webhook. */
export interface SubscriptionState {
  name: string;
  broken: boolean;
  brokenAt: string | null;
  /** Why Slack refused the webhook, e.g. "HTTP 404 no_service: …". */
  brokenReason: string | null;
  /**
   * A short hash of the webhook that broke, so configuring a new webhook repairs the
   * subscription without a manual reset. Not reversible: the URL's token is random.
   */
  brokenWebhook: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
}

function emptyState(name: string): SubscriptionState {
  return {
    name,
    broken: false,
    brokenAt: null,
    brokenReason: null,
    brokenWebhook: null,
    lastError: null,
    lastErrorAt: null,
    lastDeliveredAt: null,
  };
}

function stateFromItem(name: string, item: Record<string, unknown> | undefined): SubscriptionState {
  const state = emptyState(name);
  if (!item) return state;
  return {
    name,
    broken: item['broken'] === true,
    brokenAt: (item['brokenAt'] as string | null | undefined) ?? null,
    brokenReason: (item['brokenReason'] as string | null | undefined) ?? null,
    brokenWebhook: (item['brokenWebhook'] as string | null | undefined) ?? null,
    lastError: (item['lastError'] as string | null | undefined) ?? null,
    lastErrorAt: (item['lastErrorAt'] as string | null | undefined) ?? null,
    lastDeliveredAt: (item['lastDeliveredAt'] as string | null | undefined) ?? null,
  } satisfies typeof state;
}

/** The stored state of each named subscription, in the order given (a never-seen one is empty). */
export async function getSubscriptionStates(
  store: Store,
  names: readonly string[],
): Promise<SubscriptionState[]> {
  const keys = [...new Set(names)].map((name) => subscriptionKeys.state(name));
  const items = await batchGetItems(store, keys, { consistent: true });
  const found = new Map(items.map((item) => [String(item['name']), item]));
  return names.map((name) => stateFromItem(name, found.get(name)));
}

async function updateState(store: Store, name: string, fields: Partial<SubscriptionState>): Promise<void> {
  const entries = Object.entries({ ...fields, entity: SUBSCRIPTION_STATE_ENTITY, name });
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: subscriptionKeys.state(name),
      UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([field], index) => [`#f${index}`, field])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
    }),
  );
}

/** Records that Slack refused the webhook itself; the notifier stops posting to it until repaired. */
export async function markSubscriptionBroken(
  store: Store,
  name: string,
  webhookHash: string,
  reason: string,
  at: string,
): Promise<void> {
  await updateState(store, name, {
    broken: true,
    brokenAt: at,
    brokenReason: reason,
    brokenWebhook: webhookHash,
    lastError: reason,
    lastErrorAt: at,
  });
}

/** Clears the broken mark (a new webhook was configured, or `notify --reset NAME`). */
export async function clearSubscriptionBroken(store: Store, name: string): Promise<void> {
  await updateState(store, name, { broken: false, brokenAt: null, brokenReason: null, brokenWebhook: null });
}

export async function noteSubscriptionDelivered(store: Store, name: string, at: string): Promise<void> {
  await updateState(store, name, { lastDeliveredAt: at });
}

/** Remembers the last failure for the status view (already redacted by the caller). */
export async function noteSubscriptionError(
  store: Store,
  name: string,
  error: string,
  at: string,
): Promise<void> {
  await updateState(store, name, { lastError: error, lastErrorAt: at });
}
