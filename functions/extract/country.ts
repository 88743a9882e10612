/**
 * The jurisdiction of the organisation or of the acting authority. Evidence is weighed rather
 * than taken first-come: regulators weigh most, then country names and demonyms (more in the
 * title and the first sentence), then the URL's ccTLD, the source's own country and the script.
 * A country named as the attacker's origin ("North Korean hackers", "a Chinese former employee")
 * weighs almost nothing.
 */
import type { DocContext } from './context.ts';
import {
  CJK_COUNTRY_NAMES,
  CJK_REGULATORS,
  COUNTRY_NAMES,
  REGULATORS,
  type Regulator,
  TLD_COUNTRY,
} from './geo.ts';
import { PhraseMatcher } from './lexicon.ts';
import type { Evidence } from './types.ts';

const countryMatcher = new PhraseMatcher<string>(
  Object.entries(COUNTRY_NAMES).flatMap(([code, names]) =>
    names
      .split('|')
      .map((n) =>
        n.startsWith('=')
          ? { phrase: n.slice(1), value: code, caseSensitive: true }
          : { phrase: n, value: code },
      ),
  ),
);
const regulatorMatcher = new PhraseMatcher<Regulator>(
  REGULATORS.map((r) => ({ phrase: r.phrase, value: r, caseSensitive: r.caseSensitive === true })),
);

// After a country word: the country is where the attackers or suspects come from.
const ATTACKER_AFTER =
  /^[-' ]{0,2}(?:s )?(?:state[- ]sponsored |state[- ]backed |government[- ]backed |linked |backed |based )?(?:hackers?|hacking|attackers?|threat actors?|cybercriminals?|spies|nationals|former employee|employee|suspects?|gang|group|military|government hackers|apt)\b/i;
const ATTACKER_BEFORE = /(?:by|from|blamed|behind|accused|suspected|linked to|tied to)\s+(?:the\s+)?$/i;
const BEHIND_AFTER = /^(?:'s)?\s+(?:was |is |were )?(?:behind|blamed|accused|responsible)\b/i;
const BASED_AFTER = /^-based\b/i;

const HOST_HINTS: ReadonlyArray<readonly [string, string]> = [
  ['korea', 'KR'],
  ['japan', 'JP'],
  ['china', 'CN'],
  ['india', 'IN'],
  ['canada', 'CA'],
  ['australia', 'AU'],
  ['singapore', 'SG'],
  ['taiwan', 'TW'],
  ['france', 'FR'],
  ['germany', 'DE'],
  ['deutschland', 'DE'],
  ['spain', 'ES'],
  ['italia', 'IT'],
];
// Currencies tied to one country; USD and EUR are used too widely to say anything.
const CURRENCY_COUNTRY: Record<string, string> = {
  KRW: 'KR',
  JPY: 'JP',
  GBP: 'GB',
  INR: 'IN',
  AUD: 'AU',
  CAD: 'CA',
  SGD: 'SG',
  CNY: 'CN',
  PLN: 'PL',
  CHF: 'CH',
  SEK: 'SE',
  NOK: 'NO',
  DKK: 'DK',
  BRL: 'BR',
  HKD: 'HK',
  TWD: 'TW',
  NZD: 'NZ',
  RON: 'RO',
  HUF: 'HU',
  CZK: 'CZ',
  TRY: 'TR',
};

/** Whether a regulator mention is in a jurisdiction-specific phrase: "Data Protection Authority of Sweden". */
export interface CountryResult {
  country: string | null;
  evidence: Evidence | null;
  /** The acting authority named in the text, if any (for penalties). */
  authority: string | null;
}

/** Finds regulators named in the document, title first. */
export function findRegulators(
  ctx: DocContext,
): Array<{ regulator: Regulator; field: 'title' | 'summary'; start: number }> {
  const out: Array<{ regulator: Regulator; field: 'title' | 'summary'; start: number }> = [];
  for (const field of [ctx.title, ctx.summary]) {
    for (const hit of regulatorMatcher.findAll(field.tokens))
      out.push({ regulator: hit.value, field: field.name, start: hit.start });
    if (ctx.hangul || ctx.kana) {
      for (const r of CJK_REGULATORS) {
        const at = field.text.indexOf(r.phrase);
        if (at >= 0) out.push({ regulator: r, field: field.name, start: at });
      }
    }
  }
  return out;
}

/** Weighs the country evidence of a document. */
export function extractCountry(
  ctx: DocContext,
  regulators = findRegulators(ctx),
  englishDefault = false,
): CountryResult {
  const score = new Map<string, number>();
  const why = new Map<string, Evidence>();
  const add = (code: string, weight: number, evidence: Evidence): void => {
    if (weight <= 0) return;
    score.set(code, (score.get(code) ?? 0) + weight);
    if (!why.has(code)) why.set(code, evidence);
  };

  for (const r of regulators) {
    const field = r.field === 'title' ? ctx.title : ctx.summary;
    add(r.regulator.country, r.field === 'title' ? 4 : 3, {
      field: r.field,
      text: sentenceOf(field.text, r.start),
    });
  }
  const authority = regulators[0]?.regulator.name ?? null;

  for (const field of [ctx.title, ctx.summary]) {
    const tokens = field.tokens;
    const firstSentenceEnd = field.sentences[0]?.end ?? field.text.length;
    for (const hit of countryMatcher.findAll(tokens)) {
      const after = field.text.slice(hit.end, hit.end + 40);
      const before = field.text.slice(Math.max(0, hit.start - 30), hit.start);
      let weight = field.name === 'title' ? 2 : hit.start < firstSentenceEnd ? 1.5 : 1;
      if (ATTACKER_AFTER.test(after) || ATTACKER_BEFORE.test(before) || BEHIND_AFTER.test(after))
        weight = 0.1;
      if (hit.value === 'KP') weight *= 0.3;
      if (BASED_AFTER.test(after)) weight += 1;
      add(hit.value, weight, { field: field.name, text: sentenceOf(field.text, hit.start) });
    }
    if (ctx.hangul || ctx.kana || /[\u4e00-\u9fff]/.test(field.text.slice(0, 300))) {
      for (const [code, names] of Object.entries(CJK_COUNTRY_NAMES)) {
        for (const n of names) {
          const at = field.text.indexOf(n);
          if (at >= 0)
            add(code, field.name === 'title' ? 1.5 : 1, {
              field: field.name,
              text: sentenceOf(field.text, at),
            });
        }
      }
    }
  }

  // Weak priors: the URL's country domain, the source's jurisdiction, the script.
  // The outlet's country is a weak hint about the organisation's: below the decision threshold alone.
  const tldCountry = TLD_COUNTRY[ctx.tld];
  if (tldCountry) add(tldCountry, 0.6, { field: 'source', text: ctx.url });
  for (const label of ctx.hostLabels.slice(0, -1)) {
    for (const [needle, code] of HOST_HINTS)
      if (label.includes(needle)) add(code, 0.6, { field: 'source', text: ctx.url });
  }
  for (const field of [ctx.title, ctx.summary]) {
    for (const money of field.money.slice(0, 3)) {
      const code = CURRENCY_COUNTRY[money.currency];
      if (code) add(code, 0.9, { field: field.name, text: sentenceOf(field.text, money.start) });
    }
  }
  if (ctx.sourceCountry)
    add(ctx.sourceCountry, 1.2, { field: 'source', text: `source country ${ctx.sourceCountry}` });
  if (ctx.hangul) add('KR', 1, { field: 'source', text: 'Korean script' });
  if (ctx.kana) add('JP', 1, { field: 'source', text: 'Japanese script' });
  if (/\bSocial Security numbers?\b|\bSSNs?\b|\bHIPAA\b|\battorneys? general\b/i.test(ctx.all)) {
    add('US', 1, { field: 'summary', text: 'US-specific identifiers or law' });
  }

  let best: string | null = null;
  let bestScore = 0;
  for (const [code, s] of score) {
    if (s > bestScore) {
      best = code;
      bestScore = s;
    }
  }
  if (best === null || bestScore < 0.8) {
    // English-language reports that name no place at all are overwhelmingly about US organisations.
    if (ctx.lang === 'en' && englishDefault) {
      return {
        country: 'US',
        evidence: { field: 'source', text: 'default for English-language reports naming no place' },
        authority,
      };
    }
    return best !== null && bestScore >= 0.6
      ? { country: best, evidence: why.get(best) ?? null, authority }
      : { country: null, evidence: null, authority };
  }
  return { country: best, evidence: why.get(best) ?? null, authority };
}

function sentenceOf(text: string, at: number): string {
  const dot = text.lastIndexOf('. ', at);
  const from = dot < 0 ? 0 : dot + 2;
  const toDot = text.indexOf('. ', at);
  const to = toDot < 0 ? text.length : toDot + 1;
  const s = text.slice(from, to).trim();
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}
