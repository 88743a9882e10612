/**
 * Scoring of extractor (and clustering) output against labelled cases, exactly as
 * /work/shared/eval/README.md defines the metrics. Pure: no I/O.
 */
import { KINDS, type Kind } from '../extract/types.ts';
import type { ExtractLine, WireInput } from '../extract/wire.ts';

/** An expected count or amount; a list means any of its values is right (null = no value is right too). */
export type OneOrMany<T> = T | null | Array<T | null>;

/** What a careful reader takes from a case; an absent key is not scored. */
export interface Expectation {
  kind?: Kind | Kind[];
  organization?: string[] | string | null;
  affected?: OneOrMany<{ count: number; unit?: string }>;
  penalty?: OneOrMany<{ amount: number; currency: string }>;
  country?: string | null;
  data_types?: string[];
  cluster?: string | null;
}

/** One labelled case of a JSONL file. */
export interface EvalCase {
  id: string;
  group: string;
  input: WireInput;
  expect: Expectation;
  tolerance?: { affected?: number };
}

/** The extractor output for a case, plus the event id when a clusterer ran. */
export type EvalPrediction = Pick<
  ExtractLine,
  'kind' | 'organization' | 'affected' | 'penalty' | 'country' | 'data_types'
> & {
  id: string | null;
  event_id?: string | null;
};

/** right / total, with value null when nothing was scored. */
export interface Ratio {
  right: number;
  total: number;
  value: number | null;
}

/** Precision and recall as ratios. */
export interface PrecisionRecall {
  precision: Ratio;
  recall: Ratio;
}

/** Per-kind confusion counts. */
export interface KindClassScore {
  tp: number;
  fp: number;
  fn: number;
  f1: number | null;
}

/** The scores of one group (or of all cases). */
export interface GroupScores {
  cases: number;
  kind: { accuracy: Ratio; macroF1: number | null; perKind: Record<Kind, KindClassScore> };
  organization: Ratio;
  affected: PrecisionRecall;
  penalty: PrecisionRecall;
  country: Ratio;
  dataTypes: {
    tp: number;
    fp: number;
    fn: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
  };
  /** Null when no case of the group carries a cluster label or no prediction carries an event id. */
  cluster: PrecisionRecall | null;
}

/** Scores overall and per group. */
export interface EvalReport {
  overall: GroupScores;
  groups: Record<string, GroupScores>;
}

/** One scored field where the prediction was wrong, for failure listings. */
export interface Failure {
  id: string;
  group: string;
  field: 'kind' | 'organization' | 'affected' | 'penalty' | 'country' | 'data_types';
  expected: unknown;
  predicted: unknown;
}

const DEFAULT_TOLERANCE = 0.01;
const CORPORATE_SUFFIXES = new Set([
  'inc',
  'corp',
  'corporation',
  'co',
  'ltd',
  'llc',
  'plc',
  'gmbh',
  'sa',
  'ag',
  '주식회사',
]);

/**
 * Folds an organisation name for comparison: case, punctuation, white space and corporate
 * suffixes (inc, corp, corporation, co, ltd, llc, plc, gmbh, sa, ag, 주식회사, (주)) do not count.
 */
export function foldOrganization(name: string): string {
  const tokens = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\(주\)|㈜/g, ' ')
    .split(/[\s\p{P}\p{S}]+/u)
    .filter((t) => t.length > 0 && !CORPORATE_SUFFIXES.has(t));
  return tokens.join('');
}

const ratio = (right: number, total: number): Ratio => ({
  right,
  total,
  value: total === 0 ? null : right / total,
});
const asList = <T>(v: OneOrMany<T> | undefined): Array<T | null> =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const within = (predicted: number, expected: number, tolerance: number): boolean =>
  Math.abs(predicted - expected) <= tolerance * Math.abs(expected);

function resolveGoldKind(expected: Kind | Kind[], predicted: Kind): Kind {
  const options = Array.isArray(expected) ? expected : [expected];
  return options.includes(predicted) ? predicted : (options[0] ?? 'other');
}

/** Accumulates confusion counts of precision/recall fields. */
class PrCounter {
  predicted = 0;
  predictedRight = 0;
  expected = 0;
  expectedRight = 0;

  add(options: Array<unknown | null>, predictedNonNull: boolean, matches: boolean): void {
    const hasNull = options.includes(null);
    const hasValue = options.some((o) => o !== null);
    if (predictedNonNull) {
      this.predicted += 1;
      if (matches) this.predictedRight += 1;
    }
    // "null is also right": not predicting a value is then not a miss, so it only counts when predicted.
    if (hasValue && (!hasNull || predictedNonNull)) {
      this.expected += 1;
      if (matches) this.expectedRight += 1;
    }
  }

  result(): PrecisionRecall {
    return {
      precision: ratio(this.predictedRight, this.predicted),
      recall: ratio(this.expectedRight, this.expected),
    };
  }
}

function scoreGroup(pairs: ReadonlyArray<{ c: EvalCase; p: EvalPrediction }>): GroupScores {
  let kindRight = 0;
  let kindTotal = 0;
  const perKind = Object.fromEntries(KINDS.map((k) => [k, { tp: 0, fp: 0, fn: 0, f1: null }])) as Record<
    Kind,
    KindClassScore
  >;
  let orgRight = 0;
  let orgTotal = 0;
  const affected = new PrCounter();
  const penalty = new PrCounter();
  let countryRight = 0;
  let countryTotal = 0;
  let dtTp = 0;
  let dtFp = 0;
  let dtFn = 0;

  for (const { c, p } of pairs) {
    const e = c.expect;
    if (e.kind !== undefined) {
      const gold = resolveGoldKind(e.kind, p.kind);
      kindTotal += 1;
      if (gold === p.kind) {
        kindRight += 1;
        perKind[gold].tp += 1;
      } else {
        perKind[gold].fn += 1;
        perKind[p.kind].fp += 1;
      }
    }
    if (e.organization !== undefined && e.organization !== null) {
      const names = (Array.isArray(e.organization) ? e.organization : [e.organization]).map(foldOrganization);
      orgTotal += 1;
      if (p.organization !== null && names.includes(foldOrganization(p.organization))) orgRight += 1;
    }
    if (e.affected !== undefined) {
      const options = asList(e.affected);
      const tolerance = c.tolerance?.affected ?? DEFAULT_TOLERANCE;
      const count = p.affected?.count ?? null;
      const matches = count !== null && options.some((o) => o !== null && within(count, o.count, tolerance));
      affected.add(options, count !== null, matches);
    }
    if (e.penalty !== undefined) {
      const options = asList(e.penalty);
      const pen = p.penalty;
      const matches =
        pen !== null &&
        options.some(
          (o) => o !== null && o.currency === pen.currency && within(pen.amount, o.amount, DEFAULT_TOLERANCE),
        );
      penalty.add(options, pen !== null, matches);
    }
    if (e.country !== undefined) {
      countryTotal += 1;
      if ((p.country ?? null) === (e.country ?? null)) countryRight += 1;
    }
    if (e.data_types !== undefined) {
      const gold = new Set(e.data_types);
      const predicted = new Set<string>(p.data_types);
      for (const t of predicted)
        if (gold.has(t)) dtTp += 1;
        else dtFp += 1;
      for (const t of gold) if (!predicted.has(t)) dtFn += 1;
    }
  }

  const f1s: number[] = [];
  for (const k of KINDS) {
    const s = perKind[k];
    const denominator = 2 * s.tp + s.fp + s.fn;
    s.f1 = denominator === 0 ? null : (2 * s.tp) / denominator;
    if (s.f1 !== null) f1s.push(s.f1);
  }
  const dtPrecision = dtTp + dtFp === 0 ? null : dtTp / (dtTp + dtFp);
  const dtRecall = dtTp + dtFn === 0 ? null : dtTp / (dtTp + dtFn);
  const dtF1 = 2 * dtTp + dtFp + dtFn === 0 ? null : (2 * dtTp) / (2 * dtTp + dtFp + dtFn);
  return {
    cases: pairs.length,
    kind: {
      accuracy: ratio(kindRight, kindTotal),
      macroF1: f1s.length === 0 ? null : f1s.reduce((a, b) => a + b, 0) / f1s.length,
      perKind,
    },
    organization: ratio(orgRight, orgTotal),
    affected: affected.result(),
    penalty: penalty.result(),
    country: ratio(countryRight, countryTotal),
    dataTypes: { tp: dtTp, fp: dtFp, fn: dtFn, precision: dtPrecision, recall: dtRecall, f1: dtF1 },
    cluster: scoreClusters(pairs),
  };
}

/** Pairwise precision/recall over cases that carry a cluster label and a predicted event id. */
function scoreClusters(pairs: ReadonlyArray<{ c: EvalCase; p: EvalPrediction }>): PrecisionRecall | null {
  const labelled = pairs.filter(
    ({ c, p }) =>
      typeof c.expect.cluster === 'string' && typeof p.event_id === 'string' && p.event_id.length > 0,
  );
  if (labelled.length === 0) return null;
  let predictedSame = 0;
  let goldSame = 0;
  let both = 0;
  for (let i = 0; i < labelled.length; i++) {
    for (let j = i + 1; j < labelled.length; j++) {
      const a = labelled[i]!;
      const b = labelled[j]!;
      const gold = a.c.expect.cluster === b.c.expect.cluster;
      const pred = a.p.event_id === b.p.event_id;
      if (gold) goldSame += 1;
      if (pred) predictedSame += 1;
      if (gold && pred) both += 1;
    }
  }
  return { precision: ratio(both, predictedSame), recall: ratio(both, goldSame) };
}

function pairUp(
  cases: readonly EvalCase[],
  predictions: readonly EvalPrediction[],
): Array<{ c: EvalCase; p: EvalPrediction }> {
  const byId = new Map<string, EvalPrediction>();
  for (const p of predictions) if (p.id !== null) byId.set(p.id, p);
  return cases.map((c, i) => ({ c, p: byId.get(c.id) ?? predictions[i] ?? emptyPrediction(c.id) }));
}

function emptyPrediction(id: string): EvalPrediction {
  return {
    id,
    kind: 'other',
    organization: null,
    affected: null,
    penalty: null,
    country: null,
    data_types: [],
  };
}

/** Scores predictions (matched to cases by id, else by position) overall and per group. */
export function scoreCases(cases: readonly EvalCase[], predictions: readonly EvalPrediction[]): EvalReport {
  const pairs = pairUp(cases, predictions);
  const byGroup = new Map<string, Array<{ c: EvalCase; p: EvalPrediction }>>();
  for (const pair of pairs) {
    const list = byGroup.get(pair.c.group) ?? [];
    list.push(pair);
    byGroup.set(pair.c.group, list);
  }
  const groups: Record<string, GroupScores> = {};
  for (const [group, list] of [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)))
    groups[group] = scoreGroup(list);
  return { overall: scoreGroup(pairs), groups };
}

/** Lists the scored fields a prediction got wrong, for looking at failures by category. */
export function listFailures(cases: readonly EvalCase[], predictions: readonly EvalPrediction[]): Failure[] {
  const out: Failure[] = [];
  for (const { c, p } of pairUp(cases, predictions)) {
    const e = c.expect;
    const fail = (field: Failure['field'], expected: unknown, predicted: unknown): void => {
      out.push({ id: c.id, group: c.group, field, expected, predicted });
    };
    if (e.kind !== undefined && resolveGoldKind(e.kind, p.kind) !== p.kind) fail('kind', e.kind, p.kind);
    if (e.organization !== undefined && e.organization !== null) {
      const names = (Array.isArray(e.organization) ? e.organization : [e.organization]).map(foldOrganization);
      if (p.organization === null || !names.includes(foldOrganization(p.organization)))
        fail('organization', e.organization, p.organization);
    }
    if (e.affected !== undefined) {
      const options = asList(e.affected);
      const tolerance = c.tolerance?.affected ?? DEFAULT_TOLERANCE;
      const count = p.affected?.count ?? null;
      const ok =
        count === null
          ? options.length === 0 || options.includes(null)
          : options.some((o) => o !== null && within(count, o.count, tolerance));
      if (!ok) fail('affected', e.affected, p.affected);
    }
    if (e.penalty !== undefined) {
      const options = asList(e.penalty);
      const pen = p.penalty;
      const ok =
        pen === null
          ? options.length === 0 || options.includes(null)
          : options.some(
              (o) =>
                o !== null && o.currency === pen.currency && within(pen.amount, o.amount, DEFAULT_TOLERANCE),
            );
      if (!ok) fail('penalty', e.penalty, p.penalty);
    }
    if (e.country !== undefined && (p.country ?? null) !== (e.country ?? null))
      fail('country', e.country, p.country);
    if (e.data_types !== undefined) {
      const gold = [...e.data_types].sort().join(',');
      const predicted = [...p.data_types].sort().join(',');
      if (gold !== predicted) fail('data_types', e.data_types, p.data_types);
    }
  }
  return out;
}
