import { describe, expect, it } from 'vitest';
import { parseParams } from '../../functions/api/params.ts';
import { openEvent } from '../../functions/events/cluster.ts';
import {
  type EventFilter,
  eventFilterShape,
  filterProblems,
  matchesFilter,
} from '../../functions/events/filter.ts';
import { documentWith } from './factories.ts';

const NOW = '2025-12-01T00:00:00.000Z';
const coupang = openEvent(
  {
    ...documentWith(
      {
        organization: '쿠팡',
        country: 'KR',
        affected: { count: 33_700_000, unit: 'accounts', approximate: true },
        dataTypes: ['email', 'name'],
      },
      {
        title: 'Coupang breach hits 33.7 million accounts',
        sourceId: 'yonhap-en',
        firstSeenAt: '2025-11-30T01:00:00.000Z',
      },
    ),
    facts: documentWith({
      organization: '쿠팡',
      country: 'KR',
      affected: { count: 33_700_000, unit: 'accounts', approximate: true },
      dataTypes: ['email', 'name'],
    }).facts!,
  },
  NOW,
);
const fine = openEvent(
  {
    ...documentWith({}),
    facts: documentWith({
      kind: 'penalty',
      organization: 'Meta',
      country: 'IE',
      penalty: { amount: 1.2e9, currency: 'EUR', authority: 'DPC', status: 'final' },
    }).facts!,
  },
  NOW,
);
const unknownCount = openEvent(
  { ...documentWith({}), facts: documentWith({ organization: 'Acme', country: 'US' }).facts! },
  NOW,
);

function parse(query: Record<string, string[]>): EventFilter {
  return parseParams(eventFilterShape, query) as EventFilter;
}

describe('matchesFilter', () => {
  it.each([
    [{ kind: ['breach'] }, true],
    [{ kind: ['penalty', 'policy'] }, false],
    [{ country: ['kr'] }, true],
    [{ country: ['US', 'KR'] }, true],
    [{ min_affected: ['1000000'] }, true],
    [{ min_affected: ['40000000'] }, false],
    [{ max_affected: ['1000'] }, false],
    [{ org: ['coupang'] }, true],
    [{ org: ['Coupang Inc.'] }, true],
    [{ org: ['쿠팡'] }, true],
    [{ org: ['naver'] }, false],
    [{ q: ['33.7 million'] }, true],
    [{ q: ['쿠팡'] }, true],
    [{ q: ['ticketmaster'] }, false],
    [{ data_type: ['email'] }, true],
    [{ data_type: ['email', 'password'] }, false],
    [{ since: ['2025-11-30'] }, true],
    [{ until: ['2025-11-30'] }, false],
    [{ source: ['yonhap-en'] }, true],
  ])('Coupang event vs %j → %s', (query, expected) => {
    expect(matchesFilter(coupang, parse(query))).toBe(expected);
  });

  it('never lets an unknown count pass a count filter', () => {
    expect(matchesFilter(unknownCount, parse({ min_affected: ['0'] }))).toBe(false);
    expect(matchesFilter(unknownCount, parse({ max_affected: ['10'] }))).toBe(false);
  });

  it('compares penalties in their own currency, and across currencies approximately', () => {
    expect(matchesFilter(fine, parse({ min_penalty: ['10000000'], currency: ['EUR'] }))).toBe(true);
    expect(matchesFilter(fine, parse({ min_penalty: ['2000000000'], currency: ['eur'] }))).toBe(false);
    expect(matchesFilter(fine, parse({ min_penalty: ['500000000'], currency: ['USD'] }))).toBe(true);
    expect(matchesFilter(coupang, parse({ min_penalty: ['1'], currency: ['EUR'] }))).toBe(false);
  });

  it('reports inconsistent combinations', () => {
    expect(filterProblems(parse({ min_penalty: ['5'] }))).toEqual([
      ['currency', 'is required with min_penalty'],
    ]);
    expect(filterProblems(parse({ min_affected: ['10'], max_affected: ['5'] }))).toEqual([
      ['max_affected', 'must not be below min_affected'],
    ]);
    expect(filterProblems(parse({ since: ['2025-12-01'], until: ['2025-01-01'] }))).toEqual([
      ['until', 'must not be before since'],
    ]);
  });

  it.each([
    [{ country: ['Korea'] }, 'country'],
    [{ min_affected: ['-5'] }, 'min_affected'],
    [{ kind: ['breach', 'gossip'] }, 'kind'],
    [{ data_type: ['shoe_size'] }, 'data_type'],
    [{ currency: ['euro'] }, 'currency'],
  ])('rejects %j naming %s', (query, param) => {
    expect(() => parse(query)).toThrow(
      expect.objectContaining({ details: expect.arrayContaining([expect.objectContaining({ param })]) }),
    );
  });
});
