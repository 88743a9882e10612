import * as z from 'zod';
import { cursorParam, isoDateParam, limitParam } from '../api/params.ts';
import { DATA_TYPES, KINDS } from '../extract/types.ts';
import { approximateEur } from '../money/convert.ts';
import { foldOrganizationName, organizationKey } from './organization.ts';
import type { Event } from './types.ts';

const countOrAmount = (name: string) =>
  z
    .string()
    .regex(/^\d{1,16}(\.\d+)?$/, `${name} must be a non-negative number`)
    .transform(Number);

/**
 * The filter language of events, shared by `GET /v1/events` (and its .csv/.ndjson/.atom
 * forms), Slack subscriptions and the export: the same parameter names, the same parsing.
 */
export const eventFilterShape = {
  kind: z.array(z.enum(KINDS as [string, ...string[]])).optional(),
  country: z
    .array(
      z
        .string()
        .regex(/^([A-Za-z]{2})$/, 'must be an ISO 3166-1 alpha-2 code (or EU)')
        .transform((value) => value.toUpperCase()),
    )
    .optional(),
  since: isoDateParam.optional(),
  until: isoDateParam.optional(),
  /** Which date `since`/`until` apply to: when we first saw the event (default) or its disclosure. */
  date_field: z.enum(['first_seen', 'disclosed']).optional(),
  min_affected: countOrAmount('min_affected').optional(),
  max_affected: countOrAmount('max_affected').optional(),
  org: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  data_type: z.array(z.enum(DATA_TYPES)).optional(),
  min_penalty: countOrAmount('min_penalty').optional(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .transform((value) => value.toUpperCase())
    .optional(),
  source: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a source id')
    .optional(),
};

/** The list-route parameters on top of the filter. */
export const eventListShape = {
  ...eventFilterShape,
  sort: z.enum(['first_seen', 'affected', 'penalty']).default('first_seen'),
  limit: limitParam,
  cursor: cursorParam.optional(),
};

export type EventFilter = {
  [K in keyof typeof eventFilterShape]?: z.output<(typeof eventFilterShape)[K]>;
};

/**
 * Checks a filter's parameters against each other (a min_penalty needs its currency; a range
 * must not be inverted). Returns `[param, message]` pairs for the 400.
 */
export function filterProblems(filter: EventFilter): [string, string][] {
  const problems: [string, string][] = [];
  if (filter.min_penalty !== undefined && !filter.currency)
    problems.push(['currency', 'is required with min_penalty']);
  if (filter.currency && filter.min_penalty === undefined)
    problems.push(['currency', 'only applies with min_penalty']);
  if (
    filter.min_affected !== undefined &&
    filter.max_affected !== undefined &&
    filter.min_affected > filter.max_affected
  ) {
    problems.push(['max_affected', 'must not be below min_affected']);
  }
  if (filter.since && filter.until && filter.since > filter.until)
    problems.push(['until', 'must not be before since']);
  return problems;
}

/**
 * Whether an event passes a filter. The query planner serves one dimension from an index
 * and applies this to the rest; Slack subscriptions apply it whole.
 */
export function matchesFilter(event: Event, filter: EventFilter): boolean {
  if (filter.kind?.length && !filter.kind.includes(event.kind)) return false;
  if (filter.country?.length && !(event.country && filter.country.includes(event.country))) return false;
  const date = filter.date_field === 'disclosed' ? event.dates.disclosed : event.firstSeenAt;
  if (filter.since && !(date && date >= filter.since)) return false;
  if (filter.until && !(date && date < filter.until)) return false;
  // Unknown counts never pass a count filter: unknown is not 0.
  if (filter.min_affected !== undefined && !(event.affected && event.affected.count >= filter.min_affected))
    return false;
  if (filter.max_affected !== undefined && !(event.affected && event.affected.count <= filter.max_affected))
    return false;
  if (filter.org) {
    const key = organizationKey(filter.org);
    if (!key || event.organization?.key !== key) return false;
  }
  if (filter.q) {
    const needle = foldOrganizationName(filter.q) || filter.q.toLowerCase();
    const haystack = [event.title, event.organization?.name ?? '', ...(event.organization?.aliases ?? [])]
      .map((text) => `${text.toLowerCase()} ${foldOrganizationName(text)}`)
      .join(' ');
    if (!haystack.includes(needle) && !haystack.includes(filter.q.toLowerCase())) return false;
  }
  if (
    filter.data_type?.length &&
    !filter.data_type.every((type) => event.dataTypes.includes(type as Event['dataTypes'][number]))
  )
    return false;
  if (filter.min_penalty !== undefined && filter.currency) {
    if (!event.penalty) return false;
    if (event.penalty.currency === filter.currency) {
      if (event.penalty.amount < filter.min_penalty) return false;
    } else {
      const eventEur = approximateEur(event.penalty.amount, event.penalty.currency);
      const thresholdEur = approximateEur(filter.min_penalty, filter.currency);
      if (eventEur === null || thresholdEur === null || eventEur < thresholdEur) return false;
    }
  }
  if (filter.source && !event.sources.includes(filter.source)) return false;
  return true;
}
