import { bestAffected } from './cluster.ts';
import type { Event } from './types.ts';

/**
 * An event as it stood at `asOf` (ISO): null if we had not seen it yet; otherwise only the
 * member documents, sources and count observations first seen by then, with the best count
 * re-derived from those. This is what makes a published figure reproducible later (`as_of=`
 * on the API, `--as-of` on export). Title, links and dates are kept as they are now (a
 * documented limit: they are not versioned).
 */
export function eventAsOf(event: Event, asOf: string): Event | null {
  if (event.firstSeenAt > asOf) return null;
  const members = event.members.filter((member) => member.seenAt <= asOf);
  const documentIds = new Set(members.map((member) => member.documentId));
  const history = event.affectedHistory.filter((observation) => documentIds.has(observation.documentId));
  return {
    ...event,
    members,
    documentIds: event.documentIds.filter((id) => documentIds.has(id)),
    sources: [...new Set(members.map((member) => member.sourceId))],
    affectedHistory: history,
    affected: bestAffected(history),
  };
}
