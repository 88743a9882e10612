import { describe, expect, it } from 'vitest';
import {
  type EvalCase,
  type EvalPrediction,
  foldOrganization,
  listFailures,
  scoreCases,
} from '../../functions/eval/score.ts';

const input = { title: '' };
const prediction = (p: Partial<EvalPrediction> & { id: string }): EvalPrediction => ({
  kind: 'other',
  organization: null,
  affected: null,
  penalty: null,
  country: null,
  data_types: [],
  ...p,
});

describe('foldOrganization', () => {
  it.each([
    ['Kakao Corp.', 'kakao'],
    ['KAKAO CORPORATION', 'kakao'],
    ['AT&T Inc.', 'att'],
    ["Domino's", 'dominos'],
    ['(주)쿠팡', '쿠팡'],
    ['쿠팡 주식회사', '쿠팡'],
    ['Facebook Germany GmbH', 'facebookgermany'],
  ])('%s -> %s', (name, folded) => {
    expect(foldOrganization(name)).toBe(folded);
  });
});

describe('scoreCases', () => {
  // Four hand-made cases; the expected metrics are computed by hand in the comments.
  const cases: EvalCase[] = [
    {
      id: 'c1',
      group: 'news',
      input,
      expect: {
        kind: 'breach',
        organization: ['Acme Corp'],
        affected: { count: 1_000_000, unit: 'people' },
        penalty: null,
        country: 'US',
        data_types: ['email', 'name'],
        cluster: 'e1',
      },
    },
    {
      id: 'c2',
      group: 'news',
      input,
      expect: {
        kind: 'penalty',
        organization: ['Beta'],
        affected: null,
        penalty: { amount: 20_000_000, currency: 'GBP' },
        country: 'GB',
        data_types: [],
        cluster: 'e1',
      },
    },
    {
      id: 'c3',
      group: 'reg',
      input,
      expect: { kind: ['policy', 'other'], affected: [{ count: 500 }, null], country: 'KR', cluster: 'e2' },
      tolerance: { affected: 0.1 },
    },
    {
      id: 'c4',
      group: 'reg',
      input,
      expect: {
        kind: 'breach',
        affected: { count: 2_000 },
        penalty: { amount: 100, currency: 'EUR' },
        data_types: ['phone'],
      },
    },
  ];
  const predictions: EvalPrediction[] = [
    // kind right, org right after folding, count within 1%, country right, types {email, phone}: tp1 fp1 fn1.
    prediction({
      id: 'c1',
      kind: 'breach',
      organization: 'ACME corp.',
      affected: { count: 1_005_000, unit: 'people', approximate: false },
      country: 'US',
      data_types: ['email', 'phone'],
      event_id: 'x',
    }),
    // kind wrong (breach for penalty), org wrong, a count where none is stated (FP), penalty right, country wrong.
    prediction({
      id: 'c2',
      kind: 'breach',
      organization: 'Regulator',
      affected: { count: 10, unit: 'people', approximate: false },
      penalty: { amount: 20_100_000, currency: 'GBP', authority: null },
      country: 'US',
      event_id: 'x',
    }),
    // kind "other" is one of the accepted kinds; count 540 within 10% of 500; country right.
    prediction({
      id: 'c3',
      kind: 'other',
      affected: { count: 540, unit: 'records', approximate: true },
      country: 'KR',
      event_id: 'x',
    }),
    // kind right; no count (miss); wrong currency (FP and miss); types: fn1.
    prediction({ id: 'c4', kind: 'breach', penalty: { amount: 100, currency: 'USD', authority: null } }),
  ];
  const report = scoreCases(cases, predictions);

  it('scores kind accuracy and macro-F1', () => {
    // Right: c1, c3, c4 -> 3/4. Breach: tp2 fp1 fn0 -> F1 0.8; penalty: tp0 fn1 -> 0; other: tp1 -> 1.
    expect(report.overall.kind.accuracy).toEqual({ right: 3, total: 4, value: 0.75 });
    expect(report.overall.kind.macroF1).toBeCloseTo((0.8 + 0 + 1) / 3, 10);
  });

  it('scores organisation after folding', () => {
    expect(report.overall.organization).toEqual({ right: 1, total: 2, value: 0.5 });
  });

  it('scores affected precision and recall with tolerance', () => {
    // Predicted non-null: c1 (right), c2 (wrong: null expected), c3 (right) -> P 2/3.
    // Expected non-null: c1 (right), c3 (counted because a value was predicted; right), c4 (missed) -> R 2/3.
    expect(report.overall.affected.precision).toEqual({ right: 2, total: 3, value: 2 / 3 });
    expect(report.overall.affected.recall).toEqual({ right: 2, total: 3, value: 2 / 3 });
  });

  it('scores penalty on amount and currency', () => {
    // Predicted: c2 (right, 0.5% off), c4 (wrong currency) -> P 1/2; expected: c2, c4 -> R 1/2.
    expect(report.overall.penalty.precision.value).toBe(0.5);
    expect(report.overall.penalty.recall.value).toBe(0.5);
  });

  it('scores country accuracy and data-type micro-F1', () => {
    expect(report.overall.country).toEqual({ right: 2, total: 3, value: 2 / 3 });
    // tp1 (email), fp1 (phone on c1), fn2 (name on c1, phone on c4) -> F1 = 2/(2+1+2) = 0.4.
    expect(report.overall.dataTypes).toMatchObject({ tp: 1, fp: 1, fn: 2 });
    expect(report.overall.dataTypes.f1).toBeCloseTo(0.4, 10);
  });

  it('scores clusters pairwise', () => {
    // Labelled with event ids: c1, c2, c3 (all "x"). Gold pairs: (c1,c2). Predicted pairs: 3.
    expect(report.overall.cluster?.precision).toEqual({ right: 1, total: 3, value: 1 / 3 });
    expect(report.overall.cluster?.recall).toEqual({ right: 1, total: 1, value: 1 });
  });

  it('scores per group', () => {
    expect(Object.keys(report.groups)).toEqual(['news', 'reg']);
    expect(report.groups['news']?.cases).toBe(2);
    expect(report.groups['reg']?.kind.accuracy.value).toBe(1);
    // One labelled case in the group: no pairs, so nothing to score.
    expect(report.groups['reg']?.cluster?.precision.value).toBeNull();
  });

  it('lists failures by field', () => {
    const fields = listFailures(cases, predictions).map((f) => `${f.id}:${f.field}`);
    expect(fields).toEqual([
      'c1:data_types',
      'c2:kind',
      'c2:organization',
      'c2:affected',
      'c2:country',
      'c4:affected',
      'c4:penalty',
      'c4:data_types',
    ]);
  });

  it('reports no cluster metric without event ids', () => {
    const plain = predictions.map(({ event_id: _drop, ...rest }) => rest);
    expect(scoreCases(cases, plain).overall.cluster).toBeNull();
  });
});
