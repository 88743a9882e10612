import { countOf } from '../adapters/common.ts';
import { jsonParserFor, nativeOf, nextOffsetPage, stringOf } from '../adapters/json.ts';
import type { Parser, RawEntry } from '../types.ts';

/** Socrata floating timestamps (`2025-01-03T00:00:00.000`, no zone) → the date part. */
function dateOf(value: unknown): string | undefined {
  return stringOf(value)?.slice(0, 10);
}

/**
 * Washington AG notices on data.wa.gov (Socrata dataset `sb4j-ca4h`). SODA JSON omits null
 * fields and sends numbers as strings. Pagination is `$limit`/`$offset`: a full page means
 * another may follow. Counts are Washington residents only, not the breach total.
 */
export const parseWaAgBreachNotices: Parser = jsonParserFor({
  records: (doc) => (Array.isArray(doc) ? doc : undefined),
  toEntry: (row, ctx) => {
    const organization = stringOf(row['name']);
    const id = stringOf(row['id']);
    if (!organization || !id) return null;
    const count = countOf(row['washingtoniansaffected']);
    const occurredAt = dateOf(row['datestart']);
    const discoveredAt = dateOf(row['dateaware']);
    const disclosedAt = dateOf(row['datesubmitted']);
    const entry: RawEntry = {
      guid: id,
      title: count
        ? `${organization}: data breach affecting ${count.toLocaleString('en-US')} Washingtonians reported to the Washington AG`
        : `${organization}: data breach notice filed with the Washington AG`,
      lang: ctx.source.language,
      native: nativeOf(row),
      structured: {
        organization,
        kind: 'breach',
        country: 'US',
        ...(count ? { affected: { count, unit: 'people' as const, approximate: false } } : {}),
        ...(occurredAt ? { occurredAt } : {}),
        ...(discoveredAt ? { discoveredAt } : {}),
        ...(disclosedAt ? { disclosedAt } : {}),
      },
    };
    const submitted = stringOf(row['datesubmitted']);
    if (submitted) entry.publishedAt = submitted;
    return entry;
  },
  next: (_doc, ctx, recordCount) =>
    nextOffsetPage(ctx, recordCount, { limit: '$limit', offset: '$offset', defaultLimit: 1000 }),
});
