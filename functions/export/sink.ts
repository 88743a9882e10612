import { once } from 'node:events';

/**
 * Writes text chunks to a stream, waiting for `drain` whenever the stream's buffer is full, so
 * a slow disk, pipe or upload pauses the reader instead of buffering the dataset in memory.
 * A stream error (EPIPE from `| head`, a full disk) ends the export with that error. The
 * stream is not ended (stdout must stay open).
 */
export async function writeChunks(chunks: AsyncIterable<string>, out: NodeJS.WritableStream): Promise<void> {
  let failure: Error | null = null;
  const onError = (error: Error) => {
    failure ??= error;
  };
  out.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure) throw failure;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
}

/** Whether a stream is an interactive terminal (the only place a redrawn progress line belongs). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export interface Progress {
  /** Counts one more row written; redraws at most every `intervalMs`. */
  row(): void;
  /** Draws the final count and ends the line. */
  done(): void;
}

/** A progress display that shows nothing (pipes, files, Lambda). */
export const NO_PROGRESS: Progress = { row: () => {}, done: () => {} };

/**
 * A one-line progress display (rows written and rate), redrawn in place with `\r` on a
 * terminal. On anything else (a pipe, a log file, CI) it writes nothing: `\r` redraws would be
 * noise there, and stderr may be parsed.
 */
export function createProgress(
  stream: NodeJS.WritableStream,
  options: { label: string; intervalMs?: number; now?: () => number },
): Progress {
  if (!isTerminal(stream)) return NO_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 250;
  const started = now();
  let rows = 0;
  let drawnAt = -Infinity;
  const draw = () => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = Math.round(rows / seconds);
    // `\x1b[K` clears what a longer previous line left behind.
    stream.write(
      `\r${options.label}: ${rows.toLocaleString('en-US')} rows (${rate.toLocaleString('en-US')} rows/s)\x1b[K`,
    );
  };
  return {
    row() {
      rows++;
      const at = now();
      if (at - drawnAt >= interval) {
        drawnAt = at;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}
