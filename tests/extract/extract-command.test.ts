import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runExtract } from '../../functions/cli/commands/extract.ts';
import type { CliIo } from '../../functions/cli/io.ts';

/** Runs the command over the given stdin text and returns exit code and parsed output lines. */
async function run(input: string): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const io: CliIo = { stdin, stdout, stderr, env: {}, isTTY: false };
  const done = runExtract([], io);
  stdin.end(input);
  const code = await done;
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    code,
    lines: text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('runExtract', () => {
  it('writes one snake_case facts line per input line', async () => {
    const { code, lines } = await run(
      `${JSON.stringify({ id: 'a1', title: 'Acme fined £20m over data breach', summary: 'The ICO fined Acme £20m after a breach affecting 400,000 customers.' })}\n` +
        `${JSON.stringify({ id: 'a2', title: '가나전자, 고객 120만명 개인정보 유출', lang: 'ko' })}\n`,
    );
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      id: 'a1',
      kind: 'penalty',
      organization: 'Acme',
      affected: { count: 400_000, unit: 'people', approximate: false },
      penalty: { amount: 20_000_000, currency: 'GBP', authority: 'ICO' },
      country: 'GB',
      data_types: [],
    });
    expect(lines[1]).toMatchObject({
      id: 'a2',
      kind: 'breach',
      organization: '가나전자',
      country: 'KR',
      affected: { count: 1_200_000 },
    });
  });

  it('reports malformed lines and carries on', async () => {
    const { code, lines } = await run(
      `{"id":"ok1","title":"Acme confirms data breach"}\nnot json\n[1,2]\n{"id":"x"}\n\n{"id":"ok2","title":"Other news"}\n`,
    );
    expect(code).toBe(1);
    expect(lines.map((l) => l['id'] ?? null)).toEqual(['ok1', null, null, null, 'ok2']);
    expect(lines[1]).toMatchObject({ id: null, line: 2 });
    expect(typeof lines[1]?.['error']).toBe('string');
    expect(lines[2]).toMatchObject({ line: 3 });
    expect(lines[3]).toMatchObject({ line: 4 });
  });

  it('streams many lines without holding them', async () => {
    const input = Array.from({ length: 2_000 }, (_, i) =>
      JSON.stringify({ id: `n${i}`, title: `Acme ${i} confirms data breach` }),
    ).join('\n');
    const { code, lines } = await run(input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(2_000);
    expect(lines[1_999]?.['id']).toBe('n1999');
  });
});
