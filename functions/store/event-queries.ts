import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../core/concurrency.ts';
import { eventAsOf } from '../events/as-of.ts';
import { type EventFilter, matchesFilter } from '../events/filter.ts';
import { organizationKey } from '../events/organization.ts';
import type { Event } from '../events/types.ts';
import { approximateEur } from '../money/convert.ts';
import type { Store } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { Page } from './documents.ts';
import { eventFromItem } from './events.ts';
import { eventKeys, paddedNumber } from './keys.ts';

/** How a list of events is ordered; each order is one index. */
export type EventSort = 'first_seen' | 'affected' | 'penalty';

export interface EventListQuery {
  filter: EventFilter;
  sort: EventSort;
  limit: number;
  cursor?: string;
  /** ISO time: the list as it stood then (events first seen later are left out, counts as of then). */
  asOf?: string;
}

/**
 * How much one request may read before it answers with what it has and a `next` cursor.
 * A sparse filter (say `q=` matching one event in 100,000) must not make a single request
 * read the whole table; the client follows `next` instead.
 */
export interface ReadBudget {
  /** Query calls (each reads at most 1 MB). */
  maxPages: number;
  /** Index items evaluated. */
  maxItems: number;
}

export const DEFAULT_READ_BUDGET: ReadBudget = { maxPages: 4, maxItems: 1_000 };

/** Which index serves a query, with the key conditions it can take. */
export interface EventPlan {
  index: 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4' | 'gsi5' | 'gsi6';
  partition: string;
  /** Inclusive sort-key bounds (either may be absent). */
  lower?: string;
  upper?: string;
  /** True when no row can match (an inverted range, an organisation name that folds to nothing). */
  empty: boolean;
  /** Why this index: shown in docs and handy in logs. */
  reason: string;
}

/** Above every character of an event id, so `<time>#~` bounds every key of that time. */
const KEY_CEILING = '~';

/**
 * Chooses the index for a filter and sort. The order must come from the index (keyset
 * pagination), so `sort=affected` / `sort=penalty` always use their sparse indexes; for
 * first-seen order the most selective partition wins: organisation, then a single country,
 * then a single kind, else the whole time index. Every other filter is applied by
 * `matchesFilter` to the items read.
 */
export function planEventQuery(query: Pick<EventListQuery, 'filter' | 'sort' | 'asOf'>): EventPlan {
  const { filter, sort, asOf } = query;
  if (sort === 'affected') {
    // With as_of the count that is filtered on is the historical one, which the index does not hold.
    const bounded = asOf === undefined;
    const lower =
      bounded && filter.min_affected !== undefined
        ? paddedNumber(Math.floor(filter.min_affected))
        : undefined;
    const upper =
      bounded && filter.max_affected !== undefined
        ? `${paddedNumber(Math.ceil(filter.max_affected))}#${KEY_CEILING}`
        : undefined;
    return withBounds('gsi5', eventKeys.byAffectedPartition(), lower, upper, 'sort=affected (sparse)');
  }
  if (sort === 'penalty') {
    let lower: string | undefined;
    if (filter.min_penalty !== undefined && filter.currency) {
      const threshold = approximateEur(filter.min_penalty, filter.currency);
      // One euro of slack: the index holds rounded amounts; matchesFilter decides exactly.
      if (threshold !== null) lower = paddedNumber(Math.max(0, Math.floor(threshold) - 1));
    }
    return withBounds('gsi6', eventKeys.byPenaltyPartition(), lower, undefined, 'sort=penalty (sparse)');
  }

  // First-seen order: every remaining index is keyed `<firstSeenAt>#<id>`.
  const onFirstSeen = filter.date_field !== 'disclosed';
  const lower = onFirstSeen ? filter.since : undefined;
  const uppers = [
    // `until` is exclusive, and no key equals a bare timestamp, so an inclusive bound is exact.
    onFirstSeen ? filter.until : undefined,
    asOf !== undefined ? `${asOf}#${KEY_CEILING}` : undefined,
  ].filter((value): value is string => value !== undefined);
  const upper = uppers.sort()[0];

  if (filter.org !== undefined) {
    const key = organizationKey(filter.org);
    if (!key) return { index: 'gsi4', partition: '', empty: true, reason: 'org folds to nothing' };
    return withBounds('gsi4', eventKeys.byOrganizationPartition(key), lower, upper, 'org');
  }
  if (filter.country?.length === 1)
    return withBounds('gsi3', eventKeys.byCountryPartition(filter.country[0]!), lower, upper, 'one country');
  if (filter.kind?.length === 1)
    return withBounds('gsi2', eventKeys.byKindPartition(filter.kind[0]!), lower, upper, 'one kind');
  return withBounds('gsi1', eventKeys.byTimePartition(), lower, upper, 'time index');
}

function withBounds(
  index: EventPlan['index'],
  partition: string,
  lower: string | undefined,
  upper: string | undefined,
  reason: string,
): EventPlan {
  const empty = lower !== undefined && upper !== undefined && lower > upper;
  return {
    index,
    partition,
    ...(lower !== undefined ? { lower } : {}),
    ...(upper !== undefined ? { upper } : {}),
    empty,
    reason,
  };
}

/** Filters that narrow rows, as a stable string: the cursor is bound to it. */
function filterFingerprint(query: Pick<EventListQuery, 'filter' | 'sort' | 'asOf'>): string {
  const entries = Object.entries(query.filter)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => [name, Array.isArray(value) ? [...value].sort() : value] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  const canonical = JSON.stringify({ f: entries, s: query.sort, a: query.asOf ?? null });
  // A digest, not the filter itself: a long `q` in Korean must not push the cursor past its size cap.
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** The cursor scope of an event list: route family, index and filter. */
export function eventCursorScope(plan: EventPlan, query: Pick<EventListQuery, 'filter' | 'sort' | 'asOf'>) {
  return `events:${plan.index}:${filterFingerprint(query)}`;
}

function keyConditions(plan: EventPlan) {
  const names: Record<string, string> = { '#pk': `${plan.index}pk` };
  const values: Record<string, string> = { ':pk': plan.partition };
  let expression = '#pk = :pk';
  if (plan.lower !== undefined || plan.upper !== undefined) names['#sk'] = `${plan.index}sk`;
  if (plan.lower !== undefined && plan.upper !== undefined) {
    expression += ' AND #sk BETWEEN :lower AND :upper';
    values[':lower'] = plan.lower;
    values[':upper'] = plan.upper;
  } else if (plan.lower !== undefined) {
    expression += ' AND #sk >= :lower';
    values[':lower'] = plan.lower;
  } else if (plan.upper !== undefined) {
    expression += ' AND #sk <= :upper';
    values[':upper'] = plan.upper;
  }
  return { expression, names, values };
}

/** The key of an index item, as DynamoDB would return it in LastEvaluatedKey. */
function indexKeyOf(item: Record<string, unknown>, index: EventPlan['index']): Record<string, string> {
  return {
    pk: String(item['pk']),
    sk: String(item['sk']),
    [`${index}pk`]: String(item[`${index}pk`]),
    [`${index}sk`]: String(item[`${index}sk`]),
  };
}

function hasResidualFilter(filter: EventFilter, plan: EventPlan, asOf: string | undefined): boolean {
  if (asOf !== undefined) return true;
  const served = new Set<string>();
  if (plan.index === 'gsi4') served.add('org');
  if (plan.index === 'gsi3') served.add('country');
  if (plan.index === 'gsi2') served.add('kind');
  if (['gsi1', 'gsi2', 'gsi3', 'gsi4'].includes(plan.index) && filter.date_field !== 'disclosed') {
    served.add('since').add('until').add('date_field');
  }
  return Object.entries(filter).some(([name, value]) => value !== undefined && !served.has(name));
}

/**
 * One page of events for a filter, by Queries on the one index the planner picks (never a
 * Scan). Items are read in index order and kept when they match; the read stops when the
 * page is full or the budget is spent, and `next` resumes right after the last item read,
 * so paging returns every matching event exactly once even when pages come back short.
 */
export async function listEvents(
  store: Store,
  query: EventListQuery,
  budget: ReadBudget = DEFAULT_READ_BUDGET,
): Promise<Page<Event> & { plan: EventPlan; read: number }> {
  const plan = planEventQuery(query);
  const scope = eventCursorScope(plan, query);
  // Decoded before anything else so a bad cursor is a 400 even when the page would be empty.
  let startKey: Record<string, string | number> | undefined = query.cursor
    ? decodeCursor(scope, query.cursor, plan)
    : undefined;
  if (plan.empty) return { rows: [], next: null, plan, read: 0 };

  const { expression, names, values } = keyConditions(plan);
  const residual = hasResidualFilter(query.filter, plan, query.asOf);
  const rows: Event[] = [];
  let read = 0;
  for (let page = 0; page < budget.maxPages; page++) {
    const wanted = query.limit - rows.length;
    // Unfiltered reads fetch exactly what is needed; filtered ones read ahead in bigger gulps.
    const chunk = residual ? Math.max(wanted, 100) : wanted;
    const result = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: plan.index,
        KeyConditionExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: Math.max(1, Math.min(chunk, budget.maxItems - read)),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const items = result.Items ?? [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      read++;
      const stored = eventFromItem(item);
      const event = query.asOf !== undefined ? eventAsOf(stored, query.asOf) : stored;
      if (event && matchesFilter(event, query.filter)) rows.push(event);
      if (rows.length >= query.limit) {
        const atEnd = i === items.length - 1 && !result.LastEvaluatedKey;
        return {
          rows,
          next: atEnd ? null : encodeCursor(scope, indexKeyOf(item, plan.index)),
          plan,
          read,
        };
      }
    }
    if (!result.LastEvaluatedKey) return { rows, next: null, plan, read };
    startKey = result.LastEvaluatedKey as Record<string, string>;
    if (read >= budget.maxItems) break;
  }
  return { rows, next: startKey ? encodeCursor(scope, startKey) : null, plan, read };
}

/**
 * Every page of a filter in turn, for the streamed exports. Each page is one bounded
 * request's worth of reading; the export as a whole reads what it must.
 */
export async function* allEvents(
  store: Store,
  query: Omit<EventListQuery, 'limit' | 'cursor'>,
  budget: ReadBudget = DEFAULT_READ_BUDGET,
): AsyncGenerator<Event[]> {
  let cursor: string | undefined;
  do {
    const page = await listEvents(store, { ...query, limit: 500, ...(cursor ? { cursor } : {}) }, budget);
    if (page.rows.length > 0) yield page.rows;
    cursor = page.next ?? undefined;
  } while (cursor);
}

/** The projection stats need: everything `matchesFilter` and the sums read, none of the bulky history. */
const STATS_PROJECTION = [
  'id',
  'kind',
  'title',
  'organization',
  'country',
  'dates',
  'affected',
  'dataTypes',
  'penalty',
  'sources',
  'firstSeenAt',
];

/** One month's aggregates. */
export interface MonthBucket {
  /** `YYYY-MM`. */
  month: string;
  events: Event[];
}

/** `YYYY-MM` months from `since` to `until` (exclusive), oldest first. */
export function monthsBetween(since: string, until: string): { month: string; from: string; to: string }[] {
  const months: { month: string; from: string; to: string }[] = [];
  const start = new Date(since);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth();
  for (let guard = 0; guard < 1_000; guard++) {
    const from = new Date(Date.UTC(year, month, 1)).toISOString();
    if (from >= until) break;
    const to = new Date(Date.UTC(year, month + 1, 1)).toISOString();
    months.push({
      month: from.slice(0, 7),
      from: from < since ? since : from,
      to: to > until ? until : to,
    });
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return months;
}

/**
 * The events first seen in `[since, until)` that match a filter, month by month: one Query
 * (paged) per month on the time index, a few months at a time. The range is bounded by the
 * caller (at most 36 months), so the read is bounded by what those months hold.
 */
export async function eventsByMonth(
  store: Store,
  range: { since: string; until: string },
  filter: EventFilter,
): Promise<MonthBucket[]> {
  const months = monthsBetween(range.since, range.until);
  return mapLimit(months, 4, async ({ month, from, to }) => {
    const events: Event[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await store.doc.send(
        new QueryCommand({
          TableName: store.tableName,
          IndexName: 'gsi1',
          // `to` is exclusive; keys are `<time>#<id>`, so `< to` is exact.
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': eventKeys.byTimePartition(), ':from': from, ':to': to },
          ProjectionExpression: STATS_PROJECTION.map((_, i) => `#p${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(STATS_PROJECTION.map((name, i) => [`#p${i}`, name])),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) {
        const event = eventFromItem(item);
        if (event.firstSeenAt < to && matchesFilter(event, filter)) events.push(event);
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return { month, events };
  });
}
