/**
 * Word-level phrase lookup. Country names, demonyms, cities and regulator names are matched on
 * a token list with a map keyed by the first word, which stays fast with hundreds of phrases
 * (one big regex alternation would try every phrase at every offset).
 */

/** A word of a text with its offsets. */
export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'.&-]*/gu;
// Plain ASCII text (most English input) takes a cheaper non-Unicode pattern.
const TOKEN_ASCII = /[A-Za-z0-9][A-Za-z0-9'.&-]*/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ASCII test has to span the control range.
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const DOTTED_ABBREVIATION = /^(?:\p{L}\.){2,}$/u;

/** Splits text into word tokens; trailing dots, quotes and hyphens are dropped except in "U.S.". */
export function tokenize(text: string, limit = 1500): Token[] {
  const out: Token[] = [];
  const re = ASCII_ONLY.test(text) ? TOKEN_ASCII : TOKEN;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null && out.length < limit; m = re.exec(text)) {
    let word = m[0];
    if (!DOTTED_ABBREVIATION.test(word)) word = word.replace(/['.&-]+$/, '');
    if (word.endsWith("'s")) word = word.slice(0, -2);
    if (word.length === 0) continue;
    out.push({ text: word, lower: word.toLowerCase(), start: m.index, end: m.index + word.length });
  }
  return out;
}

/** One phrase of a lexicon and the value it stands for. */
export interface PhraseEntry<T> {
  phrase: string;
  value: T;
  /** Match letter case exactly: short acronyms such as "US", "AP", "ICO". */
  caseSensitive?: boolean;
}

/** A phrase found in a token list. */
export interface PhraseHit<T> {
  value: T;
  phrase: string;
  firstToken: number;
  lastToken: number;
  start: number;
  end: number;
}

interface Compiled<T> {
  words: string[];
  entry: PhraseEntry<T>;
}

/** Matches many multi-word phrases over a token list, longest phrase first at each position. */
export class PhraseMatcher<T> {
  private readonly byFirst = new Map<string, Compiled<T>[]>();

  constructor(entries: ReadonlyArray<PhraseEntry<T>>) {
    for (const entry of entries) {
      const words = tokenize(entry.phrase).map((t) => (entry.caseSensitive ? t.text : t.lower));
      const first = words[0];
      if (first === undefined) continue;
      const key = first.toLowerCase();
      const list = this.byFirst.get(key) ?? [];
      list.push({ words, entry });
      this.byFirst.set(key, list);
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** All non-overlapping hits, scanning left to right. */
  findAll(tokens: readonly Token[]): PhraseHit<T>[] {
    const hits: PhraseHit<T>[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const hit = this.matchAt(tokens, i);
      if (hit !== null) {
        hits.push(hit);
        i = hit.lastToken;
      }
    }
    return hits;
  }

  /** The longest phrase starting at token `i`, or null. */
  matchAt(tokens: readonly Token[], i: number): PhraseHit<T> | null {
    const first = tokens[i];
    if (first === undefined) return null;
    const list = this.byFirst.get(first.lower);
    if (list === undefined) return null;
    for (const { words, entry } of list) {
      let ok = true;
      for (let k = 0; k < words.length; k++) {
        const tok = tokens[i + k];
        if (tok === undefined || (entry.caseSensitive ? tok.text : tok.lower) !== words[k]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        const last = tokens[i + words.length - 1]!;
        return {
          value: entry.value,
          phrase: entry.phrase,
          firstToken: i,
          lastToken: i + words.length - 1,
          start: first.start,
          end: last.end,
        };
      }
    }
    return null;
  }
}
