import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { BreachwireError, describeError, isBreachwireError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import { KINDS } from '../extract/types.ts';
import { healthOf } from '../sources/health.ts';
import type { Source } from '../sources/types.ts';
import type { Store } from '../store/client.ts';
import { listDocuments } from '../store/documents.ts';
import { getSourceStates } from '../store/source-state.ts';
import { cursorParam, isoDateParam, limitParam, parseParams } from './params.ts';
import { publicDocument, publicSource } from './serialize.ts';

export interface AppDeps {
  store: Store;
  sources: readonly Source[];
  log?: Log;
}

export const documentsQuery = {
  source: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a source id')
    .optional(),
  kind: z.enum(KINDS as [string, ...string[]]).optional(),
  since: isoDateParam.optional(),
  limit: limitParam,
  cursor: cursorParam.optional(),
};

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  'query.invalidParam': 400,
  'query.notFound': 404,
  'source.unknown': 404,
};

/** The query as parameter name → every value given, from the raw URL. */
function rawQuery(c: Context): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) {
    const values = query[name] ?? [];
    values.push(value);
    query[name] = values;
  }
  return query;
}

function nextUrl(c: Context, next: string | null): string | null {
  if (!next) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', next);
  return url.toString();
}

/**
 * The HTTP API. It knows nothing about Lambda or Node's HTTP server: the Lambda entry wraps
 * it with `handle(app)`, the local runner with `serve`, tests call `app.request()`.
 */
export function createApp(deps: AppDeps) {
  const log = deps.log ?? silentLog;
  const app = new Hono();

  app.onError((error, c) => {
    const status = isBreachwireError(error) ? (STATUS_BY_CODE[error.code] ?? 500) : 500;
    if (status >= 500) log.error('request failed', { path: c.req.path, error: describeError(error) });
    // A 500 body never carries internal detail.
    const body =
      status >= 500 || !isBreachwireError(error)
        ? { ok: false, status, error: 'internal error', errors: [] }
        : { ok: false, status, error: error.message, errors: error.details };
    return c.json(body, status as 400);
  });
  app.notFound((c) =>
    c.json({ ok: false, status: 404, error: `no route for ${c.req.path}`, errors: [] }, 404),
  );

  app.get('/v1/documents', async (c) => {
    const query = parseParams(documentsQuery, rawQuery(c));
    const page = await listDocuments(deps.store, query);
    const next_url = nextUrl(c, page.next);
    if (next_url) c.header('Link', `<${next_url}>; rel="next"`);
    return c.json({ ok: true, rows: page.rows.map(publicDocument), next: page.next, next_url });
  });

  app.get('/v1/sources', async (c) => {
    parseParams({}, rawQuery(c));
    const states = await getSourceStates(
      deps.store,
      deps.sources.map((source) => source.id),
    );
    const rows = deps.sources.map((source, index) => publicSource(healthOf(source, states[index]!)));
    return c.json({ ok: true, rows, next: null, next_url: null });
  });

  app.get('/v1/sources/:id', async (c) => {
    const id = c.req.param('id');
    const source = deps.sources.find((candidate) => candidate.id === id);
    if (!source)
      throw new BreachwireError('query.notFound', `unknown source "${id}"`, {
        details: [{ param: 'id', message: 'no such source' }],
      });
    const [state] = await getSourceStates(deps.store, [id]);
    return c.json({ ok: true, rows: [publicSource(healthOf(source, state!))], next: null, next_url: null });
  });

  return app;
}
