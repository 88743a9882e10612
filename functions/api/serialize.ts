import type { Document } from '../documents/types.ts';
import type { AffectedObservation, Event } from '../events/types.ts';
import type { SourceHealth } from '../sources/health.ts';

/**
 * The one place internal objects become public JSON (snake_case keys). Keys are only ever
 * added, never renamed, so clients and exports stay stable.
 */
export function publicDocument(document: Document) {
  const facts = document.facts;
  return {
    id: document.id,
    source: document.sourceId,
    url: document.url,
    guid: document.guid,
    title: document.title,
    summary: document.summary,
    lang: document.lang,
    published_at: document.publishedAt,
    first_seen_at: document.firstSeenAt,
    fetched_at: document.fetchedAt,
    event_id: document.eventId,
    kind: facts?.kind ?? null,
    organization: facts?.organization ?? null,
    affected: facts?.affected
      ? { count: facts.affected.count, unit: facts.affected.unit, approximate: facts.affected.approximate }
      : null,
    penalty: facts?.penalty
      ? {
          amount: facts.penalty.amount,
          currency: facts.penalty.currency,
          authority: facts.penalty.authority,
          status: facts.penalty.status,
        }
      : null,
    country: facts?.country ?? null,
    data_types: facts?.dataTypes ?? [],
    extractor_version: facts?.extractorVersion ?? null,
  };
}

export function publicSource(health: SourceHealth) {
  const { source, state } = health;
  return {
    id: source.id,
    name: source.name,
    kind: source.kind,
    jurisdiction: source.jurisdiction,
    language: source.language,
    format: source.format,
    url: source.url,
    homepage: source.homepage ?? null,
    every_minutes: source.everyMinutes,
    licence: source.licence,
    attribution: source.attribution ?? null,
    enabled: source.enabled !== false,
    health: {
      status: health.status,
      last_run_at: state.lastRunAt,
      last_success_at: state.lastSuccessAt,
      consecutive_failures: state.consecutiveFailures,
      last_error: state.lastError,
      last_error_code: state.lastErrorCode,
      last_error_at: state.lastErrorAt,
      items_last_run: state.itemsLastRun,
      new_last_run: state.newLastRun,
      drift: state.drift,
    },
  };
}

/** An event as the API lists it. Internal bookkeeping (pending work, folded titles) stays inside. */
export function publicEvent(event: Event) {
  return {
    id: event.id,
    kind: event.kind,
    title: event.title,
    organization: event.organization
      ? { name: event.organization.name, key: event.organization.key, aliases: event.organization.aliases }
      : null,
    country: event.country,
    first_seen_at: event.firstSeenAt,
    updated_at: event.updatedAt,
    dates: {
      occurred: event.dates.occurred,
      discovered: event.dates.discovered,
      disclosed: event.dates.disclosed,
    },
    affected: event.affected
      ? { count: event.affected.count, unit: event.affected.unit, approximate: event.affected.approximate }
      : null,
    data_types: event.dataTypes,
    penalty: event.penalty
      ? {
          amount: event.penalty.amount,
          currency: event.penalty.currency,
          authority: event.penalty.authority,
          status: event.penalty.status,
          document_id: event.penalty.documentId,
        }
      : null,
    policy: event.policy ? { actor: event.policy.actor, type: event.policy.type } : null,
    related: (event.related ?? []).map((relation) => ({
      event_id: relation.eventId,
      kind: relation.kind,
      reason: relation.reason,
    })),
    sources: event.sources,
    source_count: event.sources.length,
    document_count: event.documentIds.length,
    revision: event.revision,
  };
}

/** The short form of an event linked from another one. */
export function publicEventSummary(event: Event, reason: string | null) {
  return {
    id: event.id,
    kind: event.kind,
    title: event.title,
    organization: event.organization?.name ?? null,
    country: event.country,
    first_seen_at: event.firstSeenAt,
    affected: event.affected
      ? { count: event.affected.count, unit: event.affected.unit, approximate: event.affected.approximate }
      : null,
    penalty: event.penalty
      ? { amount: event.penalty.amount, currency: event.penalty.currency, status: event.penalty.status }
      : null,
    reason,
  };
}

/** One value of the affected-count history with its provenance. */
export function publicObservation(observation: AffectedObservation) {
  return {
    count: observation.count,
    unit: observation.unit,
    approximate: observation.approximate,
    document_id: observation.documentId,
    source: observation.sourceId,
    stated_at: observation.statedAt,
    seen_at: observation.seenAt,
  };
}

/** A member document on an event page: where the story was told, and when we saw it. */
export function publicEventDocument(document: Document) {
  return {
    id: document.id,
    source: document.sourceId,
    url: document.url,
    title: document.title,
    lang: document.lang,
    published_at: document.publishedAt,
    first_seen_at: document.firstSeenAt,
    extractor_version: document.facts?.extractorVersion ?? null,
  };
}

/**
 * Cells a spreadsheet would run as a formula are prefixed with `'` (OWASP's CSV-injection
 * advice): scraped titles are untrusted, and "=HYPERLINK(…)" must stay text.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return neutraliseCell(value);
  return String(value);
}

/** Columns of `/v1/events.csv`, in order (documented in docs/API.md; only ever appended to). */
export const EVENT_CSV_COLUMNS = [
  'id',
  'kind',
  'title',
  'organization',
  'organization_key',
  'country',
  'first_seen_at',
  'disclosed_at',
  'occurred_at',
  'discovered_at',
  'affected_count',
  'affected_unit',
  'affected_approximate',
  'data_types',
  'penalty_amount',
  'penalty_currency',
  'penalty_authority',
  'penalty_status',
  'source_count',
  'sources',
  'document_count',
  'related_event_ids',
  'updated_at',
] as const;

/** An event as one CSV record (lists joined with `;`). */
export function eventCsvRecord(event: Event): string[] {
  const row: Record<(typeof EVENT_CSV_COLUMNS)[number], string | number | boolean | null | undefined> = {
    id: event.id,
    kind: event.kind,
    title: event.title,
    organization: event.organization?.name,
    organization_key: event.organization?.key,
    country: event.country,
    first_seen_at: event.firstSeenAt,
    disclosed_at: event.dates.disclosed,
    occurred_at: event.dates.occurred,
    discovered_at: event.dates.discovered,
    affected_count: event.affected?.count,
    affected_unit: event.affected?.unit,
    affected_approximate: event.affected?.approximate,
    data_types: event.dataTypes.join(';'),
    penalty_amount: event.penalty?.amount,
    penalty_currency: event.penalty?.currency,
    penalty_authority: event.penalty?.authority,
    penalty_status: event.penalty?.status,
    source_count: event.sources.length,
    sources: event.sources.join(';'),
    document_count: event.documentIds.length,
    related_event_ids: (event.related ?? []).map((relation) => relation.eventId).join(';'),
    updated_at: event.updatedAt,
  };
  return EVENT_CSV_COLUMNS.map((column) => csvValue(row[column]));
}

/** Columns of `/v1/documents.csv`, in order. */
export const DOCUMENT_CSV_COLUMNS = [
  'id',
  'source',
  'url',
  'title',
  'lang',
  'published_at',
  'first_seen_at',
  'fetched_at',
  'event_id',
  'kind',
  'organization',
  'country',
  'affected_count',
  'affected_unit',
  'penalty_amount',
  'penalty_currency',
  'data_types',
  'extractor_version',
] as const;

/** A document as one CSV record. */
export function documentCsvRecord(document: Document): string[] {
  const facts = document.facts;
  const row: Record<(typeof DOCUMENT_CSV_COLUMNS)[number], string | number | null | undefined> = {
    id: document.id,
    source: document.sourceId,
    url: document.url,
    title: document.title,
    lang: document.lang,
    published_at: document.publishedAt,
    first_seen_at: document.firstSeenAt,
    fetched_at: document.fetchedAt,
    event_id: document.eventId,
    kind: facts?.kind,
    organization: facts?.organization,
    country: facts?.country,
    affected_count: facts?.affected?.count,
    affected_unit: facts?.affected?.unit,
    penalty_amount: facts?.penalty?.amount,
    penalty_currency: facts?.penalty?.currency,
    data_types: facts?.dataTypes.join(';'),
    extractor_version: facts?.extractorVersion,
  };
  return DOCUMENT_CSV_COLUMNS.map((column) => csvValue(row[column]));
}
