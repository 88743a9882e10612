import { absoluteUrl, countOf, earliest, stableGuid, usDatesIn, usDateToIso } from '../adapters/common.ts';
import { loadHtml, tableRows } from '../adapters/html.ts';
import type { ParseContext, ParseResult, RawEntry } from '../types.ts';

const HEADERS = [
  'Organization',
  'Reported',
  'Dates of Breach',
  'Dates of Discovery',
  'Notice Sent',
  'Number Affected',
];

/**
 * Oregon DOJ: the whole register on one page, one table. Date cells hold single dates or
 * ranges (`12/2/2025 - 12/18/2025`) with non-padded months. No row id, so the guid hashes
 * organisation, reported date and breach dates.
 */
export function parseOregonDojBreaches(body: string, ctx: ParseContext): ParseResult {
  const $ = loadHtml(body, ctx.source.id);
  const entries: RawEntry[] = [];
  for (const { cells, texts } of tableRows($, 'table', HEADERS, ctx.source.id)) {
    const organization = texts['Organization'];
    if (!organization) continue;
    const reported = usDateToIso(texts['Reported']);
    const occurredAt = earliest(usDatesIn(texts['Dates of Breach']));
    const discoveredAt = earliest(usDatesIn(texts['Dates of Discovery']));
    const count = countOf(texts['Number Affected']);
    const entry: RawEntry = {
      guid: stableGuid('or-doj', [organization, texts['Reported'], texts['Dates of Breach']]),
      title: `${organization}: data breach reported to the Oregon Department of Justice`,
      lang: ctx.source.language,
      native: Object.fromEntries(HEADERS.map((header) => [header, texts[header] ?? ''])),
      structured: {
        organization,
        kind: 'breach',
        country: 'US',
        ...(count ? { affected: { count, unit: 'people' as const, approximate: false } } : {}),
        ...(occurredAt ? { occurredAt } : {}),
        ...(discoveredAt ? { discoveredAt } : {}),
        ...(reported ? { disclosedAt: reported } : {}),
      },
    };
    const url = absoluteUrl(cells.get('Organization')?.find('a').attr('href'), ctx.url);
    if (url) entry.url = url;
    if (texts['Reported']) entry.publishedAt = texts['Reported'];
    entries.push(entry);
  }
  return { entries };
}
