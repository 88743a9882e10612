import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.ts';
import type { Document } from '../../functions/documents/types.ts';
import { type ClusterStep, clusterDocument } from '../../functions/events/process.ts';
import { createPipeline } from '../../functions/ingest/pipeline.ts';
import type { Store } from '../../functions/store/client.ts';
import { getDocument, listPendingDocumentIds, storeNewDocuments } from '../../functions/store/documents.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { getEvent, listOutbox } from '../../functions/store/events.ts';
import { startTestStore } from '../helpers/store.ts';
import { coupangDocument, documentWith } from './factories.ts';

let embedded: EmbeddedStore;
beforeEach(async () => {
  embedded = await startTestStore();
});
afterEach(() => embedded.close());

/** Every event item in the table, through the time index (tests may list; requests never Scan). */
async function allEvents(store: Store) {
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'EVT' },
    }),
  );
  return result.Items ?? [];
}

/** The Coupang-style sequence with explicit facts: breach (small count), revision, policy, penalty. */
function coupangSequence(): Document[] {
  return [coupangDocument('c1'), coupangDocument('c2'), coupangDocument('c3'), coupangDocument('c4')];
}

async function assertCoupangOutcome(store: Store) {
  const events = await allEvents(store);
  expect(events).toHaveLength(3);
  const breach = events.find((event) => event['kind'] === 'breach')!;
  const policy = events.find((event) => event['kind'] === 'policy')!;
  const penalty = events.find((event) => event['kind'] === 'penalty')!;
  expect(breach['documentIds']).toEqual(['c1', 'c2']);
  expect((breach['affectedHistory'] as { count: number }[]).map((o) => o.count)).toEqual([4500, 33_700_000]);
  expect(breach['affected']).toMatchObject({ count: 33_700_000 });
  // Both directions of every link are stored.
  expect((breach['related'] as { eventId: string }[]).map((r) => r.eventId).sort()).toEqual(
    [penalty['id'], policy['id']].sort(),
  );
  expect(policy['related']).toEqual([expect.objectContaining({ eventId: breach['id'], kind: 'breach' })]);
  expect(penalty['related']).toEqual([expect.objectContaining({ eventId: breach['id'], kind: 'breach' })]);
  for (const event of events) expect(event['pending']).toEqual({ outbox: [], links: [] });

  const outbox = await listOutbox(store, 'pending', 100);
  const changes = outbox
    .map(
      (entry) =>
        `${entry.eventId === breach['id'] ? 'breach' : entry.eventId === penalty['id'] ? 'penalty' : 'policy'}:${entry.change}`,
    )
    .sort();
  expect(changes).toEqual([
    'breach:count-revised',
    'breach:created',
    'breach:penalty-linked',
    'penalty:created',
    'policy:created',
  ]);
  expect(new Set(outbox.map((entry) => entry.id)).size).toBe(outbox.length);
  expect(await listPendingDocumentIds(store, 100)).toEqual([]);
  for (const id of ['c1', 'c2', 'c3', 'c4']) expect((await getDocument(store, id))?.eventId).toBeTruthy();
}

describe('event writes', () => {
  it('clusters the Coupang-style sequence into one breach with history and linked policy and penalty events', async () => {
    const documents = coupangSequence();
    await storeNewDocuments(embedded.store, documents, { pending: true });
    for (const document of documents) await clusterDocument(document, { store: embedded.store });
    await assertCoupangOutcome(embedded.store);
  });

  const steps: ClusterStep[] = [
    'event-written',
    'outbox-written',
    'links-written',
    'pending-cleared',
    'document-marked',
  ];
  it.each(steps)(
    'a crash after "%s" on every document is completed by the next run, nothing twice',
    async (step) => {
      const documents = coupangSequence();
      await storeNewDocuments(embedded.store, documents, { pending: true });
      for (const document of documents) {
        await expect(
          clusterDocument(document, {
            store: embedded.store,
            checkpoint: (at) => {
              if (at === step) throw new Error(`crash after ${at}`);
            },
          }),
        ).rejects.toThrow(/crash after/);
      }
      // The next run resumes every pending document; a second resume has nothing left to do.
      const pipeline = createPipeline(embedded.store, silentLog);
      await pipeline.resume();
      expect(await pipeline.resume()).toBe(0);
      await assertCoupangOutcome(embedded.store);
    },
  );

  it('two writers updating one event concurrently lose nothing', async () => {
    const first = documentWith(
      { organization: 'Acme', affected: { count: 1000, unit: 'people', approximate: false } },
      { id: 'a0', title: 'Acme breach' },
    );
    await storeNewDocuments(embedded.store, [first], { pending: true });
    const eventId = await clusterDocument(first, { store: embedded.store });
    const followUps = Array.from({ length: 12 }, (_, index) =>
      documentWith(
        {
          organization: 'Acme Inc.',
          affected: { count: 1000 + index, unit: 'people', approximate: false },
          dataTypes: [index % 2 ? 'email' : 'phone'],
        },
        {
          id: `a${index + 1}`,
          sourceId: `outlet-${index}`,
          title: `Outlet ${index} on the Acme incident`,
          publishedAt: `2025-11-30T0${index % 10}:00:00.000Z`,
        },
      ),
    );
    await storeNewDocuments(embedded.store, followUps, { pending: true });
    // Two "ingests" at once, each clustering half, all into the same event.
    const halves = [followUps.filter((_, i) => i % 2 === 0), followUps.filter((_, i) => i % 2 === 1)];
    const ids = await Promise.all(
      halves.map(async (half) =>
        Promise.all(half.map((document) => clusterDocument(document, { store: embedded.store }))),
      ),
    );
    expect(new Set(ids.flat())).toEqual(new Set([eventId]));
    const event = await getEvent(embedded.store, eventId);
    expect(event?.documentIds.sort()).toEqual(['a0', ...followUps.map((d) => d.id)].sort());
    expect(event?.affectedHistory).toHaveLength(13);
    expect(event?.sources).toHaveLength(13);
    expect(event?.dataTypes).toEqual(['email', 'phone']);
    expect(event?.revision).toBe(13);
  });
});
