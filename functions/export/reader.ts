import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Document } from '../documents/types.ts';
import { type EventFilter, matchesFilter } from '../events/filter.ts';
import type { Event } from '../events/types.ts';
import type { Store } from '../store/client.ts';
import { documentFromItem, getDocuments } from '../store/documents.ts';
import { eventFromItem } from '../store/events.ts';
import { documentKeys, eventKeys } from '../store/keys.ts';
import {
  affectedHistoryRows,
  bestObservation,
  documentRow,
  eventRow,
  eventSnapshot,
  linkRows,
} from './rows.ts';
import type { Row, TableName } from './schema.ts';

/**
 * The store side of the research export: Queries on the time index (or the kind / country
 * index when the filter names them), page by page, never a Scan. Rows are yielded as each
 * page is enriched, so memory holds one page whatever the table's size, and a slow consumer
 * (a file, S3, a pipe) slows the reads down instead of filling memory.
 */

/** The export's filter: the event filter language's dimensions an export supports. */
export type ExportFilter = Pick<EventFilter, 'kind' | 'country' | 'since' | 'until'>;

export interface ExportOptions<T extends TableName = TableName> {
  table: T;
  filter?: ExportFilter;
  /** ISO timestamp: the state as it was then (a citable snapshot); omitted = as stored now. */
  asOf?: string | null;
  /** Items per Query page (and per enrichment batch). */
  pageSize?: number;
  /** Called after each Query page, for progress, metrics and tests. */
  onPage?: (page: ExportPage) => void;
  /**
   * Called with each exported event just before its rows (`events`, `affected_history`,
   * `links`), so a caller can file child rows under their event (the S3 export's month).
   */
  onEvent?: (event: Event) => void;
}

export interface ExportPage {
  index: string;
  partition: string;
  items: number;
}

export const DEFAULT_PAGE_SIZE = 200;

type Item = Record<string, unknown>;

interface Range {
  /** Inclusive lower bound of the index sort key. */
  from?: string;
  /** Exclusive upper bound (no sort key equals it: every key ends in `#<id>`). */
  to?: string;
}

/**
 * The sort-key range of `<firstSeenAt>#<id>` keys for since / until / as-of: since inclusive,
 * until exclusive, as-of inclusive (`$` sorts just after the `#` that follows the timestamp).
 */
export function keyRange(filter: ExportFilter, asOf: string | null | undefined): Range {
  const uppers = [filter.until, asOf ? `${asOf}$` : undefined].filter((value): value is string => !!value);
  const to = uppers.sort()[0];
  return { ...(filter.since ? { from: filter.since } : {}), ...(to ? { to } : {}) };
}

/** Every item of one index partition in sort-key order, one Query page at a time, lazily. */
async function* queryPartition(
  store: Store,
  index: string,
  partition: string,
  range: Range,
  pageSize: number,
  onPage: ExportOptions['onPage'],
): AsyncGenerator<Item> {
  const names: Record<string, string> = { '#pk': `${index}pk` };
  const values: Record<string, unknown> = { ':pk': partition };
  let condition = '#pk = :pk';
  if (range.from !== undefined || range.to !== undefined) {
    names['#sk'] = `${index}sk`;
    if (range.from !== undefined && range.to !== undefined) {
      // BETWEEN is inclusive; `to` equals no key, so this is the half-open range.
      condition += ' AND #sk BETWEEN :from AND :to';
      values[':from'] = range.from;
      values[':to'] = range.to;
    } else if (range.from !== undefined) {
      condition += ' AND #sk >= :from';
      values[':from'] = range.from;
    } else {
      condition += ' AND #sk < :to';
      values[':to'] = range.to;
    }
  }
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) return;
  let startKey: Item | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: index,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
        Limit: pageSize,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = page.Items ?? [];
    onPage?.({ index, partition, items: items.length });
    yield* items;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Merges partitions that are each in sort-key order into one stream in sort-key order, holding
 * one item per partition (a k-way merge), so a multi-kind export is still oldest first.
 */
async function* mergeBySortKey(streams: AsyncGenerator<Item>[], sortKey: string): AsyncGenerator<Item> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  for (;;) {
    let pick = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i]!;
      if (head.done) continue;
      const current = pick >= 0 ? (heads[pick]!.value as Item) : null;
      if (!current || String(head.value[sortKey]) < String(current[sortKey])) pick = i;
    }
    if (pick < 0) return;
    yield heads[pick]!.value as Item;
    heads[pick] = await streams[pick]!.next();
  }
}

async function* inBatches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Which index serves the filter: one or more kind partitions, else country ones, else all. */
function eventPartitions(filter: ExportFilter): { index: string; partitions: string[] } {
  if (filter.kind?.length)
    return { index: 'gsi2', partitions: [...new Set(filter.kind)].map(eventKeys.byKindPartition) };
  if (filter.country?.length)
    return { index: 'gsi3', partitions: [...new Set(filter.country)].map(eventKeys.byCountryPartition) };
  return { index: 'gsi1', partitions: [eventKeys.byTimePartition()] };
}

function documentPartitions(filter: ExportFilter): { index: string; partitions: string[] } {
  if (filter.kind?.length)
    return { index: 'gsi4', partitions: [...new Set(filter.kind)].map(documentKeys.byKindPartition) };
  return { index: 'gsi1', partitions: [documentKeys.byTimePartition()] };
}

function indexItems(
  store: Store,
  plan: { index: string; partitions: string[] },
  options: ExportOptions,
): AsyncGenerator<Item> {
  const range = keyRange(options.filter ?? {}, options.asOf);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const streams = plan.partitions.map((partition) =>
    queryPartition(store, plan.index, partition, range, pageSize, options.onPage),
  );
  return streams.length === 1 ? streams[0]! : mergeBySortKey(streams, `${plan.index}sk`);
}

/** First-seen times of events by id (a key-and-one-attribute BatchGet), for links and as-of cuts. */
async function firstSeenTimes(store: Store, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Item[] = unique.slice(i, i + 100).map((id) => eventKeys.item(id));
    for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
      const result = await store.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [store.tableName]: {
              Keys: keys,
              ProjectionExpression: '#id, #seen',
              ExpressionAttributeNames: { '#id': 'id', '#seen': 'firstSeenAt' },
            },
          },
        }),
      );
      for (const item of result.Responses?.[store.tableName] ?? [])
        found.set(String(item['id']), String(item['firstSeenAt']));
      keys = (result.UnprocessedKeys?.[store.tableName]?.Keys as Item[] | undefined) ?? [];
      if (keys.length) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
  return found;
}

function documentsById(documents: readonly Document[]): Map<string, Document> {
  return new Map(documents.map((document) => [document.id, document]));
}

/**
 * Pages of events as they stand (or stood at `asOf`) and pass the filter, each page with the
 * first-seen times of the events it links to.
 */
async function* eventPages(
  store: Store,
  options: ExportOptions,
  withRelated: boolean,
): AsyncGenerator<{ events: Event[]; related: Map<string, string> }> {
  const filter = options.filter ?? {};
  const items = indexItems(store, eventPartitions(filter), options);
  for await (const batch of inBatches(items, options.pageSize ?? DEFAULT_PAGE_SIZE)) {
    const stored = batch.map(eventFromItem);
    const related =
      withRelated || options.asOf
        ? await firstSeenTimes(
            store,
            stored.flatMap((event) => event.related.map((relation) => relation.eventId)),
          )
        : new Map<string, string>();
    const events = stored
      .map((event) => (options.asOf ? eventSnapshot(event, options.asOf, related) : event))
      .filter((event): event is Event => event !== null && matchesFilter(event, filter));
    if (events.length > 0) yield { events, related };
  }
}

function matchesDocument(document: Document, filter: ExportFilter, asOf: string | null | undefined): boolean {
  if (asOf && document.firstSeenAt > asOf) return false;
  if (filter.kind?.length && !(document.facts && filter.kind.includes(document.facts.kind))) return false;
  if (filter.country?.length && !(document.facts?.country && filter.country.includes(document.facts.country)))
    return false;
  if (filter.since && document.firstSeenAt < filter.since) return false;
  if (filter.until && document.firstSeenAt >= filter.until) return false;
  return true;
}

/**
 * The rows of one table, streamed. `events`, `affected_history` and `links` follow the events
 * that pass the filter (history and links are those events' child rows); `documents` follows
 * documents whose own facts pass it. Ordered by first-seen time, oldest first, then id.
 */
export async function* exportRows<T extends TableName>(
  store: Store,
  options: ExportOptions<T>,
): AsyncGenerator<Row<T>> {
  // Each branch yields rows of the table it checked for; the casts restate that to the compiler.
  switch (options.table) {
    case 'documents': {
      const filter = options.filter ?? {};
      for await (const item of indexItems(store, documentPartitions(filter), options)) {
        const document = documentFromItem(item);
        if (matchesDocument(document, filter, options.asOf)) yield documentRow(document) as Row<T>;
      }
      return;
    }
    case 'events':
      for await (const { events } of eventPages(store, options, false)) {
        // Only the documents stating the best count and the penalty: the provenance columns.
        const stating = events
          .flatMap((event) => [bestObservation(event)?.documentId, event.penalty?.documentId])
          .filter((id): id is string => id !== undefined);
        const documents = documentsById(await getDocuments(store, stating));
        for (const event of events) {
          options.onEvent?.(event);
          yield eventRow(event, documents) as Row<T>;
        }
      }
      return;
    case 'affected_history':
      for await (const { events } of eventPages(store, options, false)) {
        const ids = events.flatMap((event) =>
          event.affectedHistory.map((observation) => observation.documentId),
        );
        const documents = documentsById(await getDocuments(store, ids));
        for (const event of events) {
          options.onEvent?.(event);
          for (const row of affectedHistoryRows(event, documents)) yield row as Row<T>;
        }
      }
      return;
    case 'links':
      for await (const { events, related } of eventPages(store, options, true)) {
        for (const event of events) {
          options.onEvent?.(event);
          for (const row of linkRows(event, related)) yield row as Row<T>;
        }
      }
      return;
  }
}
