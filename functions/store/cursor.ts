import { createHmac, timingSafeEqual } from 'node:crypto';
import { BreachwireError } from '../core/errors.ts';

/** Signing key for cursors. Integrity only (a cursor is not a secret): it makes tampering detectable. */
const CURSOR_KEY = process.env['BREACHWIRE_CURSOR_KEY'] ?? 'breachwire-cursor-v1';
const MAX_CURSOR_LENGTH = 2_048;

type StartKey = Record<string, string | number>;

interface CursorBody {
  /** The route (and filter fingerprint) the cursor belongs to; a cursor from another route is refused. */
  r: string;
  k: StartKey;
}

function sign(payload: string): string {
  return createHmac('sha256', CURSOR_KEY).update(payload).digest('base64url').slice(0, 22);
}

/** An opaque cursor for a DynamoDB LastEvaluatedKey, bound to the route and filter that produced it. */
export function encodeCursor(scope: string, key: Record<string, unknown>): string {
  const payload = Buffer.from(
    JSON.stringify({ r: scope, k: key } satisfies CursorBody | { r: string; k: Record<string, unknown> }),
  ).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** Where a cursor may resume: the index Queried, its partition and the sort-key bounds of the query. */
export interface CursorBounds {
  index: string;
  partition: string;
  /** Inclusive bounds of the index sort key, as in the key condition. */
  lower?: string;
  upper?: string;
}

/**
 * Decodes a cursor that came back from a client. Anything truncated, tampered with, from
 * another route or filter, or oversized is a `query.invalidParam` on `cursor` (a 400), never
 * a key handed to DynamoDB unchecked. With `bounds`, the key must also be a start key of that
 * query (exactly the table and index key attributes, in its partition and range): the signing
 * key may be the public default, and DynamoDB rejects any other start key with an error that
 * would otherwise surface as a 500.
 */
export function decodeCursor(scope: string, cursor: string, bounds?: CursorBounds): StartKey {
  const invalid = (why: string) =>
    new BreachwireError('query.invalidParam', `invalid cursor: ${why}`, {
      details: [{ param: 'cursor', message: why }],
    });
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid('too long');
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid('malformed');
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw invalid('signature mismatch (tampered or truncated)');
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CursorBody;
  } catch {
    throw invalid('malformed');
  }
  if (body.r !== scope) throw invalid('it belongs to another route or filter');
  if (!body.k || typeof body.k !== 'object') throw invalid('malformed');
  for (const value of Object.values(body.k)) {
    if (typeof value !== 'string' && typeof value !== 'number') throw invalid('malformed');
  }
  if (bounds && !fitsBounds(body.k, bounds)) throw invalid('it does not fit this query');
  return body.k;
}

function fitsBounds(key: StartKey, bounds: CursorBounds): boolean {
  const pk = `${bounds.index}pk`;
  const sk = `${bounds.index}sk`;
  const names = Object.keys(key).sort();
  if (names.join(',') !== ['pk', 'sk', pk, sk].sort().join(',')) return false;
  if (!names.every((name) => typeof key[name] === 'string')) return false;
  const position = key[sk] as string;
  return (
    key[pk] === bounds.partition &&
    (bounds.lower === undefined || position >= bounds.lower) &&
    (bounds.upper === undefined || position <= bounds.upper)
  );
}
