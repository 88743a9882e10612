import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../functions/cli/io.ts';
import { main } from '../../functions/cli/main.ts';
import type { Document } from '../../functions/documents/types.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';
import { seed } from './seed.ts';

/** A stream that keeps what is written to it; `isTTY` makes it look like a terminal. */
export function captureStream(isTTY = false): PassThrough & { text(): string; isTTY?: boolean } {
  const stream = new PassThrough() as PassThrough & { text(): string; isTTY?: boolean };
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  if (isTTY) stream.isTTY = true;
  stream.text = () => text;
  return stream;
}

/** Runs `breachwire …` in-process with captured streams. */
export async function runCli(args: string[], options: { stderrTTY?: boolean; stdoutTTY?: boolean } = {}) {
  const stdout = captureStream(options.stdoutTTY);
  const stderr = captureStream(options.stderrTTY);
  const io: CliIo = {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    isTTY: options.stdoutTTY ?? false,
  };
  const code = await main(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A data folder holding the seeded corpus, closed again so the CLI can open it. */
export async function seededDataDir(documents?: Document[]): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-export-'));
  const embedded = await startEmbeddedStore({ dataDir });
  try {
    await seed(embedded.store, documents);
  } finally {
    await embedded.close();
  }
  return dataDir;
}
