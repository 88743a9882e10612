import type { AffectedUnit, DataType, Kind, Penalty } from '../extract/types.ts';

/** One value of the affected count as one document stated it: the history is never overwritten. */
export interface AffectedObservation {
  count: number;
  unit: AffectedUnit;
  approximate: boolean;
  documentId: string;
  sourceId: string;
  /** When the document says it (published, else first seen). */
  statedAt: string;
  /** When we first saw the document: what an as-of snapshot is cut on. */
  seenAt: string;
}

export type RelationKind = 'penalty' | 'policy' | 'breach';

/** A link between events: a penalty or policy event points to the breach it concerns, and back. */
export interface RelatedEvent {
  eventId: string;
  /** The kind of the event linked to. */
  kind: RelationKind;
  /** Why they were linked (same organisation, text naming the incident). */
  reason: string;
}

export interface EventOrganization {
  name: string;
  /** The normalised, alias-resolved key (`coupang` for "Coupang Inc." and "쿠팡"). */
  key: string;
  /** Every name seen for it across documents and scripts. */
  aliases: string[];
}

/**
 * The cluster of documents that describe one real-world incident, penalty or policy action.
 * Updated with an optimistic version check (`revision`), never in a transaction.
 */
export interface Event {
  id: string;
  kind: Kind;
  title: string;
  titleDocumentId: string;
  /** How informative the title document is (facts present, title length); a better one replaces it. */
  titleScore: number;
  organization: EventOrganization | null;
  /** ISO 3166-1 alpha-2 or `EU`; the primary country. */
  country: string | null;
  dates: {
    occurred: string | null;
    discovered: string | null;
    /** Earliest disclosure among the documents. */
    disclosed: string | null;
  };
  /** The best-supported value, or null while unknown (never 0). */
  affected: { count: number; unit: AffectedUnit; approximate: boolean } | null;
  affectedHistory: AffectedObservation[];
  dataTypes: DataType[];
  penalty: (Penalty & { documentId: string }) | null;
  policy: { actor: string | null; type: string | null } | null;
  related: RelatedEvent[];
  documentIds: string[];
  /** Source ids, each outlet counted once. */
  sources: string[];
  /**
   * Each member document with its source, when we first saw it (for as-of snapshots) and
   * when it says it was published (the time window of matching is built from these).
   */
  members: { documentId: string; sourceId: string; seenAt: string; statedAt: string | null }[];
  /** Canonical URLs of member documents (capped), to recognise the same story twice. */
  urls: string[];
  /** Folded titles of member documents (capped), to recognise syndicated copies. */
  titles: string[];
  firstSeenAt: string;
  updatedAt: string;
  revision: number;
  /**
   * Work that must follow this revision (outbox entries to write, back-links to add),
   * stored in the same single-item write as the change so a crash cannot lose it; cleared
   * once done. Empty when the event is settled.
   */
  pending: PendingWork;
}

export interface PendingWork {
  outbox: OutboxEntry[];
  /** Events that must get a back-link to this one. */
  links: RelatedEvent[];
}

export type OutboxChange = 'created' | 'count-known' | 'count-revised' | 'penalty-linked';

/**
 * A notification to deliver: written with a deterministic id in the same idempotent step
 * sequence as the event change, so the notifier can deliver each exactly once.
 */
export interface OutboxEntry {
  id: string;
  eventId: string;
  change: OutboxChange;
  /** A human sentence: "count revised: 4,500 → 33.7 million". */
  summary: string;
  /** The event revision that produced the entry. */
  revision: number;
  createdAt: string;
  status: 'pending' | 'done' | 'dead';
  /** Why an entry was parked as dead. */
  error: string | null;
}
