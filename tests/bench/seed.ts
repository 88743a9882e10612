import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../functions/core/concurrency.ts';
import { type ClusterDocument, openEvent } from '../../functions/events/cluster.ts';
import type { Event } from '../../functions/events/types.ts';
import type { DataType, Kind } from '../../functions/extract/types.ts';
import type { Store } from '../../functions/store/client.ts';
import { eventItem } from '../../functions/store/events.ts';

/** mulberry32: seeded data is identical on every run, so runs compare. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const KINDS: Kind[] = ['breach', 'breach', 'breach', 'penalty', 'policy', 'other'];
/** KR first and weighted: the filtered API page asks for KR, and it should be a real partition. */
const COUNTRIES = ['KR', 'KR', 'US', 'US', 'GB', 'DE', 'JP', 'FR', 'AU', null] as const;
const DATA_TYPES: DataType[] = ['email', 'phone', 'name', 'password', 'payment_card', 'health'];
const SOURCES = ['yonhap-en', 'korea-herald', 'bleepingcomputer', 'databreaches-net', 'uk-ico-news'];

/** Where seeded events' first-seen times start; they span the following three years. */
export const SEED_EPOCH = Date.parse('2023-01-01T00:00:00.000Z');
const SEED_SPAN_MS = 3 * 365 * 86_400_000;

/**
 * A stored-and-extracted document as ingest would hold it before clustering: realistic text
 * lengths (a news title and a two-sentence summary) and facts of every kind.
 */
export function syntheticDocument(index: number, rand: () => number, firstSeenAt?: string): ClusterDocument {
  const kind = KINDS[index % KINDS.length]!;
  const country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)] ?? null;
  const organization = index % 11 === 0 ? null : `Bench Org ${index} Holdings`;
  const hasCount = kind === 'breach' ? rand() < 0.85 : rand() < 0.1;
  const count = Math.floor(10 ** (2 + rand() * 6));
  const seen =
    firstSeenAt ?? new Date(SEED_EPOCH + Math.floor((index / 100_000) * SEED_SPAN_MS)).toISOString();
  const id = `dbench${index.toString(36).padStart(8, '0')}`;
  const title = `${organization ?? 'A company'} discloses ${kind} affecting ${hasCount ? count.toLocaleString('en-US') : 'an unknown number of'} customers`;
  return {
    id,
    sourceId: SOURCES[index % SOURCES.length]!,
    url: `https://news.example.org/${index}/${kind}-${id}`,
    title,
    summary: `${title}. The incident exposed names, email addresses and phone numbers; regulators were notified and an investigation is under way.`,
    publishedAt: seen,
    firstSeenAt: seen,
    facts: {
      extractorVersion: 'bench',
      kind,
      organization,
      affected: hasCount ? { count, unit: 'people', approximate: rand() < 0.3 } : null,
      penalty:
        kind === 'penalty'
          ? { amount: Math.floor(10 ** (3 + rand() * 6)), currency: 'EUR', authority: 'Bench Authority' }
          : null,
      country,
      dataTypes: DATA_TYPES.filter(() => rand() < 0.4),
      dates: { occurred: null, discovered: null, disclosed: seen.slice(0, 10) },
      evidence: {},
    },
  } as ClusterDocument;
}

/** A settled event opened by the production `openEvent` from a synthetic document. */
export function syntheticEvent(index: number, rand: () => number): Event {
  const document = syntheticDocument(index, rand);
  const event = openEvent(document, document.firstSeenAt);
  return { ...event, pending: { outbox: [], links: [] } };
}

/**
 * BatchWrite in requests of 25, `concurrency` in flight, retrying unprocessed items. Returns
 * the number of BatchWriteItem requests sent.
 */
export async function batchWriteItems(
  store: Store,
  items: readonly Record<string, unknown>[],
  concurrency = 4,
): Promise<number> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let requests = 0;
  await mapLimit(batches, concurrency, async (batch) => {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 10) throw new Error('BatchWrite kept returning unprocessed items');
      requests++;
      const result = await store.doc.send(
        new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[store.tableName] ?? []) as typeof pending;
      if (pending.length) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  });
  return requests;
}

/** Seeds events `[from, to)` of the deterministic sequence; returns them. */
export async function seedEvents(store: Store, from: number, to: number, concurrency = 4): Promise<Event[]> {
  const rand = random(20_260_101 + from);
  const events: Event[] = [];
  for (let index = from; index < to; index++) events.push(syntheticEvent(index, rand));
  // Chunked so the 100k item objects are not all alive as marshalled requests at once.
  for (let i = 0; i < events.length; i += 5_000) {
    await batchWriteItems(store, events.slice(i, i + 5_000).map(eventItem), concurrency);
  }
  return events;
}
