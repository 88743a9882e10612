import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { silentLog } from '../../functions/core/log.ts';
import { ingestSources } from '../../functions/ingest/ingest.ts';
import { createPipeline } from '../../functions/ingest/pipeline.ts';
import { sources as registry } from '../../functions/sources/registry.ts';
import type { Source } from '../../functions/sources/types.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { startFixtureMirror } from '../helpers/fixture-mirror.ts';
import type { LoopbackServer } from '../helpers/http-server.ts';
import { startTestStore } from '../helpers/store.ts';

let embedded: EmbeddedStore;
let mirror: LoopbackServer;
let sources: Source[];
let writes = 0;

beforeAll(async () => {
  embedded = await startTestStore();
  // Count every write request the store receives (a real client middleware, not a mock).
  embedded.store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(Put|Update|Delete|BatchWrite)/.test(context.commandName ?? '')) writes++;
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const started = await startFixtureMirror(registry);
  mirror = started.server;
  sources = started.sources;
});

afterAll(async () => {
  await embedded.close();
  await mirror.close();
});

interface Body {
  rows: {
    id: string;
    health: { status: string; last_error: string | null; items_last_run: number | null };
  }[];
}

describe('the whole catalog from recorded fixtures', () => {
  it('ingests every source, extracts facts and clusters them into events', async () => {
    const pipeline = createPipeline(embedded.store, silentLog);
    const reports = await ingestSources(sources, { store: embedded.store, pipeline }, 4);
    const failed = reports.filter((report) => report.status !== 'stored');
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    for (const report of reports) expect(report.newDocuments, report.sourceId).toBeGreaterThan(0);
    // KISA's fixture links a page 2 that the mirror does not have: page 1 is kept, the miss reported.
    expect(reports.find((report) => report.sourceId === 'kisa-press')?.drift).toMatch(
      /page 2 failed: .*HTTP 404/,
    );

    const app = createApp({ store: embedded.store, sources });
    const documents = (await (await app.request('/v1/documents?limit=500')).json()) as {
      rows: { kind: string | null; event_id: string | null }[];
    };
    expect(documents.rows.length).toBe(reports.reduce((sum, report) => sum + report.newDocuments, 0));
    // Every stored document carries its facts and belongs to an event.
    expect(documents.rows.every((row) => row.kind !== null && row.event_id !== null)).toBe(true);
  });

  it('a second run of unchanged sources stores nothing and writes nothing', async () => {
    writes = 0;
    const pipeline = createPipeline(embedded.store, silentLog);
    const reports = await ingestSources(sources, { store: embedded.store, pipeline }, 4);
    expect(reports.every((report) => report.status === 'not-modified' || report.status === 'unchanged')).toBe(
      true,
    );
    expect(reports.reduce((sum, report) => sum + report.newDocuments, 0)).toBe(0);
    expect(writes).toBe(0);
  });

  it('garbage, a 500 and a timeout fail their own sources only, and stored data stays', async () => {
    const app = createApp({ store: embedded.store, sources });
    const before = ((await (await app.request('/v1/documents?limit=500')).json()) as { rows: unknown[] }).rows
      .length;
    // Three enabled sources (a disabled one reports its health as disabled, not failing).
    const [garbage, broken, slow] = sources.filter((source) => source.enabled !== false);
    mirror.route(
      `/${garbage!.id}`,
      (_req, res) =>
        void res.writeHead(200, { 'content-type': 'application/xml' }).end('\u0000\u0001garbage<<<'),
    );
    mirror.route(`/${broken!.id}`, (_req, res) => void res.writeHead(500).end('down'));
    mirror.route(`/${slow!.id}`, () => {
      // never answers
    });
    const pipeline = createPipeline(embedded.store, silentLog);
    const reports = await ingestSources(
      sources,
      { store: embedded.store, pipeline, fetchOptions: { timeoutMs: 500 } },
      8,
    );
    const byId = new Map(reports.map((report) => [report.sourceId, report]));
    expect(byId.get(garbage!.id)?.status).toBe('failed');
    expect(byId.get(broken!.id)?.error?.code).toBe('source.httpStatus');
    expect(byId.get(slow!.id)?.error?.code).toBe('source.timeout');
    expect(reports.filter((report) => report.status === 'failed')).toHaveLength(3);

    const health = (await (await app.request('/v1/sources')).json()) as Body;
    const failing = health.rows
      .filter((row) => row.health.status === 'failing')
      .map((row) => row.id)
      .sort();
    expect(failing).toEqual([garbage!.id, broken!.id, slow!.id].sort());
    const after = ((await (await app.request('/v1/documents?limit=500')).json()) as { rows: unknown[] }).rows
      .length;
    expect(after).toBe(before);
  });
});
