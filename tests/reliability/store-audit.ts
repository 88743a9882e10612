import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Document } from '../../functions/documents/types.ts';
import type { Event, OutboxEntry } from '../../functions/events/types.ts';
import type { Store } from '../../functions/store/client.ts';
import { documentFromItem, listPendingDocumentIds } from '../../functions/store/documents.ts';
import { eventFromItem, outboxFromItem } from '../../functions/store/events.ts';

/** Every item of one index partition, page by page (tests may read whole partitions; requests never Scan). */
async function wholePartition(store: Store, partition: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

export interface StoreContents {
  documents: Document[];
  events: Event[];
  outbox: OutboxEntry[];
  pendingDocumentIds: string[];
}

/** Reads every document, event and outbox entry through the time and status indexes. */
export async function readStore(store: Store): Promise<StoreContents> {
  const [documents, events, ...outbox] = await Promise.all([
    wholePartition(store, 'DOC'),
    wholePartition(store, 'EVT'),
    wholePartition(store, 'OUT#pending'),
    wholePartition(store, 'OUT#done'),
    wholePartition(store, 'OUT#dead'),
  ]);
  return {
    documents: documents.map(documentFromItem),
    events: events.map(eventFromItem),
    outbox: outbox.flat().map(outboxFromItem),
    pendingDocumentIds: await listPendingDocumentIds(store, 1_000),
  };
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}

/**
 * Every way the stored data could be inconsistent after a crash or a race, as readable
 * problem lines (empty when consistent):
 * - a document id stored twice, or a document left pending / without an event;
 * - a document whose event does not list it, or listed by an event it does not point to;
 * - a document in two events, or twice in one; an affected-count observation twice for one document;
 * - an event with unfinished pending work, an outbox id twice, an event announced as created twice.
 */
export function auditStore(contents: StoreContents): string[] {
  const problems: string[] = [];
  const { documents, events, outbox } = contents;
  for (const id of duplicates(documents.map((document) => document.id)))
    problems.push(`document ${id} stored twice`);
  for (const id of contents.pendingDocumentIds) problems.push(`document ${id} left pending`);

  const eventsById = new Map(events.map((event) => [event.id, event]));
  for (const id of duplicates(events.map((event) => event.id))) problems.push(`event ${id} listed twice`);
  const memberOf = new Map<string, string[]>();
  for (const event of events) {
    for (const id of duplicates(event.documentIds)) problems.push(`event ${event.id} holds ${id} twice`);
    for (const id of event.documentIds) memberOf.set(id, [...(memberOf.get(id) ?? []), event.id]);
    const observed = event.affectedHistory.map((observation) => observation.documentId);
    for (const id of duplicates(observed)) problems.push(`event ${event.id} observes ${id} twice`);
    for (const id of observed)
      if (!event.documentIds.includes(id)) problems.push(`event ${event.id} observes non-member ${id}`);
    if (event.pending.outbox.length > 0 || event.pending.links.length > 0)
      problems.push(`event ${event.id} has unfinished pending work`);
  }
  for (const document of documents) {
    const holders = memberOf.get(document.id) ?? [];
    if (!document.eventId) problems.push(`document ${document.id} has no event`);
    else if (!eventsById.has(document.eventId))
      problems.push(`document ${document.id} points to missing event ${document.eventId}`);
    if (holders.length > 1) problems.push(`document ${document.id} is in ${holders.length} events`);
    if (document.eventId && holders.length === 1 && holders[0] !== document.eventId)
      problems.push(`document ${document.id} points to ${document.eventId} but is held by ${holders[0]}`);
    if (document.eventId && holders.length === 0)
      problems.push(`document ${document.id} points to ${document.eventId}, which does not list it`);
  }

  for (const id of duplicates(outbox.map((entry) => entry.id))) problems.push(`outbox entry ${id} twice`);
  const created = new Map<string, number>();
  for (const entry of outbox) {
    if (!eventsById.has(entry.eventId)) problems.push(`outbox entry ${entry.id} for missing event`);
    if (entry.change === 'created') created.set(entry.eventId, (created.get(entry.eventId) ?? 0) + 1);
  }
  // Backfill (old news first seen now) opens an event without announcing it, so "at most one".
  for (const [eventId, count] of created)
    if (count > 1) problems.push(`event ${eventId} has ${count} "created" outbox entries`);
  return problems;
}
