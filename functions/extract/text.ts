/**
 * Text preparation shared by the extractor modules: one normalised string per field, capped in
 * length, plus cheap sentence and clause splitting. Every module works on the same prepared
 * text so offsets agree between them.
 */

/** Longest title the extractor reads; headlines are short, anything longer is noise. */
export const MAX_TITLE_CHARS = 600;
/** Longest summary the extractor reads: the lede carries the facts, and the cap bounds the work. */
export const MAX_SUMMARY_CHARS = 4000;

const SPELLED_DIGIT: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

// Broadcast style writes decimals out ("15-point-one billion won").
const POINT_SPELLED = /(\d)-point-(zero|one|two|three|four|five|six|seven|eight|nine)\b/gi;
// Control characters and lone surrogates: binary junk that would only confuse later regexes.
const JUNK =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this pattern.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an ASCII test has to span the control range.
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const SPACES = /[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]/g;
const QUOTES = /[\u2018\u2019\u201b\u2032]/g;
const DQUOTES = /[\u201c\u201d\u201e\u2033]/g;
const DASHES = /[\u2010\u2011\u2012]/g;

/**
 * Normalises one field: caps its length, drops control characters and lone surrogates, folds
 * compatibility forms (full-width digits, ideographic spaces) and curly quotes. Never throws.
 */
export function prepareField(raw: unknown, maxChars: number): string {
  if (typeof raw !== 'string' || raw.length === 0) return '';
  let text = raw.length > maxChars ? raw.slice(0, maxChars) : raw;
  text = text.replace(JUNK, ' ');
  // NFKC is the identity on plain ASCII; skipping it there saves most of the preparation time.
  if (!ASCII_ONLY.test(text)) text = text.normalize('NFKC');
  return text
    .replace(SPACES, ' ')
    .replace(QUOTES, "'")
    .replace(DQUOTES, '"')
    .replace(DASHES, '-')
    .replace(POINT_SPELLED, (_m, d: string, w: string) => `${d}.${SPELLED_DIGIT[w.toLowerCase()] ?? '0'}`);
}

/** A sentence of a field, with its offset so evidence and mentions can be matched to it. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

// A sentence ends at . ! ? or CJK full stops followed by space/quote+space, or at a line break.
const SENTENCE_END = /[.!?。！？](?=["')\]]?\s)|[。！？]|\n+/g;
const ABBREVIATION =
  /\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|U\.S|U\.K|N|S|approx|est|Art|Sec|etc)$/;

/** Splits text into sentences; abbreviations such as "U.S." or "Nov." do not end one. */
export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(text); m !== null; m = SENTENCE_END.exec(text)) {
    const end = m.index + m[0].length;
    if (m[0] === '.' && ABBREVIATION.test(text.slice(Math.max(start, m.index - 8), m.index))) continue;
    pushSentence(sentences, text, start, end);
    start = end;
  }
  pushSentence(sentences, text, start, text.length);
  return sentences;
}

function pushSentence(out: Sentence[], text: string, start: number, end: number): void {
  const slice = text.slice(start, end);
  const lead = slice.length - slice.trimStart().length;
  const trimmed = slice.trim();
  if (trimmed.length > 0)
    out.push({ text: trimmed, start: start + lead, end: start + lead + trimmed.length });
}

/** The sentence containing offset `at`, or null. */
export function sentenceAt(sentences: readonly Sentence[], at: number): Sentence | null {
  for (const s of sentences) if (at >= s.start && at < s.end + 1) return s;
  return null;
}

/** Trims evidence text to a readable length. */
export function evidenceText(text: string): string {
  const t = text.trim();
  return t.length > 300 ? `${t.slice(0, 297)}...` : t;
}

const HANGUL = /[\uac00-\ud7a3]/;
const KANA = /[\u3040-\u30ff]/;
const HAN = /[\u4e00-\u9fff]/;

/** Script hints used as weak evidence for language and country. */
export function scriptHints(text: string): { hangul: boolean; kana: boolean; han: boolean } {
  return { hangul: HANGUL.test(text), kana: KANA.test(text), han: HAN.test(text) };
}

/** Languages that write a decimal comma and a dot (or space) between thousands. */
export const DECIMAL_COMMA_LANGS: ReadonlySet<string> = new Set([
  'fr',
  'de',
  'es',
  'it',
  'pt',
  'nl',
  'pl',
  'cs',
  'sk',
  'ro',
  'hu',
  'sv',
  'da',
  'no',
  'nb',
  'fi',
  'ru',
  'uk',
  'tr',
  'id',
  'el',
  'bg',
  'hr',
  'sl',
]);
