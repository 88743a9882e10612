import { jsonParserFor, nativeOf, stringOf, stringsOf } from '../adapters/json.ts';
import type { Parser, RawEntry } from '../types.ts';

/** Fields kept verbatim; `Description` becomes the summary and `LogoPath` is presentation only. */
const NATIVE_FIELDS = [
  'Name',
  'Title',
  'Domain',
  'BreachDate',
  'AddedDate',
  'ModifiedDate',
  'PwnCount',
  'DataClasses',
  'IsVerified',
  'IsFabricated',
  'IsSensitive',
  'IsRetired',
  'IsSpamList',
  'IsMalware',
  'IsStealerLog',
  'IsSubscriptionFree',
] as const;

/**
 * Have I Been Pwned `/api/v3/breaches`: a JSON array of breach objects. Spam lists and
 * fabricated breaches are skipped — they are not breaches of the named organisation.
 * Malware / stealer-log corpora are kept but get no `kind`, since the named site was not breached.
 * `PwnCount` counts unique email addresses, hence unit `accounts`.
 */
export const parseHibpBreaches: Parser = jsonParserFor({
  records: (doc) => (Array.isArray(doc) ? doc : undefined),
  toEntry: (breach, ctx) => {
    const name = stringOf(breach['Name']);
    if (!name || breach['IsSpamList'] === true || breach['IsFabricated'] === true) return null;
    const organization = stringOf(breach['Title']) ?? name;
    const count =
      typeof breach['PwnCount'] === 'number' && breach['PwnCount'] > 0 ? breach['PwnCount'] : undefined;
    const harvested = breach['IsMalware'] === true || breach['IsStealerLog'] === true;
    const entry: RawEntry = {
      guid: name,
      url: new URL(`/api/v3/breach/${encodeURIComponent(name)}`, ctx.url).href,
      title: count
        ? `${organization}: ${count.toLocaleString('en-US')} accounts added to Have I Been Pwned`
        : `${organization} added to Have I Been Pwned`,
      lang: ctx.source.language,
      native: nativeOf(breach, NATIVE_FIELDS),
      structured: {
        organization,
        ...(harvested ? {} : { kind: 'breach' as const }),
        ...(count ? { affected: { count, unit: 'accounts' as const, approximate: false } } : {}),
        dataTypeLabels: stringsOf(breach['DataClasses']),
        ...(stringOf(breach['BreachDate']) ? { occurredAt: stringOf(breach['BreachDate']) } : {}),
      },
    };
    const summary = stringOf(breach['Description']);
    if (summary) entry.summary = summary;
    const added = stringOf(breach['AddedDate']);
    if (added) entry.publishedAt = added;
    return entry;
  },
});
