import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../functions/cli/commands/eval.ts';
import type { CliIo } from '../../functions/cli/io.ts';

function io(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString('utf8');
  });
  return {
    io: { stdin: new PassThrough(), stdout, stderr, env: {}, isTTY: false },
    out: () => out,
    err: () => err,
  };
}

function writeCases(lines: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'breachwire-eval-'));
  const file = join(dir, 'cases.jsonl');
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}

const CASES = [
  {
    id: 't1',
    group: 'news',
    input: {
      id: 't1',
      title: 'Acme fined £20m over data breach',
      summary: 'The ICO fined Acme £20m.',
      lang: 'en',
    },
    expect: {
      kind: 'penalty',
      organization: ['Acme'],
      penalty: { amount: 20_000_000, currency: 'GBP' },
      country: 'GB',
      cluster: 'k1',
    },
  },
  {
    id: 't2',
    group: 'hibp',
    input: {
      id: 't2',
      title: '',
      summary: 'In May 2026, the online store Zeta suffered a data breach that exposed 12k email addresses.',
    },
    expect: {
      kind: 'breach',
      organization: ['Zeta'],
      affected: { count: 12_000, unit: 'records' },
      cluster: 'k1',
    },
  },
];

describe('runEval', () => {
  it('prints a table overall and per group and says when clustering is not available', async () => {
    const t = io();
    const code = await runEval([writeCases(CASES)], t.io);
    expect(code).toBe(0);
    const lines = t.out().split('\n');
    expect(lines.some((l) => l.startsWith('ALL '))).toBe(true);
    expect(lines.some((l) => l.startsWith('news '))).toBe(true);
    expect(lines.some((l) => l.startsWith('hibp '))).toBe(true);
    expect(t.out()).toContain('cluster: not available');
  });

  it('uses an injected clusterer', async () => {
    const t = io();
    await runEval([writeCases(CASES), '--json'], t.io, { cluster: (items) => items.map(() => 'same') });
    const report = JSON.parse(t.out()) as { report: { overall: { cluster: { recall: { value: number } } } } };
    expect(report.report.overall.cluster.recall.value).toBe(1);
  });

  it('fails with usage when no file is given', async () => {
    const t = io();
    expect(await runEval([], t.io)).toBe(2);
    expect(t.err()).toContain('usage');
  });
});
