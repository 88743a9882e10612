import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
// A namespace import lets esbuild drop zod's locales (~260 KB); `import { z }` pulls them all in.
import * as z from 'zod';
import { type DatasetExportReport, exportDataset, s3ObjectSink } from '../export/s3-writer.ts';
import { createStore } from '../store/client.ts';
import { createRuntime, parseConfigured } from './runtime.ts';

const runtime = createRuntime({ BREACHWIRE_EXPORT_BUCKET: z.string().min(1, 'must name the export bucket') });
const store = createStore({ tableName: runtime.env.BREACHWIRE_TABLE });
const sink = s3ObjectSink(new S3Client({ maxAttempts: 4 }), runtime.env.BREACHWIRE_EXPORT_BUCKET);

/**
 * The schedule sends its scheduled time (`infra/constructs/research-export.ts`); a manual
 * invocation may send none (the snapshot is then "now").
 */
const exportEvent = { asOf: z.iso.datetime({ offset: true }).optional() };

/**
 * The daily research export: the whole dataset as of the scheduled time, to S3. The snapshot is
 * the schedule's time, not the start of the run, so a retried or re-run invocation of the same
 * day reproduces the same rows into the same keys.
 */
export async function handler(event: unknown, context?: Context): Promise<DatasetExportReport> {
  const input = parseConfigured(exportEvent, event ?? {}, 'export input');
  const exportedAt = new Date().toISOString();
  const asOf = input.asOf ? new Date(input.asOf).toISOString() : exportedAt;
  return runtime.invoke(context, {}, () =>
    exportDataset({ store, sink, asOf, exportedAt, log: runtime.log }),
  );
}
