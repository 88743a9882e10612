import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaseResult, machine } from './harness.ts';
import { type CaseOutcome, renderReport } from './report.ts';

/**
 * `npm run bench`: runs every benchmark case in its own fresh node process, in an order
 * where the store-scale case leaves the 100,000-event store the API and memory cases read,
 * then writes BENCHMARKS.md at the repository root. Exits non-zero when any case failed.
 *
 * `npm run bench -- feed-parse html-parse` runs only those cases and prints their results
 * without touching BENCHMARKS.md; `npm run bench -- --render` rewrites BENCHMARKS.md from
 * the last full run (after a change to the report's wording, not to any measurement).
 */
const CASES = [
  'feed-parse',
  'html-parse',
  'extract',
  'bundles',
  'ingest',
  'write-cost',
  'store-scale',
  'api',
  'memory',
] as const;

/** The last full run's outcomes, so `--render` can rewrite BENCHMARKS.md without measuring again. */
const LAST_RUN = fileURLToPath(
  new URL('../../node_modules/.cache/breachwire-bench-last-run.json', import.meta.url),
);

/** Cases that read the store store-scale leaves behind. */
const NEEDS_STORE = new Set(['api', 'memory']);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runOne(name: string, env: Record<string, string>): Promise<CaseOutcome> {
  const work = mkdtempSync(join(tmpdir(), `breachwire-bench-${name}-`));
  const resultFile = join(work, 'result.json');
  const file = fileURLToPath(new URL(`./cases/${name}.bench-case.ts`, import.meta.url));
  const started = performance.now();
  process.stderr.write(`bench: ${name} …\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      LOG_LEVEL: 'silent',
      ...env,
      BENCH_RESULT_FILE: resultFile,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let outcome: CaseOutcome;
      if (code === 0 && existsSync(resultFile)) {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as CaseResult;
        outcome = { name, seconds, lines: result.lines, findings: result.findings ?? [], failure: null };
      } else {
        const reason =
          /BENCH FAILED \[[^\]]+\]: ([\s\S]*)/.exec(stderr)?.[1]?.trim() ?? stderr.trim().slice(-1_000);
        outcome = {
          name,
          seconds,
          lines: [],
          findings: [],
          failure: `exit ${code}: ${reason || 'no result'}`,
        };
      }
      rmSync(work, { recursive: true, force: true });
      process.stderr.write(
        `bench: ${name} ${outcome.failure ? 'FAILED' : 'done'} in ${seconds.toFixed(0)} s\n`,
      );
      resolve(outcome);
    });
  });
}

async function main(): Promise<number> {
  if (process.argv[2] === '--render') {
    if (!existsSync(LAST_RUN)) {
      process.stderr.write('no saved run to render; run `npm run bench` first\n');
      return 2;
    }
    const saved = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as Parameters<typeof renderReport>;
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderReport(...saved));
    process.stderr.write('bench: BENCHMARKS.md rewritten from the last run\n');
    return saved[1].some((outcome) => outcome.failure) ? 1 : 0;
  }
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(CASES as readonly string[]).includes(name));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${CASES.join(', ')}\n`);
    return 2;
  }
  const selected = only.length ? CASES.filter((name) => only.includes(name)) : [...CASES];
  const host = machine();
  // The seeded store outlives one case; BENCH_STORE_DIR reuses an existing one (development only).
  const givenStore = process.env['BENCH_STORE_DIR'];
  const storeDir = givenStore ?? mkdtempSync(join(tmpdir(), 'breachwire-bench-store-'));
  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  try {
    for (const name of selected) {
      const storeFailed = outcomes.find((outcome) => outcome.name === 'store-scale' && outcome.failure);
      if (NEEDS_STORE.has(name) && storeFailed) {
        outcomes.push({
          name,
          seconds: 0,
          lines: [],
          findings: [],
          failure: 'skipped: store-scale failed, so there is no 100,000-event store',
        });
        continue;
      }
      outcomes.push(await runOne(name, { BENCH_STORE_DIR: storeDir }));
    }
  } finally {
    if (!givenStore) rmSync(storeDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const failed = outcomes.filter((outcome) => outcome.failure);
  if (only.length) {
    process.stdout.write(`${JSON.stringify(outcomes, null, 1)}\n`);
  } else {
    const report: Parameters<typeof renderReport> = [host, outcomes, seconds, machine().load];
    mkdirSync(dirname(LAST_RUN), { recursive: true });
    writeFileSync(LAST_RUN, JSON.stringify(report));
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), renderReport(...report));
    process.stderr.write(`bench: wrote BENCHMARKS.md (${Math.round(seconds)} s)\n`);
  }
  for (const outcome of failed) process.stderr.write(`bench: FAILED ${outcome.name}: ${outcome.failure}\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
