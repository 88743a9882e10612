import { createHash } from 'node:crypto';
import type { Document } from '../documents/types.ts';
import type { Facts, Kind } from '../extract/types.ts';
import type { CandidateEvent } from '../store/events.ts';
import {
  organizationDisplayName,
  organizationKey,
  organizationsMentioned,
  sameOrganization,
  textNamesOrganization,
} from './organization.ts';
import { contentWords, foldTitle, titleSimilarity } from './similarity.ts';
import type { AffectedObservation, Event, OutboxChange, OutboxEntry, RelatedEvent } from './types.ts';

/** The slice of a document clustering reads. */
export type ClusterDocument = Pick<
  Document,
  'id' | 'sourceId' | 'url' | 'title' | 'summary' | 'publishedAt' | 'firstSeenAt'
> & {
  facts: Facts;
};

/** How far apart two documents of one organisation and kind may be and still be one event. */
export const MATCH_WINDOW_DAYS: Record<Kind, number> = { breach: 120, penalty: 180, policy: 30, other: 7 };
/** Titles this similar are syndicated copies of one story, whatever their extracted facts. */
export const DUPLICATE_TITLE_SIMILARITY = 0.7;
/** A count that changes by this factor or more is a significant revision (worth a notification). */
export const SIGNIFICANT_COUNT_FACTOR = 2;

const CAP_URLS = 50;
const CAP_TITLES = 20;
const DAY_MS = 86_400_000;

/** The event a document opens is named after that document, so a retried run opens the same one. */
export function eventIdFor(documentId: string): string {
  return `e${createHash('sha256').update(documentId).digest('base64url').slice(0, 20)}`;
}

/**
 * When a document says what it says: its publish date, else when we first saw it. Empty for
 * an undated item of a batch (the eval harness), which time windows then cannot separate.
 */
export function statedAt(document: Pick<ClusterDocument, 'publishedAt' | 'firstSeenAt'>): string {
  return document.publishedAt ?? document.firstSeenAt;
}

function statedOrNull(document: Pick<ClusterDocument, 'publishedAt' | 'firstSeenAt'>): string | null {
  const at = statedAt(document);
  return at && Number.isFinite(Date.parse(at)) ? at : null;
}

export function documentOrganizationKey(document: ClusterDocument): string | null {
  return organizationKey(document.facts.organization);
}

export interface MatchDecision<E extends CandidateEvent = Event> {
  event: E;
  reason: string;
}

/** Whether a document falls within `days` of the span its event's documents were published over. */
function withinWindow(document: ClusterDocument, event: CandidateEvent, days: number): boolean {
  const at = Date.parse(statedAt(document));
  if (!Number.isFinite(at)) return true;
  const times = event.members.map((member) => Date.parse(member.statedAt ?? '')).filter(Number.isFinite);
  if (times.length === 0) return true;
  return at >= Math.min(...times) - days * DAY_MS && at <= Math.max(...times) + days * DAY_MS;
}

function compatible(document: ClusterDocument, event: CandidateEvent): boolean {
  const facts = document.facts;
  if (
    event.kind === 'penalty' &&
    facts.penalty &&
    event.penalty &&
    facts.penalty.currency === event.penalty.currency
  ) {
    const ratio = facts.penalty.amount / event.penalty.amount;
    if (ratio > 1.5 || ratio < 1 / 1.5) return false;
  }
  if (facts.dates.occurred && event.dates.occurred) {
    if (Math.abs(Date.parse(facts.dates.occurred) - Date.parse(event.dates.occurred)) > 90 * DAY_MS)
      return false;
  }
  return true;
}

/**
 * Picks the event a document belongs to among candidates, or null to open a new one:
 * the same canonical URL; a near-identical title (a syndicated copy); or the same
 * organisation and kind within the kind's time window with compatible facts.
 */
export function chooseEvent<E extends CandidateEvent>(
  document: ClusterDocument,
  candidates: readonly E[],
): MatchDecision<E> | null {
  if (document.url) {
    const same = candidates.find((event) => event.urls.includes(document.url as string));
    if (same) return { event: same, reason: 'same canonical URL' };
  }
  const folded = foldTitle(document.title);
  let best: { event: E; similarity: number } | null = null;
  for (const event of candidates) {
    if (event.kind !== document.facts.kind) continue;
    if (!withinWindow(document, event, MATCH_WINDOW_DAYS[event.kind])) continue;
    for (const title of event.titles) {
      const similarity = titleSimilarity(folded, title);
      if (similarity >= DUPLICATE_TITLE_SIMILARITY && (!best || similarity > best.similarity))
        best = { event, similarity };
    }
  }
  if (best) return { event: best.event, reason: `near-identical title (${best.similarity.toFixed(2)})` };

  const inWindow = (event: E) =>
    event.kind === document.facts.kind &&
    withinWindow(document, event, MATCH_WINDOW_DAYS[event.kind]) &&
    compatible(document, event);
  const newest = (events: E[]) => events.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];

  const key = documentOrganizationKey(document);
  if (key) {
    const match = newest(
      candidates.filter(
        (event) => event.organization && sameOrganization(event.organization.key, key) && inWindow(event),
      ),
    );
    if (match)
      return {
        event: match,
        reason: `same organisation (${key}) and kind within ${MATCH_WINDOW_DAYS[match.kind]} days`,
      };
  }
  // The headline names an event's organisation even when extraction picked another subject.
  const mentioned = newest(
    candidates.filter(
      (event) =>
        event.organization && inWindow(event) && textNamesOrganization(document.title, event.organization),
    ),
  );
  if (mentioned?.organization)
    return { event: mentioned, reason: `headline names ${mentioned.organization.name}` };

  // Without an organisation, documents share the distinctive words of one story.
  if (!key) {
    const words = contentWords(document.title);
    let bestShared: { event: E; overlap: number } | null = null;
    for (const event of candidates) {
      if (event.organization || !inWindow(event)) continue;
      for (const title of event.titles) {
        const other = contentWords(title);
        let shared = 0;
        for (const word of words) if (other.has(word)) shared++;
        const overlap = shared / Math.min(words.size, other.size || 1);
        if (shared >= 2 && overlap >= 0.4 && (!bestShared || overlap > bestShared.overlap))
          bestShared = { event, overlap };
      }
    }
    if (bestShared)
      return { event: bestShared.event, reason: `shared headline words (${bestShared.overlap.toFixed(2)})` };
  }
  return null;
}

/** A title whose document states the event's current best count gets a bonus over one stating an outdated count. */
function countBonus(event: Event, documentId: string): number {
  const best = event.affected;
  const stated = event.affectedHistory.find((observation) => observation.documentId === documentId);
  if (!best || !stated) return 0;
  return Math.abs(stated.count - best.count) <= best.count * 0.02 ? 2 : 0;
}

/** How much a document's title tells: its facts, and a headline-like length. */
export function informativeness(document: ClusterDocument): number {
  const facts = document.facts;
  const length = document.title.length;
  return (
    (facts.organization ? 4 : 0) +
    (facts.affected ? 3 : 0) +
    (facts.penalty ? 3 : 0) +
    (facts.country ? 1 : 0) +
    (length >= 30 && length <= 160 ? 2 : length > 0 ? 1 : 0)
  );
}

function observationOf(document: ClusterDocument): AffectedObservation | null {
  const affected = document.facts.affected;
  if (!affected || !(affected.count > 0)) return null;
  return {
    ...affected,
    documentId: document.id,
    sourceId: document.sourceId,
    statedAt: statedAt(document),
    seenAt: document.firstSeenAt,
  };
}

/**
 * The best-supported affected count from the history: the most recently stated value, unless
 * an older value is stated by at least twice as many sources within two days of it (one
 * outlet's slip does not override a consensus). Values within 2 % are the same value.
 */
export function bestAffected(history: readonly AffectedObservation[]): Event['affected'] {
  if (history.length === 0) return null;
  const groups: {
    count: number;
    unit: AffectedObservation['unit'];
    approximate: boolean;
    sources: Set<string>;
    latest: string;
  }[] = [];
  for (const observation of history) {
    const group = groups.find(
      (candidate) => Math.abs(candidate.count - observation.count) <= candidate.count * 0.02,
    );
    if (group) {
      group.sources.add(observation.sourceId);
      if (observation.statedAt > group.latest) group.latest = observation.statedAt;
      group.approximate &&= observation.approximate;
    } else {
      groups.push({
        count: observation.count,
        unit: observation.unit,
        approximate: observation.approximate,
        sources: new Set([observation.sourceId]),
        latest: observation.statedAt,
      });
    }
  }
  groups.sort((a, b) => b.latest.localeCompare(a.latest));
  let best = groups[0]!;
  for (const group of groups.slice(1)) {
    const close = Date.parse(best.latest) - Date.parse(group.latest) <= 2 * DAY_MS;
    if (close && group.sources.size >= 2 * best.sources.size) best = group;
  }
  return { count: best.count, unit: best.unit, approximate: best.approximate };
}

function earliest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function outboxEntry(event: Event, change: OutboxChange, summary: string, now: string): OutboxEntry {
  const id = change === 'created' ? `${event.id}.created` : `${event.id}.${change}.r${event.revision}`;
  return {
    id,
    eventId: event.id,
    change,
    summary,
    revision: event.revision,
    createdAt: now,
    status: 'pending',
    error: null,
  };
}

/** Notifications are news: only documents published this close to when we first saw them raise one. */
export const FRESH_DAYS = 14;

/**
 * Whether a document is news rather than backfill: published at most FRESH_DAYS before we
 * first saw it (or undated). The first ingest of a register holding years of breaches must
 * not post thousands of Slack messages; those events are stored, searchable and exported,
 * just not announced.
 */
export function isFresh(document: Pick<ClusterDocument, 'publishedAt' | 'firstSeenAt'>): boolean {
  if (!document.publishedAt) return true;
  const seen = Date.parse(document.firstSeenAt);
  const published = Date.parse(document.publishedAt);
  if (!Number.isFinite(seen) || !Number.isFinite(published)) return true;
  return seen - published <= FRESH_DAYS * DAY_MS;
}

/** The same test for an event: was it disclosed close to when we first saw it? */
export function eventIsFresh(event: Pick<Event, 'dates' | 'firstSeenAt'>): boolean {
  return isFresh({ publishedAt: event.dates.disclosed, firstSeenAt: event.firstSeenAt });
}

/** "33.7 million", "4,500": counts as a person reads them in a notification. */
export function formatCount(count: number): string {
  if (count >= 1_000_000_000) return `${trim(count / 1_000_000_000)} billion`;
  if (count >= 1_000_000) return `${trim(count / 1_000_000)} million`;
  return count.toLocaleString('en-US');
}

function trim(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}

/** A new event opened by one document. */
export function openEvent(document: ClusterDocument, now: string): Event {
  const key = documentOrganizationKey(document);
  const facts = document.facts;
  const observation = observationOf(document);
  const event: Event = {
    id: eventIdFor(document.id),
    kind: facts.kind,
    title: document.title,
    titleDocumentId: document.id,
    titleScore: informativeness(document),
    organization:
      key && facts.organization
        ? { name: organizationDisplayName(key) ?? facts.organization, key, aliases: [facts.organization] }
        : null,
    country: facts.country,
    dates: {
      occurred: facts.dates.occurred,
      discovered: facts.dates.discovered,
      disclosed: facts.dates.disclosed ?? statedOrNull(document),
    },
    affected: observation
      ? { count: observation.count, unit: observation.unit, approximate: observation.approximate }
      : null,
    affectedHistory: observation ? [observation] : [],
    dataTypes: [...facts.dataTypes].sort(),
    penalty: facts.penalty ? { ...facts.penalty, documentId: document.id } : null,
    policy: facts.kind === 'policy' ? { actor: facts.penalty?.authority ?? null, type: null } : null,
    related: [],
    documentIds: [document.id],
    sources: [document.sourceId],
    members: [
      {
        documentId: document.id,
        sourceId: document.sourceId,
        seenAt: document.firstSeenAt,
        statedAt: statedOrNull(document),
      },
    ],
    urls: document.url ? [document.url] : [],
    titles: [foldTitle(document.title)],
    firstSeenAt: document.firstSeenAt,
    updatedAt: now,
    revision: 1,
    pending: { outbox: [], links: [] },
  };
  if (isFresh(document)) {
    event.pending.outbox.push(
      outboxEntry(event, 'created', `new ${event.kind}: ${event.organization?.name ?? event.title}`, now),
    );
  }
  return event;
}

/**
 * Adds a document to an event: history appended (never overwritten), best count re-derived,
 * data types united, earliest dates kept, title from the most informative document. Returns
 * the next revision with its notifications in `pending.outbox`, or null when the document is
 * already a member (a retried run).
 */
export function mergeDocument(event: Event, document: ClusterDocument, now: string): Event | null {
  if (event.documentIds.includes(document.id)) return null;
  const facts = document.facts;
  const next: Event = structuredClone(event);
  next.revision = event.revision + 1;
  next.updatedAt = now;
  next.documentIds.push(document.id);
  next.members.push({
    documentId: document.id,
    sourceId: document.sourceId,
    seenAt: document.firstSeenAt,
    statedAt: statedOrNull(document),
  });
  if (!next.sources.includes(document.sourceId)) next.sources.push(document.sourceId);
  if (document.url && !next.urls.includes(document.url) && next.urls.length < CAP_URLS)
    next.urls.push(document.url);
  const folded = foldTitle(document.title);
  if (!next.titles.includes(folded) && next.titles.length < CAP_TITLES) next.titles.push(folded);

  const key = documentOrganizationKey(document);
  if (key && facts.organization) {
    if (!next.organization)
      next.organization = {
        name: organizationDisplayName(key) ?? facts.organization,
        key,
        aliases: [facts.organization],
      };
    else if (next.organization.key === key && !next.organization.aliases.includes(facts.organization))
      next.organization.aliases.push(facts.organization);
  }
  next.country ??= facts.country;
  next.dates.occurred = earliest(next.dates.occurred, facts.dates.occurred);
  next.dates.discovered = earliest(next.dates.discovered, facts.dates.discovered);
  next.dates.disclosed = earliest(next.dates.disclosed, facts.dates.disclosed ?? statedOrNull(document));
  next.dataTypes = [...new Set([...next.dataTypes, ...facts.dataTypes])].sort();
  if (!next.penalty && facts.penalty) next.penalty = { ...facts.penalty, documentId: document.id };

  const observation = observationOf(document);
  next.pending = { outbox: [...event.pending.outbox], links: [...event.pending.links] };
  if (observation) {
    const queue = isFresh(document) ? next.pending.outbox : [];
    next.affectedHistory.push(observation);
    next.affected = bestAffected(next.affectedHistory);
    const before = event.affected;
    const after = next.affected;
    if (after && !before) {
      queue.push(
        outboxEntry(next, 'count-known', `count now known: ${formatCount(after.count)} ${after.unit}`, now),
      );
    } else if (after && before) {
      const factor = after.count / before.count;
      if (factor >= SIGNIFICANT_COUNT_FACTOR || factor <= 1 / SIGNIFICANT_COUNT_FACTOR) {
        queue.push(
          outboxEntry(
            next,
            'count-revised',
            `count revised: ${formatCount(before.count)} → ${formatCount(after.count)} ${after.unit}`,
            now,
          ),
        );
      }
    }
  }
  // Decided after the count: a headline stating the current best count tells the story best.
  const score = informativeness(document);
  if (score + countBonus(next, document.id) > next.titleScore + countBonus(next, next.titleDocumentId)) {
    next.title = document.title;
    next.titleDocumentId = document.id;
    next.titleScore = score;
  }
  return next;
}

/**
 * The breach a penalty or policy event concerns: a breach event of the same organisation
 * first seen no later than it, or — for a policy that names no organisation — a breach
 * event whose organisation the policy's text names. The most recent such breach wins.
 */
export function findConcernedBreach(
  event: Event,
  text: string,
  breaches: readonly CandidateEvent[],
): RelatedEvent | null {
  if (event.kind !== 'penalty' && event.kind !== 'policy') return null;
  const keys = new Set<string>();
  if (event.organization) keys.add(event.organization.key);
  for (const key of organizationsMentioned(text)) keys.add(key);
  const linked = new Set(event.related.map((relation) => relation.eventId));
  const candidates = breaches
    .filter((breach) => breach.kind === 'breach' && breach.id !== event.id && !linked.has(breach.id))
    .filter((breach) => breach.organization && keys.has(breach.organization.key))
    .filter(
      (breach) =>
        breach.firstSeenAt <= event.firstSeenAt ||
        (breach.dates.disclosed ?? breach.firstSeenAt) <= (event.dates.disclosed ?? event.firstSeenAt),
    )
    .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt));
  const breach = candidates[0];
  if (!breach) return null;
  const reason =
    event.organization?.key === breach.organization?.key
      ? 'same organisation, later date'
      : 'text names the incident';
  return { eventId: breach.id, kind: 'breach', reason };
}

/** Adds a link to an event (idempotent); returns null when it is already there. */
export function withLink(event: Event, link: RelatedEvent, now: string, notify: boolean): Event | null {
  if (event.related.some((relation) => relation.eventId === link.eventId)) return null;
  const next: Event = structuredClone(event);
  next.revision = event.revision + 1;
  next.updatedAt = now;
  next.related.push(link);
  if (notify && link.kind === 'penalty') {
    next.pending.outbox.push(outboxEntry(next, 'penalty-linked', `penalty linked: ${link.reason}`, now));
  }
  return next;
}
