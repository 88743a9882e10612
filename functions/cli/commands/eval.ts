/**
 * `breachwire eval FILE.jsonl`: runs the extractor over labelled cases and prints the metrics of
 * /work/shared/eval/README.md overall and per group. A clusterer can be injected; without one the
 * cluster metric is reported as not available.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  type EvalCase,
  type EvalPrediction,
  type EvalReport,
  type GroupScores,
  listFailures,
  type Ratio,
  scoreCases,
} from '../../eval/score.ts';
import { EXTRACTOR_VERSION, extractFacts } from '../../extract/extract.ts';
import { type ExtractLine, fromWire, toWire } from '../../extract/wire.ts';
import type { CliIo } from '../io.ts';

/** Optional collaborators: the event clusterer returns one event id per item, in order. */
export interface EvalDeps {
  cluster?: (items: ExtractLine[]) => string[];
}

const USAGE =
  'usage: breachwire eval FILE.jsonl [--json] [--failures[=FIELD]] [--group=NAME]\n' +
  '  --json              print the report as JSON\n' +
  '  --failures[=FIELD]  list wrong predictions (kind, organization, affected, penalty, country, data_types)\n' +
  '  --group=NAME        only score cases of this group\n';

async function readCases(path: string): Promise<{ cases: EvalCase[]; errors: string[] }> {
  const cases: EvalCase[] = [];
  const errors: string[] = [];
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim().length === 0) continue;
    try {
      const c = JSON.parse(line) as EvalCase;
      if (
        c === null ||
        typeof c !== 'object' ||
        typeof c.input !== 'object' ||
        typeof c.expect !== 'object'
      ) {
        errors.push(`line ${n}: expected {"id","group","input","expect"}`);
        continue;
      }
      cases.push({
        ...c,
        id: String(c.id ?? c.input?.id ?? `line-${n}`),
        group: String(c.group ?? 'default'),
      });
    } catch (error) {
      errors.push(`line ${n}: ${(error as Error).message}`);
    }
  }
  return { cases, errors };
}

const pct = (v: number | null | undefined): string =>
  v === null || v === undefined ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`;
const frac = (r: Ratio): string => `${pct(r.value)} (${r.right}/${r.total})`;

function row(name: string, s: GroupScores): string[] {
  return [
    name,
    String(s.cases),
    pct(s.kind.accuracy.value),
    pct(s.kind.macroF1),
    frac(s.organization),
    `${pct(s.affected.precision.value)}/${pct(s.affected.recall.value)}`,
    `${pct(s.penalty.precision.value)}/${pct(s.penalty.recall.value)}`,
    frac(s.country),
    pct(s.dataTypes.f1),
    s.cluster === null ? 'n/a' : `${pct(s.cluster.precision.value)}/${pct(s.cluster.recall.value)}`,
  ];
}

/** Renders the report as a fixed-width table. */
export function formatReport(report: EvalReport, clusterAvailable: boolean): string {
  const header = [
    'group',
    'n',
    'kind acc',
    'kind mF1',
    'organization',
    'affected P/R',
    'penalty P/R',
    'country',
    'types F1',
    'cluster P/R',
  ];
  const rows = [
    header,
    row('ALL', report.overall),
    ...Object.entries(report.groups).map(([g, s]) => row(g, s)),
  ];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  if (!clusterAvailable) lines.push('', 'cluster: not available');
  return `${lines.join('\n')}\n`;
}

/** Runs the eval command; resolves to the exit code. */
export async function runEval(args: string[], io: CliIo, deps: EvalDeps = {}): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (file === undefined || args.includes('--help')) {
    io.stderr.write(USAGE);
    return file === undefined ? 2 : 0;
  }
  let loaded: { cases: EvalCase[]; errors: string[] };
  try {
    loaded = await readCases(file);
  } catch (error) {
    io.stderr.write(`eval: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const e of loaded.errors) io.stderr.write(`eval: ${e}\n`);
  const groupArg = args.find((a) => a.startsWith('--group='))?.slice('--group='.length);
  const cases = groupArg ? loaded.cases.filter((c) => c.group === groupArg) : loaded.cases;

  const lines: ExtractLine[] = cases.map((c) => {
    const line = toWire(c.id, extractFacts(fromWire(c.input)));
    if (typeof c.input.title === 'string') line.title = c.input.title;
    line.published_at = typeof c.input.published_at === 'string' ? c.input.published_at : null;
    line.url = typeof c.input.url === 'string' ? c.input.url : null;
    return line;
  });
  const predictions: EvalPrediction[] = lines.map((l) => ({ ...l }));
  const wantsClusters = cases.some((c) => typeof c.expect.cluster === 'string');
  const clusterAvailable = deps.cluster !== undefined;
  if (wantsClusters && deps.cluster) {
    const ids = deps.cluster(lines);
    predictions.forEach((p, i) => {
      p.event_id = ids[i] ?? null;
    });
  }
  const report = scoreCases(cases, predictions);

  if (args.includes('--json')) {
    io.stdout.write(`${JSON.stringify({ extractor_version: EXTRACTOR_VERSION, file, report }, null, 2)}\n`);
  } else {
    io.stdout.write(`extractor ${EXTRACTOR_VERSION} on ${file} (${cases.length} cases)\n\n`);
    io.stdout.write(formatReport(report, clusterAvailable || !wantsClusters));
  }
  const failuresArg = args.find((a) => a === '--failures' || a.startsWith('--failures='));
  if (failuresArg !== undefined) {
    const field = failuresArg.includes('=') ? failuresArg.slice('--failures='.length) : null;
    const byId = new Map(cases.map((c) => [c.id, c]));
    for (const f of listFailures(cases, predictions)) {
      if (field !== null && f.field !== field) continue;
      const title = String(byId.get(f.id)?.input.title ?? '').slice(0, 100);
      io.stdout.write(
        `${f.field.padEnd(12)} ${f.id.padEnd(24)} expected ${JSON.stringify(f.expected)} got ${JSON.stringify(f.predicted)}${title ? `  | ${title}` : ''}\n`,
      );
    }
  }
  return 0;
}
