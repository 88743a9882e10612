import { silentLog } from '../../../functions/core/log.ts';
import type { Document } from '../../../functions/documents/types.ts';
import { ingestSource } from '../../../functions/ingest/ingest.ts';
import { createPipeline, type Pipeline } from '../../../functions/ingest/pipeline.ts';
import { documentItem, getDocuments } from '../../../functions/store/documents.ts';
import { startEmbeddedStore } from '../../../functions/store/embedded.ts';
import { documentKeys, eventKeys } from '../../../functions/store/keys.ts';
import { serveBody, startLoopbackServer } from '../../helpers/http-server.ts';
import { feedSource, newsFeed } from '../corpus.ts';
import { check, formatNumber, formatRatio, median, runCase, timed } from '../harness.ts';
import { batchWriteItems } from '../seed.ts';
import { countPartition, countRequests } from '../store-tools.ts';

/** Kept modest: clustering dominates and costs tens of ms per document on dynalite (see the notes). */
const DOCUMENTS = 200;
const ROUNDS = 3;

/** A pipeline that records how long extraction and clustering take inside an ingest. */
function timedPipeline(pipeline: Pipeline) {
  const spent = { enrich: 0, cluster: 0 };
  const wrapped: Pipeline = {
    enrich: (document, source) => {
      const started = performance.now();
      const enriched = pipeline.enrich(document, source);
      spent.enrich += performance.now() - started;
      return enriched;
    },
    process: async (documents) => {
      const started = performance.now();
      await pipeline.process(documents);
      spent.cluster += performance.now() - started;
    },
    resume: () => pipeline.resume(),
  };
  return { pipeline: wrapped, spent };
}

/**
 * Line 4: fetch from loopback → parse → normalise → extract → store → cluster, on a fresh
 * embedded store each round, against a bare BatchWriteItem of as many items of the same size
 * on the same store right after.
 */
runCase('ingest', async () => {
  const server = await startLoopbackServer();
  const rounds: {
    ingestMs: number;
    bareMs: number;
    enrich: number;
    cluster: number;
    events: number;
    writes: number;
    reads: number;
  }[] = [];
  // Round 0 is a smaller warm-up (JIT, lexicons, SDK) and is not recorded.
  for (let round = 0; round <= ROUNDS; round++) {
    const count = round === 0 ? 100 : DOCUMENTS;
    const embedded = await startEmbeddedStore({ dataDir: null, tableName: `bench-ingest-${round}` });
    try {
      const { store } = embedded;
      const path = `/feed-${round}`;
      server.route(
        path,
        serveBody(newsFeed(count, { prefix: `r${round}` }), 'application/rss+xml; charset=utf-8'),
      );
      const source = feedSource(`bench-feed-${round}`, `${server.url}${path}`);
      const { pipeline, spent } = timedPipeline(createPipeline(store, silentLog));
      const requests = countRequests(store);

      const { ms: ingestMs, value: report } = await timed(() => ingestSource(source, { store, pipeline }));
      check(report.status === 'stored', `ingest ${report.status}: ${report.error?.message ?? ''}`);
      check(report.newDocuments === count, `ingest stored ${report.newDocuments} of ${count} documents`);
      const perDocument = { writes: requests.writes() / count, reads: requests.reads() / count };
      const stored = await countPartition(store, 'gsi1', documentKeys.byTimePartition());
      check(stored === count, `the store holds ${stored} documents, expected ${count}`);
      const pending = await countPartition(store, 'gsi3', documentKeys.pendingPartition());
      check(pending === 0, `${pending} documents were left unclustered`);
      const events = await countPartition(store, 'gsi1', eventKeys.byTimePartition());
      check(events > 0 && events < count, `clustering made ${events} events from ${count} documents`);

      // The same number of items, the same size: the stored documents under fresh ids.
      const sample = await getDocuments(store, (await sampleIds(store, count)).slice(0, count));
      check(sample.length === count, `read back ${sample.length} documents`);
      const items = sample.map((document, index) =>
        documentItem({ ...document, id: `bare${round}-${index}` } as Document, { pending: false }),
      );
      const { ms: bareMs } = await timed(() => batchWriteItems(store, items, 4));
      const after = await countPartition(store, 'gsi1', documentKeys.byTimePartition());
      check(after === 2 * count, `bare BatchWrite left ${after} documents, expected ${2 * count}`);
      if (round > 0)
        rounds.push({
          ingestMs,
          bareMs,
          enrich: spent.enrich,
          cluster: spent.cluster,
          events,
          ...perDocument,
        });
    } finally {
      await embedded.close();
    }
  }
  await server.close();

  const ingestRate = DOCUMENTS / (median(rounds.map((r) => r.ingestMs)) / 1000);
  const bareRate = DOCUMENTS / (median(rounds.map((r) => r.bareMs)) / 1000);
  const ratio = ingestRate / bareRate;
  const ingestMs = median(rounds.map((r) => r.ingestMs));
  const enrichMs = median(rounds.map((r) => r.enrich));
  const clusterMs = median(rounds.map((r) => r.cluster));
  const rest = ingestMs - enrichMs - clusterMs;
  const split = `extract ${formatNumber(enrichMs)} ms (${Math.round((enrichMs / ingestMs) * 100)}%), cluster ${formatNumber(clusterMs)} ms (${Math.round((clusterMs / ingestMs) * 100)}%), fetch + parse + normalise + store ${formatNumber(rest)} ms (${Math.round((rest / ingestMs) * 100)}%)`;
  return {
    lines: [
      {
        id: '4',
        title: `Ingest end to end into the embedded store (${formatNumber(DOCUMENTS)}-item feed on loopback)`,
        figure: `${formatNumber(ingestRate)} documents/s`,
        reference: `bare BatchWriteItem (25/request, 4 in flight) of ${formatNumber(DOCUMENTS)} same-size items: ${formatNumber(bareRate)} items/s`,
        ratio,
        target: 'ratio ≥ 0.3',
        met: ratio >= 0.3,
        notes: [
          `Median of ${ROUNDS} rounds (fresh in-memory store each) after a 100-document warm-up; each round checked: ${formatNumber(DOCUMENTS)} documents stored, none left pending, ${rounds[0]?.events} events clustered. Ratio ${formatRatio(ratio)}.`,
          `Where an ingest's ${formatNumber(ingestMs)} ms go: ${split}.`,
          `Requests per new document: ${formatNumber(rounds[0]!.writes, 2)} writes and ${formatNumber(rounds[0]!.reads, 2)} reads (the bare reference: 0.04 BatchWriteItem requests per item).`,
        ],
      },
    ],
    findings: [`Ingest of ${formatNumber(DOCUMENTS)} documents: ${split}.`],
  };
});

/** Ids of the stored documents (the time index, newest first). */
async function sampleIds(store: Parameters<typeof countPartition>[0], limit: number): Promise<string[]> {
  const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': documentKeys.byTimePartition() },
        ProjectionExpression: 'id',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) ids.push(String(item['id']));
    startKey = result.LastEvaluatedKey;
  } while (startKey && ids.length < limit);
  return ids;
}
