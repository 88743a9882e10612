import { createHash } from 'node:crypto';
import type { Document } from '../documents/types.ts';
import type { RawEntry, Source } from '../sources/types.ts';
import { canonicalUrl } from './canonical-url.ts';
import { parsePublishedAt, saneDate } from './dates.ts';
import { detectLanguage } from './language.ts';
import { cleanText } from './text.ts';

/** Zones of sources that publish floating dates, by jurisdiction. */
const JURISDICTION_ZONE: Record<string, string> = {
  KR: 'Asia/Seoul',
  JP: 'Asia/Tokyo',
  SG: 'Asia/Singapore',
  AU: 'Australia/Sydney',
  US: 'America/New_York',
  'US-CA': 'America/Los_Angeles',
  'US-WA': 'America/Los_Angeles',
  'US-OR': 'America/Los_Angeles',
};

/**
 * A stable document id: from the source's permanent id when it has one, otherwise from the
 * canonical URL — never from a date, so an item re-published with a new date is the same
 * document. Namespaced by source, so two sources' guids never collide.
 */
export function documentId(sourceId: string, guid: string | null, url: string | null): string | null {
  const basis = guid ? `g:${guid}` : url ? `u:${url}` : null;
  if (!basis) return null;
  return `d${createHash('sha256').update(`${sourceId}\u0000${basis}`).digest('base64url').slice(0, 22)}`;
}

export interface NormalizeContext {
  source: Source;
  /** The page the entry was parsed from; base for relative links. */
  pageUrl: string;
  fetchedAt: Date;
}

/**
 * Turns a raw entry into a Document: canonical URL, stable id, UTC dates, clean text,
 * language. Returns null for an entry that cannot be identified (no guid and no valid link)
 * — it could never be deduplicated, so storing it would duplicate it on every run.
 */
export function normalizeEntry(entry: RawEntry, context: NormalizeContext): Document | null {
  const { source, pageUrl, fetchedAt } = context;
  const url = entry.url ? canonicalUrl(entry.url, pageUrl) : null;
  const guid = entry.guid?.trim() ? entry.guid.trim().slice(0, 500) : null;
  const id = documentId(source.id, guid, url);
  if (!id) return null;
  const title = cleanText(entry.title, 500);
  const summary = cleanText(entry.summary, 4_000);
  if (!title && !summary) return null;
  const zone =
    source.timeZone ??
    JURISDICTION_ZONE[source.jurisdiction] ??
    JURISDICTION_ZONE[source.jurisdiction.split('-')[0] ?? ''];
  const publishedAt = entry.publishedAt
    ? saneDate(parsePublishedAt(entry.publishedAt, zone ? { timeZone: zone } : {}), fetchedAt)
    : null;
  const iso = fetchedAt.toISOString();
  return {
    id,
    sourceId: source.id,
    url,
    guid,
    title: title || summary.slice(0, 200),
    summary,
    lang: detectLanguage(`${title} ${summary}`, entry.lang ?? source.language),
    publishedAt,
    firstSeenAt: iso,
    fetchedAt: iso,
    native: { ...(entry.native ?? {}), ...(entry.publishedAt ? { published_raw: entry.publishedAt } : {}) },
    structured: entry.structured ?? null,
    facts: null,
    eventId: null,
  };
}
