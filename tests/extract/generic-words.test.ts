import { describe, expect, it } from 'vitest';
import { extractFacts } from '../../functions/extract/extract.ts';

/** Generic words and counters that read like facts but are not (found on the fixture page). */
describe('words that are not organisations, counters that are not counts', () => {
  it.each([
    ['개인정보위, 3분기 과태료·과징금 12건 의결', 'ko'],
    ['Healthcare Billing Firm Breach Hits 2.1M Patients', 'en'],
    ['개인정보 3만건 유출된 쇼핑몰', 'ko'],
    ['Attackers stole customer records from a regional retailer', 'en'],
  ])('%s has no organisation', (title, lang) => {
    expect(extractFacts({ title, lang }).organization).toBeNull();
  });

  it('reads 건 as records only next to data words', () => {
    expect(
      extractFacts({ title: '개인정보위, 3분기 과태료·과징금 12건 의결', lang: 'ko' }).affected,
    ).toBeNull();
    expect(extractFacts({ title: '개인정보 3만건 유출된 쇼핑몰', lang: 'ko' }).affected).toEqual({
      count: 30_000,
      unit: 'records',
      approximate: true,
    });
  });

  it.each([
    ['이 대통령 "쿠팡 사태, 징벌적 과징금 강화 방안 마련하라"', 'ko'],
    ['President orders tougher penalties after major data breach', 'en'],
    ['Minister calls for stronger fines for companies that leak personal data', 'en'],
  ])('a directive to toughen the rules is policy: %s', (title, lang) => {
    expect(extractFacts({ title, lang }).kind).toBe('policy');
  });

  it('a fine actually imposed stays a penalty', () => {
    expect(
      extractFacts({ title: 'PIPC fines Coupang 134.8 billion won over data leak', lang: 'en' }).kind,
    ).toBe('penalty');
  });
});

describe('data-type and sector nouns are not organisations', () => {
  it.each([
    [
      'Retailer discloses breach',
      'Names, email addresses and phone numbers of 40,000 customers were exposed.',
    ],
    ['Hospital hit by ransomware', 'Patients were told their records may have been accessed.'],
  ])('%s', (title, summary) => {
    expect(extractFacts({ title, summary, lang: 'en' }).organization).toBeNull();
  });
});
