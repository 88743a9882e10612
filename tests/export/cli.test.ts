import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventIdFor } from '../../functions/events/cluster.ts';
import { runCli, seededDataDir } from './io.ts';

let data: string;
beforeAll(async () => {
  data = await seededDataDir();
}, 60_000);

describe('breachwire export', () => {
  it('writes one table to stdout, and its licence terms to stderr', async () => {
    const result = await runCli(['export', '--table', 'affected_history', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const rows = parse(result.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row['document_id'])).toEqual(['h1', 'c1', 'c2']);
    expect(result.stderr).toMatch(/exported 3 affected_history rows \(schema 1\.0\.0, as of /);
    expect(result.stderr).toMatch(/attribution required: .*Have I Been Pwned/);
  });

  it('filters by kind and country, and --out FILE writes the file and FILE.meta.json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bw-out-'));
    const file = path.join(dir, 'kr-penalties.ndjson');
    const result = await runCli([
      'export',
      '--format',
      'ndjson',
      '--kind',
      'penalty',
      '--country',
      'kr',
      '--out',
      file,
      '--data',
      data,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).event_id)).toEqual([eventIdFor('c4')]);
    const meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
    expect(meta).toMatchObject({
      filter: { kind: ['penalty'], country: ['KR'] },
      tables: [{ table: 'events', file: 'kr-penalties.ndjson', rows: 1 }],
    });
    expect(readdirSync(dir).sort()).toEqual(['kr-penalties.ndjson', 'kr-penalties.ndjson.meta.json']);
  });

  it('--as-of is recorded as the snapshot and cuts the rows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bw-asof-'));
    const result = await runCli(['export', '--as-of', '2025-11-25', '--out', `${dir}/`, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const meta = JSON.parse(readFileSync(path.join(dir, 'export.meta.json'), 'utf8'));
    expect(meta.as_of).toBe('2025-11-25T00:00:00.000Z');
    expect(meta.citation).toContain('snapshot as of 2025-11-25T00:00:00.000Z');
    const events = parse(readFileSync(path.join(dir, 'events.csv'), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(events.find((row) => row['event_id'] === eventIdFor('c1'))?.['affected_count']).toBe('4500');
  });

  it('draws progress with \\r on a terminal stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bw-tty-'));
    const result = await runCli(
      ['export', '--table', 'documents', '--out', path.join(dir, 'd.csv'), '--data', data],
      {
        stderrTTY: true,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\rdocuments: 7 rows \([\d,]+ rows\/s\)/);
    expect(result.stderr).toContain('\x1b[K');
  });

  it('draws no progress when stderr is piped, and none into a terminal stdout being written to', async () => {
    const piped = await runCli(['export', '--table', 'documents', '--data', data]);
    expect(piped.stderr).not.toContain('\r');
    const terminal = await runCli(['export', '--table', 'documents', '--data', data], {
      stderrTTY: true,
      stdoutTTY: true,
    });
    expect(terminal.code).toBe(0);
    expect(terminal.stderr).not.toContain('\r');
    expect(terminal.stdout).not.toContain('\r');
  });

  it.each([
    [['--format', 'xlsx'], /--format must be one of csv, ndjson/],
    [['--table', 'people'], /--table must be one of events, documents, affected_history, links/],
    [['--kind', 'hack'], /--kind/],
    [['--country', 'Korea'], /--country must be an ISO 3166-1 alpha-2 code/],
    [['--since', '29/11/2025'], /--since must be an ISO date/],
    [['--as-of', 'yesterday'], /--as-of must be an ISO date/],
    [['--since', '2025-12-01', '--until', '2025-11-01'], /--until must not be before --since/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await runCli(['export', ...args, '--data', data]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('breachwire export [--format csv|ndjson]');
  });

  it('an export that cannot open its store exits 1 and leaves no file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bw-fail-'));
    const file = path.join(dir, 'events.csv');
    const { startEmbeddedStore } = await import('../../functions/store/embedded.ts');
    const held = await startEmbeddedStore({ dataDir: data });
    try {
      const result = await runCli(['export', '--out', file, '--data', data]);
      expect(result.code).toBe(1);
    } finally {
      await held.close();
    }
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
