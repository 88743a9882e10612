import type { Document } from '../documents/types.ts';
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
