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

type CoupangStep = 'c1' | 'c2' | 'c3' | 'c4';

/**
 * The trigger case as documents with explicit facts: first report (4,500 accounts), the
 * Korean revision (33.7 million), the president's order, the PIPC fine. Shared by every test
 * that needs the sequence; overrides adjust one step (a later fine, extra evidence).
 */
export function coupangDocument(
  step: CoupangStep,
  facts: Partial<Facts> = {},
  overrides: Partial<Document> = {},
): Document {
  const steps: Record<CoupangStep, [Partial<Facts>, Partial<Document>]> = {
    c1: [
      {
        organization: 'Coupang',
        affected: { count: 4500, unit: 'accounts', approximate: true },
        country: 'KR',
      },
      {
        sourceId: 'yonhap-en',
        publishedAt: '2025-11-20T00:00:00.000Z',
        firstSeenAt: '2025-11-20T01:00:00.000Z',
        title: 'Coupang says 4,500 accounts exposed',
      },
    ],
    c2: [
      {
        organization: '쿠팡',
        affected: { count: 33_700_000, unit: 'accounts', approximate: true },
        country: 'KR',
      },
      {
        sourceId: 'yonhap-ko',
        publishedAt: '2025-11-29T12:00:00.000Z',
        firstSeenAt: '2025-11-29T13:00:00.000Z',
        title: '쿠팡 개인정보 유출 3370만명',
      },
    ],
    c3: [
      { kind: 'policy', country: 'KR' },
      {
        sourceId: 'joongang-daily',
        publishedAt: '2025-12-02T00:00:00.000Z',
        firstSeenAt: '2025-12-02T01:00:00.000Z',
        title: 'President orders tougher fines after Coupang data breach',
      },
    ],
    c4: [
      {
        kind: 'penalty',
        organization: 'Coupang',
        penalty: { amount: 134.8e9, currency: 'KRW', authority: 'PIPC', status: 'final' },
        country: 'KR',
      },
      {
        sourceId: 'korea-kr-pipc',
        publishedAt: '2026-03-01T00:00:00.000Z',
        firstSeenAt: '2026-03-01T01:00:00.000Z',
        title: '개인정보위, 쿠팡에 과징금 1,348억 원 부과',
      },
    ],
  };
  const [baseFacts, baseDocument] = steps[step];
  return documentWith({ ...baseFacts, ...facts }, { id: step, ...baseDocument, ...overrides });
}
