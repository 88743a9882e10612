/**
 * Near-duplicate detection for syndicated copies: a folded title is cut into shingles
 * (word pairs for spaced scripts, character trigrams for CJK) and compared by Jaccard
 * similarity. Cheap enough to run against every candidate event.
 */
export function foldTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

const CJK = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function shingles(folded: string): Set<string> {
  const set = new Set<string>();
  if (CJK.test(folded)) {
    const compact = folded.replace(/\s+/g, '');
    for (let i = 0; i + 3 <= compact.length; i++) set.add(compact.slice(i, i + 3));
    if (compact.length > 0 && compact.length < 3) set.add(compact);
    return set;
  }
  const words = folded.split(' ').filter(Boolean);
  for (let i = 0; i + 2 <= words.length; i++) set.add(`${words[i]} ${words[i + 1]}`);
  if (words.length === 1) set.add(words[0] ?? '');
  return set;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const item of small) if (large.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Similarity of two folded titles, 0..1. */
export function titleSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

const STOPWORDS = new Set(
  'a an and are as at be been by for from has have how in into is it its of on or over says say said than that the their this to was were will with after amid new why what who'.split(
    ' ',
  ),
);

/** Distinctive words of a headline: folded, stop words dropped, a plural "s" trimmed. */
export function contentWords(title: string): Set<string> {
  const words = new Set<string>();
  for (const word of foldTitle(title).split(' ')) {
    if (word.length < 2 || STOPWORDS.has(word)) continue;
    words.add(word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word);
  }
  return words;
}
