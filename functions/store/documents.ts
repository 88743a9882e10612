import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../core/concurrency.ts';
import type { Document } from '../documents/types.ts';
import { batchGetItems, putIfAbsent } from './batch.ts';
import type { Store } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { documentKeys, ENTITY } from './keys.ts';

const DOCUMENT_FIELDS: (keyof Document)[] = [
  'id',
  'sourceId',
  'url',
  'guid',
  'title',
  'summary',
  'lang',
  'publishedAt',
  'firstSeenAt',
  'fetchedAt',
  'native',
  'structured',
  'facts',
  'eventId',
];

/** The table item of a document with its index entries (exported for seeding by BatchWrite in benchmarks). */
export function documentItem(document: Document, options: { pending: boolean }): Record<string, unknown> {
  return {
    ...documentKeys.item(document.id),
    ...documentKeys.byTime(document.firstSeenAt, document.id),
    ...documentKeys.bySource(document.sourceId, document.firstSeenAt, document.id),
    ...(document.facts ? documentKeys.byKind(document.facts.kind, document.firstSeenAt, document.id) : {}),
    ...(options.pending ? documentKeys.pending(document.firstSeenAt, document.id) : {}),
    entity: ENTITY.document,
    ...document,
  };
}

export function documentFromItem(item: Record<string, unknown>): Document {
  const document = {} as Record<string, unknown>;
  for (const field of DOCUMENT_FIELDS) document[field] = item[field] ?? null;
  document['native'] = item['native'] ?? {};
  return document as unknown as Document;
}

/** Which of these document ids are already stored (BatchGet of keys only: 0.5 RCU each). */
export async function existingDocumentIds(store: Store, ids: readonly string[]): Promise<Set<string>> {
  const keys = [...new Set(ids)].map((id) => documentKeys.item(id));
  const items = await batchGetItems(store, keys, { projection: 'id' });
  return new Set(items.map((item) => String(item['id'])));
}

/**
 * Stores a document unless one with its id exists (a conditional put). Returns false when it
 * was already there — a re-run or a concurrent run stored it first — so each document is
 * stored exactly once whatever the interleaving.
 */
export async function putDocumentIfNew(
  store: Store,
  document: Document,
  options: { pending?: boolean } = {},
): Promise<boolean> {
  return putIfAbsent(store, documentItem(document, { pending: options.pending ?? false }));
}

/** Stores the documents that are new; returns those actually written by this call. */
export async function storeNewDocuments(
  store: Store,
  documents: readonly Document[],
  options: { pending?: boolean } = {},
): Promise<Document[]> {
  const existing = await existingDocumentIds(
    store,
    documents.map((document) => document.id),
  );
  const candidates = documents.filter((document) => !existing.has(document.id));
  const written = await mapLimit(candidates, 8, async (document) =>
    (await putDocumentIfNew(store, document, options)) ? document : null,
  );
  return written.filter((document): document is Document => document !== null);
}

export async function getDocument(store: Store, id: string): Promise<Document | null> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: documentKeys.item(id) }),
  );
  return result.Item ? documentFromItem(result.Item) : null;
}

export async function getDocuments(store: Store, ids: readonly string[]): Promise<Document[]> {
  const items = await batchGetItems(
    store,
    [...new Set(ids)].map((id) => documentKeys.item(id)),
  );
  const found = new Map(items.map((item) => [String(item['id']), documentFromItem(item)]));
  return ids.map((id) => found.get(id)).filter((document): document is Document => document !== undefined);
}

/**
 * Records the event a document is being clustered into unless a writer already chose one,
 * and returns the event chosen first (one 1-WCU write, never refused). Writers clustering the same
 * document at once (a resume racing the run that stored it) thereby agree on one event.
 */
export async function claimClusterTarget(store: Store, id: string, eventId: string): Promise<string> {
  const result = await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      // A companion item, not the document: no index is rewritten (1 WCU, not ~10).
      Key: documentKeys.clusterClaim(id),
      UpdateExpression: 'SET clusterTarget = if_not_exists(clusterTarget, :eventId)',
      ExpressionAttributeValues: { ':eventId': eventId },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return String(result.Attributes?.['clusterTarget'] ?? eventId);
}

/** Marks a document as attached to its event and removes it from the pending index. */
export async function markDocumentClustered(store: Store, id: string, eventId: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: documentKeys.item(id),
      UpdateExpression: 'SET eventId = :eventId REMOVE gsi3pk, gsi3sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':eventId': eventId },
    }),
  );
}

export interface DocumentQuery {
  source?: string;
  kind?: string;
  /** ISO timestamp: documents first seen at or after it. */
  since?: string;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  rows: T[];
  next: string | null;
}

/** Documents newest first-seen first, by one Query on the index that serves the filter. */
export async function listDocuments(store: Store, query: DocumentQuery): Promise<Page<Document>> {
  const [index, partition] = query.source
    ? (['gsi2', documentKeys.bySourcePartition(query.source)] as const)
    : query.kind
      ? (['gsi4', documentKeys.byKindPartition(query.kind)] as const)
      : (['gsi1', documentKeys.byTimePartition()] as const);
  const scope = `documents:${index}:${partition}:${query.since ?? ''}`;
  const startKey = query.cursor
    ? decodeCursor(scope, query.cursor, {
        index,
        partition,
        ...(query.since ? { lower: query.since } : {}),
      })
    : undefined;
  const pk = `${index}pk`;
  const sk = `${index}sk`;
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: index,
      KeyConditionExpression: query.since ? '#pk = :pk AND #sk >= :since' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk, ...(query.since ? { '#sk': sk } : {}) },
      ExpressionAttributeValues: { ':pk': partition, ...(query.since ? { ':since': query.since } : {}) },
      ScanIndexForward: false,
      Limit: query.limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  const rows = (result.Items ?? []).map(documentFromItem);
  // Also filter by the second dimension when both source and kind are asked for.
  const filtered = query.source && query.kind ? rows.filter((row) => row.facts?.kind === query.kind) : rows;
  return {
    rows: filtered,
    next: result.LastEvaluatedKey ? encodeCursor(scope, result.LastEvaluatedKey) : null,
  };
}

/** Ids of documents stored but not yet clustered (a crash or a failure left them), oldest first. */
export async function listPendingDocumentIds(store: Store, limit: number): Promise<string[]> {
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi3pk' },
      ExpressionAttributeValues: { ':pk': documentKeys.pendingPartition() },
      ProjectionExpression: 'id',
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map((item) => String(item['id']));
}
