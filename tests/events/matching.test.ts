import { describe, expect, it } from 'vitest';
import { BatchClusterer } from '../../functions/events/cluster-batch.ts';
import { sameOrganization, textNamesOrganization } from '../../functions/events/organization.ts';
import { contentWords } from '../../functions/events/similarity.ts';
import { documentWith } from './factories.ts';

describe('sameOrganization', () => {
  it.each([
    ['kakao-pay', 'kakaopay', true],
    ['opm', 'office-of-personnel-management', true],
    ['latitude', 'latitude-financial', true],
    ['japan-pension', 'japan-pension-system', true],
    ['meta', 'meta-platforms', true],
    ['bank', 'bank-of-america', false],
    ['acme', 'globex', false],
    ['kt', 'kt-corp-subsidiary', false],
    ['lotte-card', 'lotte-mart', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(sameOrganization(a, b)).toBe(expected);
    expect(sameOrganization(b, a)).toBe(expected);
  });
});

describe('textNamesOrganization', () => {
  const coupang = { name: 'Coupang', aliases: ['쿠팡'] };
  it.each([
    ['Coupang Faces Major Data Breach', true],
    ['쿠팡, 대규모 개인정보 유출로 집단소송 직면', true],
    ['Coupangs unrelated', false],
    ['Retailer breach', false],
  ])('%s → %s', (text, expected) => {
    expect(textNamesOrganization(text, coupang)).toBe(expected);
  });
});

describe('contentWords', () => {
  it('drops stop words and folds plurals', () => {
    expect([...contentWords('The Hackers Leak Records of Customers')].sort()).toEqual([
      'customer',
      'hacker',
      'leak',
      'record',
    ]);
  });
});

describe('BatchClusterer', () => {
  const item = (
    id: string,
    title: string,
    facts: Parameters<typeof documentWith>[0],
    publishedAt: string | null = null,
  ) => ({
    id,
    title,
    publishedAt,
    facts: documentWith(facts).facts!,
  });

  it('gives items of one story one id, across scripts and with or without dates', () => {
    const clusterer = new BatchClusterer();
    const a = clusterer.add(
      item('a', 'Coupang says 33.7 million accounts exposed', { organization: 'Coupang' }, '2025-11-30'),
    );
    const b = clusterer.add(item('b', '쿠팡 개인정보 유출 3370만명', { organization: '쿠팡' }));
    const c = clusterer.add(
      item('c', 'Coupang faces class action over data breach', { organization: 'Customers' }, '2025-12-03'),
    );
    const d = clusterer.add(
      item('d', 'Retailer Acme exposes 2 million records', { organization: 'Acme' }, '2025-12-01'),
    );
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).not.toBe(a);
  });

  it('keeps the same organisation apart when the time window separates stories', () => {
    const clusterer = new BatchClusterer();
    const first = clusterer.add(item('x1', 'Acme breach', { organization: 'Acme' }, '2019-01-01'));
    const second = clusterer.add(item('x2', 'Acme breach again', { organization: 'Acme' }, '2024-01-01'));
    expect(second).not.toBe(first);
  });

  it('joins organisation-less items that share a story’s distinctive words, not generic ones', () => {
    const clusterer = new BatchClusterer();
    const law = clusterer.add(
      item('p1', 'NPC approves Personal Information Protection Law', { kind: 'policy' }),
    );
    const same = clusterer.add(
      item('p2', 'Chinese Parliament Passes Personal Information Protection Law', { kind: 'policy' }),
    );
    const different = clusterer.add(
      item('p3', 'Senate debates children online safety bill', { kind: 'policy' }),
    );
    expect(same).toBe(law);
    expect(different).not.toBe(law);
  });
});
