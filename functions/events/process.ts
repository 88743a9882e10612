import { BreachwireError, isBreachwireError } from '../core/errors.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Document } from '../documents/types.ts';
import type { Store } from '../store/client.ts';
import { claimClusterTarget, markDocumentClustered } from '../store/documents.ts';
import type { CandidateEvent } from '../store/events.ts';
import {
  clearPendingWork,
  createEvent,
  eventsByOrganization,
  getEvent,
  putOutboxEntry,
  recentEventsByKind,
  saveEvent,
} from '../store/events.ts';
import {
  type ClusterDocument,
  chooseEvent,
  documentOrganizationKey,
  eventIdFor,
  eventIsFresh,
  findConcernedBreach,
  MATCH_WINDOW_DAYS,
  mergeDocument,
  openEvent,
  statedAt,
  withLink,
} from './cluster.ts';
import { organizationsMentioned } from './organization.ts';
import type { Event } from './types.ts';

/** The step sequence of clustering one document; a hook between steps lets tests simulate a crash. */
export type ClusterStep =
  | 'event-written'
  | 'outbox-written'
  | 'links-written'
  | 'pending-cleared'
  | 'document-marked';

export interface ClusterDeps {
  store: Store;
  log?: Log;
  now?: () => Date;
  checkpoint?: (step: ClusterStep, documentId: string) => void | Promise<void>;
}

const MAX_ATTEMPTS = 8;
const DAY_MS = 86_400_000;

function asClusterDocument(document: Document): ClusterDocument {
  if (!document.facts)
    throw new BreachwireError('internal', `document ${document.id} has no facts to cluster on`);
  return { ...document, facts: document.facts };
}

/** Candidate events a document could join: its organisation's events and recent events of its kind. */
async function candidatesFor(store: Store, document: ClusterDocument): Promise<CandidateEvent[]> {
  const found = new Map<string, CandidateEvent>();
  const key = documentOrganizationKey(document);
  const since = new Date(
    Date.parse(statedAt(document)) - MATCH_WINDOW_DAYS[document.facts.kind] * DAY_MS,
  ).toISOString();
  const [byOrg, byKind, own] = await Promise.all([
    key ? eventsByOrganization(store, key) : Promise.resolve([]),
    // ISO strings: the lexically smaller is the earlier.
    recentEventsByKind(store, document.facts.kind, [since, document.firstSeenAt].sort()[0] ?? since),
    getEvent(store, eventIdFor(document.id)),
  ]);
  for (const event of [...byOrg, ...byKind, ...(own ? [own] : [])]) found.set(event.id, event);
  return [...found.values()];
}

/** Breach events a penalty or policy could concern: by its organisation and the organisations its text names. */
async function breachesFor(store: Store, event: Event, text: string): Promise<CandidateEvent[]> {
  const keys = new Set<string>(organizationsMentioned(text));
  if (event.organization) keys.add(event.organization.key);
  const lists = await Promise.all([...keys].slice(0, 5).map((key) => eventsByOrganization(store, key)));
  return lists.flat().filter((candidate) => candidate.kind === 'breach');
}

/**
 * Clusters one stored document into an event, in idempotent steps:
 * 1. event created or updated (optimistic revision check, retried on conflict), carrying its
 *    pending outbox entries and back-links in the same single-item write;
 * 2. outbox entries written (conditional puts with deterministic ids);
 * 3. back-links written on the breach events concerned (and their own notifications);
 * 4. pending work cleared; 5. the document marked clustered (leaves the pending index).
 * A crash between any two steps leaves the document pending; the next run resumes it and
 * finds the event already holding it, so it only completes the remaining steps. The event
 * chosen is recorded on the document first (`claimClusterTarget`), so writers clustering one
 * document at once, or a resume after a crash, all go to the same event.
 */
export async function clusterDocument(document: Document, deps: ClusterDeps): Promise<string> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const doc = asClusterDocument(document);
  const text = `${doc.title} ${doc.summary}`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      const candidates = await candidatesFor(deps.store, doc);
      // Candidates carry only the matching attributes; the event acted on is read whole.
      const holding = candidates.find((candidate) => candidate.documentIds.includes(doc.id));
      let event = holding ? await getEvent(deps.store, holding.id) : null;
      if (!event) {
        const decision = chooseEvent(doc, candidates);
        const ownId = eventIdFor(doc.id);
        // The first writer's choice sticks: a resume racing the run that stored this document
        // (or a crash between choosing and writing) must not put it into two different events.
        const target = await claimClusterTarget(deps.store, doc.id, decision?.event.id ?? ownId);
        const chosen = await getEvent(deps.store, target);
        if (!chosen && target !== ownId) continue;
        if (chosen?.documentIds.includes(doc.id)) {
          event = chosen;
        } else if (chosen) {
          let next = mergeDocument(chosen, doc, now);
          if (!next) continue;
          next = await linkToBreach(deps.store, next, text);
          await saveEvent(deps.store, next, chosen.revision);
          event = next;
        } else {
          const opened = await linkToBreach(deps.store, openEvent(doc, now), text);
          if (!(await createEvent(deps.store, opened))) continue;
          event = opened;
        }
      }
      await deps.checkpoint?.('event-written', doc.id);
      await settle(deps, event, now);
      await markDocumentClustered(deps.store, doc.id, event.id);
      await deps.checkpoint?.('document-marked', doc.id);
      return event.id;
    } catch (error) {
      if (!isBreachwireError(error, 'store.conflict')) throw error;
      (deps.log ?? silentLog).debug('event conflict, retrying', { documentId: doc.id, attempt });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
    }
  }
  throw new BreachwireError(
    'store.conflict',
    `could not cluster document ${doc.id} after ${MAX_ATTEMPTS} attempts`,
  );
}

/** A penalty or policy event gets its link to the breach it concerns (once). */
async function linkToBreach(store: Store, event: Event, text: string): Promise<Event> {
  if (event.kind !== 'penalty' && event.kind !== 'policy') return event;
  if (event.related.some((relation) => relation.kind === 'breach')) return event;
  const link = findConcernedBreach(event, text, await breachesFor(store, event, text));
  if (!link) return event;
  const next = structuredClone(event);
  next.related.push(link);
  next.pending.links.push(link);
  return next;
}

/** Completes an event's pending work: outbox entries, back-links, then clears it. Idempotent. */
async function settle(deps: ClusterDeps, event: Event, now: string, depth = 0): Promise<void> {
  let current: Event | null = event;
  for (let attempt = 0; current && attempt < MAX_ATTEMPTS; attempt++) {
    if (current.pending.outbox.length === 0 && current.pending.links.length === 0) return;
    for (const entry of current.pending.outbox) await putOutboxEntry(deps.store, entry);
    await deps.checkpoint?.('outbox-written', current.id);
    for (const link of current.pending.links) await addBackLink(deps, link.eventId, current, now, depth);
    await deps.checkpoint?.('links-written', current.id);
    if (await clearPendingWork(deps.store, current)) {
      await deps.checkpoint?.('pending-cleared', current.id);
      return;
    }
    // Someone wrote a newer revision: its pending work includes ours; settle that.
    current = await getEvent(deps.store, current.id);
  }
}

async function addBackLink(
  deps: ClusterDeps,
  targetId: string,
  from: Event,
  now: string,
  depth: number,
): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const target = await getEvent(deps.store, targetId);
    if (!target) return;
    const kind = from.kind === 'penalty' ? 'penalty' : from.kind === 'policy' ? 'policy' : 'breach';
    // A penalty found in a backfill links the breach without announcing it.
    const next = withLink(
      target,
      { eventId: from.id, kind, reason: 'concerns this incident' },
      now,
      eventIsFresh(from),
    );
    if (!next) {
      if (depth === 0) await settle(deps, target, now, depth + 1);
      return;
    }
    try {
      await saveEvent(deps.store, next, target.revision);
      if (depth === 0) await settle(deps, next, now, depth + 1);
      return;
    } catch (error) {
      if (!isBreachwireError(error, 'store.conflict')) throw error;
    }
  }
  throw new BreachwireError('store.conflict', `could not link event ${from.id} to ${targetId}`);
}
