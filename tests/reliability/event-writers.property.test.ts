import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../functions/core/log.ts';
import type { Document } from '../../functions/documents/types.ts';
import { clusterDocument } from '../../functions/events/process.ts';
import type { DataType } from '../../functions/extract/types.ts';
import { createPipeline } from '../../functions/ingest/pipeline.ts';
import type { Store } from '../../functions/store/client.ts';
import { storeNewDocuments } from '../../functions/store/documents.ts';
import { getEvent } from '../../functions/store/events.ts';
import { documentWith } from '../events/factories.ts';
import { startTestStore } from '../helpers/store.ts';
import { auditStore, readStore } from './store-audit.ts';

/**
 * Conditional-write conflicts on one event, property-based: several writers (ingest runs)
 * cluster documents of one story at once, and every store request of every writer is
 * released in an order fast-check chooses (`fc.scheduler`), so the optimistic revision
 * checks meet interleavings no hand-written test would think of. Whatever the order, the
 * event must hold every document exactly once with one count observation per document.
 */

/** Conditional writes refused across all runs: proof the interleavings really collide. */
let conflicts = 0;

/** A store whose every request waits until the scheduler releases it: the interleaving is fast-check's. */
function scheduledStore(store: Store, scheduler: fc.Scheduler): Store {
  const send = async (command: { constructor: { name: string } }) => {
    await scheduler.schedule(Promise.resolve(), command.constructor.name);
    try {
      return await store.doc.send(command as never);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') conflicts++;
      throw error;
    }
  };
  return { tableName: store.tableName, doc: { send } as unknown as DynamoDBDocumentClient };
}

interface Planned {
  count: number | null;
  dataType: DataType;
  day: number;
  alias: string;
}

const plannedDocument = fc.record({
  count: fc.option(fc.integer({ min: 100, max: 50_000_000 }), { nil: null, freq: 3 }),
  dataType: fc.constantFrom<DataType>('email', 'phone', 'name', 'password'),
  day: fc.integer({ min: 0, max: 20 }),
  alias: fc.constantFrom('Acme', 'Acme Inc.', 'ACME Corp', 'acme'),
});

/** Two to four writers, each with its own documents in its own order. */
const writersArbitrary = fc.array(fc.array(plannedDocument, { minLength: 1, maxLength: 4 }), {
  minLength: 2,
  maxLength: 4,
});

function buildDocuments(writers: Planned[][]): Document[][] {
  return writers.map((planned, writer) =>
    planned.map((plan, index) => {
      const seenAt = new Date(Date.UTC(2025, 10, 10 + plan.day, writer, index)).toISOString();
      return documentWith(
        {
          organization: plan.alias,
          affected: plan.count === null ? null : { count: plan.count, unit: 'people', approximate: false },
          dataTypes: [plan.dataType],
        },
        {
          id: `w${writer}-d${index}`,
          sourceId: `outlet-${writer}`,
          title: `Outlet ${writer} report ${index} on the Acme incident`,
          publishedAt: seenAt,
          firstSeenAt: seenAt,
        },
      );
    }),
  );
}

/**
 * Each writer clusters its documents one after another through the real pipeline, as one
 * ingest run does; a document that loses every retry stays pending, and the next run's
 * resume (here, right after) finishes it — exactly what production does.
 */
async function runWriters(store: Store, writers: Document[][], scheduler: fc.Scheduler): Promise<void> {
  const scheduled = scheduledStore(store, scheduler);
  await scheduler.waitFor(
    Promise.all(writers.map((documents) => createPipeline(scheduled, silentLog).process(documents))),
  );
  await createPipeline(store, silentLog).resume();
}

describe('one document clustered by two processes at once', () => {
  it('a resume racing the run that stored a document puts it in one event, not two', async () => {
    // The interleaving the property below rarely meets, pinned: process A reads no candidate
    // for D and is slow to create D's own event; meanwhile process B clusters D' (opening an
    // event for the story) and then D, which it would merge there. A's late create must not
    // make D a member of a second event.
    const embedded = await startTestStore();
    try {
      const story = (id: string, seenAt: string) =>
        documentWith(
          { organization: 'Acme', affected: { count: 5_000, unit: 'people', approximate: false } },
          { id, title: `Acme breach report ${id}`, publishedAt: seenAt, firstSeenAt: seenAt },
        );
      const d = story('d', '2025-11-20T10:00:00.000Z');
      const dPrime = story('d-prime', '2025-11-20T11:00:00.000Z');
      await storeNewDocuments(embedded.store, [d, dPrime], { pending: true });
      let release = () => {};
      const bDone = new Promise<void>((resolve) => {
        release = resolve;
      });
      // A's store holds back its first event create until B has finished.
      let heldBack = false;
      const slowA: Store = {
        tableName: embedded.store.tableName,
        doc: {
          send: async (command: { constructor: { name: string }; input: { Item?: { entity?: string } } }) => {
            if (
              !heldBack &&
              command.constructor.name === 'PutCommand' &&
              command.input.Item?.entity === 'Event'
            ) {
              heldBack = true;
              await bDone;
            }
            return embedded.store.doc.send(command as never);
          },
        } as unknown as DynamoDBDocumentClient,
      };
      const a = clusterDocument(d, { store: slowA });
      const b = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await clusterDocument(dPrime, { store: embedded.store });
        await clusterDocument(d, { store: embedded.store });
        release();
      })();
      await Promise.all([a, b]);
      const contents = await readStore(embedded.store);
      expect(auditStore(contents)).toEqual([]);
      expect(contents.events.filter((event) => event.documentIds.includes('d'))).toHaveLength(1);
    } finally {
      await embedded.close();
    }
  });
});

describe('concurrent writers on one event (property-based)', () => {
  it('any interleaving of writers joining an existing event leaves every document in it exactly once with one observation each', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(writersArbitrary, fc.scheduler(), async (planned, scheduler) => {
        const embedded = await startTestStore();
        try {
          const first = documentWith(
            { organization: 'Acme', affected: { count: 1_000, unit: 'people', approximate: false } },
            { id: 'seed', title: 'Acme breach', firstSeenAt: '2025-11-10T00:00:00.000Z' },
          );
          const writers = buildDocuments(planned);
          const all = [first, ...writers.flat()];
          await storeNewDocuments(embedded.store, all, { pending: true });
          const eventId = await clusterDocument(first, { store: embedded.store });
          await runWriters(embedded.store, writers, scheduler);

          const event = await getEvent(embedded.store, eventId);
          expect([...(event?.documentIds ?? [])].sort()).toEqual(all.map((document) => document.id).sort());
          const withCount = all.filter((document) => document.facts?.affected).map((document) => document.id);
          expect(event?.affectedHistory.map((observation) => observation.documentId).sort()).toEqual(
            withCount.sort(),
          );
          // One revision per document joined: no lost update, no double merge.
          expect(event?.revision).toBe(all.length);
          expect(auditStore(await readStore(embedded.store))).toEqual([]);
        } finally {
          await embedded.close();
        }
      }),
      { numRuns: 40 },
    );
    expect(conflicts).toBeGreaterThan(0);
  });

  it('any interleaving of writers with no event yet puts every document in exactly one event', {
    timeout: 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(writersArbitrary, fc.scheduler(), async (planned, scheduler) => {
        const embedded = await startTestStore();
        try {
          const writers = buildDocuments(planned);
          const all = writers.flat();
          await storeNewDocuments(embedded.store, all, { pending: true });
          await runWriters(embedded.store, writers, scheduler);

          const contents = await readStore(embedded.store);
          expect(auditStore(contents)).toEqual([]);
          // Several first documents racing may each open an event (a known limit), but every
          // document is in exactly one, and each event observes exactly its members' counts.
          expect(contents.events.flatMap((event) => event.documentIds).sort()).toEqual(
            all.map((document) => document.id).sort(),
          );
          for (const event of contents.events) {
            const members = new Set(event.documentIds);
            const counted = all.filter((document) => members.has(document.id) && document.facts?.affected);
            expect(event.affectedHistory).toHaveLength(counted.length);
          }
        } finally {
          await embedded.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('several runs clustering the same pending documents at once, in different orders, put each in exactly one event', {
    timeout: 300_000,
  }, async () => {
    // Every run resumes pending documents when it starts, so after a crash (or while the run
    // that stored them, in another process, is still clustering) several writers take up the
    // same documents, each in its own order (the storer in feed order, a resumer in index order).
    await fc.assert(
      fc.asyncProperty(
        fc.array(plannedDocument, { minLength: 3, maxLength: 8 }),
        fc.array(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), { minLength: 2, maxLength: 4 }),
        fc.scheduler(),
        async (planned, orders, scheduler) => {
          const embedded = await startTestStore();
          try {
            // Two stories, so a document has a real choice to get wrong.
            const all = buildDocuments([planned])
              .flat()
              .map((document, index) =>
                index % 3 === 2
                  ? {
                      ...document,
                      title: `Globex breach story ${index}`,
                      facts: { ...document.facts!, organization: 'Globex' },
                    }
                  : document,
              );
            await storeNewDocuments(embedded.store, all, { pending: true });
            const scheduled = scheduledStore(embedded.store, scheduler);
            const inOrder = (keys: number[]) =>
              all
                .map((document, index) => ({ document, key: keys[index] ?? 0 }))
                .sort((a, b) => a.key - b.key)
                .map(({ document }) => document);
            // Each writer is another process (a Lambda invocation): nothing in-process keeps
            // them apart, only what they write. A document that loses every retry stays pending.
            const writer = async (documents: Document[]) => {
              for (const document of documents) {
                await clusterDocument(document, { store: scheduled }).catch(() => undefined);
              }
            };
            await scheduler.waitFor(Promise.all(orders.map((keys) => writer(inOrder(keys)))));
            await createPipeline(embedded.store, silentLog).resume();
            expect(auditStore(await readStore(embedded.store))).toEqual([]);
          } finally {
            await embedded.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
