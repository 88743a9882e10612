import { parseArgs } from 'node:util';
import { mapLimit } from '../../core/concurrency.ts';
import { BreachwireError } from '../../core/errors.ts';
import { createStreamLog } from '../../core/log.ts';
import { HostPacer } from '../../ingest/host-pacer.ts';
import { type IngestReport, ingestSource } from '../../ingest/ingest.ts';
import { createPipeline } from '../../ingest/pipeline.ts';
import { adhocSource } from '../../sources/adhoc.ts';
import { enabledSources, getSource } from '../../sources/registry.ts';
import type { Source } from '../../sources/types.ts';
import { openStore, withMirror } from '../context.ts';
import type { CliIo } from '../io.ts';

export const INGEST_USAGE = `breachwire ingest [--source ID | --url URL --format rss|atom] [--data DIR]

  Runs one ingest now and prints what it stored.
  --source ID    one source from the registry (see "breachwire sources"); default: every enabled source
  --url URL      an ad hoc feed, with --format rss|atom|rdf
  --data DIR     the embedded store's folder (default ./.breachwire, or BREACHWIRE_DATA)`;

export function describeReport(report: IngestReport): string {
  const base = `${report.sourceId}: `;
  switch (report.status) {
    case 'failed':
      return `${base}FAILED ${report.error?.message ?? ''}`;
    case 'not-modified':
      return `${base}not modified (304), nothing stored`;
    case 'unchanged':
      return `${base}unchanged body, nothing stored`;
    default:
      return `${base}${report.newDocuments} new of ${report.entries} entries${report.pages > 1 ? ` over ${report.pages} pages` : ''}${
        report.invalid ? `, ${report.invalid} skipped without id` : ''
      }${report.drift ? ` — DRIFT: ${report.drift}` : ''} (${report.durationMs} ms)`;
  }
}

export async function runIngest(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      source: { type: 'string' },
      url: { type: 'string' },
      format: { type: 'string' },
      data: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  let targets: Source[];
  if (values.url) {
    if (values.source) throw new BreachwireError('cli.usage', 'give either --source or --url, not both');
    targets = [adhocSource(values.url, values.format ?? 'rss')];
  } else if (values.format) {
    throw new BreachwireError('cli.usage', '--format goes with --url');
  } else {
    targets = withMirror(io, values.source ? [getSource(values.source)] : enabledSources());
  }
  const opened = await openStore(io, values.data);
  try {
    const log = createStreamLog({ level: io.env['LOG_LEVEL'] ?? 'warn', stream: io.stderr });
    const pacer = new HostPacer();
    const deps = { store: opened.store, log, pacer, pipeline: createPipeline(opened.store, log) };
    io.stderr.write(
      `ingesting ${targets.length} source${targets.length === 1 ? '' : 's'} into the ${opened.where}\n`,
    );
    let done = 0;
    let failed = 0;
    let stored = 0;
    await mapLimit(targets, 4, async (source) => {
      const report = await ingestSource(source, deps);
      done++;
      if (report.status === 'failed') failed++;
      stored += report.newDocuments;
      io.stdout.write(
        `${targets.length > 1 ? `[${done}/${targets.length}] ` : ''}${describeReport(report)}\n`,
      );
    });
    io.stdout.write(
      `stored ${stored} new document${stored === 1 ? '' : 's'}; ${failed} source${failed === 1 ? '' : 's'} failed\n`,
    );
    return failed > 0 && failed === targets.length ? 1 : 0;
  } finally {
    await opened.close();
  }
}
