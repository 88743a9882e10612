import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mapLimit } from '../../functions/core/concurrency.ts';
import { openEvent } from '../../functions/events/cluster.ts';
import { type ExportPage, exportRows } from '../../functions/export/reader.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { createEvent } from '../../functions/store/events.ts';
import { documentWith } from '../events/factories.ts';
import { startTestStore } from '../helpers/store.ts';

/**
 * The reader streams: it reads the store a Query page at a time, only as fast as rows are
 * consumed, and never Scans. (Memory is measured in the benchmarks, not here.)
 */

const EVENTS = 3_000;
let embedded: EmbeddedStore;

beforeAll(async () => {
  embedded = await startTestStore();
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  await mapLimit(
    Array.from({ length: EVENTS }, (_, index) => index),
    16,
    async (index) => {
      const seenAt = new Date(start + index * 60_000).toISOString();
      const document = documentWith(
        {
          kind: index % 3 === 0 ? 'penalty' : 'breach',
          organization: `Org ${index}`,
          affected: index % 2 ? { count: 1000 + index, unit: 'people', approximate: false } : null,
        },
        { id: `bulk${index}`, firstSeenAt: seenAt, publishedAt: seenAt },
      );
      await createEvent(embedded.store, openEvent({ ...document, facts: document.facts! }, seenAt));
    },
  );
}, 180_000);
afterAll(() => embedded.close());

function countCommands() {
  const send = vi.spyOn(embedded.store.doc, 'send');
  return {
    queries: () => send.mock.calls.filter(([command]) => command instanceof QueryCommand).length,
    scans: () => send.mock.calls.filter(([command]) => command instanceof ScanCommand).length,
    restore: () => send.mockRestore(),
  };
}

describe('streaming reader', () => {
  it(`exports all ${EVENTS} events over several Query pages, in first-seen order, without a Scan`, async () => {
    const commands = countCommands();
    const pages: ExportPage[] = [];
    let count = 0;
    let previous = '';
    for await (const row of exportRows(embedded.store, {
      table: 'events',
      pageSize: 250,
      onPage: (page) => pages.push(page),
    })) {
      count++;
      expect(String(row.first_seen_at) >= previous).toBe(true);
      previous = String(row.first_seen_at);
    }
    const [queries, scans] = [commands.queries(), commands.scans()];
    commands.restore();
    expect(count).toBe(EVENTS);
    expect(pages.length).toBeGreaterThanOrEqual(EVENTS / 250);
    expect(pages.every((page) => page.index === 'gsi1' && page.items <= 250)).toBe(true);
    expect(queries).toBe(pages.length);
    expect(scans).toBe(0);
  });

  it('reads no further than the consumer: taking 10 rows costs one Query page', async () => {
    const commands = countCommands();
    const taken: unknown[] = [];
    for await (const row of exportRows(embedded.store, { table: 'documents', pageSize: 50 })) {
      taken.push(row);
      if (taken.length === 10) break;
    }
    const queries = commands.queries();
    commands.restore();
    // No documents were stored (events only), so the one page is empty and the stream ends.
    expect(queries).toBe(1);
    const events = countCommands();
    const firstTen: unknown[] = [];
    for await (const row of exportRows(embedded.store, { table: 'events', pageSize: 50 })) {
      firstTen.push(row);
      if (firstTen.length === 10) break;
    }
    const eventQueries = events.queries();
    events.restore();
    expect(firstTen).toHaveLength(10);
    expect(eventQueries).toBe(1);
  });

  it('a kind filter reads the kind index, and several kinds are merged in first-seen order', async () => {
    const pages: ExportPage[] = [];
    const kinds: string[] = [];
    let previous = '';
    for await (const row of exportRows(embedded.store, {
      table: 'events',
      filter: { kind: ['penalty', 'breach'] },
      pageSize: 500,
      onPage: (page) => pages.push(page),
    })) {
      kinds.push(String(row.kind));
      expect(String(row.first_seen_at) >= previous).toBe(true);
      previous = String(row.first_seen_at);
    }
    expect(kinds).toHaveLength(EVENTS);
    expect(kinds.slice(0, 4)).toEqual(['penalty', 'breach', 'breach', 'penalty']);
    expect(new Set(pages.map((page) => page.index))).toEqual(new Set(['gsi2']));
    expect(new Set(pages.map((page) => page.partition))).toEqual(
      new Set(['EVT#KIND#penalty', 'EVT#KIND#breach']),
    );
  });

  it('since / until narrow the Query itself, not only the rows', async () => {
    const pages: ExportPage[] = [];
    const ids: string[] = [];
    for await (const row of exportRows(embedded.store, {
      table: 'events',
      // Minutes 100 to 199 of the bulk run.
      filter: { since: '2025-01-01T01:40:00.000Z', until: '2025-01-01T03:20:00.000Z' },
      onPage: (page) => pages.push(page),
    }))
      ids.push(String(row.first_seen_at));
    expect(ids).toHaveLength(100);
    expect(pages.reduce((sum, page) => sum + page.items, 0)).toBe(100);
  });
});
