import { once } from 'node:events';
import { Readable } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BreachwireError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Store } from '../store/client.ts';
import { csvHeader, csvLine, type ExportFormat, FORMATS, ndjsonLine } from './encode.ts';
import { buildMeta, type ExportedTable, ProvenanceCollector } from './meta.ts';
import { exportRows } from './reader.ts';
import { type Row, TABLES, type TableName } from './schema.ts';

/**
 * The daily research export to S3: every table as gzipped NDJSON and CSV, one file per month,
 *
 *   <table>/format=<ndjson|csv>/month=YYYY-MM/part-00000.<ndjson|csv>.gz
 *   <table>/format=<ndjson|csv>/_export.meta.json      (the sidecar: as-of, sources, files)
 *
 * A run always writes the whole dataset as of one instant, to keys that depend only on the
 * table, the format and the month, so re-running a day (or a retried invocation) replaces the
 * same objects and never leaves a second copy for Athena to count twice. Rows stream from the
 * store through gzip into multipart uploads; memory holds one Query page and the upload's part
 * buffers, whatever the dataset's size.
 */

/** The formats written for every table (NDJSON is what the Athena tables read). */
export const EXPORT_FORMATS: readonly ExportFormat[] = FORMATS;

/** Where one table's files of one format live: its Athena table location for NDJSON. */
export function tablePrefix(table: TableName, format: ExportFormat): string {
  return `${table}/format=${format}/`;
}

/** Every prefix the export writes under (the writer's IAM grant names exactly these). */
export function exportPrefixes(): string[] {
  return TABLES.flatMap((table) => EXPORT_FORMATS.map((format) => tablePrefix(table, format)));
}

/**
 * The one object of a month. A fixed part number, not a counter: a month's rows always go to
 * one object, so a later, smaller run cannot leave stale parts behind.
 */
export function partKey(table: TableName, format: ExportFormat, month: string): string {
  return `${tablePrefix(table, format)}month=${month}/part-00000.${format}.gz`;
}

/**
 * The sidecar's key. It sits beside the month folders, outside every partition location, and
 * starts with `_`, which Athena treats as hidden: it is never read as a data row.
 */
export function metaKey(table: TableName, format: ExportFormat): string {
  return `${tablePrefix(table, format)}_export.meta.json`;
}

/** `2025-11-29T13:00:00.000Z` → `2025-11` (the UTC month of an ISO timestamp). */
export function monthOf(timestamp: string): string {
  const match = /^(\d{4}-\d{2})-\d{2}T/.exec(timestamp);
  if (!match) throw new BreachwireError('internal', `not an ISO timestamp: "${timestamp}"`);
  return match[1] as string;
}

/** One row and the month it is filed under. */
export interface MonthRow<T extends TableName> {
  month: string;
  row: Row<T>;
}

/**
 * The rows of one table as of `asOf`, each with its month: a document's own first-seen month;
 * an event's, and its count history and links under the event's first-seen month, so child rows
 * stay with their event and months arrive in order (events stream oldest first).
 */
export async function* rowsByMonth<T extends TableName>(
  store: Store,
  table: T,
  asOf: string,
  options: { pageSize?: number } = {},
): AsyncGenerator<MonthRow<T>> {
  let eventMonth: string | null = null;
  const rows = exportRows(store, {
    table,
    asOf,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    onEvent: (event) => {
      eventMonth = monthOf(event.firstSeenAt);
    },
  });
  for await (const row of rows) {
    const month =
      table === 'documents' ? monthOf(String((row as Row<'documents'>).first_seen_at)) : eventMonth;
    if (month === null) throw new BreachwireError('internal', `a ${table} row arrived before its event`);
    yield { month, row };
  }
}

/** HTTP metadata of an uploaded object. */
export interface ObjectHeaders {
  contentType: string;
}

/**
 * Where export files go: S3 in Lambda (`s3ObjectSink`), memory or a loopback stand-in in tests.
 * An upload replaces the object at `key` only once `body` has ended and the upload completed;
 * when the body fails, nothing is replaced (the previous day's file stays).
 */
export interface ObjectSink {
  upload(key: string, body: Readable, headers: ObjectHeaders): Promise<void>;
}

/**
 * An `ObjectSink` over S3 multipart uploads (`@aws-sdk/lib-storage`): parts of `partSize` bytes,
 * `queueSize` in flight, so memory stays near `partSize × (queueSize + 1)` per open file. A body
 * that errors aborts the multipart upload, leaving no object and no stored parts.
 */
export function s3ObjectSink(
  client: S3Client,
  bucket: string,
  options: { partSize?: number; queueSize?: number } = {},
): ObjectSink {
  return {
    async upload(key, body, headers) {
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: headers.contentType },
        // 5 MiB is S3's smallest part; a month of this dataset gzipped is well under one part.
        partSize: options.partSize ?? 5 * 1024 * 1024,
        queueSize: options.queueSize ?? 2,
        leavePartsOnError: false,
      });
      await upload.done();
    },
  };
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  ndjson: 'application/gzip',
  csv: 'application/gzip',
};

/** One month's file of one format: text in, gzip through, upload out, with backpressure. */
class MonthFile {
  readonly #gzip: Gzip = createGzip();
  readonly #uploaded: Promise<void>;
  readonly #chunkBytes: number;
  #buffered = '';
  rows = 0;

  constructor(sink: ObjectSink, key: string, format: ExportFormat, chunkBytes: number) {
    this.#chunkBytes = chunkBytes;
    this.#uploaded = sink.upload(key, this.#gzip, { contentType: CONTENT_TYPE[format] });
    // Observed in flush/close/abort; this keeps an early failure from being "unhandled" meanwhile.
    this.#uploaded.catch(() => {});
  }

  async add(text: string): Promise<void> {
    this.#buffered += text;
    if (this.#buffered.length >= this.#chunkBytes) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#buffered.length === 0) return;
    const chunk = this.#buffered;
    this.#buffered = '';
    if (this.#gzip.write(chunk)) return;
    // A failed upload stops reading the gzip stream, so `drain` would never come: race it.
    await Promise.race([
      once(this.#gzip, 'drain'),
      this.#uploaded.then(() => {
        throw new BreachwireError('internal', 'the upload ended before its body');
      }),
    ]);
  }

  async close(): Promise<void> {
    await this.#flush();
    this.#gzip.end();
    await this.#uploaded;
  }

  /** Fails the body so the upload is abandoned (nothing replaced); resolves once it has stopped. */
  async abort(cause: unknown): Promise<void> {
    this.#gzip.destroy(cause instanceof Error ? cause : new Error(String(cause)));
    await this.#uploaded.catch(() => {});
  }
}

/** What `writeMonthlyFiles` wrote: one entry per month, in order. */
export interface MonthlyFiles {
  rows: number;
  months: { month: string; rows: number }[];
}

/**
 * Writes a table's rows to one object per month and format. Rows must arrive with months in
 * non-decreasing order (the reader's oldest-first order guarantees it): reopening a month would
 * overwrite the file already written for it, so a month going backwards is an error, never a
 * silently truncated file. On any error the open files are abandoned, not completed.
 */
export async function writeMonthlyFiles<T extends TableName>(
  sink: ObjectSink,
  table: T,
  rows: AsyncIterable<MonthRow<T>>,
  options: { formats?: readonly ExportFormat[]; chunkBytes?: number; onRow?: (row: Row<T>) => void } = {},
): Promise<MonthlyFiles> {
  const formats = options.formats ?? EXPORT_FORMATS;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const written: MonthlyFiles = { rows: 0, months: [] };
  let month: string | null = null;
  let files: [ExportFormat, MonthFile][] = [];
  const close = async () => {
    await Promise.all(files.map(([, file]) => file.close()));
    written.months.push({ month: month as string, rows: files[0]?.[1].rows ?? 0 });
    files = [];
  };
  try {
    for await (const { month: rowMonth, row } of rows) {
      if (rowMonth !== month) {
        if (month !== null && rowMonth < month) {
          throw new BreachwireError(
            'internal',
            `${table} rows are not in month order: ${rowMonth} after ${month}; nothing was replaced for ${month}`,
          );
        }
        if (month !== null) await close();
        month = rowMonth;
        files = formats.map((format) => [
          format,
          new MonthFile(sink, partKey(table, format, rowMonth), format, chunkBytes),
        ]);
        for (const [format, file] of files) if (format === 'csv') await file.add(csvHeader(table));
      }
      for (const [format, file] of files) {
        await file.add(format === 'csv' ? csvLine(table, row) : ndjsonLine(table, row));
        file.rows++;
      }
      written.rows++;
      options.onRow?.(row);
    }
    if (month !== null) await close();
  } catch (error) {
    await Promise.all(files.map(([, file]) => file.abort(error)));
    throw error;
  }
  return written;
}

export interface DatasetExportDeps {
  store: Store;
  sink: ObjectSink;
  /** The snapshot instant; the same as-of always yields the same rows (docs/DATASET.md). */
  asOf: string;
  /** When the export ran (recorded in the sidecar). */
  exportedAt: string;
  tables?: readonly TableName[];
  formats?: readonly ExportFormat[];
  pageSize?: number;
  log?: Log;
}

export interface DatasetExportReport {
  asOf: string;
  tables: { table: TableName; rows: number; months: number }[];
  /** Objects written, sidecars included. */
  objects: number;
}

/**
 * Exports the dataset as of `asOf`: per table, the monthly files of every format, then one
 * sidecar per format listing those files, their row counts, the sources with their licences
 * and the citation. The sidecar is written last, so it never lists a file the run did not finish.
 */
export async function exportDataset(deps: DatasetExportDeps): Promise<DatasetExportReport> {
  const tables = deps.tables ?? TABLES;
  const formats = deps.formats ?? EXPORT_FORMATS;
  const log = deps.log ?? silentLog;
  const report: DatasetExportReport = { asOf: deps.asOf, tables: [], objects: 0 };
  for (const table of tables) {
    const provenance = new ProvenanceCollector();
    const rows = rowsByMonth(deps.store, table, deps.asOf, deps.pageSize ? { pageSize: deps.pageSize } : {});
    const written = await writeMonthlyFiles(deps.sink, table, rows, {
      formats,
      onRow: (row) => provenance.observe(row),
    });
    for (const format of formats) {
      const files: ExportedTable[] = written.months.map(({ month, rows: count }) => ({
        table,
        // Relative to the sidecar, like the CLI's export.meta.json.
        file: partKey(table, format, month).slice(tablePrefix(table, format).length),
        rows: count,
      }));
      const meta = buildMeta({
        format,
        filter: {},
        asOf: deps.asOf,
        exportedAt: deps.exportedAt,
        tables: files,
        provenance,
      });
      await deps.sink.upload(metaKey(table, format), Readable.from([`${JSON.stringify(meta, null, 2)}\n`]), {
        contentType: 'application/json',
      });
    }
    report.objects += written.months.length * formats.length + formats.length;
    report.tables.push({ table, rows: written.rows, months: written.months.length });
    log.info('export table written', { table, rows: written.rows, months: written.months.length });
  }
  return report;
}
