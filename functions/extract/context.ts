/**
 * The prepared document every extractor module reads: normalised, capped fields with their
 * sentences, quantities and money amounts computed once.
 */

import { type Token, tokenize } from './lexicon.ts';
import { findMoney, type MoneyMention } from './money.ts';
import { type NumberMention, scanNumbers } from './numbers.ts';
import {
  MAX_SUMMARY_CHARS,
  MAX_TITLE_CHARS,
  prepareField,
  type Sentence,
  scriptHints,
  splitSentences,
} from './text.ts';
import type { ExtractInput } from './types.ts';

/** One prepared text field. */
export interface Field {
  name: 'title' | 'summary';
  text: string;
  sentences: Sentence[];
  numbers: NumberMention[];
  money: MoneyMention[];
  /** Word tokens of the first part of the field, for lexicon lookups. */
  tokens: Token[];
}

/** The prepared document. */
export interface DocContext {
  lang: string;
  title: Field;
  summary: Field;
  /** Title and summary joined by a line break, for whole-document keyword tests. */
  all: string;
  /** Title and the lede (first ~1,500 characters of the summary): where the kind is decided. */
  head: string;
  url: string;
  /** Lower-cased host labels of the URL ("nhk", "or", "jp"), used to drop the outlet's own name. */
  hostLabels: string[];
  /** Top-level domain of the URL ("kr", "uk", "com"). */
  tld: string;
  sourceCountry: string | null;
  hangul: boolean;
  kana: boolean;
}

function prepare(name: 'title' | 'summary', raw: unknown, max: number, lang: string): Field {
  const text = prepareField(raw, max);
  const numbers = scanNumbers(text, lang);
  return {
    name,
    text,
    sentences: splitSentences(text),
    numbers,
    money: findMoney(text, numbers, lang),
    tokens: tokenize(text, 300),
  };
}

/** Guesses the language when the input does not say, from script alone. */
function resolveLang(input: ExtractInput, sample: string): string {
  const declared = typeof input.lang === 'string' ? input.lang.toLowerCase().split(/[-_]/)[0] : '';
  if (declared) return declared;
  const hints = scriptHints(sample);
  if (hints.hangul) return 'ko';
  if (hints.kana) return 'ja';
  if (hints.han) return 'zh';
  return 'en';
}

/** Builds the prepared document from an input; never throws on odd values. */
export function buildContext(input: ExtractInput): DocContext {
  const rawTitle = typeof input.title === 'string' ? input.title : '';
  const rawSummary = typeof input.summary === 'string' ? input.summary : '';
  const lang = resolveLang(input, rawTitle.slice(0, 200) + rawSummary.slice(0, 400));
  const title = prepare('title', rawTitle, MAX_TITLE_CHARS, lang);
  const summary = prepare('summary', rawSummary, MAX_SUMMARY_CHARS, lang);
  const all = `${title.text}\n${summary.text}`;
  const url = typeof input.url === 'string' ? input.url.slice(0, 500) : '';
  const host = /^[a-z]+:\/\/([^/?#:]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  const hostLabels = host.split('.').filter((l) => l.length > 0);
  const hints = scriptHints(all.slice(0, 1000));
  const sourceCountry =
    typeof input.sourceCountry === 'string' && /^[A-Za-z]{2}$/.test(input.sourceCountry)
      ? input.sourceCountry.toUpperCase()
      : null;
  return {
    lang,
    title,
    summary,
    all,
    head: `${title.text}\n${summary.text.slice(0, 1500)}`,
    url,
    hostLabels,
    tld: hostLabels[hostLabels.length - 1] ?? '',
    sourceCountry,
    hangul: hints.hangul,
    kana: hints.kana,
  };
}
