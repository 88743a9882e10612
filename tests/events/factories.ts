import type { Document } from '../../functions/documents/types.ts';
import type { Facts } from '../../functions/extract/types.ts';

let counter = 0;

/** A document with explicit facts, for clustering tests that must not depend on the extractor. */
export function documentWith(facts: Partial<Facts>, overrides: Partial<Document> = {}): Document {
  counter++;
  const id = overrides.id ?? `doc${counter.toString().padStart(4, '0')}`;
  return {
    id,
    sourceId: overrides.sourceId ?? 'source-a',
    url: overrides.url === undefined ? `https://news.example.org/${id}` : overrides.url,
    guid: null,
    title: overrides.title ?? `Story ${id}`,
    summary: overrides.summary ?? '',
    lang: overrides.lang ?? 'en',
    publishedAt: 'publishedAt' in overrides ? (overrides.publishedAt ?? null) : '2025-11-30T00:00:00.000Z',
    firstSeenAt: overrides.firstSeenAt ?? '2025-11-30T01:00:00.000Z',
    fetchedAt: overrides.firstSeenAt ?? '2025-11-30T01:00:00.000Z',
    native: {},
    structured: null,
    eventId: null,
    facts: {
      extractorVersion: 'test',
      kind: 'breach',
      organization: null,
      affected: null,
      penalty: null,
      country: null,
      dataTypes: [],
      dates: { occurred: null, discovered: null, disclosed: null },
      evidence: {},
      ...facts,
    },
  };
}
