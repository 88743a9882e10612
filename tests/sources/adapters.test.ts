/** Table-driven tests for the adapter helpers the catalog's parsers are built from. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absoluteUrl,
  countOf,
  earliest,
  stableGuid,
  usDatesIn,
  usDateToIso,
  withQueryParam,
} from '../../functions/sources/adapters/common.ts';
import { normalizeHeader, parseCsvRecords } from '../../functions/sources/adapters/csv.ts';
import { loadHtml } from '../../functions/sources/adapters/html.ts';
import { parseJsonBody } from '../../functions/sources/adapters/json.ts';
import { japaneseDateToIso } from '../../functions/sources/custom/japan-ppc-press.ts';

describe('US register dates', () => {
  it.each([
    ['04/21/2026', '2026-04-21'],
    ['4/2/2026', '2026-04-02'],
    ['03/17/2021 12:00:00 AM', '2021-03-17'],
    ['n/a', undefined],
    ['', undefined],
    ['2026-04-21', undefined],
  ])('usDateToIso(%j) → %j', (text, iso) => {
    expect(usDateToIso(text)).toBe(iso);
  });

  it.each([
    ['04/21/2026, 04/29/2026', ['2026-04-21', '2026-04-29']],
    ['12/2/2025 - 12/18/2025', ['2025-12-02', '2025-12-18']],
    ['n/a', []],
  ])('usDatesIn(%j) → %j', (text, dates) => {
    expect(usDatesIn(text)).toEqual(dates);
  });

  it('earliest picks the first date in time, not in the cell', () => {
    expect(earliest(['2025-11-18', '2025-06-24'])).toBe('2025-06-24');
    expect(earliest([])).toBeUndefined();
  });
});

describe('counts', () => {
  it.each([
    ['33,700,000', 33_700_000],
    ['695', 695],
    [1070, 1070],
    ['0', undefined],
    ['Unknown', undefined],
    ['n/a', undefined],
    ['', undefined],
    [null, undefined],
  ])('countOf(%j) → %j', (value, count) => {
    expect(countOf(value)).toBe(count);
  });
});

describe('Japanese dates', () => {
  it.each([
    ['令和7年12月10日', '2025-12-10'],
    ['令和元年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['2025年11月14日', '2025-11-14'],
    ['２０２５年１１月１４日', '2025-11-14'],
    ['2025/11/14', undefined],
  ])('japaneseDateToIso(%j) → %j', (text, iso) => {
    expect(japaneseDateToIso(text)).toBe(iso);
  });
});

describe('links', () => {
  it.each([
    ['/402?page=2', 'https://www.kisa.or.kr/402', 'https://www.kisa.or.kr/402?page=2'],
    [
      './selectBoardArticle.do?nttId=1',
      'https://www.pipc.go.kr/np/cop/bbs/selectBoardList.do',
      'https://www.pipc.go.kr/np/cop/bbs/selectBoardArticle.do?nttId=1',
    ],
    ['#none', 'https://example.org/', undefined],
    ['javascript:fn_egov_link_page(2)', 'https://example.org/', undefined],
    ['mailto:press@example.org', 'https://example.org/', undefined],
    [undefined, 'https://example.org/', undefined],
  ])('absoluteUrl(%j, %j) → %j', (href, base, url) => {
    expect(absoluteUrl(href, base)).toBe(url);
  });

  it('withQueryParam keeps host and path, so loopback fixtures paginate on loopback', () => {
    expect(withQueryParam('http://127.0.0.1:4000/list.do?bbsId=BS074&pageIndex=1', 'pageIndex', 2)).toBe(
      'http://127.0.0.1:4000/list.do?bbsId=BS074&pageIndex=2',
    );
  });
});

describe('stable ids for rows without one', () => {
  it('depend on the cells, not on spacing or case', () => {
    expect(stableGuid('ca-ag', ['Acme,  Inc.', '01/02/2026'])).toBe(
      stableGuid('ca-ag', ['ACME, Inc.', '01/02/2026 ']),
    );
    expect(stableGuid('ca-ag', ['Acme', '01/02/2026'])).not.toBe(stableGuid('ca-ag', ['Acme', '01/03/2026']));
  });
});

describe('CSV', () => {
  it('normalises header whitespace and a BOM', () => {
    expect(normalizeHeader('\ufeffDate(s) of Breach  (if known)')).toBe('Date(s) of Breach (if known)');
  });

  it('reads back any quoted cell text, commas, quotes and newlines included', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (cells) => {
        const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
        const header = cells.map((_, index) => quote(`c${index}`)).join(',');
        const row = cells.map(quote).join(',');
        const [record] = parseCsvRecords(`${header}\r\n${row}\r\n`, 'test');
        // Cells are trimmed by design; a row of blank cells is skipped as empty.
        const expected = cells.map((cell) => cell.trim());
        if (expected.every((cell) => cell === '')) return record === undefined;
        return cells.every((_, index) => record?.[`c${index}`] === expected[index]);
      }),
    );
  });

  it.each([
    ['an HTML error page', '<!DOCTYPE html><html><body>Access denied</body></html>'],
    ['a renamed column', '"Organisation","Reported Date"\r\n"Acme","01/02/2026"\r\n'],
  ])('rejects %s as source.parseFailed', (_what, body) => {
    expect(() => parseCsvRecords(body, 'test', ['Organization Name', 'Reported Date'])).toThrow(
      expect.objectContaining({ code: 'source.parseFailed' }),
    );
  });
});

describe('body sniffing', () => {
  it('JSON parser rejects markup, HTML loader rejects JSON', () => {
    expect(() => parseJsonBody('<html><body>Maintenance</body></html>', 'test')).toThrow(
      expect.objectContaining({ code: 'source.parseFailed' }),
    );
    expect(() => loadHtml('{"error":"<b>rate limited</b>"}', 'test')).toThrow(
      expect.objectContaining({ code: 'source.parseFailed' }),
    );
  });
});
