import { describe, expect, it } from 'vitest';
import { parsePublishedAt, saneDate } from '../../functions/normalize/dates.ts';

describe('parsePublishedAt', () => {
  it.each([
    ['Tue, 02 Dec 2025 09:15:00 +0900', undefined, '2025-12-02T00:15:00.000Z'],
    ['Tue, 02 Dec 2025 09:15:00 GMT', undefined, '2025-12-02T09:15:00.000Z'],
    // The Canadian OPC feed writes two-digit years; Date.parse alone would read 1926.
    ['Tue, 14 Jul 26 10:00:00 EDT', undefined, '2026-07-14T14:00:00.000Z'],
    ['2025-11-30T08:00:00Z', undefined, '2025-11-30T08:00:00.000Z'],
    ['2025-11-30T17:00:00+09:00', undefined, '2025-11-30T08:00:00.000Z'],
    ['2025-01-03T00:00:00.000', undefined, '2025-01-03T00:00:00.000Z'],
    ['2025.12.01', 'Asia/Seoul', '2025-11-30T15:00:00.000Z'],
    ['2025-12-01', 'Asia/Seoul', '2025-11-30T15:00:00.000Z'],
    ['2025년 12월 1일', 'Asia/Seoul', '2025-11-30T15:00:00.000Z'],
    ['04/21/2026', undefined, '2026-04-21T00:00:00.000Z'],
    ['05/23/2024 12:00:00 AM', undefined, '2024-05-23T00:00:00.000Z'],
    ['05/23/2024 01:30:00 PM', undefined, '2024-05-23T13:30:00.000Z'],
    ['1 December 2025', undefined, '2025-12-01T00:00:00.000Z'],
    ['December 1, 2025', undefined, '2025-12-01T00:00:00.000Z'],
    ['Sept 9, 2026', undefined, '2026-09-09T00:00:00.000Z'],
  ])('%s (%s) → %s', (raw, timeZone, expected) => {
    expect(parsePublishedAt(raw, timeZone ? { timeZone } : {})).toBe(expected);
  });

  it.each(['', 'yesterday', 'n/a', '31/31/2025', '2025-02-31', '99999-01-01', 'Mon, 01 Jan 01'.repeat(50)])(
    'returns null for %j',
    (raw) => {
      expect(parsePublishedAt(raw)).toBeNull();
    },
  );
});

describe('saneDate', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it('keeps dates in the window', () => {
    expect(saneDate('2025-12-01T00:00:00.000Z', now)).toBe('2025-12-01T00:00:00.000Z');
  });
  it.each(['1970-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', null])('drops %s', (iso) => {
    expect(saneDate(iso, now)).toBeNull();
  });
});
