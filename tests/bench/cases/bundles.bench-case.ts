import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { STAGES } from '../../../infra/config.ts';
import { houseEsbuildOptions } from '../../../infra/constructs/house-function.ts';
import { FUNCTION_ENTRIES, PROJECT_ROOT } from '../../../infra/entries.ts';
import { check, formatBytes, formatNumber, median, runCase } from '../harness.ts';

const MAX_BYTES = 1024 * 1024;
const MAX_IMPORT_MS = 300;
const SPAWNS = 5;

/** A deployed function's environment (as tests/infra/bundles.test.ts sets it), nothing from this shell. */
const LAMBDA_ENV = {
  PATH: process.env['PATH'] ?? '',
  AWS_REGION: 'us-east-1',
  BREACHWIRE_TABLE: 'bench-table',
  BREACHWIRE_SUBSCRIPTIONS_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:SlackWebhooks-AbCdEf',
  BREACHWIRE_PUBLIC_URL: 'https://api.example.org/',
  BREACHWIRE_EXPORT_BUCKET: 'bench-exports',
  POWERTOOLS_METRICS_NAMESPACE: 'Breachwire/bench',
  POWERTOOLS_SERVICE_NAME: 'breachwire-bench',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds to import a module in a fresh node process, measured inside it (node's own start-up excluded). */
function importMs(url: string): { ms: number; handler: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const t = performance.now(); const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify({ ms: performance.now() - t, handler: typeof m.handler }));`,
    ],
    { env: LAMBDA_ENV, encoding: 'utf8', timeout: 30_000 },
  );
  // The last lines name the error; the ones before echo a minified line of the bundle.
  check(run.status === 0, `importing ${url} failed: ${run.stderr.split('\n').slice(-12).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; handler: string };
}

/**
 * Line 7: each Lambda bundle built with the house esbuild options (exactly what CDK builds),
 * its minified size, and how long a fresh node process takes to import it. The AWS SDK stays
 * external, as in Lambda, and loads from node_modules here.
 */
runCase('bundles', async () => {
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'bench-bundles-'));
  try {
    const options = houseEsbuildOptions(STAGES.dev.functions.runtime);
    // Handlers present in functions/handlers/ but missing from the entry list would ship unmeasured.
    const handlerFiles = readdirSync(join(PROJECT_ROOT, 'functions', 'handlers')).filter((file) =>
      /\.ts$/.test(file),
    );
    const listed = new Set(Object.values(FUNCTION_ENTRIES).map((entry) => entry.split('/').pop()));
    const baseline = median(
      Array.from(
        { length: SPAWNS },
        () => importMs('data:text/javascript,export const handler = () => 1;').ms,
      ),
    );
    const lines = [];
    for (const [name, entry] of Object.entries(FUNCTION_ENTRIES)) {
      const file = join(dir, name, 'index.mjs');
      await build({ ...options, entryPoints: [entry], outfile: file, logLevel: 'silent' });
      const bytes = statSync(file).size;
      const url = pathToFileURL(file).href;
      const runs = Array.from({ length: SPAWNS + 1 }, () => importMs(url));
      for (const run of runs) check(run.handler === 'function', `${name} bundle exports no handler`);
      // The first spawn warms the OS file cache; it is not counted.
      const ms = median(runs.slice(1).map((run) => run.ms));
      lines.push({
        id: `7-${name}`,
        title: `Lambda bundle \`${name}\` (${entry.replace(PROJECT_ROOT, '')})`,
        figure: `${formatBytes(bytes)}, import ${formatNumber(ms)} ms`,
        reference: `importing an empty module: ${formatNumber(baseline, 1)} ms`,
        ratio: null,
        target: `≤ 1 MiB and import ≤ ${MAX_IMPORT_MS} ms`,
        met: bytes <= MAX_BYTES && ms <= MAX_IMPORT_MS,
        notes: [
          `Built with houseEsbuildOptions (minified ESM, @aws-sdk/* external, source map beside it and not counted); import timed inside a fresh \`node\` process, median of ${SPAWNS} after one warm-up spawn.`,
        ],
      });
    }
    const unlisted = handlerFiles.filter(
      (file) => !listed.has(file) && !['runtime.ts', 'metric-names.ts'].includes(file),
    );
    return {
      lines,
      findings: unlisted.length
        ? [
            `functions/handlers/ also holds ${unlisted.join(', ')}, not in FUNCTION_ENTRIES and so not measured (a helper module, or an entry that ships unmeasured).`,
          ]
        : [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
