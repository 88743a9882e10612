import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvHeader, csvLine, encodeRows, ndjsonLine } from '../../functions/export/encode.ts';
import { exportRows } from '../../functions/export/reader.ts';
import {
  EXPORT_FORMATS,
  exportDataset,
  exportPrefixes,
  type MonthRow,
  metaKey,
  monthOf,
  type ObjectSink,
  partKey,
  s3ObjectSink,
  writeMonthlyFiles,
} from '../../functions/export/s3-writer.ts';
import { athenaColumns, type Row, TABLES, type TableName } from '../../functions/export/schema.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { documentWith } from '../events/factories.ts';
import { seed } from '../export/seed.ts';
import { startTestStore } from '../helpers/store.ts';
import { type S3StandIn, startS3StandIn } from './s3-stand-in.ts';

/** An ObjectSink that keeps completed uploads in memory; a body that fails leaves nothing. */
function memorySink() {
  const objects = new Map<string, Buffer>();
  const sink: ObjectSink = {
    async upload(key, body) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      objects.set(key, Buffer.concat(chunks));
    },
  };
  return { sink, objects, text: (key: string) => gunzipSync(objects.get(key)!).toString('utf8') };
}

/** A links row with only the columns these tests look at; the rest unknown. */
function linkRow(id: string): Row<'links'> {
  return {
    schema_version: '1.0.0',
    link_id: id,
    event_id: id.split(':')[0]!,
    event_kind: 'penalty',
    related_event_id: id.split(':')[1]!,
    related_kind: 'breach',
    reason: 'same organisation, "later" date, with a comma',
    related_first_seen_at: null,
  };
}

async function* fromList<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

const AS_OF = '2026-06-01T00:00:00.000Z';

describe('keys', () => {
  it('files each month of each table and format under one fixed key, beside a hidden sidecar', () => {
    expect(partKey('events', 'ndjson', '2025-11')).toBe(
      'events/format=ndjson/month=2025-11/part-00000.ndjson.gz',
    );
    expect(partKey('affected_history', 'csv', '2024-01')).toBe(
      'affected_history/format=csv/month=2024-01/part-00000.csv.gz',
    );
    expect(metaKey('documents', 'ndjson')).toBe('documents/format=ndjson/_export.meta.json');
  });

  it('writes nothing outside the prefixes the IAM policy grants', () => {
    const prefixes = exportPrefixes();
    expect(prefixes).toHaveLength(TABLES.length * EXPORT_FORMATS.length);
    for (const table of TABLES)
      for (const format of EXPORT_FORMATS)
        for (const key of [partKey(table, format, '2025-11'), metaKey(table, format)])
          expect(prefixes.filter((prefix) => key.startsWith(prefix))).toHaveLength(1);
  });

  it.each([
    ['2025-11-29T13:00:00.000Z', '2025-11'],
    ['2024-01-01T00:00:00.000Z', '2024-01'],
    ['2023-12-31T23:59:59.999Z', '2023-12'],
  ])('files %s under month %s', (timestamp, month) => {
    expect(monthOf(timestamp)).toBe(month);
  });

  it.each(['', '2025-11', 'yesterday', '29/11/2025'])('refuses "%s" as a timestamp', (value) => {
    expect(() => monthOf(value)).toThrow(/not an ISO timestamp/);
  });
});

describe('monthly files', () => {
  const rows: MonthRow<'links'>[] = [
    { month: '2024-05', row: linkRow('a:b') },
    { month: '2024-05', row: linkRow('a:c') },
    { month: '2024-07', row: linkRow('d:e') },
    { month: '2025-01', row: linkRow('f:g') },
  ];

  it('splits rows by month, one gzipped file per month and format, CSV with its header', async () => {
    const { sink, objects, text } = memorySink();
    const written = await writeMonthlyFiles(sink, 'links', fromList(rows));
    expect(written).toEqual({
      rows: 4,
      months: [
        { month: '2024-05', rows: 2 },
        { month: '2024-07', rows: 1 },
        { month: '2025-01', rows: 1 },
      ],
    });
    expect([...objects.keys()].sort()).toEqual(
      ['2024-05', '2024-07', '2025-01']
        .flatMap((month) => [partKey('links', 'csv', month), partKey('links', 'ndjson', month)])
        .sort(),
    );
    expect(text(partKey('links', 'ndjson', '2024-05'))).toBe(
      ndjsonLine('links', linkRow('a:b')) + ndjsonLine('links', linkRow('a:c')),
    );
    expect(text(partKey('links', 'csv', '2024-07'))).toBe(
      csvHeader('links') + csvLine('links', linkRow('d:e')),
    );
  });

  it('round-trips through gzip: every line parses back to its row, in column order', async () => {
    const { sink, text } = memorySink();
    await writeMonthlyFiles(sink, 'links', fromList(rows));
    const lines = text(partKey('links', 'ndjson', '2024-05'))
      .trimEnd()
      .split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([linkRow('a:b'), linkRow('a:c')]);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(athenaColumns('links').map((column) => column.name));
    const csv = parse(text(partKey('links', 'csv', '2024-05')), { columns: true }) as Record<
      string,
      string
    >[];
    expect(csv.map((row) => row['reason'])).toEqual([linkRow('a:b').reason, linkRow('a:c').reason]);
  });

  it('writes no file for an empty table', async () => {
    const { sink, objects } = memorySink();
    expect(await writeMonthlyFiles(sink, 'links', fromList([]))).toEqual({ rows: 0, months: [] });
    expect(objects.size).toBe(0);
  });

  it('refuses a month going backwards, completing no file for the month it was writing', async () => {
    const { sink, objects } = memorySink();
    const unordered = [...rows.slice(0, 3), { month: '2024-05', row: linkRow('late:x') }];
    await expect(writeMonthlyFiles(sink, 'links', fromList(unordered))).rejects.toThrow(
      /not in month order: 2024-05 after 2024-07/,
    );
    // 2024-05 was finished before the error; the 2024-07 files were abandoned, not completed.
    expect([...objects.keys()].sort()).toEqual([
      partKey('links', 'csv', '2024-05'),
      partKey('links', 'ndjson', '2024-05'),
    ]);
  });

  it('completes no file when the rows fail mid-month (the previous day’s object stays)', async () => {
    const { sink, objects } = memorySink();
    async function* failing() {
      yield rows[0]!;
      throw new Error('store unavailable');
    }
    await expect(writeMonthlyFiles(sink, 'links', failing())).rejects.toThrow('store unavailable');
    expect(objects.size).toBe(0);
  });

  it('pulls rows only as fast as the upload reads them (constant memory)', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<MonthRow<'links'>> {
      for (;;) {
        pulled++;
        // Incompressible text, so gzip cannot hide a missing backpressure.
        yield { month: '2025-01', row: { ...linkRow('a:b'), reason: randomBytes(300).toString('base64') } };
      }
    }
    let release: (() => void) | undefined;
    const stalled: ObjectSink = {
      upload: (_key, body) =>
        new Promise<void>((resolve) => {
          release = () => {
            body.destroy();
            resolve();
          };
        }),
    };
    const writing = writeMonthlyFiles(stalled, 'links', endless(), { formats: ['ndjson'], chunkBytes: 4096 });
    writing.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A few buffers' worth (~16 KB of gzip input and output at ~420 bytes a row), not the endless stream.
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(500);
    release?.();
  });
});

describe('the dataset export (seeded store)', () => {
  let embedded: EmbeddedStore;
  const run = async (asOf = AS_OF) => {
    const memory = memorySink();
    const report = await exportDataset({
      store: embedded.store,
      sink: memory.sink,
      asOf,
      exportedAt: '2026-06-01T03:30:05.000Z',
      pageSize: 2,
    });
    return { ...memory, report };
  };
  /** What the CLI would write for one table: the reader's rows through the one encoder. */
  const cliText = async (table: TableName, format: 'csv' | 'ndjson') => {
    let text = '';
    for await (const chunk of encodeRows(table, format, exportRows(embedded.store, { table, asOf: AS_OF })))
      text += chunk;
    return text;
  };

  beforeAll(async () => {
    embedded = await startTestStore();
    await seed(embedded.store);
    // A revised Coupang count seen two months after the event was opened.
    const revision = documentWith(
      {
        organization: 'Coupang',
        country: 'KR',
        affected: { count: 40_000_000, unit: 'accounts', approximate: true },
        evidence: { affected: { field: 'title', text: 'Coupang breach now 40 million accounts' } },
      },
      {
        id: 'c5',
        sourceId: 'yonhap-en',
        title: 'Coupang breach now 40 million accounts',
        publishedAt: '2026-01-10T00:00:00.000Z',
        firstSeenAt: '2026-01-10T01:00:00.000Z',
      },
    );
    await seed(embedded.store, [revision]);
  }, 60_000);
  afterAll(() => embedded.close());

  it('holds exactly the rows of the CLI export, split by month in order', async () => {
    const { objects, text, report } = await run();
    for (const table of TABLES) {
      const months = [...objects.keys()]
        .filter((key) => key.startsWith(`${table}/format=ndjson/month=`))
        .map((key) => /month=(\d{4}-\d{2})\//.exec(key)![1]!)
        .sort();
      expect(months.length, table).toBeGreaterThan(0);
      expect(report.tables.find((t) => t.table === table)?.months).toBe(months.length);
      const ndjson = months.map((month) => text(partKey(table, 'ndjson', month))).join('');
      expect(ndjson).toBe(await cliText(table, 'ndjson'));
      const csv = months
        .map((month) => text(partKey(table, 'csv', month)).slice(csvHeader(table).length))
        .join('');
      expect(csvHeader(table) + csv).toBe(await cliText(table, 'csv'));
    }
  });

  it('files documents by their own first-seen month and child rows by their event’s', async () => {
    const { objects, text } = await run();
    const eventMonth = new Map<string, string>();
    for (const [key] of objects) {
      const match = /^events\/format=ndjson\/month=(\d{4}-\d{2})\//.exec(key);
      if (!match) continue;
      for (const line of text(key).trimEnd().split('\n')) {
        const event = JSON.parse(line);
        expect(monthOf(event.first_seen_at)).toBe(match[1]);
        eventMonth.set(event.event_id, match[1]!);
      }
    }
    let laterObservations = 0;
    for (const [key] of objects) {
      const match = /^(documents|affected_history|links)\/format=ndjson\/month=(\d{4}-\d{2})\//.exec(key);
      if (!match) continue;
      for (const line of text(key).trimEnd().split('\n')) {
        const row = JSON.parse(line);
        const month = match[1] === 'documents' ? monthOf(row.first_seen_at) : eventMonth.get(row.event_id);
        expect(month, `${match[1]} ${line.slice(0, 80)}`).toBe(match[2]);
        if (match[1] === 'affected_history' && monthOf(row.seen_at) !== match[2]) laterObservations++;
      }
    }
    // The Coupang revision is seen two months after its event was opened, yet stays with it.
    expect(laterObservations).toBeGreaterThan(0);
  });

  it('writes NDJSON whose keys are exactly the Athena columns', async () => {
    const { objects, text } = await run();
    for (const table of TABLES) {
      const key = [...objects.keys()].find((k) => k.startsWith(`${table}/format=ndjson/month=`))!;
      const first = JSON.parse(text(key).split('\n')[0]!);
      expect(Object.keys(first)).toEqual(athenaColumns(table).map((column) => column.name));
    }
  });

  it('writes a sidecar per table and format naming as-of, files, rows and attributions', async () => {
    const { objects, report } = await run();
    const meta = JSON.parse(objects.get(metaKey('documents', 'ndjson'))!.toString('utf8'));
    expect(meta).toMatchObject({ dataset: 'breachwire', as_of: AS_OF, format: 'ndjson', filter: {} });
    const documents = report.tables.find((t) => t.table === 'documents')!;
    expect(meta.tables).toHaveLength(documents.months);
    expect(meta.tables.reduce((sum: number, t: { rows: number }) => sum + t.rows, 0)).toBe(documents.rows);
    for (const entry of meta.tables) {
      expect(entry.file).toMatch(/^month=\d{4}-\d{2}\/part-00000\.ndjson\.gz$/);
      expect(objects.has(`documents/format=ndjson/${entry.file}`)).toBe(true);
    }
    expect(meta.attribution).toContain(
      'Data from Have I Been Pwned (haveibeenpwned.com), licensed CC BY 4.0',
    );
    expect(report.objects).toBe(objects.size);
  });

  it('is idempotent: the same day again writes the same keys with the same bytes', async () => {
    const first = await run();
    const second = await run();
    expect([...second.objects.keys()].sort()).toEqual([...first.objects.keys()].sort());
    for (const [key, body] of first.objects) {
      if (key.endsWith('.gz')) expect(second.objects.get(key)!.equals(body), key).toBe(true);
    }
  });

  it('an earlier snapshot leaves later rows out', async () => {
    const early = await run('2024-12-31T00:00:00.000Z');
    const months = [...early.objects.keys()].flatMap((key) => /month=(\d{4}-\d{2})\//.exec(key)?.[1] ?? []);
    expect(months.length).toBeGreaterThan(0);
    for (const month of months) expect(month <= '2024-12').toBe(true);
  });
});

describe('S3 through a loopback stand-in', () => {
  let s3: S3StandIn;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3StandIn('exports');
    client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await s3.close();
  });

  it('puts a small file in one request', async () => {
    const sink = s3ObjectSink(client, 'exports');
    await sink.upload(
      'links/format=ndjson/month=2025-01/part-00000.ndjson.gz',
      Readable.from([Buffer.from('abc')]),
      {
        contentType: 'application/gzip',
      },
    );
    expect(s3.objects.get('links/format=ndjson/month=2025-01/part-00000.ndjson.gz')).toEqual({
      body: Buffer.from('abc'),
      contentType: 'application/gzip',
    });
  });

  it('streams a large file as a multipart upload, parts reassembled in order', async () => {
    const body = randomBytes(11 * 1024 * 1024);
    const key = 'documents/format=csv/month=2025-02/part-00000.csv.gz';
    const before = s3.calls.length;
    // Many small chunks, as gzip emits them.
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.subarray(i * 65536, (i + 1) * 65536),
    );
    await s3ObjectSink(client, 'exports').upload(key, Readable.from(chunks), {
      contentType: 'application/gzip',
    });
    expect(s3.calls.slice(before).map((call) => call.operation)).toEqual([
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPart',
      'UploadPart',
      'CompleteMultipartUpload',
    ]);
    expect(s3.objects.get(key)!.body.equals(body)).toBe(true);
  });

  it('aborts the multipart upload when the body fails: no object, no parts left behind', async () => {
    const key = 'events/format=ndjson/month=2025-03/part-00000.ndjson.gz';
    async function* failing() {
      for (let i = 0; i < 100; i++) yield randomBytes(65536);
      throw new Error('store unavailable');
    }
    await expect(
      s3ObjectSink(client, 'exports').upload(key, Readable.from(failing()), {
        contentType: 'application/gzip',
      }),
    ).rejects.toThrow();
    expect(s3.objects.has(key)).toBe(false);
    expect(s3.calls.filter((call) => call.key === key).map((call) => call.operation)).toContain(
      'AbortMultipartUpload',
    );
    expect(s3.openUploads()).toBe(0);
  });

  it('leaves the previous object in place when an upload fails', async () => {
    const key = 'events/format=csv/month=2025-04/part-00000.csv.gz';
    const sink = s3ObjectSink(client, 'exports');
    await sink.upload(key, Readable.from([Buffer.from('yesterday')]), { contentType: 'application/gzip' });
    s3.failParts(1);
    await expect(
      sink.upload(key, Readable.from([randomBytes(6 * 1024 * 1024)]), { contentType: 'application/gzip' }),
    ).rejects.toThrow();
    expect(s3.objects.get(key)!.body.toString()).toBe('yesterday');
    expect(s3.openUploads()).toBe(0);
  });

  it('exports the seeded dataset to the same keys as the in-memory run', async () => {
    const embedded = await startTestStore();
    try {
      await seed(embedded.store);
      const deps = { store: embedded.store, asOf: AS_OF, exportedAt: '2026-06-01T03:30:05.000Z' };
      const memory = memorySink();
      await exportDataset({ ...deps, sink: memory.sink });
      s3.objects.clear();
      await exportDataset({ ...deps, sink: s3ObjectSink(client, 'exports') });
      expect([...s3.objects.keys()].sort()).toEqual([...memory.objects.keys()].sort());
      const key = partKey('events', 'ndjson', '2025-11');
      expect(gunzipSync(s3.objects.get(key)!.body).toString()).toBe(memory.text(key));
      expect(s3.openUploads()).toBe(0);
    } finally {
      await embedded.close();
    }
  }, 60_000);
});
