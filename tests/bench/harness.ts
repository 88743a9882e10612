import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/**
 * One line of BENCHMARKS.md. Every figure is paired with a reference measured in the same
 * process and run, because the machine is shared and noisy: the ratio is what compares
 * across runs, the absolute numbers are what they were on this machine today.
 */
export interface BenchLine {
  /** The line number, e.g. `1`, `5b`. */
  id: string;
  title: string;
  /** The figure, with its unit. */
  figure: string;
  /** What it is compared with, and that reference's figure; `—` for an absolute target. */
  reference: string;
  /** figure ÷ reference (or as the target defines it); null when the target is absolute. */
  ratio: number | null;
  target: string;
  met: boolean;
  /** How it was measured and anything a reader needs to trust the figure. */
  notes?: string[];
}

/** What a case process hands back to the runner. */
export interface CaseResult {
  lines: BenchLine[];
  /** Observations worth a reader's attention (hot spots, where the time goes). */
  findings?: string[];
}

/** A benchmark that could not produce a trustworthy figure: the runner reports it and exits non-zero. */
export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

/** Throws a BenchFailure unless the condition holds: results are checked before speed is reported. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}

export function median(values: readonly number[]): number {
  check(values.length > 0, 'median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  check(values.length > 0, 'percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Milliseconds a call takes. */
export async function timed<T>(run: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/**
 * Runs `ours` and `reference` alternately (warm-up rounds first, not recorded), so drift in
 * machine load hits both equally; returns each side's per-round milliseconds.
 */
export async function interleaved(
  rounds: { warmup: number; measured: number },
  ours: () => unknown,
  reference: () => unknown,
): Promise<{ ours: number[]; reference: number[] }> {
  const result = { ours: [] as number[], reference: [] as number[] };
  for (let round = 0; round < rounds.warmup + rounds.measured; round++) {
    // Alternate which goes first so neither always runs on a freshly collected heap.
    const order = round % 2 === 0 ? (['ours', 'reference'] as const) : (['reference', 'ours'] as const);
    for (const side of order) {
      const { ms } = await timed(side === 'ours' ? ours : reference);
      if (round >= rounds.warmup) result[side].push(ms);
    }
  }
  return result;
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatRatio(value: number): string {
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The machine line of BENCHMARKS.md. */
export function machine(): { cpu: string; cores: number; node: string; date: string; load: number } {
  return {
    // Other work on the machine slows everything; the 1-minute load average says how busy it was.
    load: loadavg()[0] ?? 0,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Peak resident set of this process in bytes (`maxRSS` is in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * The entry of every case file: runs it, writes its result as JSON to the file the runner
 * names (`BENCH_RESULT_FILE`, or stdout when run by hand), and on any failure prints the
 * reason and exits non-zero without a figure.
 */
export function runCase(name: string, main: () => Promise<CaseResult>): void {
  main().then(
    (result) => {
      const json = JSON.stringify(result, null, 1);
      const file = process.env['BENCH_RESULT_FILE'];
      if (file) writeFileSync(file, json);
      else process.stdout.write(`${json}\n`);
      // Embedded servers and SDK sockets may keep the loop alive; the result is written.
      process.exit(0);
    },
    (error: unknown) => {
      const reason =
        error instanceof BenchFailure ? error.message : ((error as Error)?.stack ?? String(error));
      process.stderr.write(`BENCH FAILED [${name}]: ${reason}\n`);
      process.exit(1);
    },
  );
}
