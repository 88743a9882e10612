import type { Facts, StructuredHints } from '../extract/types.ts';
import type { NativeValue } from '../sources/types.ts';

/**
 * One item of one source, immutable once stored (apart from the link to its event).
 * `publishedAt` is what the source claims; `firstSeenAt` is when we first stored it.
 */
export interface Document {
  id: string;
  sourceId: string;
  /** Canonical URL, or null for register rows that have no page of their own. */
  url: string | null;
  guid: string | null;
  title: string;
  summary: string;
  lang: string;
  publishedAt: string | null;
  firstSeenAt: string;
  /** When the fetch that produced it ran (provenance). */
  fetchedAt: string;
  native: Record<string, NativeValue>;
  structured: StructuredHints | null;
  facts: Facts | null;
  /** Set once clustering has attached the document to an event. */
  eventId: string | null;
}
