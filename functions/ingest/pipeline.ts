import { describeError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { Document } from '../documents/types.ts';
import { type ClusterDeps, clusterDocument } from '../events/process.ts';
import { extractFacts } from '../extract/extract.ts';
import type { Source } from '../sources/types.ts';
import type { Store } from '../store/client.ts';
import { getDocuments, listPendingDocumentIds } from '../store/documents.ts';

/**
 * What happens to documents around the store step, wired in one place and used alike by the
 * CLI, the local runner and the Lambda handler: facts are extracted before a document is
 * stored (so every stored document carries them), and stored documents are clustered into
 * events afterwards, resuming any left pending by an earlier crash.
 */
export interface Pipeline {
  enrich(document: Document, source: Source): Document;
  /** Clusters newly stored documents; failures leave them pending for `resume`. */
  process(documents: readonly Document[]): Promise<void>;
  /** Clusters documents an earlier run stored but did not finish; returns how many. */
  resume(): Promise<number>;
}

/** The source's jurisdiction as a country prior: `US-CA` → `US`, `global` → none. */
export function countryPrior(jurisdiction: string): string | undefined {
  if (jurisdiction === 'global') return undefined;
  return jurisdiction.split('-')[0];
}

export function enrichDocument(document: Document, source: Pick<Source, 'jurisdiction'>): Document {
  const prior = countryPrior(source.jurisdiction);
  const facts = extractFacts({
    id: document.id,
    title: document.title,
    summary: document.summary,
    ...(document.url ? { url: document.url } : {}),
    ...(document.publishedAt ? { publishedAt: document.publishedAt } : {}),
    lang: document.lang,
    ...(prior ? { sourceCountry: prior } : {}),
    ...(document.structured ? { structured: document.structured } : {}),
  });
  return { ...document, facts };
}

/**
 * Documents being clustered by some run in this process. Runs of several sources overlap, and
 * each begins by resuming pending documents: without this, one run would "resume" the documents
 * another run stored a moment ago and is clustering right now — correct (every step is
 * idempotent) but twice the work. Across processes the same overlap is rare and harmless.
 */
const inFlight = new Set<string>();

export function createPipeline(
  store: Store,
  log: Log,
  options: Omit<ClusterDeps, 'store' | 'log'> = {},
): Pipeline {
  const deps: ClusterDeps = { store, log, ...options };
  const clusterAll = async (documents: readonly Document[]) => {
    // Claimed all at once, before the first is clustered, so no overlapping run resumes the rest.
    const mine = documents.filter((document) => !inFlight.has(document.id));
    for (const document of mine) inFlight.add(document.id);
    let done = 0;
    for (const document of mine) {
      try {
        await clusterDocument(document, deps);
        done++;
      } catch (error) {
        // The document stays pending; the next run resumes it.
        log.warn('clustering failed; will resume next run', {
          documentId: document.id,
          sourceId: document.sourceId,
          error: describeError(error),
        });
      } finally {
        inFlight.delete(document.id);
      }
    }
    return done;
  };
  return {
    enrich: enrichDocument,
    process: async (documents) => {
      await clusterAll(documents);
    },
    resume: async () => {
      const ids = (await listPendingDocumentIds(store, 200)).filter((id) => !inFlight.has(id));
      if (ids.length === 0) return 0;
      return clusterAll(await getDocuments(store, ids));
    },
  };
}
