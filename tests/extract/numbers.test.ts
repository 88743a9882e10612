import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../functions/extract/extract.ts';
import { scanNumbers } from '../../functions/extract/numbers.ts';

/** Values of the quantities found in a text. */
const values = (text: string, lang = 'en'): number[] => scanNumbers(text, lang).map((m) => m.value);

describe('scanNumbers', () => {
  it.each([
    ['33.7 million', 33_700_000],
    ['33,700,000', 33_700_000],
    ['nearly 34 million', 34_000_000],
    ['1.2bn', 1_200_000_000],
    ['1.2 bn', 1_200_000_000],
    ['8.8M', 8_800_000],
    ['64k', 64_000],
    ['21.5m', 21_500_000],
    ['500M', 500_000_000],
    ['10 mln', 10_000_000],
    ['1.234.567', 1_234_567],
    ['65-thousand', 65_000],
    ['2 billion', 2_000_000_000],
    ['1 trillion', 1_000_000_000_000],
    ['5 lakh', 500_000],
    ['3 crore', 30_000_000],
    ['3,370만', 33_700_000],
    ['3천367만', 33_670_000],
    ['221만', 2_210_000],
    ['1,348억', 134_800_000_000],
    ['1억5천만', 150_000_000],
    ['75억400만', 7_504_000_000],
    ['2,300万', 23_000_000],
    ['1億2000万', 120_000_000],
    ['three million', 3_000_000],
    ['half a billion', 500_000_000],
    ['twenty thousand', 20_000],
  ])('reads %s', (text, expected) => {
    expect(values(text)).toEqual([expected]);
  });

  it.each([
    ['1,2 millions', 'fr', 1_200_000],
    ['43 millions', 'fr', 43_000_000],
    ['10 Millionen', 'de', 10_000_000],
    ['40.000', 'pl', 40_000],
    ['1,5 Milliarden', 'de', 1_500_000_000],
    ['3 mil millones', 'es', 3_000_000_000],
    ['40 mil', 'es', 40_000],
    ['1 234 567', 'fr', 1_234_567],
  ])('reads %s in %s', (text, lang, expected) => {
    expect(values(text, lang)).toEqual([expected]);
  });

  it.each([
    ['between 1 and 2 million customers', 1_000_000],
    ['1-2 million customers', 1_000_000],
    ['10,000 to 20,000 customers', 10_000],
  ])('reads the lower bound of the range %s, approximately', (text, expected) => {
    const [first] = scanNumbers(text, 'en');
    expect(first?.value).toBe(expected);
    expect(first?.approximate).toBe(true);
  });

  it.each([
    ['about 5 million', true],
    ['more than 2.9 million', true],
    ['약 3,370만', true],
    ['254,241', false],
  ])('marks hedges in %s', (text, approximate) => {
    expect(scanNumbers(text, 'en')[0]?.approximate).toBe(approximate);
  });

  it.each([
    ['CVE-2024-12345'],
    ['on April 19'],
    ['Nov. 18th'],
    ['19 April'],
    ['at 11:20 p.m.'],
    ['version 1.2.3'],
    ['SHA256 hashes'],
    ['13TB of data'],
    ['PS3Hax forum'],
    ['2025년 4월 19일'],
    ['2025年4月19日'],
    ['Art. 83'],
  ])('takes no quantity from %s', (text) => {
    expect(values(text)).toEqual([]);
  });

  it('marks percentages and years', () => {
    const [pct, year] = scanNumbers('48.4% in 2021', 'en');
    expect(pct?.percent).toBe(true);
    expect(year?.yearLike).toBe(true);
  });
});

describe('affected counts', () => {
  const count = (summary: string, title = ''): number | null =>
    extractFacts({
      title,
      summary,
      lang: /[가-힣]/.test(summary)
        ? 'ko'
        : /[ぁ-ん]/.test(summary)
          ? 'ja'
          : /Daten/.test(summary)
            ? 'de'
            : 'en',
    }).affected?.count ?? null;

  it.each([
    ['Acme suffered a data breach affecting 33.7 million customer accounts.', 33_700_000],
    ['Hackers stole the personal data of 33,700,000 customers from Acme.', 33_700_000],
    ['A breach at Acme exposed data of nearly 34 million users.', 34_000_000],
    ['The Acme breach leaked 1.2bn records.', 1_200_000_000],
    ['In May 2026, Acme suffered a data breach that exposed 8.8M customers.', 8_800_000],
    ['The incident exposed 64k unique email addresses along with names.', 64_000],
    ['A hacker stole the data of 530,000 Virginians from Acme.', 530_000],
    ['Acme said hackers stole data of between 1 and 2 million customers.', 1_000_000],
    ['Data from 73 million current and former Acme accounts leaked to the dark web.', 73_000_000],
    ['LinkedIn had 164 million email addresses and passwords exposed.', 164_000_000],
    ['해킹으로 약 3,370만 명의 개인정보가 유출됐다.', 33_700_000],
    ['3천367만명의 개인정보가 유출된 사고.', 33_670_000],
    ['約44万件の個人情報が漏えいした。', 440_000],
    ['Datenleck: 49 Millionen Kundendaten betroffen', 49_000_000],
  ])('reads %s', (summary, expected) => {
    expect(count(summary)).toBe(expected);
  });

  it.each([
    ['Acme, which has more than 9.6 million members, confirmed a data breach.'],
    ['Acme confirmed a data breach; the telecom has a subscriber base of around 34 million.'],
    ['Acme was fined $575 million after a data breach.'],
    ['Acme confirmed a data breach in 2021 affecting 48% of users.'],
    ['Acme confirmed a data breach tracked as CVE-2024-12345.'],
    ['Acme confirmed a data breach on April 19, 2025.'],
    ['Hackers stole tens of millions of records from Acme.'],
  ])('states no count in %s', (summary) => {
    expect(count(summary)).toBeNull();
  });

  it('prefers the headline count and refines it with a more precise one from the lede', () => {
    expect(
      count(
        'Acme confirmed that a hacking incident exposed the data of 2.97 million customers.',
        'Acme confirms data breach affecting nearly three million customers',
      ),
    ).toBe(2_970_000);
  });

  it('never reports 0', () => {
    expect(count('Acme confirmed a data breach affecting 0 customers.')).toBeNull();
  });
});
