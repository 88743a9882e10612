import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../infra/config.ts';
import { houseEsbuildOptions } from '../../infra/constructs/house-function.ts';
import { FUNCTION_ENTRIES, PROJECT_ROOT } from '../../infra/entries.ts';

const MAX_BUNDLE_BYTES = 1024 * 1024;

/** What a deployed function finds in its environment (set by infra/), and nothing from this shell. */
const LAMBDA_ENV = {
  PATH: process.env['PATH'] ?? '',
  AWS_REGION: 'us-east-1',
  BREACHWIRE_TABLE: 'bundle-test-table',
  POWERTOOLS_METRICS_NAMESPACE: 'Breachwire/test',
  POWERTOOLS_SERVICE_NAME: 'breachwire-bundle-test',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  BREACHWIRE_SUBSCRIPTIONS_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:SlackWebhooks-AbCdEf',
  BREACHWIRE_PUBLIC_URL: 'https://api.example.org/',
  BREACHWIRE_EXPORT_BUCKET: 'bundle-test-exports',
  // This machine runs Node 20; Lambda runs the house runtime, where the SDK does not warn.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

interface Built {
  file: string;
  bytes: number;
  externals: string[];
}

// Inside the repository's node_modules so the bundles' only externals (@aws-sdk/*, provided by
// the Lambda runtime) resolve from the project's node_modules as they do from /var/runtime.
let dir: string;
const built = new Map<string, Built>();

/** Runs an ES module snippet in a fresh, plain `node` process. */
function runNode(code: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

beforeAll(async () => {
  const cache = join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'bundle-test-'));
  const options = houseEsbuildOptions(STAGES.dev.functions.runtime);
  await Promise.all(
    Object.entries(FUNCTION_ENTRIES).map(async ([name, entry]) => {
      const file = join(dir, name, 'index.mjs');
      const result = await build({
        ...options,
        entryPoints: [entry],
        outfile: file,
        metafile: true,
        logLevel: 'silent',
      });
      const output = (result.metafile as Metafile).outputs;
      const externals = Object.values(output).flatMap((o) =>
        o.imports.filter((i) => i.external).map((i) => i.path),
      );
      built.set(name, { file, bytes: statSync(file).size, externals: [...new Set(externals)] });
    }),
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(FUNCTION_ENTRIES))('the %s bundle', (name) => {
  it('stays at or under 1 MB minified', () => {
    const bundle = built.get(name)!;
    expect(bundle.bytes).toBeGreaterThan(0);
    expect(bundle.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it('leaves only the AWS SDK and Node built-ins external', () => {
    const builtins = new Set(builtinModules);
    const unexpected = built
      .get(name)!
      .externals.filter(
        (path) => !path.startsWith('@aws-sdk/') && !path.startsWith('node:') && !builtins.has(path),
      );
    expect(unexpected).toEqual([]);
    expect(built.get(name)!.externals.some((path) => path.startsWith('@aws-sdk/'))).toBe(true);
  });

  it('loads in a fresh node process and exports a handler', () => {
    const url = pathToFileURL(built.get(name)!.file).href;
    const run = runNode(
      `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
      LAMBDA_ENV,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('function');
  });

  it('fails at cold start, naming the variable, when its environment is incomplete', () => {
    const { BREACHWIRE_TABLE: _omitted, ...env } = LAMBDA_ENV;
    const url = pathToFileURL(built.get(name)!.file).href;
    const run = runNode(`await import(${JSON.stringify(url)});`, env);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('BREACHWIRE_TABLE is not set');
  });
});

describe('the ingest bundle', () => {
  it('rejects a malformed schedule input and an unknown source before any I/O', () => {
    const url = pathToFileURL(built.get('ingest')!.file).href;
    const run = runNode(
      `const { handler } = await import(${JSON.stringify(url)});
       for (const event of [{}, { sourceId: 'Not An Id' }, { sourceId: 'no-such-source' }]) {
         try { await handler(event); console.log('resolved'); } catch (error) { console.log(error.code); }
       }`,
      LAMBDA_ENV,
    );
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(['config.invalid', 'config.invalid', 'source.unknown']);
  });
});

describe('the notify bundle', () => {
  it('answers a batch without new outbox entries with no failures, touching nothing', () => {
    const url = pathToFileURL(built.get('notify')!.file).href;
    const run = runNode(
      `const { handler } = await import(${JSON.stringify(url)});
       const context = { getRemainingTimeInMillis: () => 60000, functionName: 'notify', awsRequestId: 'r1' };
       const event = { Records: [{ eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'OUT#x' } }, SequenceNumber: '1' } }] };
       console.log(JSON.stringify(await handler(event, context)));`,
      LAMBDA_ENV,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ batchItemFailures: [] });
  });

  it('rejects anything but a stream batch or exactly {"sweep": true} before any I/O', () => {
    const url = pathToFileURL(built.get('notify')!.file).href;
    const run = runNode(
      `const { handler } = await import(${JSON.stringify(url)});
       const context = { getRemainingTimeInMillis: () => 60000, functionName: 'notify', awsRequestId: 'r1' };
       for (const event of [{}, { sweep: 'true' }, { sweep: true, all: true }, { sourceId: 'hibp' }, null]) {
         try { await handler(event, context); console.log('resolved'); } catch (error) { console.log(error.code); }
       }`,
      LAMBDA_ENV,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(Array(5).fill('config.invalid'));
  });

  it('fails at cold start when the public URL is not http(s)', () => {
    const url = pathToFileURL(built.get('notify')!.file).href;
    const run = runNode(`await import(${JSON.stringify(url)});`, {
      ...LAMBDA_ENV,
      BREACHWIRE_PUBLIC_URL: 'ftp://x',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('BREACHWIRE_PUBLIC_URL');
  });
});

describe('the export bundle', () => {
  it('rejects a malformed schedule input before any I/O', () => {
    const url = pathToFileURL(built.get('export')!.file).href;
    const run = runNode(
      `const { handler } = await import(${JSON.stringify(url)});
       try { await handler({ asOf: 'yesterday' }); console.log('resolved'); } catch (error) { console.log(error.code); }`,
      LAMBDA_ENV,
    );
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('config.invalid');
  });
});
