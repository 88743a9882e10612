import type { Facts } from '../extract/types.ts';
import type { ExtractLine } from '../extract/wire.ts';
import {
  type ClusterDocument,
  chooseEvent,
  findConcernedBreach,
  mergeDocument,
  openEvent,
} from './cluster.ts';
import { organizationKey } from './organization.ts';
import type { Event } from './types.ts';

/** One item of a batch: what `breachwire extract --cluster` and the eval harness have per line. */
export interface BatchItem {
  id: string;
  title: string;
  summary?: string;
  url?: string | null;
  publishedAt?: string | null;
  sourceId?: string;
  facts: Facts;
}

/** Undated items carry no time at all, so the time windows cannot separate them from dated ones. */
function toClusterDocument(item: BatchItem, index: number): ClusterDocument {
  const published =
    item.publishedAt && Number.isFinite(Date.parse(item.publishedAt))
      ? new Date(item.publishedAt).toISOString()
      : null;
  return {
    id: item.id || `item-${index}`,
    sourceId: item.sourceId ?? 'batch',
    url: item.url ?? null,
    title: item.title,
    summary: item.summary ?? '',
    publishedAt: published,
    firstSeenAt: published ?? '',
    facts: item.facts,
  };
}

/**
 * Clusters items in input order with the same rules as the stored event layer, in memory:
 * each item joins an event or opens one, and gets that event's id. Incremental, so a stream
 * can be clustered line by line (later items join earlier events; ids never change).
 */
export class BatchClusterer {
  private readonly events = new Map<string, Event>();
  private readonly byOrganization = new Map<string, Set<string>>();
  private readonly byKind = new Map<string, Set<string>>();
  private count = 0;

  add(item: BatchItem): string {
    const document = toClusterDocument(item, this.count++);
    const now = document.firstSeenAt;
    const key = organizationKey(document.facts.organization);
    const candidates = new Set<string>([
      ...(key ? (this.byOrganization.get(key) ?? []) : []),
      ...(this.byKind.get(document.facts.kind) ?? []),
    ]);
    const decision = chooseEvent(document, [...candidates].map((id) => this.events.get(id)!).filter(Boolean));
    let event: Event;
    if (decision) {
      event = mergeDocument(decision.event, document, now) ?? decision.event;
    } else {
      event = openEvent(document, now);
      const breaches = [...this.events.values()].filter((candidate) => candidate.kind === 'breach');
      const link = findConcernedBreach(event, `${document.title} ${document.summary}`, breaches);
      if (link) event.related.push(link);
    }
    event.pending = { outbox: [], links: [] };
    this.events.set(event.id, event);
    if (event.organization) this.index(this.byOrganization, event.organization.key, event.id);
    this.index(this.byKind, event.kind, event.id);
    return event.id;
  }

  private index(map: Map<string, Set<string>>, key: string, id: string): void {
    const set = map.get(key) ?? new Set<string>();
    set.add(id);
    map.set(key, set);
  }
}

/** Facts back from an output line of the extractor (enough for clustering). */
function factsFromLine(line: ExtractLine): Facts {
  return {
    extractorVersion: 'wire',
    kind: line.kind,
    organization: line.organization,
    affected: line.affected,
    penalty: line.penalty ? { ...line.penalty, status: null } : null,
    country: line.country,
    dataTypes: line.data_types,
    dates: { occurred: null, discovered: null, disclosed: null },
    evidence: {},
  };
}

/** Clusters extractor output lines in order; one event id per line (for the eval harness). */
export function clusterLines(lines: readonly ExtractLine[]): string[] {
  const clusterer = new BatchClusterer();
  return lines.map((line, index) =>
    clusterer.add({
      id: line.id ?? `line-${index}`,
      title: line.title ?? '',
      url: line.url ?? null,
      publishedAt: line.published_at ?? null,
      facts: factsFromLine(line),
    }),
  );
}
