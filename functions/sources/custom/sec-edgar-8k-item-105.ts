import { BreachwireError } from '../../core/errors.ts';
import { hasPageBudget, withQueryParam } from '../adapters/common.ts';
import { asRecord, type JsonRecord, nativeOf, parseJsonBody, stringOf, stringsOf } from '../adapters/json.ts';
import type { ParseContext, ParseResult, RawEntry } from '../types.ts';

/** Item 1.05 of Form 8-K: "Material Cybersecurity Incidents" (in force since 18 Dec 2023). */
const CYBER_ITEM = '1.05';

/**
 * EDGAR full-text search (efts) returns one hit per *document*: a filing with an exhibit
 * appears twice under the same accession number (`adsh`). Text matches of "Item 1.05" in
 * filings that do not report under that item are false positives, so only hits whose
 * `items` list "1.05" are kept. Amendments (8-K/A) share the CIK and `period_ending` of the
 * original; when both are on the page the amendment's `native.amends` names the original.
 */
export function parseSecEdgar8kItem105(body: string, ctx: ParseContext): ParseResult {
  const doc = asRecord(parseJsonBody(body, ctx.source.id));
  const hitsBlock = asRecord(doc?.['hits']);
  const hits = hitsBlock?.['hits'];
  if (!Array.isArray(hits)) {
    throw new BreachwireError(
      'source.parseFailed',
      `${ctx.source.id}: no hits.hits array in the search response`,
    );
  }

  const filings = new Map<string, JsonRecord>();
  for (const hit of hits) {
    const filing = asRecord(asRecord(hit)?.['_source']);
    const adsh = stringOf(filing?.['adsh']);
    if (!filing || !adsh) continue;
    if (!stringsOf(filing['items']).includes(CYBER_ITEM)) continue;
    const seen = filings.get(adsh);
    // Prefer the main document's hit (file_type = form) over an exhibit's: same filing, clearer fields.
    if (!seen || (stringOf(seen['file_type']) !== stringOf(seen['form']) && isMainDocument(filing))) {
      filings.set(adsh, filing);
    }
  }

  const originals = new Map<string, string>();
  for (const [adsh, filing] of filings) {
    if (!isAmendment(filing)) originals.set(chainKey(filing), adsh);
  }
  const entries = [...filings.entries()].map(([adsh, filing]) => toEntry(adsh, filing, originals, ctx));

  const next = nextPage(hitsBlock, hits.length, ctx);
  return next ? { entries, next } : { entries };
}

function toEntry(
  adsh: string,
  filing: JsonRecord,
  originals: Map<string, string>,
  ctx: ParseContext,
): RawEntry {
  const form = stringOf(filing['form']) ?? '8-K';
  const filer = parseDisplayName(stringsOf(filing['display_names'])[0] ?? '');
  const cik = stringsOf(filing['ciks'])[0] ?? filer.cik;
  const fileDate = stringOf(filing['file_date']);
  const amendment = isAmendment(filing);
  const organization = filer.name || `CIK ${cik ?? 'unknown'}`;

  const entry: RawEntry = {
    guid: adsh,
    title: `${organization} files Form ${form} under Item ${CYBER_ITEM} (material cybersecurity incident)`,
    lang: ctx.source.language,
    native: {
      ...nativeOf(filing, [
        'adsh',
        'form',
        'root_forms',
        'file_type',
        'file_date',
        'period_ending',
        'items',
        'ciks',
      ]),
      ...nativeOf(filing, ['display_names', 'biz_states', 'inc_states', 'sics']),
      companyName: filer.name || null,
      ticker: filer.ticker ?? null,
      chainKey: chainKey(filing),
      amends: amendment ? (originals.get(chainKey(filing)) ?? null) : null,
    },
    structured: {
      organization,
      kind: 'breach',
      country: 'US',
      ...(fileDate ? { disclosedAt: fileDate } : {}),
    },
  };
  if (cik) {
    entry.url = `https://www.sec.gov/Archives/edgar/data/${Number(cik)}/${adsh.replace(/-/g, '')}/${adsh}-index.htm`;
  }
  if (fileDate) entry.publishedAt = fileDate;
  return entry;
}

/** `"River Financial Corp  (RVRF)  (CIK 0001641601)"` → name, ticker, CIK (two spaces are real). */
function parseDisplayName(display: string): { name: string; ticker?: string; cik?: string } {
  const match = /^(.*?)\s*(?:\(([^()]*)\)\s*)?\(CIK (\d+)\)\s*$/.exec(display);
  if (!match) return { name: display.trim() };
  const [, name = '', ticker, cik] = match;
  return { name: name.trim(), ...(ticker ? { ticker: ticker.trim() } : {}), ...(cik ? { cik } : {}) };
}

function isAmendment(filing: JsonRecord): boolean {
  return (stringOf(filing['form']) ?? '').endsWith('/A');
}

function isMainDocument(filing: JsonRecord): boolean {
  return stringOf(filing['file_type']) === stringOf(filing['form']);
}

/** Original and amendments share the first CIK and the report date. */
function chainKey(filing: JsonRecord): string {
  return `${stringsOf(filing['ciks'])[0] ?? ''}:${stringOf(filing['period_ending']) ?? ''}`;
}

/** efts pages with `from=` (offset in hits, 100 per page); `hits.total.value` says how many there are. */
function nextPage(
  hitsBlock: JsonRecord | undefined,
  pageHits: number,
  ctx: ParseContext,
): string | undefined {
  if (!hasPageBudget(ctx) || pageHits === 0) return undefined;
  const total = Number(asRecord(hitsBlock?.['total'])?.['value'] ?? 0);
  const from = Number(new URL(ctx.url).searchParams.get('from') ?? 0) || 0;
  return from + pageHits < total ? withQueryParam(ctx.url, 'from', from + pageHits) : undefined;
}
