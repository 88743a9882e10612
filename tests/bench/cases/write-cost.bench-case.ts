import { silentLog } from '../../../functions/core/log.ts';
import { ingestSource, ingestSources } from '../../../functions/ingest/ingest.ts';
import { createPipeline } from '../../../functions/ingest/pipeline.ts';
import { sources as registry } from '../../../functions/sources/registry.ts';
import { createStore } from '../../../functions/store/client.ts';
import { startEmbeddedStore } from '../../../functions/store/embedded.ts';
import { documentKeys } from '../../../functions/store/keys.ts';
import { startFixtureMirror } from '../../helpers/fixture-mirror.ts';
import { serveBody, startLoopbackServer } from '../../helpers/http-server.ts';
import { feedSource, newsFeed } from '../corpus.ts';
import { check, formatNumber, runCase } from '../harness.ts';
import { countPartition, countRequests } from '../store-tools.ts';
import { meterWrites } from '../write-meter.ts';

const FEED_DOCUMENTS = 200;

/**
 * Line 5: what a new document and an unchanged re-poll cost in write requests and WCU. The
 * whole fixture catalog (real documents of every source) is ingested into a fresh store,
 * then polled again unchanged; a synthetic feed whose stories repeat (four documents per
 * organisation) adds the cost of documents that join existing events.
 */
runCase('write-cost', async () => {
  const embedded = await startEmbeddedStore({ dataDir: null, tableName: 'bench-write-cost' });
  const images = createStore({ tableName: embedded.store.tableName, endpoint: embedded.endpoint });
  const { store } = embedded;
  const meter = meterWrites(store, images);
  const requests = countRequests(store);
  const mirror = await startFixtureMirror(registry);
  const sources = mirror.sources.filter((source) => source.enabled !== false);
  try {
    // 1. Every source's fixture, first run: all documents are new.
    const first = await ingestSources(sources, { store, pipeline: createPipeline(store, silentLog) }, 4);
    const failed = first.filter((report) => report.status !== 'stored');
    check(
      failed.length === 0,
      `first catalog run: ${failed.map((r) => `${r.sourceId} ${r.status}`).join(', ')}`,
    );
    const newDocuments = first.reduce((sum, report) => sum + report.newDocuments, 0);
    const stored = await countPartition(store, 'gsi1', documentKeys.byTimePartition());
    check(
      newDocuments > 0 && stored === newDocuments,
      `stored ${stored} documents, reports say ${newDocuments}`,
    );
    check(meter.requests === requests.writes(), 'the meter and the request counter disagree');
    check(
      meter.reportedTableUnits === meter.computedReportedUnits,
      `table WCU computed here under dynalite's rule (${meter.computedReportedUnits}) differ from what dynalite reports (${meter.reportedTableUnits}): the size rules are off`,
    );
    const breakdown = [...meter.byKind]
      .sort(([, a], [, b]) => b.units - a.units)
      .map(
        ([kind, cost]) =>
          `${kind} ${formatNumber(cost.units / newDocuments, 1)} WCU (${formatNumber(cost.writes / newDocuments, 2)} writes)`,
      )
      .join(', ');
    const catalog = {
      documents: newDocuments,
      requests: meter.requests,
      items: meter.itemWrites,
      table: meter.tableUnits,
      indexes: meter.indexUnits,
    };

    // 2. The same sources again, unchanged: one conditional GET each, nothing written.
    meter.reset();
    requests.reset();
    mirror.server.requests.length = 0;
    const again = await ingestSources(sources, { store, pipeline: createPipeline(store, silentLog) }, 4);
    check(
      again.every((report) => report.status === 'not-modified'),
      `re-poll statuses: ${[...new Set(again.map((r) => r.status))].join(', ')}`,
    );
    const gets = mirror.server.requests;
    const conditional = gets.filter((request) => request.headers['if-none-match'] !== undefined);
    const repoll = {
      sources: sources.length,
      gets: gets.length,
      conditional: conditional.length,
      writes: requests.writes(),
      units: meter.tableUnits + meter.indexUnits,
      reads: requests.reads(),
    };

    // 3. A feed whose documents repeat stories (joins, merges, penalty links), then the same
    // feed from a server without validators: a 200 whose body hashes the same.
    meter.reset();
    const server = await startLoopbackServer();
    server.route(
      '/feed',
      serveBody(newsFeed(FEED_DOCUMENTS, { prefix: 'wc' }), 'application/rss+xml; charset=utf-8'),
    );
    const source = feedSource('bench-write-cost', `${server.url}/feed`);
    const feedReport = await ingestSource(source, { store, pipeline: createPipeline(store, silentLog) });
    check(
      feedReport.newDocuments === FEED_DOCUMENTS,
      `feed stored ${feedReport.newDocuments} of ${FEED_DOCUMENTS}`,
    );
    const feed = { requests: meter.requests, units: meter.tableUnits + meter.indexUnits };
    meter.reset();
    requests.reset();
    const unchanged = await ingestSource(source, { store, pipeline: createPipeline(store, silentLog) });
    check(unchanged.status === 'unchanged', `same-body re-poll: ${unchanged.status}`);
    const sameBody = { writes: requests.writes(), units: meter.tableUnits + meter.indexUnits };
    await server.close();

    const perDocument = (catalog.table + catalog.indexes) / catalog.documents;
    const feedPerDocument = feed.units / FEED_DOCUMENTS;
    const repollMet =
      repoll.writes === 0 &&
      repoll.units === 0 &&
      repoll.gets === repoll.sources &&
      repoll.conditional === repoll.sources;
    const method =
      'WCU are computed from before/after item images read around each write (dynalite reports table units only, never index units; ours, recomputed under its rule of UTF-16 units instead of UTF-8 bytes, agree exactly with its figure for every put): the table write is the larger image in 1 KB units, and each of the 6 indexes (all project ALL) costs one write when the item enters or changes in it, one when it leaves, two when its index key changes.';
    return {
      lines: [
        {
          id: '5a',
          title: 'Write cost of a new document (whole fixture catalog, first run)',
          figure: `${formatNumber(perDocument, 1)} WCU and ${formatNumber(catalog.requests / catalog.documents, 2)} write requests per new document`,
          reference: '—',
          ratio: perDocument / 4,
          target: '≤ 4 WCU per new document on average (ratio = figure ÷ 4)',
          met: perDocument <= 4,
          notes: [
            `${formatNumber(catalog.documents)} new documents from ${sources.length} sources: ${formatNumber(catalog.requests)} write requests touching ${formatNumber(catalog.items)} items; ${formatNumber(catalog.table)} table WCU + ${formatNumber(catalog.indexes)} index WCU (${Math.round((catalog.indexes / (catalog.table + catalog.indexes)) * 100)}% in indexes).`,
            `Per new document, by request and item: ${breakdown}.`,
            `A ${FEED_DOCUMENTS}-document feed whose stories repeat (documents joining events): ${formatNumber(feedPerDocument, 1)} WCU and ${formatNumber(feed.requests / FEED_DOCUMENTS, 2)} write requests per new document.`,
            method,
          ],
        },
        {
          id: '5b',
          title: 'Write cost of an unchanged re-poll (whole catalog again)',
          figure: `${formatNumber(repoll.gets / repoll.sources, 2)} GET (${repoll.conditional} of ${repoll.gets} conditional, all 304) and ${repoll.writes} writes / ${repoll.units} WCU per source`,
          reference: '—',
          ratio: null,
          target: 'one conditional GET and zero writes per unchanged source',
          met: repollMet,
          notes: [
            `${repoll.sources} sources; reads per re-poll: ${formatNumber(repoll.reads / repoll.sources, 2)} requests per source (the source's state, and the pending-documents check).`,
            `A source without validators whose body is unchanged (200, same hash): ${sameBody.writes} writes, ${sameBody.units} WCU.`,
          ],
        },
      ],
      findings: [`Write cost per new document, by request and item (catalog run): ${breakdown}.`],
    };
  } finally {
    await mirror.server.close();
    images.doc.destroy();
    await embedded.close();
  }
});
