/**
 * `breachwire extract`: JSON lines in (stdin), one facts line out (stdout) per input line.
 * Streaming with constant memory; a malformed line yields an error line and the run goes on.
 */
import { createInterface } from 'node:readline';
import { BreachwireError } from '../../core/errors.ts';
import { BatchClusterer } from '../../events/cluster-batch.ts';
import { extractFacts } from '../../extract/extract.ts';
import { fromWire, toWire, type WireInput } from '../../extract/wire.ts';
import type { CliIo } from '../io.ts';

/** Longest input line accepted; longer lines are reported, not parsed. */
const MAX_LINE_CHARS = 2_000_000;

/** Writes a line and waits for drain when the consumer is slower than the extractor. */
async function writeLine(out: NodeJS.WritableStream, value: unknown): Promise<void> {
  const ok = out.write(`${JSON.stringify(value)}\n`);
  if (!ok) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/** Runs the extract command; resolves to the exit code (0, or 1 when any line failed). */
export async function runExtract(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(
      'usage: breachwire extract [--cluster] < items.jsonl\n' +
        'Reads {"id","title","summary"?,"url"?,"published_at"?,"lang"?,"source_country"?} per line and\n' +
        'writes {"id","kind","organization","affected","penalty","country","data_types"} per line;\n' +
        'with --cluster, also "event_id" (items of one event share it, clustered in input order).\n',
    );
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--cluster');
  if (unknown.length > 0)
    throw new BreachwireError('cli.usage', `unknown option ${unknown.map((arg) => `"${arg}"`).join(', ')}`);
  // With --cluster, items are clustered in input order as they stream: later items join the
  // events of earlier ones, and an id once written never changes.
  const clusterer = args.includes('--cluster') ? new BatchClusterer() : null;
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  let failed = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim().length === 0) continue;
    const result = processLine(line, lineNumber, clusterer);
    if ('error' in result) failed += 1;
    await writeLine(io.stdout, result);
  }
  return failed > 0 ? 1 : 0;
}

function processLine(line: string, lineNumber: number, clusterer: BatchClusterer | null): object {
  if (line.length > MAX_LINE_CHARS)
    return { id: null, error: `line longer than ${MAX_LINE_CHARS} characters`, line: lineNumber };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { id: null, error: `invalid JSON: ${(error as Error).message}`, line: lineNumber };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { id: null, error: 'expected a JSON object', line: lineNumber };
  }
  const raw = parsed as WireInput;
  if (typeof raw.title !== 'string')
    return { id: null, error: 'missing string field "title"', line: lineNumber };
  const id = typeof raw.id === 'string' ? raw.id : typeof raw.id === 'number' ? String(raw.id) : null;
  const input = fromWire(raw);
  const facts = extractFacts(input);
  const output = toWire(id, facts);
  if (!clusterer) return output;
  const eventId = clusterer.add({
    id: id ?? `line-${lineNumber}`,
    title: input.title,
    ...(input.summary ? { summary: input.summary } : {}),
    url: input.url ?? null,
    publishedAt: input.publishedAt ?? null,
    facts,
  });
  return { ...output, event_id: eventId };
}
