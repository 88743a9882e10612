import type { Document } from '../../functions/documents/types.ts';
import { clusterDocument } from '../../functions/events/process.ts';
import type { Store } from '../../functions/store/client.ts';
import { storeNewDocuments } from '../../functions/store/documents.ts';
import { coupangDocument, documentWith } from '../events/factories.ts';

export const EXTRACTOR = 'test-1.2';

/**
 * The seeded corpus, in the order it is first seen. Every expected value in the export tests
 * is read off these definitions by hand, not computed by the export code.
 *
 * - Coupang (KR): 4,500 accounts, then 33.7 million (a revised count); a policy action and a
 *   KRW penalty (2026: after the rate table ends, so no conversion) that link back to it.
 * - ExampleShop (HIBP, CC BY 4.0): a title with a comma and quotes, an exact count.
 * - Formula Corp (UK ICO): a GBP penalty in October 2024 (converted), a title that a
 *   spreadsheet would run as a formula, and a summary with a newline.
 * - Unknown Ltd: a breach with no count, a title starting with "-" and a Korean summary.
 */
export function seedDocuments(): Document[] {
  const fact = (overrides: Partial<NonNullable<Document['facts']>>) => ({
    extractorVersion: EXTRACTOR,
    ...overrides,
  });
  return [
    documentWith(
      fact({
        organization: 'Unknown Ltd',
        country: 'GB',
        dates: { occurred: null, discovered: null, disclosed: '2023-02-01' },
      }),
      {
        id: 'u1',
        sourceId: 'databreaches-net',
        title: '-1 day: Unknown Ltd confirms breach',
        summary: '정보 유출, "규모 미상"',
        publishedAt: '2023-02-01T09:00:00.000Z',
        firstSeenAt: '2023-02-01T10:00:00.000Z',
      },
    ),
    documentWith(
      fact({
        organization: 'ExampleShop',
        affected: { count: 1_234_567, unit: 'accounts', approximate: false },
        dataTypes: ['email', 'password'],
        dates: { occurred: '2024-03-01', discovered: null, disclosed: null },
        evidence: { affected: { field: 'structured', text: 'PwnCount 1234567' } },
      }),
      {
        id: 'h1',
        sourceId: 'hibp-breaches',
        url: null,
        title: 'ExampleShop, the "Spring" breach',
        publishedAt: '2024-05-10T00:00:00.000Z',
        firstSeenAt: '2024-05-10T02:00:00.000Z',
      },
    ),
    documentWith(
      fact({
        kind: 'penalty',
        organization: 'Formula Corp',
        country: 'GB',
        penalty: { amount: 12_700_000, currency: 'GBP', authority: 'ICO', status: 'final' },
        evidence: { penalty: { field: 'title', text: '@ICO fines Formula Corp £12.7m' } },
      }),
      {
        id: 'p1',
        sourceId: 'uk-ico-enforcement',
        title: '=HYPERLINK("http://evil.example","Formula Corp fined £12.7m")',
        summary: 'First line\nsecond line, with a comma',
        publishedAt: '2024-10-15T00:00:00.000Z',
        firstSeenAt: '2024-10-15T06:00:00.000Z',
      },
    ),
    coupangDocument(
      'c1',
      fact({
        dates: { occurred: '2025-06-24', discovered: '2025-11-18', disclosed: null },
        evidence: { affected: { field: 'title', text: 'Coupang says 4,500 accounts exposed' } },
      }),
    ),
    coupangDocument(
      'c2',
      fact({ evidence: { affected: { field: 'title', text: '쿠팡 개인정보 유출 3370만명' } } }),
    ),
    coupangDocument('c3', fact({})),
    coupangDocument('c4', fact({})),
  ];
}

/** Stores and clusters the documents with the real event code, one after another as ingest would. */
export async function seed(store: Store, documents: Document[] = seedDocuments()): Promise<Document[]> {
  await storeNewDocuments(store, documents, { pending: true });
  for (const document of documents)
    await clusterDocument(document, { store, now: () => new Date(document.firstSeenAt) });
  return documents;
}
