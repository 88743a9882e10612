import { earliest, stableGuid, usDatesIn, usDateToIso } from '../adapters/common.ts';
import { csvParserFor } from '../adapters/csv.ts';
import type { Parser, RawEntry } from '../types.ts';

// Header cells as published; csv.ts collapses the two spaces before "(if known)".
const ORGANIZATION = 'Organization Name';
const BREACH_DATES = 'Date(s) of Breach (if known)';
const REPORTED = 'Reported Date';

/**
 * California AG `list-export`: CRLF, every field quoted, `MM/DD/YYYY`. The breach-date cell
 * may hold several dates (`"04/21/2026, 04/29/2026"`), `n/a` or nothing. Rows carry no id,
 * so the guid is a hash of the three cells (a re-submitted notice with new dates is a new row
 * on the register too).
 */
export const parseCaAgBreachList: Parser = csvParserFor({
  requiredColumns: [ORGANIZATION, BREACH_DATES, REPORTED],
  toEntry: (row, ctx) => {
    const organization = row[ORGANIZATION];
    if (!organization) return null;
    const breachDates = usDatesIn(row[BREACH_DATES]);
    const reported = usDateToIso(row[REPORTED]);
    const occurredAt = earliest(breachDates);
    const entry: RawEntry = {
      guid: stableGuid('ca-ag', [organization, row[BREACH_DATES], row[REPORTED]]),
      // The list page filtered to this organisation: the notice PDF is one click away.
      url: `https://oag.ca.gov/privacy/databreach/list?field_sb24_org_name_value=${encodeURIComponent(organization)}`,
      title: `${organization}: data breach notice filed with the California Attorney General`,
      lang: ctx.source.language,
      native: {
        [ORGANIZATION]: organization,
        [BREACH_DATES]: row[BREACH_DATES] ?? '',
        [REPORTED]: row[REPORTED] ?? '',
        breachDates,
      },
      structured: {
        organization,
        kind: 'breach',
        country: 'US',
        ...(occurredAt ? { occurredAt } : {}),
        ...(reported ? { disclosedAt: reported } : {}),
      },
    };
    if (row[REPORTED]) entry.publishedAt = row[REPORTED];
    return entry;
  },
});
