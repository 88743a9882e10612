/**
 * The logging interface the core modules use. In Lambda it is backed by Powertools Logger
 * (structured JSON to CloudWatch); locally by a small JSON-lines writer on stderr so that
 * command output on stdout stays clean. Fields never carry bodies or secrets.
 */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

function levelFrom(value: string | undefined): Level {
  const lower = (value ?? '').toLowerCase();
  return lower in LEVELS ? (lower as Level) : 'info';
}

/** A JSON-lines logger writing to a stream (stderr by default). */
export function createStreamLog(
  options: { level?: string; stream?: NodeJS.WritableStream; base?: Record<string, unknown> } = {},
): Log {
  const threshold = LEVELS[levelFrom(options.level ?? process.env['LOG_LEVEL'])];
  const stream = options.stream ?? process.stderr;
  const write = (level: Exclude<Level, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    stream.write(
      `${JSON.stringify({ level, time: new Date().toISOString(), message, ...options.base, ...fields })}\n`,
    );
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Discards everything (tests that assert on reports rather than logs). */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
