import type { Document } from '../documents/types.ts';
import { eventAsOf } from '../events/as-of.ts';
import type { AffectedObservation, Event } from '../events/types.ts';
import { convertAtMonthlyRate } from '../money/rates.ts';
import { findSource } from '../sources/registry.ts';
import { type Row, SCHEMA_VERSION } from './schema.ts';

/**
 * Pure row builders of the research dataset: one function per table, from stored objects to
 * rows whose keys are exactly the manifest's columns (schema.ts). No I/O: the store reader
 * fetches what they need and the daily S3 export can call them with the same inputs.
 */

const DAY_MS = 86_400_000;

/** The documents a row builder may look up (stating documents, for provenance). */
export type DocumentsById = ReadonlyMap<string, Document>;

/** `2025-11-29` from an ISO date or date-time; null stays null. */
export function isoDay(value: string | null | undefined): string | null {
  if (!value) return null;
  const day = value.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
}

/**
 * Whole calendar days from one ISO date to another (UTC days, so a time of day never shifts
 * the count); null when either is unknown. A negative value is kept: it says the sources'
 * dates disagree, which a researcher should see rather than have hidden.
 */
export function daysBetween(from: string | null, to: string | null): number | null {
  const start = isoDay(from);
  const end = isoDay(to);
  if (!start || !end) return null;
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS);
}

/**
 * The observation behind the event's best count: the first one stating that value (the one
 * whose count `bestAffected` reports), so the stating document is the earliest to say it.
 */
export function bestObservation(event: Event): AffectedObservation | null {
  const best = event.affected;
  if (!best) return null;
  return (
    event.affectedHistory.find(
      (observation) => observation.count === best.count && observation.unit === best.unit,
    ) ?? null
  );
}

/**
 * An event as an as-of snapshot shows it: `eventAsOf` (members, sources, count history), plus
 * the penalty only if the document stating it had been seen, and links only to events that
 * existed then (`relatedFirstSeen` maps linked ids to their first-seen times; an id missing
 * from it is kept, since nothing says it was later).
 */
export function eventSnapshot(
  event: Event,
  asOf: string,
  relatedFirstSeen: ReadonlyMap<string, string> = new Map(),
): Event | null {
  const snapshot = eventAsOf(event, asOf);
  if (!snapshot) return null;
  const members = new Set(snapshot.documentIds);
  return {
    ...snapshot,
    penalty: snapshot.penalty && members.has(snapshot.penalty.documentId) ? snapshot.penalty : null,
    related: snapshot.related.filter((relation) => {
      const seen = relatedFirstSeen.get(relation.eventId);
      return seen === undefined || seen <= asOf;
    }),
  };
}

function sourceTerms(sourceId: string) {
  const source = findSource(sourceId);
  return {
    name: source?.name ?? null,
    kind: source?.kind ?? null,
    licence: source?.licence ?? null,
    attribution: source?.attribution ?? null,
  };
}

/** When a document says what it says: its publish date, else when we first saw it. */
function statedAt(document: Document): string {
  return document.publishedAt ?? document.firstSeenAt;
}

/** One row of `events`. `documents` holds (at least) the documents stating the count and the penalty. */
export function eventRow(event: Event, documents: DocumentsById): Row<'events'> {
  const best = event.affected;
  const observation = bestObservation(event);
  const affectedDocument = observation ? documents.get(observation.documentId) : undefined;
  const penalty = event.penalty;
  const penaltyDocument = penalty ? documents.get(penalty.documentId) : undefined;
  // The rate month is the month the penalty was stated in (its document), else the event's disclosure.
  const penaltyStatedAt = penaltyDocument
    ? statedAt(penaltyDocument)
    : (event.dates.disclosed ?? event.firstSeenAt);
  const conversion = penalty ? convertAtMonthlyRate(penalty.amount, penalty.currency, penaltyStatedAt) : null;
  return {
    schema_version: SCHEMA_VERSION,
    event_id: event.id,
    kind: event.kind,
    title: event.title,
    title_document_id: event.titleDocumentId,
    organization: event.organization?.name ?? null,
    organization_key: event.organization?.key ?? null,
    organization_aliases: event.organization?.aliases ?? [],
    country: event.country,
    first_seen_at: event.firstSeenAt,
    updated_at: event.updatedAt,
    revision: event.revision,
    occurred_on: isoDay(event.dates.occurred),
    discovered_on: isoDay(event.dates.discovered),
    disclosed_on: isoDay(event.dates.disclosed),
    disclosure_lag_days: daysBetween(event.dates.occurred, event.dates.disclosed),
    detection_lag_days: daysBetween(event.dates.occurred, event.dates.discovered),
    affected_count: best?.count ?? null,
    affected_unit: best?.unit ?? null,
    affected_approximate: best ? best.approximate : null,
    affected_document_id: observation?.documentId ?? null,
    affected_source: observation?.sourceId ?? null,
    affected_stated_at: observation?.statedAt ?? null,
    affected_fetched_at: affectedDocument?.fetchedAt ?? null,
    affected_extractor_version: affectedDocument?.facts?.extractorVersion ?? null,
    affected_observations: event.affectedHistory.length,
    data_types: event.dataTypes,
    penalty_amount: penalty?.amount ?? null,
    penalty_currency: penalty?.currency ?? null,
    penalty_authority: penalty?.authority ?? null,
    penalty_status: penalty?.status ?? null,
    penalty_document_id: penalty?.documentId ?? null,
    penalty_source: penaltyDocument?.sourceId ?? null,
    penalty_stated_at: penalty ? penaltyStatedAt : null,
    penalty_fetched_at: penaltyDocument?.fetchedAt ?? null,
    penalty_extractor_version: penaltyDocument?.facts?.extractorVersion ?? null,
    penalty_amount_eur: conversion?.eur ?? null,
    penalty_amount_usd: conversion?.usd ?? null,
    penalty_rate_month: conversion?.rateMonth ?? null,
    policy_actor: event.policy?.actor ?? null,
    policy_type: event.policy?.type ?? null,
    related_event_ids: event.related.map((relation) => relation.eventId),
    document_count: event.documentIds.length,
    sources: event.sources,
  };
}

/** One row of `documents`: the document's own facts, with its source's licence and attribution. */
export function documentRow(document: Document): Row<'documents'> {
  const facts = document.facts;
  const source = sourceTerms(document.sourceId);
  return {
    schema_version: SCHEMA_VERSION,
    document_id: document.id,
    source: document.sourceId,
    source_name: source.name,
    source_kind: source.kind,
    licence: source.licence,
    attribution: source.attribution,
    url: document.url,
    guid: document.guid,
    title: document.title,
    summary: document.summary || null,
    lang: document.lang || null,
    published_at: document.publishedAt,
    first_seen_at: document.firstSeenAt,
    fetched_at: document.fetchedAt,
    event_id: document.eventId,
    extractor_version: facts?.extractorVersion ?? null,
    kind: facts?.kind ?? null,
    organization: facts?.organization ?? null,
    country: facts?.country ?? null,
    affected_count: facts?.affected?.count ?? null,
    affected_unit: facts?.affected?.unit ?? null,
    affected_approximate: facts?.affected ? facts.affected.approximate : null,
    affected_evidence: facts?.evidence.affected?.text ?? null,
    penalty_amount: facts?.penalty?.amount ?? null,
    penalty_currency: facts?.penalty?.currency ?? null,
    penalty_authority: facts?.penalty?.authority ?? null,
    penalty_status: facts?.penalty?.status ?? null,
    penalty_evidence: facts?.evidence.penalty?.text ?? null,
    data_types: facts?.dataTypes ?? [],
    occurred_on: isoDay(facts?.dates.occurred),
    discovered_on: isoDay(facts?.dates.discovered),
    disclosed_on: isoDay(facts?.dates.disclosed),
  };
}

/** The rows of `affected_history` for one event: every count observation, in the order stated to us. */
export function affectedHistoryRows(event: Event, documents: DocumentsById): Row<'affected_history'>[] {
  const best = bestObservation(event);
  return event.affectedHistory.map((observation) => {
    const document = documents.get(observation.documentId);
    const source = sourceTerms(observation.sourceId);
    return {
      schema_version: SCHEMA_VERSION,
      observation_id: `${event.id}:${observation.documentId}`,
      event_id: event.id,
      count: observation.count,
      unit: observation.unit,
      approximate: observation.approximate,
      is_best: best !== null && best.documentId === observation.documentId,
      document_id: observation.documentId,
      source: observation.sourceId,
      licence: source.licence,
      attribution: source.attribution,
      url: document?.url ?? null,
      stated_at: observation.statedAt,
      seen_at: observation.seenAt,
      fetched_at: document?.fetchedAt ?? null,
      extractor_version: document?.facts?.extractorVersion ?? null,
      evidence: document?.facts?.evidence.affected?.text ?? null,
    };
  });
}

/** The rows of `links` for one event: one per event it is related to (each link appears from both sides). */
export function linkRows(event: Event, relatedFirstSeen: ReadonlyMap<string, string>): Row<'links'>[] {
  return event.related.map((relation) => ({
    schema_version: SCHEMA_VERSION,
    link_id: `${event.id}:${relation.eventId}`,
    event_id: event.id,
    event_kind: event.kind,
    related_event_id: relation.eventId,
    related_kind: relation.kind,
    reason: relation.reason || null,
    related_first_seen_at: relatedFirstSeen.get(relation.eventId) ?? null,
  }));
}
