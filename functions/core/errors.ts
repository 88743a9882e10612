/**
 * Typed errors with stable codes. Every error that crosses a module boundary is a
 * BreachwireError so entrypoints can map it to a response, an exit code or a SourceState
 * record without inspecting messages.
 */
export type ErrorCode =
  | 'source.unknown'
  | 'source.fetchFailed'
  | 'source.timeout'
  | 'source.tooLarge'
  | 'source.httpStatus'
  | 'source.rateLimited'
  | 'source.redirectLimit'
  | 'source.blockedAddress'
  | 'source.decodeFailed'
  | 'source.parseFailed'
  | 'source.drift'
  | 'query.invalidParam'
  | 'query.notFound'
  | 'store.locked'
  | 'store.conflict'
  | 'store.unavailable'
  | 'config.invalid'
  | 'cli.usage'
  | 'slack.deliveryFailed'
  | 'slack.subscriptionBroken'
  | 'internal';

export interface ErrorDetail {
  /** The parameter, field or path the error is about, e.g. `limit`. */
  param?: string;
  message: string;
}

export class BreachwireError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** HTTP status when this error reaches an HTTP client (only `source.httpStatus` carries the upstream one). */
  readonly status?: number;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: ErrorDetail[]; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BreachwireError';
    this.code = code;
    this.details = options.details ?? [];
    if (options.status !== undefined) this.status = options.status;
  }
}

export function isBreachwireError(error: unknown, code?: ErrorCode): error is BreachwireError {
  return error instanceof BreachwireError && (code === undefined || error.code === code);
}

/** A one-line, human-readable description of any thrown value, for logs and SourceState. */
export function describeError(error: unknown): string {
  if (error instanceof BreachwireError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
