import type { Context } from 'aws-lambda';
// A namespace import lets esbuild drop zod's locales (~260 KB); `import { z }` pulls them all in.
import * as z from 'zod';
import { type IngestReport, ingestSource } from '../ingest/ingest.ts';
import { createPipeline } from '../ingest/pipeline.ts';
import { getSource } from '../sources/registry.ts';
import { createStore } from '../store/client.ts';
import { getSourceState } from '../store/source-state.ts';
import { METRIC } from './metric-names.ts';
import { createRuntime, parseConfigured } from './runtime.ts';

const runtime = createRuntime();
const store = createStore({ tableName: runtime.env.BREACHWIRE_TABLE });
const pipeline = createPipeline(store, runtime.log);

/** The input each EventBridge Scheduler schedule sends (`infra/constructs/ingest-schedules.ts`). */
const ingestEvent = { sourceId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a source id') };

/**
 * One scheduled run of one source.
 *
 * A source failure (site down, parse error) does NOT fail the invocation: `ingestSource` has
 * already recorded it in SourceState, the next scheduled run is the retry, and an async retry
 * by Lambda would only hit a struggling site again. It is made visible instead through the
 * `SourceFailures` and `SourceConsecutiveFailures` metrics, alarmed after N failed runs in a
 * row. The invocation fails only when the run could not be attempted at all (malformed event,
 * unknown source id, environment): those land in the dead-letter queue and the Errors alarm.
 */
export async function handler(event: unknown, context?: Context): Promise<IngestReport> {
  const { sourceId } = parseConfigured(ingestEvent, event, 'schedule input');
  return runtime.invoke(context, { sourceId }, async () => {
    const report = await ingestSource(getSource(sourceId), {
      store,
      log: runtime.log,
      pipeline,
    });
    const failed = report.status === 'failed';
    // Only a failed run needs the count; a successful one has reset it to 0.
    const consecutive = failed ? (await getSourceState(store, sourceId)).consecutiveFailures : 0;
    runtime.count(METRIC.documentsNew, report.newDocuments);
    runtime.count(METRIC.sourceFailures, failed ? 1 : 0);
    runtime.count(METRIC.sourceConsecutiveFailures, consecutive);
    return report;
  });
}
