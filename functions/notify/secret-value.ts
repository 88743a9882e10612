import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret string (a Slack webhook URL: whoever has it can post to the channel). It prints as
 * `[redacted]` through `String()`, `JSON.stringify`, template literals and `console.log`, so a
 * subscription object can be logged or serialised by mistake without leaking it; only
 * `reveal()` gives the value, and only the HTTP poster calls it.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** A short, non-reversible fingerprint: recognises "the same webhook" without storing it. */
  fingerprint(): string {
    return createHash('sha256').update(this.#value).digest('base64url').slice(0, 16);
  }

  /** Replaces every occurrence of the secret (and of its path, which carries the token) in a text. */
  redact(text: string): string {
    return redactSecret(text, this.#value);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `SecretValue(${REDACTED})`;
  }
}

/** Removes a secret URL, its path and its percent-encoded form from a text. */
export function redactSecret(text: string, secret: string): string {
  const needles = new Set<string>([secret, encodeURIComponent(secret)]);
  try {
    const url = new URL(secret);
    // The token lives in the path; error messages from HTTP stacks may quote the path alone.
    if (url.pathname.length > 1) needles.add(url.pathname + url.search);
  } catch {
    // Not a URL: the whole value is the secret.
  }
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    if (needle) result = result.split(needle).join(REDACTED);
  }
  return result;
}
