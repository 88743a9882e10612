import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdFor } from '../../functions/events/cluster.ts';
import { exportRows } from '../../functions/export/reader.ts';
import type { Row, TableName } from '../../functions/export/schema.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { startTestStore } from '../helpers/store.ts';
import { seed } from './seed.ts';

/**
 * A citable snapshot: `asOf` returns the dataset as it stood then. Between the Coupang
 * reports of 20 Nov (4,500) and 29 Nov 2025 (33.7 million), the event's count is 4,500.
 */

let embedded: EmbeddedStore;
beforeAll(async () => {
  embedded = await startTestStore();
  await seed(embedded.store);
}, 60_000);
afterAll(() => embedded.close());

async function rows<T extends TableName>(table: T, asOf: string | null): Promise<Row<T>[]> {
  const found: Row<T>[] = [];
  for await (const row of exportRows(embedded.store, { table, asOf })) found.push(row);
  return found;
}

const BETWEEN_REPORTS = '2025-11-25T00:00:00.000Z';

describe('as-of snapshots', () => {
  it('an event whose count was later revised shows the earlier count', async () => {
    const coupang = (await rows('events', BETWEEN_REPORTS)).find((row) => row.event_id === eventIdFor('c1'))!;
    expect(coupang).toMatchObject({
      affected_count: 4500,
      affected_document_id: 'c1',
      affected_source: 'yonhap-en',
      affected_observations: 1,
      document_count: 1,
      sources: ['yonhap-en'],
      // The policy and penalty events did not exist yet, so neither did the links to them.
      related_event_ids: [],
    });
    const now = (await rows('events', null)).find((row) => row.event_id === eventIdFor('c1'))!;
    expect(now).toMatchObject({ affected_count: 33_700_000, affected_document_id: 'c2' });
  });

  it('events, documents, history and links first seen after the cut are left out', async () => {
    expect((await rows('events', BETWEEN_REPORTS)).map((row) => row.event_id)).toEqual(
      ['u1', 'h1', 'p1', 'c1'].map(eventIdFor),
    );
    expect((await rows('documents', BETWEEN_REPORTS)).map((row) => row.document_id)).toEqual([
      'u1',
      'h1',
      'p1',
      'c1',
    ]);
    expect(
      (await rows('affected_history', BETWEEN_REPORTS)).map((row) => [row.document_id, row.is_best]),
    ).toEqual([
      ['h1', true],
      ['c1', true],
    ]);
    expect(await rows('links', BETWEEN_REPORTS)).toEqual([]);
  });

  it('a cut after the policy action keeps its link but not the later penalty', async () => {
    const links = await rows('links', '2025-12-10T00:00:00.000Z');
    expect(links.map((row) => row.link_id).sort()).toEqual(
      [`${eventIdFor('c1')}:${eventIdFor('c3')}`, `${eventIdFor('c3')}:${eventIdFor('c1')}`].sort(),
    );
  });

  it('the cut is inclusive: a document first seen exactly then is in', async () => {
    const documents = await rows('documents', '2025-11-29T13:00:00.000Z');
    expect(documents.map((row) => row.document_id)).toContain('c2');
  });

  it('a penalty is not in a snapshot taken before its document was seen', async () => {
    const early = await rows('events', '2024-10-15T05:59:59.999Z');
    expect(early.map((row) => row.event_id)).not.toContain(eventIdFor('p1'));
    const later = (await rows('events', '2024-10-15T06:00:00.000Z')).find(
      (row) => row.event_id === eventIdFor('p1'),
    );
    expect(later).toMatchObject({ penalty_amount: 12_700_000, penalty_amount_eur: 15_200_000 });
  });
});
