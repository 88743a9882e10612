import { countOf, stableGuid, usDateToIso } from '../adapters/common.ts';
import { csvParserFor } from '../adapters/csv.ts';
import type { Parser, RawEntry } from '../types.ts';

const COLUMNS = [
  'Name of Covered Entity',
  'State',
  'Covered Entity Type',
  'Individuals Affected',
  'Breach Submission Date',
  'Type of Breach',
  'Location of Breached Information',
  'Business Associate Present',
  'Web Description',
] as const;

/**
 * HHS OCR breach portal CSV export (breaches of PHI affecting ≥ 500 individuals). No row id:
 * the natural key is entity name + submission date. `Location of Breached Information` is a
 * comma-joined multi-value cell; `Web Description` is empty in the "under investigation" view.
 */
export const parseHhsOcrBreachReport: Parser = csvParserFor({
  requiredColumns: COLUMNS.filter((column) => column !== 'Web Description'),
  toEntry: (row, ctx) => {
    const organization = row['Name of Covered Entity'];
    if (!organization) return null;
    const count = countOf(row['Individuals Affected']);
    const submitted = usDateToIso(row['Breach Submission Date']);
    const breachType = row['Type of Breach'] || 'Breach';
    const native: Record<string, string> = {};
    for (const column of COLUMNS) native[column] = row[column] ?? '';
    const entry: RawEntry = {
      guid: stableGuid('hhs-ocr', [organization, row['Breach Submission Date']]),
      title: count
        ? `${organization}: ${breachType} affecting ${count.toLocaleString('en-US')} individuals reported to HHS OCR`
        : `${organization}: ${breachType} reported to HHS OCR`,
      lang: ctx.source.language,
      native,
      structured: {
        organization,
        kind: 'breach',
        country: 'US',
        ...(count ? { affected: { count, unit: 'people' as const, approximate: false } } : {}),
        ...(submitted ? { disclosedAt: submitted } : {}),
      },
    };
    if (row['Web Description']) entry.summary = row['Web Description'];
    if (row['Breach Submission Date']) entry.publishedAt = row['Breach Submission Date'];
    return entry;
  },
});
