import { BreachwireError } from '../core/errors.ts';
import type { Event } from '../events/types.ts';
import { type MonthBucket, monthsBetween } from '../store/event-queries.ts';

/** The widest range one stats request may cover: each month is one Query. */
export const MAX_STATS_MONTHS = 36;
const DEFAULT_STATS_MONTHS = 12;

/** One aggregate row: a month, a country or a kind. */
export interface StatsRow {
  dimension: 'month' | 'country' | 'kind';
  value: string;
  events: number;
  /** Events with a known affected count; `affected_sum` adds only those (units mixed). */
  events_with_affected: number;
  affected_sum: number;
  /** Penalty totals per currency, never converted (conversion is approximate). */
  penalties: { currency: string; amount: number; events: number }[];
}

/**
 * The stats range: both ends given, or defaulted to the last 12 whole-and-current months
 * (`until` = now, exclusive). More than 36 months is a 400 naming `since`.
 */
export function statsRange(since: string | undefined, until: string | undefined, now: Date) {
  const end = until ?? now.toISOString();
  let start = since;
  if (!start) {
    const endDate = new Date(end);
    start = new Date(
      Date.UTC(endDate.getUTCFullYear(), endDate.getUTCMonth() - (DEFAULT_STATS_MONTHS - 1), 1),
    ).toISOString();
  }
  if (start > end)
    throw new BreachwireError('query.invalidParam', 'invalid query parameter: until', {
      details: [{ param: 'until', message: 'must not be before since' }],
    });
  const months = monthsBetween(start, end).length;
  if (months > MAX_STATS_MONTHS)
    throw new BreachwireError('query.invalidParam', 'invalid query parameter: since', {
      details: [
        {
          param: 'since',
          message: `the range spans ${months} months; at most ${MAX_STATS_MONTHS} (narrow since/until)`,
        },
      ],
    });
  return { since: start, until: end };
}

function emptyRow(dimension: StatsRow['dimension'], value: string): StatsRow {
  return { dimension, value, events: 0, events_with_affected: 0, affected_sum: 0, penalties: [] };
}

function add(row: StatsRow, event: Event): void {
  row.events++;
  if (event.affected) {
    row.events_with_affected++;
    row.affected_sum += event.affected.count;
  }
  if (event.penalty) {
    let total = row.penalties.find((penalty) => penalty.currency === event.penalty!.currency);
    if (!total) {
      total = { currency: event.penalty.currency, amount: 0, events: 0 };
      row.penalties.push(total);
    }
    total.amount += event.penalty.amount;
    total.events++;
  }
}

/**
 * Month rows (every month of the range, empty ones included so a chart has no gaps), then
 * country rows and kind rows by descending event count. Events without a country count
 * under `unknown`.
 */
export function aggregateStats(buckets: readonly MonthBucket[]): StatsRow[] {
  const months: StatsRow[] = [];
  const countries = new Map<string, StatsRow>();
  const kinds = new Map<string, StatsRow>();
  for (const bucket of buckets) {
    const monthRow = emptyRow('month', bucket.month);
    months.push(monthRow);
    for (const event of bucket.events) {
      add(monthRow, event);
      const country = event.country ?? 'unknown';
      if (!countries.has(country)) countries.set(country, emptyRow('country', country));
      add(countries.get(country)!, event);
      if (!kinds.has(event.kind)) kinds.set(event.kind, emptyRow('kind', event.kind));
      add(kinds.get(event.kind)!, event);
    }
  }
  const byCount = (a: StatsRow, b: StatsRow) => b.events - a.events || a.value.localeCompare(b.value);
  for (const row of [...months, ...countries.values(), ...kinds.values()])
    row.penalties.sort((a, b) => a.currency.localeCompare(b.currency));
  return [...months, ...[...countries.values()].sort(byCount), ...[...kinds.values()].sort(byCount)];
}
