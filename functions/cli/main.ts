import { BreachwireError, describeError, isBreachwireError } from '../core/errors.ts';
import type { CliIo } from './io.ts';

const USAGE = `breachwire — tracker of data-breach disclosures, regulator penalties and privacy-policy actions

Usage: breachwire <command> [options]

Commands:
  start      the whole system locally: embedded store, scheduled ingest, API on :8787
  serve      the API and web page only
  ingest     run one ingest now (--source ID, or --url URL --format rss|atom)
  sources    the source catalog with health
  notify     deliver pending Slack notifications (--dry-run, --status; see docs/SLACK.md)
  extract    facts for JSON lines on stdin (see docs/EXTRACTION.md)
  eval       score the extractor on a labelled JSONL file
  export     the research dataset as CSV / NDJSON (see docs/DATASET.md)

Every command takes --data DIR (default ./.breachwire, or BREACHWIRE_DATA).
"breachwire <command> --help" shows a command's options.`;

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Commands load lazily: `extract` should not pay for the AWS SDK and the web server. */
const COMMANDS: Record<string, { load: () => Promise<Command>; usage: () => Promise<string> }> = {
  start: {
    load: async () => (await import('./commands/serve.ts')).runStart,
    usage: async () => (await import('./commands/serve.ts')).START_USAGE,
  },
  serve: {
    load: async () => (await import('./commands/serve.ts')).runServe,
    usage: async () => (await import('./commands/serve.ts')).SERVE_USAGE,
  },
  ingest: {
    load: async () => (await import('./commands/ingest.ts')).runIngest,
    usage: async () => (await import('./commands/ingest.ts')).INGEST_USAGE,
  },
  sources: {
    load: async () => (await import('./commands/sources.ts')).runSources,
    usage: async () => (await import('./commands/sources.ts')).SOURCES_USAGE,
  },
  notify: {
    load: async () => (await import('./commands/notify.ts')).runNotify,
    usage: async () => (await import('./commands/notify.ts')).NOTIFY_USAGE,
  },
  extract: {
    load: async () => (await import('./commands/extract.ts')).runExtract,
    usage: async () => 'breachwire extract [--cluster] < items.jsonl > facts.jsonl',
  },
  eval: {
    load: async () => {
      const [{ runEval }, { clusterLines }] = await Promise.all([
        import('./commands/eval.ts'),
        import('../events/cluster-batch.ts'),
      ]);
      return (args, io) => runEval(args, io, { cluster: clusterLines });
    },
    usage: async () => 'breachwire eval FILE.jsonl   (or: npm run eval -- FILE.jsonl)',
  },
  export: {
    load: async () => (await import('./commands/export.ts')).runExport,
    usage: async () => (await import('./commands/export.ts')).EXPORT_USAGE,
  },
};

function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`breachwire: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${await command.usage()}\n`);
    return 0;
  }
  try {
    const run = await command.load();
    return await run(args, io);
  } catch (error) {
    const usage =
      isBreachwireError(error, 'cli.usage') ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (usage) {
      const message = error instanceof BreachwireError ? error.message : (error as Error).message;
      io.stderr.write(`breachwire ${name}: ${message}\n\n${await command.usage()}\n`);
      return 2;
    }
    io.stderr.write(`breachwire ${name}: ${describeError(error)}\n`);
    return 1;
  }
}
