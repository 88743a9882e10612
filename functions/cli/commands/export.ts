import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type * as z from 'zod';
import { isoDateParam, parseParams } from '../../api/params.ts';
import { BreachwireError, isBreachwireError } from '../../core/errors.ts';
import { eventFilterShape } from '../../events/filter.ts';
import { type ExportFormat, encodeRows, FORMATS } from '../../export/encode.ts';
import { buildMeta, type ExportedTable, ProvenanceCollector } from '../../export/meta.ts';
import { type ExportFilter, exportRows } from '../../export/reader.ts';
import { TABLES, type TableName } from '../../export/schema.ts';
import { createProgress, isTerminal, NO_PROGRESS, writeChunks } from '../../export/sink.ts';
import type { Store } from '../../store/client.ts';
import { openStore } from '../context.ts';
import type { CliIo } from '../io.ts';

export const EXPORT_USAGE = `breachwire export [--format csv|ndjson] [--table events|documents|affected_history|links]
                  [--kind K] [--country CC] [--since DATE] [--until DATE] [--as-of TIME]
                  [--out FILE|DIR/] [--data DIR]

  The research dataset (columns documented in docs/DATASET.md), streamed from the whole store.
  --format       csv (default) or ndjson
  --table        which table (default events); with --out DIR/ and no --table, all four
  --kind         breach|penalty|policy|other; repeat or comma-separate for several
  --country      ISO 3166-1 alpha-2 (or EU); repeat or comma-separate for several
  --since/--until  first seen at or after / before (ISO date or date-time)
  --as-of        a citable snapshot: the state as it was then (default: the export's start)
  --out FILE     write one table to FILE, and FILE.meta.json (schema, as-of, attributions)
  --out DIR/     write <table>.csv|ndjson files and export.meta.json into DIR (an existing
                 folder, or a path ending in /)
  (no --out)     one table to stdout; licence terms are in the rows and on stderr

  Progress (rows, rate) is drawn on stderr only when it is a terminal.`;

const filterShape = {
  kind: eventFilterShape.kind,
  country: eventFilterShape.country,
  since: eventFilterShape.since,
  until: eventFilterShape.until,
  as_of: isoDateParam.optional(),
};

function asUsage(error: unknown): never {
  if (isBreachwireError(error, 'query.invalidParam')) {
    const problems = error.details.map(
      (detail) => `--${(detail.param ?? '').replaceAll('_', '-')} ${detail.message}`,
    );
    throw new BreachwireError('cli.usage', problems.join('; '), { cause: error });
  }
  throw error;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new BreachwireError('cli.usage', `--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

async function isDirectoryTarget(path: string): Promise<boolean> {
  if (path.endsWith('/')) return true;
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

interface TableJob {
  table: TableName;
  format: ExportFormat;
  filter: ExportFilter;
  asOf: string;
  pageSize?: number;
}

/** Streams one table into `out`, counting rows and gathering provenance; returns the row count. */
async function exportTable(
  store: Store,
  job: TableJob,
  out: NodeJS.WritableStream,
  io: CliIo,
  provenance: ProvenanceCollector,
  showProgress: boolean,
): Promise<number> {
  const progress = showProgress ? createProgress(io.stderr, { label: job.table }) : NO_PROGRESS;
  let rows = 0;
  const source = exportRows(store, {
    table: job.table,
    filter: job.filter,
    asOf: job.asOf,
    ...(job.pageSize ? { pageSize: job.pageSize } : {}),
  });
  async function* observed() {
    for await (const row of source) {
      provenance.observe(row);
      yield row;
    }
  }
  const chunks = encodeRows(job.table, job.format, observed(), {
    onRow: () => {
      rows++;
      progress.row();
    },
  });
  await writeChunks(chunks, out);
  progress.done();
  return rows;
}

/** Writes a file through `<path>.partial` and renames it when complete, so a broken run leaves no file that looks whole. */
async function writeFileAtomically(
  path: string,
  write: (out: NodeJS.WritableStream) => Promise<void>,
): Promise<void> {
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  try {
    await write(out);
    out.end();
    await finished(out);
    await rename(partial, path);
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      format: { type: 'string' },
      table: { type: 'string' },
      kind: { type: 'string', multiple: true },
      country: { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      data: { type: 'string' },
      'page-size': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const format = oneOf('format', values.format, FORMATS) ?? 'csv';
  const chosenTable = oneOf('table', values.table, TABLES);
  const query: Record<string, string[]> = {};
  for (const name of ['kind', 'country'] as const) if (values[name]) query[name] = values[name];
  for (const name of ['since', 'until', 'as-of'] as const) {
    const value = values[name];
    if (value !== undefined) query[name.replace('-', '_')] = [value];
  }
  let parsed: z.infer<z.ZodObject<typeof filterShape>>;
  try {
    parsed = parseParams(filterShape, query);
  } catch (error) {
    asUsage(error);
  }
  if (parsed.since && parsed.until && parsed.since > parsed.until)
    throw new BreachwireError('cli.usage', '--until must not be before --since');
  let pageSize: number | undefined;
  if (values['page-size'] !== undefined) {
    pageSize = Number(values['page-size']);
    if (!/^\d{1,4}$/.test(values['page-size']) || pageSize < 1)
      throw new BreachwireError('cli.usage', '--page-size must be a whole number from 1 to 9999');
  }
  const filter: ExportFilter = {
    ...(parsed.kind?.length ? { kind: parsed.kind } : {}),
    ...(parsed.country?.length ? { country: parsed.country } : {}),
    ...(parsed.since ? { since: parsed.since } : {}),
    ...(parsed.until ? { until: parsed.until } : {}),
  };
  const exportedAt = new Date().toISOString();
  // Every export is a snapshot: without --as-of, of the moment it started, so the meta's as_of
  // reproduces it and rows written during the export do not half-appear.
  const asOf = parsed.as_of ?? exportedAt;
  const job = { format, filter, asOf, ...(pageSize ? { pageSize } : {}) };

  const opened = await openStore(io, values.data);
  try {
    const provenance = new ProvenanceCollector();
    const exported: ExportedTable[] = [];
    const extension = format === 'csv' ? 'csv' : 'ndjson';
    const progressOk = isTerminal(io.stderr);
    const meta = () => buildMeta({ format, filter, asOf, exportedAt, tables: exported, provenance });

    if (!values.out) {
      const table = chosenTable ?? 'events';
      // Progress would be drawn into the data if both streams are the same terminal.
      const rows = await exportTable(
        opened.store,
        { ...job, table },
        io.stdout,
        io,
        provenance,
        progressOk && !io.isTTY,
      );
      exported.push({ table, file: null, rows });
      const attributions = meta().attribution;
      io.stderr.write(
        `exported ${rows} ${table} row${rows === 1 ? '' : 's'} (schema ${meta().schema_version}, as of ${asOf})\n${
          attributions.length ? `attribution required: ${attributions.join(' · ')}\n` : ''
        }`,
      );
      return 0;
    }

    if (await isDirectoryTarget(values.out)) {
      const dir = values.out;
      await mkdir(dir, { recursive: true });
      for (const table of chosenTable ? [chosenTable] : TABLES) {
        const file = `${table}.${extension}`;
        let rows = 0;
        await writeFileAtomically(join(dir, file), async (out) => {
          rows = await exportTable(opened.store, { ...job, table }, out, io, provenance, progressOk);
        });
        exported.push({ table, file, rows });
      }
      const metaPath = join(dir, 'export.meta.json');
      await writeFile(metaPath, `${JSON.stringify(meta(), null, 2)}\n`);
      io.stderr.write(
        `exported ${exported.map((entry) => `${entry.rows} ${entry.table}`).join(', ')} rows to ${dir} (meta: ${metaPath})\n`,
      );
      return 0;
    }

    const table = chosenTable ?? 'events';
    const path = values.out;
    await mkdir(dirname(path), { recursive: true });
    let rows = 0;
    await writeFileAtomically(path, async (out) => {
      rows = await exportTable(opened.store, { ...job, table }, out, io, provenance, progressOk);
    });
    exported.push({ table, file: basename(path), rows });
    await writeFile(`${path}.meta.json`, `${JSON.stringify(meta(), null, 2)}\n`);
    io.stderr.write(
      `exported ${rows} ${table} row${rows === 1 ? '' : 's'} to ${path} (meta: ${path}.meta.json)\n`,
    );
    return 0;
  } finally {
    await opened.close();
  }
}
