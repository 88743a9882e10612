import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BreachwireError } from '../core/errors.ts';
import type { Event, OutboxEntry } from '../events/types.ts';
import { approximateEur } from '../money/convert.ts';
import { batchGetItems, putIfAbsent } from './batch.ts';
import type { Store } from './client.ts';
import { ENTITY, eventKeys, outboxKeys } from './keys.ts';

/**
 * The table item of an event: its index entries derived from its fields every time it is
 * written. Exported for seeding by BatchWrite (benchmarks) so seeded items equal written ones.
 */
export function eventItem(event: Event): Record<string, unknown> {
  const penaltyEur = event.penalty ? approximateEur(event.penalty.amount, event.penalty.currency) : null;
  return {
    ...eventKeys.item(event.id),
    ...eventKeys.byTime(event.firstSeenAt, event.id),
    ...eventKeys.byKind(event.kind, event.firstSeenAt, event.id),
    ...(event.country ? eventKeys.byCountry(event.country, event.firstSeenAt, event.id) : {}),
    ...(event.organization
      ? eventKeys.byOrganization(event.organization.key, event.firstSeenAt, event.id)
      : {}),
    ...(event.affected ? eventKeys.byAffected(event.affected.count, event.id) : {}),
    ...(penaltyEur !== null ? eventKeys.byPenalty(penaltyEur, event.id) : {}),
    entity: ENTITY.event,
    ...event,
  };
}

const EVENT_FIELDS: (keyof Event)[] = [
  'id',
  'kind',
  'title',
  'titleDocumentId',
  'titleScore',
  'organization',
  'country',
  'dates',
  'affected',
  'affectedHistory',
  'dataTypes',
  'penalty',
  'policy',
  'related',
  'documentIds',
  'sources',
  'members',
  'urls',
  'titles',
  'firstSeenAt',
  'updatedAt',
  'revision',
  'pending',
];

export function eventFromItem(item: Record<string, unknown>): Event {
  const event = {} as Record<string, unknown>;
  for (const field of EVENT_FIELDS) event[field] = item[field] ?? null;
  event['pending'] ??= { outbox: [], links: [] };
  return event as unknown as Event;
}

export async function getEvent(store: Store, id: string): Promise<Event | null> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: eventKeys.item(id), ConsistentRead: true }),
  );
  return result.Item ? eventFromItem(result.Item) : null;
}

export async function getEvents(store: Store, ids: readonly string[]): Promise<Event[]> {
  const items = await batchGetItems(
    store,
    [...new Set(ids)].map((id) => eventKeys.item(id)),
  );
  const found = new Map(items.map((item) => [String(item['id']), eventFromItem(item)]));
  return ids.map((id) => found.get(id)).filter((event): event is Event => event !== undefined);
}

/** Creates an event unless one with its id exists. False means another run created it first. */
export async function createEvent(store: Store, event: Event): Promise<boolean> {
  return putIfAbsent(store, eventItem(event));
}

/**
 * Writes the next revision of an event only if the stored one is still `expectedRevision`
 * (optimistic concurrency). Throws `store.conflict` when another writer got there first;
 * callers re-read and retry, so no update is lost.
 */
export async function saveEvent(store: Store, next: Event, expectedRevision: number): Promise<void> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: eventItem(next),
        ConditionExpression: '#revision = :expected',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':expected': expectedRevision },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new BreachwireError(
        'store.conflict',
        `event ${next.id} changed concurrently (expected revision ${expectedRevision})`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Clears an event's pending work once it is done, if nobody changed the event meanwhile. */
export async function clearPendingWork(store: Store, event: Event): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: eventKeys.item(event.id),
        UpdateExpression: 'SET #pending = :empty',
        ConditionExpression: '#revision = :revision',
        ExpressionAttributeNames: { '#pending': 'pending', '#revision': 'revision' },
        ExpressionAttributeValues: { ':empty': { outbox: [], links: [] }, ':revision': event.revision },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The attributes clustering needs to choose among candidates (and to find the breach a
 * penalty concerns). Candidate lists read only these: a full event with its history and
 * member list is several KB, and a document is compared with dozens of candidates; the one
 * chosen is then read whole.
 */
const MATCH_FIELDS = [
  'id',
  'kind',
  'organization',
  'urls',
  'titles',
  'members',
  'penalty',
  'dates',
  'documentIds',
  'related',
  'firstSeenAt',
  'updatedAt',
  'revision',
] as const;

/** A candidate read with MATCH_FIELDS only: enough to choose, not to merge or write back. */
export type CandidateEvent = Pick<Event, (typeof MATCH_FIELDS)[number]>;

/** Events of one organisation, newest first (gsi4), as candidates. */
export async function eventsByOrganization(
  store: Store,
  orgKey: string,
  limit = 25,
): Promise<CandidateEvent[]> {
  return queryCandidates(store, 'gsi4', eventKeys.byOrganizationPartition(orgKey), limit);
}

/** Events of one kind first seen at or after `since`, newest first (gsi2), as candidates. */
export async function recentEventsByKind(
  store: Store,
  kind: string,
  since: string,
  limit = 100,
): Promise<CandidateEvent[]> {
  return queryCandidates(store, 'gsi2', eventKeys.byKindPartition(kind), limit, since);
}

async function queryCandidates(
  store: Store,
  index: 'gsi2' | 'gsi4',
  partition: string,
  limit: number,
  since?: string,
): Promise<CandidateEvent[]> {
  const names: Record<string, string> = { '#pk': `${index}pk`, ...(since ? { '#sk': `${index}sk` } : {}) };
  MATCH_FIELDS.forEach((field, position) => {
    names[`#f${position}`] = field;
  });
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: index,
      KeyConditionExpression: since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
      ProjectionExpression: MATCH_FIELDS.map((_, position) => `#f${position}`).join(', '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':pk': partition, ...(since ? { ':since': since } : {}) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => {
    const candidate = {} as Record<string, unknown>;
    for (const field of MATCH_FIELDS) candidate[field] = item[field] ?? null;
    candidate['members'] ??= [];
    candidate['urls'] ??= [];
    candidate['titles'] ??= [];
    candidate['documentIds'] ??= [];
    candidate['related'] ??= [];
    return candidate as unknown as CandidateEvent;
  });
}

function outboxItem(entry: OutboxEntry): Record<string, unknown> {
  return {
    ...outboxKeys.item(entry.id),
    ...outboxKeys.byStatus(entry.status, entry.createdAt, entry.id),
    entity: ENTITY.outbox,
    ...entry,
  };
}

/** Writes an outbox entry unless it exists (deterministic ids make this exactly-once). */
export async function putOutboxEntry(store: Store, entry: OutboxEntry): Promise<boolean> {
  return putIfAbsent(store, outboxItem(entry));
}

export function outboxFromItem(item: Record<string, unknown>): OutboxEntry {
  return {
    id: String(item['id']),
    eventId: String(item['eventId']),
    change: item['change'] as OutboxEntry['change'],
    summary: String(item['summary'] ?? ''),
    revision: Number(item['revision'] ?? 0),
    createdAt: String(item['createdAt']),
    status: item['status'] as OutboxEntry['status'],
    error: (item['error'] as string | null) ?? null,
  };
}

/** Outbox entries with a status, oldest first. */
export async function listOutbox(
  store: Store,
  status: OutboxEntry['status'],
  limit = 100,
): Promise<OutboxEntry[]> {
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': outboxKeys.byStatusPartition(status) },
      ScanIndexForward: true,
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map(outboxFromItem);
}

/** Moves an outbox entry to `done` or `dead` (with its reason); idempotent. */
export async function setOutboxStatus(
  store: Store,
  entry: OutboxEntry,
  status: 'done' | 'dead',
  error: string | null = null,
): Promise<void> {
  const keys = outboxKeys.byStatus(status, entry.createdAt, entry.id);
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: outboxKeys.item(entry.id),
      UpdateExpression:
        'SET #status = :status, #error = :error, gsi1pk = :gpk, gsi1sk = :gsk, expiresAt = :expires',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
      ExpressionAttributeValues: {
        ':status': status,
        ':error': error,
        ':gpk': keys.gsi1pk,
        ':gsk': keys.gsi1sk,
        // Done entries may expire after 90 days in AWS (TTL); dead ones are kept for inspection.
        ':expires': status === 'done' ? Math.floor(Date.now() / 1000) + 90 * 86_400 : null,
      },
    }),
  );
}
