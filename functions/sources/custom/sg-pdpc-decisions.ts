import { BreachwireError } from '../../core/errors.ts';
import { absoluteUrl, collapseSpace } from '../adapters/common.ts';
import { asRecord, stringOf } from '../adapters/json.ts';
import type { ParseContext, ParseResult, RawEntry } from '../types.ts';

// One listing card: a flat object with label, url and the listing flag, in any key order after label.
const LISTING_OBJECT = /\{"label":"(?:[^"\\]|\\.)*","url":"(?:[^"\\]|\\.)*"[^{}]*\}/g;

/**
 * Singapore PDPC decisions: an Angular app whose server-rendered HTML carries the listing as a
 * JSON island inside a script, with quotes backslash-escaped (`{\"label\":…}`). The island is
 * unescaped once and every flat `{"label","url",…,"isListingDetail":true}` object is read.
 * Labels read "Breach of the … Obligation by <Organisation>"; the organisation follows " by ".
 * The listing carries no dates: first-seen time stands in for publication.
 */
export function parseSgPdpcDecisions(body: string, ctx: ParseContext): ParseResult {
  const island = body.replace(/\\"/g, '"').replace(/\\\//g, '/');
  const entries: RawEntry[] = [];
  const seen = new Set<string>();
  for (const match of island.matchAll(LISTING_OBJECT)) {
    let card: Record<string, unknown> | undefined;
    try {
      card = asRecord(JSON.parse(match[0]));
    } catch {
      continue;
    }
    if (card?.['isListingDetail'] !== true) continue;
    const label = collapseSpace(stringOf(card['label']) ?? '');
    const url = absoluteUrl(stringOf(card['url']), ctx.url);
    if (!label || !url || seen.has(url)) continue;
    seen.add(url);
    const organization = / by (.+)$/.exec(label)?.[1]?.trim();
    entries.push({
      guid: url,
      url,
      title: label,
      lang: ctx.source.language,
      native: { label, url: stringOf(card['url']) ?? '' },
      structured: { country: 'SG', ...(organization ? { organization } : {}) },
    });
  }
  if (entries.length === 0) {
    throw new BreachwireError(
      'source.parseFailed',
      `${ctx.source.id}: no decision listing found in the page's JSON island`,
    );
  }
  return { entries };
}
