import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Log } from '../core/log.ts';

/** Lists change when a source runs (minutes apart); a minute of caching costs no freshness. */
export const CACHE_CONTROL = 'public, max-age=60';

/** Whether an If-None-Match header names this tag (weak comparison, RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = tag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/**
 * A cacheable answer: a weak ETag from the body's hash, `Cache-Control`, and a 304 when the
 * client already holds this body. Only successful answers go through here, so an error is
 * never cached.
 */
export function cachedBody(c: Context, body: string, contentType: string): Response {
  const tag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  c.header('ETag', tag);
  c.header('Cache-Control', CACHE_CONTROL);
  if (matches(c.req.header('If-None-Match'), tag)) return c.body(null, 304);
  c.header('Content-Type', contentType);
  return c.body(body, 200);
}

export function cachedJson(c: Context, value: unknown): Response {
  return cachedBody(c, JSON.stringify(value), 'application/json; charset=utf-8');
}

/**
 * A streamed body from an async sequence of text chunks. The first chunk is read before the
 * response starts, so a failure reading the first page is still a proper error response;
 * a failure later can only cut the stream (the status is already sent), and is logged.
 */
export async function streamedBody(
  chunks: AsyncGenerator<string>,
  log: Log,
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await chunks.next();
  let pending: IteratorResult<string> | null = first;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = pending ?? (await chunks.next());
        pending = null;
        if (result.done) controller.close();
        else controller.enqueue(encoder.encode(result.value));
      } catch (error) {
        log.error('export stream failed', { path, error: String(error) });
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** The query as parameter name → every value given, from the raw URL. */
export function rawQuery(c: Context): Record<string, string[]> {
  // No prototype: a parameter named `__proto__` must be a parameter like any other.
  const query: Record<string, string[]> = Object.create(null);
  for (const [name, value] of new URL(c.req.url).searchParams) {
    const values = query[name] ?? [];
    values.push(value);
    query[name] = values;
  }
  return query;
}

/** This request's URL with `cursor` set to the next page's, or null on the last page. */
export function nextUrl(c: Context, next: string | null): string | null {
  if (!next) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  return url.toString();
}
