import { createHash } from 'node:crypto';
import { mapLimit } from '../core/concurrency.ts';
import { describeError, isBreachwireError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Document } from '../documents/types.ts';
import { type FetchOptions, type FetchResult, fetchSource } from '../fetch/fetch-source.ts';
import { normalizeEntry } from '../normalize/document.ts';
import type { RawEntry, Source } from '../sources/types.ts';
import type { Store } from '../store/client.ts';
import { storeNewDocuments } from '../store/documents.ts';
import { getSourceState, type SourceState, updateSourceState } from '../store/source-state.ts';
import { HostPacer } from './host-pacer.ts';
import type { Pipeline } from './pipeline.ts';

/** The steps of one run; a checkpoint hook between them lets tests simulate a crash. */
export type IngestStep = 'fetched' | 'parsed' | 'documents-stored' | 'state-recorded';

export interface IngestDeps {
  store: Store;
  log?: Log;
  now?: () => Date;
  fetchOptions?: FetchOptions;
  pacer?: HostPacer;
  /** Runs after each step; throwing from it simulates a crash at that point. */
  checkpoint?: (step: IngestStep, sourceId: string) => void | Promise<void>;
  /** Extraction before storing and clustering after (absent: documents are stored bare). */
  pipeline?: Pipeline;
}

export interface IngestReport {
  sourceId: string;
  status: 'stored' | 'not-modified' | 'unchanged' | 'failed';
  pages: number;
  entries: number;
  /** Entries that could not be identified (no guid and no valid link) and were skipped. */
  invalid: number;
  newDocuments: number;
  drift: string | null;
  error: { code: string; message: string } | null;
  durationMs: number;
}

/** An unchanged source re-polled within this window costs zero writes (health is recent enough). */
const QUIET_WRITE_INTERVAL_MS = 6 * 3600_000;

/**
 * One run of one source: fetch (conditional) → parse → normalise → store new documents →
 * record health. Never throws for a source failure: the error is recorded in SourceState,
 * logged with the source id and returned, so one failing source never stops the others.
 * Every step is idempotent, so a crash anywhere is completed by the next run.
 */
export async function ingestSource(source: Source, deps: IngestDeps): Promise<IngestReport> {
  const log = deps.log ?? silentLog;
  const now = deps.now ?? (() => new Date());
  const started = Date.now();
  const runAt = now();
  const report: IngestReport = {
    sourceId: source.id,
    status: 'failed',
    pages: 0,
    entries: 0,
    invalid: 0,
    newDocuments: 0,
    drift: null,
    error: null,
    durationMs: 0,
  };
  let state: SourceState | null = null;
  try {
    await resumePending(deps, log);
    state = await getSourceState(deps.store, source.id);
    const pacer = deps.pacer ?? new HostPacer();
    const fetchPage = async (url: string, conditional: boolean): Promise<FetchResult> => {
      await pacer.wait(url, source.crawlDelaySeconds ?? 1);
      return fetchSource(url, {
        ...deps.fetchOptions,
        headers: { ...deps.fetchOptions?.headers, ...source.headers },
        ...(conditional ? { etag: state?.etag ?? null, lastModified: state?.lastModified ?? null } : {}),
      });
    };

    const first = await fetchPage(source.url, true);
    report.pages = 1;
    await deps.checkpoint?.('fetched', source.id);
    if (first.notModified) {
      report.status = 'not-modified';
      await recordQuietSuccess(deps.store, state, runAt);
      return finish(report, started, log);
    }
    const bodyHash = createHash('sha256').update(first.body).digest('base64url');
    if (bodyHash === state.bodyHash && state.consecutiveFailures === 0) {
      report.status = 'unchanged';
      await recordQuietSuccess(deps.store, state, runAt, {
        etag: first.etag,
        lastModified: first.lastModified,
      });
      return finish(report, started, log);
    }

    const pages: { entries: RawEntry[]; url: string }[] = [];
    let page: FetchResult = first;
    let pageProblem: string | null = null;
    for (let index = 0; ; index++) {
      const parsed = await source.parse(page.body, {
        source,
        url: page.url,
        page: index,
        contentType: page.contentType,
      });
      pages.push({ entries: parsed.entries, url: page.url });
      if (!parsed.next || index + 1 >= (source.maxPages ?? 1)) break;
      try {
        page = await fetchPage(parsed.next, false);
        report.pages++;
      } catch (error) {
        // A failing later page must not throw away the pages already read.
        pageProblem = `page ${index + 2} failed: ${describeError(error)}`;
        break;
      }
    }
    await deps.checkpoint?.('parsed', source.id);

    const seen = new Set<string>();
    const documents: Document[] = [];
    for (const { entries, url } of pages) {
      report.entries += entries.length;
      for (const entry of entries) {
        const normalized = normalizeEntry(entry, { source, pageUrl: url, fetchedAt: runAt });
        const document = normalized && deps.pipeline ? deps.pipeline.enrich(normalized, source) : normalized;
        if (!document) {
          report.invalid++;
          continue;
        }
        // The same guid twice in one feed is one document.
        if (seen.has(document.id)) continue;
        seen.add(document.id);
        documents.push(document);
      }
    }
    const drift = detectDrift(
      source,
      state,
      pages.flatMap((p) => p.entries),
    );
    report.drift = [drift, pageProblem].filter(Boolean).join('; ') || null;

    const stored = await storeNewDocuments(deps.store, documents, { pending: deps.pipeline !== undefined });
    report.newDocuments = stored.length;
    await deps.checkpoint?.('documents-stored', source.id);
    if (deps.pipeline) await deps.pipeline.process(stored);

    await updateSourceState(deps.store, source.id, {
      etag: first.etag,
      lastModified: first.lastModified,
      bodyHash,
      lastRunAt: runAt.toISOString(),
      lastSuccessAt: runAt.toISOString(),
      consecutiveFailures: 0,
      itemsLastRun: report.entries,
      newLastRun: report.newDocuments,
      drift: report.drift,
    });
    await deps.checkpoint?.('state-recorded', source.id);
    report.status = 'stored';
    return finish(report, started, log);
  } catch (error) {
    report.status = 'failed';
    report.error = {
      code: isBreachwireError(error) ? error.code : 'internal',
      message: describeError(error),
    };
    try {
      await updateSourceState(
        deps.store,
        source.id,
        {
          lastRunAt: runAt.toISOString(),
          lastError: report.error.message,
          lastErrorCode: report.error.code,
          lastErrorAt: runAt.toISOString(),
        },
        { incrementFailures: true },
      );
    } catch (recordError) {
      log.error('could not record source failure', {
        sourceId: source.id,
        error: describeError(recordError),
      });
    }
    return finish(report, started, log);
  }
}

/**
 * Finishes documents an earlier run stored but did not cluster (a crash between steps).
 * One Query of a sparse index, empty in steady state; a failure here never fails the source.
 */
async function resumePending(deps: IngestDeps, log: Log): Promise<void> {
  if (!deps.pipeline) return;
  try {
    const resumed = await deps.pipeline.resume();
    if (resumed > 0) log.info('resumed pending documents', { count: resumed });
  } catch (error) {
    log.warn('could not resume pending documents', { error: describeError(error) });
  }
}

async function recordQuietSuccess(
  store: Store,
  state: SourceState,
  runAt: Date,
  validators: { etag?: string | null; lastModified?: string | null } = {},
): Promise<void> {
  const recent =
    state.lastSuccessAt && runAt.getTime() - Date.parse(state.lastSuccessAt) < QUIET_WRITE_INTERVAL_MS;
  const validatorsChanged =
    (validators.etag !== undefined && validators.etag !== state.etag) ||
    (validators.lastModified !== undefined && validators.lastModified !== state.lastModified);
  if (recent && state.consecutiveFailures === 0 && !validatorsChanged) return;
  await updateSourceState(store, state.sourceId, {
    ...validators,
    lastRunAt: runAt.toISOString(),
    lastSuccessAt: runAt.toISOString(),
    consecutiveFailures: 0,
  });
}

/** A silently broken scraper is the most common complaint about trackers: say so. */
function detectDrift(source: Source, state: SourceState, entries: RawEntry[]): string | null {
  if (entries.length === 0) {
    return state.itemsLastRun
      ? `no items parsed (the previous run had ${state.itemsLastRun})`
      : 'no items parsed';
  }
  const required = source.requiredNative ?? [];
  if (required.length === 0) return null;
  const missing = new Map<string, number>();
  for (const entry of entries) {
    for (const field of required) {
      const value = entry.native?.[field];
      if (value === undefined || value === null || value === '')
        missing.set(field, (missing.get(field) ?? 0) + 1);
    }
  }
  if (missing.size === 0) return null;
  const fields = [...missing.entries()].map(([field, count]) => `${field} (${count})`).join(', ');
  return `required fields missing in ${entries.length} entries: ${fields}`;
}

function finish(report: IngestReport, started: number, log: Log): IngestReport {
  report.durationMs = Date.now() - started;
  const fields = {
    sourceId: report.sourceId,
    status: report.status,
    entries: report.entries,
    newDocuments: report.newDocuments,
    durationMs: report.durationMs,
  };
  if (report.status === 'failed') log.warn('source failed', { ...fields, error: report.error });
  else if (report.drift) log.warn('source drift', { ...fields, drift: report.drift });
  else log.info('source ingested', fields);
  return report;
}

/** Runs many sources, a few at a time, sharing one host pacer; one failure never stops the rest. */
export async function ingestSources(
  sources: readonly Source[],
  deps: IngestDeps,
  concurrency = 4,
): Promise<IngestReport[]> {
  const shared = { ...deps, pacer: deps.pacer ?? new HostPacer() };
  return mapLimit(sources, concurrency, (source) => ingestSource(source, shared));
}
