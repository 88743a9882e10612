/**
 * Finds quantities in prose: "33.7 million", "33,700,000", "1.2bn", "8.8M", "64k", "1,2 millions",
 * "1.234.567", "3,370만", "3천367만", "2,300万", "three million", "half a billion", ranges
 * ("between 1 and 2 million" reads as the lower bound). Dates, times, versions, identifiers and
 * percentages are marked so that neither counts nor amounts are taken from them.
 *
 * Every regex here is linear: digit groups need a separator between them and nothing nests.
 */
import { DECIMAL_COMMA_LANGS } from './text.ts';

/** One quantity stated in a text. Offsets refer to the prepared field text. */
export interface NumberMention {
  value: number;
  /** Offset of the first character (including spelled-out words). */
  start: number;
  /** Offset just after the number and its scale word or unit. */
  end: number;
  /** Hedged ("about", "nearly", "over", "약"), a range, or rounded with a scale word. */
  approximate: boolean;
  /** Stated with a scale word (million, bn, 만, 億 ...). */
  scaled: boolean;
  /** Followed by a percent sign or word: never a count or an amount. */
  percent: boolean;
  /** A bare four-digit number between 1900 and 2099. */
  yearLike: boolean;
  /** Significant digits as written, used to prefer the more precise of two agreeing counts. */
  precision: number;
}

// Digit tokens, most specific first: 1,234,567(.89) | 1.234.567(,89) | 1 234 567 | 12.5 / 12,5 / 1234
const DIGITS =
  /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?: \d{3})+(?![\d,.])|\d+(?:[.,]\d+)?/g;
const DIGITS_NO_SPACE = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?/g;

const SCALE_WORDS: Record<string, number> = {
  thousand: 1e3,
  thousands: 1e3,
  lakh: 1e5,
  lakhs: 1e5,
  million: 1e6,
  millions: 1e6,
  mn: 1e6,
  mln: 1e6,
  mio: 1e6,
  millionen: 1e6,
  millón: 1e6,
  millon: 1e6,
  millones: 1e6,
  milioni: 1e6,
  milione: 1e6,
  milhões: 1e6,
  milhão: 1e6,
  miljoen: 1e6,
  miljoner: 1e6,
  miljoonaa: 1e6,
  milionów: 1e6,
  miliony: 1e6,
  milion: 1e6,
  crore: 1e7,
  crores: 1e7,
  billion: 1e9,
  billions: 1e9,
  bn: 1e9,
  bln: 1e9,
  milliard: 1e9,
  milliards: 1e9,
  milliarde: 1e9,
  milliarden: 1e9,
  mrd: 1e9,
  miliardi: 1e9,
  miliardo: 1e9,
  'mil millones': 1e9,
  bilhões: 1e9,
  bilhão: 1e9,
  trillion: 1e12,
  trillions: 1e12,
  tn: 1e12,
};
// Scale words may follow after a space or hyphen ("65-thousand", "1.2 bn").
const SCALE_WORD =
  /[ -]?(mil millones|thousands?|lakhs?|millions?|mn|mln|mio\.?|millionen|mill[oó]n(?:es)?|milion[ei]|milh(?:ões|ão)|miljoen|miljoner|miljoonaa|milion(?:ów|y)?|crores?|billions?|bn|bln|milliards?|milliarden?|mrd\.?|miliard[io]|bilh(?:ões|ão)|trillions?|tn)(?![\p{L}\p{N}])/iuy;
// Single-letter scales only when attached: "8.8M", "64k", "£20m", "1.2b".
const SCALE_LETTER = /([kKmMbB])(?![\p{L}\p{N}])/uy;
// Spanish and Portuguese "mil" (thousand) only after a space.
const SCALE_MIL = / mil(?![p{L}p{N}])(?! millones)/iy;

const CJK_SMALL: Record<string, number> = { 천: 1e3, 千: 1e3, 백: 1e2, 百: 1e2, 십: 10, 十: 10 };
const CJK_BIG: Record<string, number> = {
  만: 1e4,
  万: 1e4,
  萬: 1e4,
  억: 1e8,
  億: 1e8,
  亿: 1e8,
  조: 1e12,
  兆: 1e12,
};

const PERCENT = / ?(?:%|per ?cent\b|percent\b|pour ?cent|prozent|por ?ciento|퍼센트|パーセント)/iy;
const RANGE_JOIN = / ?(?:-|to|and|~|bis|à|a|y|e|ou|or) ?/iy;

// Context before a number that makes it a date, a version or an identifier.
const MONTH_BEFORE =
  /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\.? ?(?:the )?$/i;
const MONTH_AFTER =
  /^(?:st|nd|rd|th)?,? ?(?:of )?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b/i;
const ID_BEFORE =
  /(?:^|[^\p{L}])(?:cve|cwe|ghsa|no|art|article|section|sec|§|para|chapter|version|v|rule|act|pipa|gdpr|iso|rfc|sha|md|top|#|№|page|p|pp|vol|id|ref|case|article|arts)[ .#-]{0,2}$/iu;
const CURRENCY_LETTERS =
  /^(?:usd|us|eur|gbp|krw|jpy|cny|rmb|inr|rs|chf|pln|sek|nok|dkk|czk|huf|ron|try|zar|rm|myr|thb|php|idr|rp|vnd|aed|sar|ils|twd|nt|rub|uah|bgn|hkd|hk|sgd|s|aud|a|au|cad|c|ca|nzd|nz|brl|r|mxn|mx|kr)$/i;
// Korean and Japanese units that make the number a date or a time.
const CJK_DATE_AFTER = /^ ?(?:년|월|일|시|분|초|年|月|日|時|分|秒|주년|周年|차)/;

const HEDGE_BEFORE =
  /(?:^|[^\p{L}])(?:about|around|approximately|approx\.?|nearly|almost|roughly|some|over|more than|at least|up to|as many as|as much as|close to|upwards of|in excess of|an estimated|estimated|upward of|just over|just under|under|fewer than|less than|~|약|近く|約|およそ|environ|près de|plus de|presque|quelque|rund|etwa|fast|über|mehr als|bis zu|knapp|cerca de|casi|más de|unos|alrededor de|circa|oltre|quasi|quase|mais de|ponad|około|ok\.) ?$/iu;
const BETWEEN_BEFORE = /(?:between|from|entre|zwischen|tra|de) $/i;

const SPELLED_NUMBER =
  /\b(half an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|one hundred|two hundred|three hundred|four hundred|five hundred)[ -](thousand|million|billion)\b/gi;
const SPELLED_VALUE: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  'a hundred': 100,
  'one hundred': 100,
  'two hundred': 200,
  'three hundred': 300,
  'four hundred': 400,
  'five hundred': 500,
};
const SPELLED_SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

// Scripts that separate words with spaces: a letter glued to a digit there makes an identifier.
const LETTER = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

interface Token {
  value: number;
  start: number;
  end: number;
  precision: number;
  /** The raw token was only digits (no separators). */
  plain: boolean;
}

/** Parses one digit token with the language's decimal convention. */
function parseToken(
  raw: string,
  decimalComma: boolean,
  followedByScale: boolean,
): { value: number; precision: number } {
  const digitsOnly = raw.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  const precision = digitsOnly.replace(/0+$/, '').length || 1;
  // 1,234,567 or 1,234.5
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(raw)) {
    // A single ",ddd" group is a decimal comma only in languages that write one ("1,500 millions").
    if (decimalComma && /^\d{1,3},\d{3}$/.test(raw))
      return { value: Number(raw.replace(',', '.')), precision };
    return { value: Number(raw.replace(/,/g, '')), precision };
  }
  // 1.234.567 or 1.234,5 (a single ".ddd" group before a scale word is a decimal: "1.250 million").
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(raw)) {
    if (/^\d{1,3}\.\d{3}$/.test(raw) && followedByScale) return { value: Number(raw), precision };
    return { value: Number(raw.replace(/\./g, '').replace(',', '.')), precision };
  }
  if (/ /.test(raw)) return { value: Number(raw.replace(/ /g, '')), precision };
  return { value: Number(raw.replace(',', '.')), precision };
}

function isScaleAt(text: string, at: number): boolean {
  SCALE_WORD.lastIndex = at;
  if (SCALE_WORD.test(text)) return true;
  SCALE_LETTER.lastIndex = at;
  return SCALE_LETTER.test(text);
}

/** Reads a scale word at `at`; returns multiplier and end offset. */
function readScale(text: string, at: number, lang: string): { factor: number; end: number } | null {
  SCALE_WORD.lastIndex = at;
  const word = SCALE_WORD.exec(text);
  if (word) {
    const key = (word[1] ?? '').toLowerCase().replace(/\.$/, '');
    const factor = SCALE_WORDS[key];
    if (factor !== undefined) return { factor, end: at + word[0].length };
  }
  SCALE_LETTER.lastIndex = at;
  const letter = SCALE_LETTER.exec(text);
  if (letter) {
    const l = (letter[1] ?? '').toLowerCase();
    return { factor: l === 'k' ? 1e3 : l === 'm' ? 1e6 : 1e9, end: at + 1 };
  }
  if (lang === 'es' || lang === 'pt') {
    SCALE_MIL.lastIndex = at;
    const mil = SCALE_MIL.exec(text);
    if (mil) return { factor: 1e3, end: at + mil[0].length };
  }
  return null;
}

/** Reads Korean/Japanese unit chains after a first token: 3천367만, 1억5천만, 75억400만, 2,300万. */
function readCjk(
  text: string,
  first: Token,
  digits: RegExp,
  decimalComma: boolean,
): { value: number; end: number } | null {
  let total = 0;
  let group = 0;
  let pos = first.end;
  let current: Token | null = first;
  let consumed = false;
  while (current !== null) {
    const small = CJK_SMALL[text[pos] ?? ''];
    if (small !== undefined) {
      group += current.value * small;
      pos += 1;
      consumed = true;
    } else {
      group += current.value;
    }
    const big = CJK_BIG[text[pos] ?? ''];
    if (big !== undefined) {
      total += group * big;
      group = 0;
      pos += 1;
      consumed = true;
    }
    current = null;
    if (consumed && /\d/.test(text[pos] ?? '')) {
      digits.lastIndex = pos;
      const m = digits.exec(text);
      if (m && m.index === pos) {
        const parsed = parseToken(m[0], decimalComma, false);
        current = {
          value: parsed.value,
          start: pos,
          end: pos + m[0].length,
          precision: parsed.precision,
          plain: true,
        };
        pos = current.end;
      }
    }
  }
  if (!consumed) return null;
  return { value: total + group, end: pos };
}

/**
 * Scans a prepared field for quantities. `lang` selects the decimal convention for ambiguous
 * tokens such as "1,500" (English: fifteen hundred; French: one and a half).
 */
export function scanNumbers(text: string, lang: string): NumberMention[] {
  const mentions: NumberMention[] = [];
  if (text.length === 0) return mentions;
  const decimalComma = DECIMAL_COMMA_LANGS.has(lang);
  const digits = decimalComma ? DIGITS : DIGITS_NO_SPACE;
  digits.lastIndex = 0;
  let m: RegExpExecArray | null = digits.exec(text);
  let guard = 0;
  while (m !== null && guard < 2000) {
    guard += 1;
    const start = m.index;
    const raw = m[0];
    let end = start + raw.length;
    const mention = readMention(text, start, end, raw, lang, decimalComma, digits);
    if (mention !== null) {
      mentions.push(mention);
      end = Math.max(end, mention.end);
    }
    digits.lastIndex = end;
    m = digits.exec(text);
  }
  scanSpelled(text, mentions);
  return mentions;
}

function readMention(
  text: string,
  start: number,
  tokenEnd: number,
  raw: string,
  lang: string,
  decimalComma: boolean,
  digits: RegExp,
): NumberMention | null {
  const before = text[start - 1] ?? '';
  const after = text[tokenEnd] ?? '';
  // Identifiers and versions: letters glued before ("SHA256", "PS3"), unless a currency code ("KRW15bn").
  if (LETTER.test(before)) {
    const letters = /[\p{L}]{1,4}$/u.exec(text.slice(Math.max(0, start - 4), start))?.[0] ?? '';
    if (!CURRENCY_LETTERS.test(letters)) return null;
  }
  if (before === '-' && LETTER_OR_DIGIT.test(text[start - 2] ?? '')) return null; // CVE-2024-1234, Z-1
  if (before === '.' || before === '/' || before === ':' || before === '#') {
    if (/\d/.test(text[start - 2] ?? '') || before !== '.') return null;
  }
  if ((after === '/' || after === ':') && /\d/.test(text[tokenEnd + 1] ?? '')) return null; // 4/4/2024, 11:20
  if (after === '.' && /\d/.test(text[tokenEnd + 1] ?? '')) return null; // 1.2.3
  const head = text.slice(Math.max(0, start - 16), start);
  if (ID_BEFORE.test(head) && !/\d/.test(head.slice(-3))) {
    // "Art. 83", "CVE 2021", "No. 5": an identifier, not a quantity.
    if (!/(?:up to|top) ?$/i.test(head)) return null;
  }
  if (MONTH_BEFORE.test(head)) return null;
  const tail = text.slice(tokenEnd, tokenEnd + 24);
  if (MONTH_AFTER.test(tail)) return null;
  if (CJK_DATE_AFTER.test(tail)) return null;

  const followedByScale = isScaleAt(text, tokenEnd);
  const parsed = parseToken(raw, decimalComma, followedByScale);
  if (!Number.isFinite(parsed.value)) return null;
  const token: Token = {
    value: parsed.value,
    start,
    end: tokenEnd,
    precision: parsed.precision,
    plain: /^\d+$/.test(raw),
  };

  let value = token.value;
  let end = tokenEnd;
  let scaled = false;
  let approximate = false;

  const cjk = readCjk(text, token, digits, decimalComma);
  if (cjk !== null) {
    value = cjk.value;
    end = cjk.end;
    scaled = true;
  } else {
    const scale = readScale(text, tokenEnd, lang);
    if (scale !== null) {
      value *= scale.factor;
      end = scale.end;
      scaled = true;
    } else if (LETTER.test(after) && !/[명건인名件万億억만원円개곳여]/.test(after)) {
      // Glued letters: "13TB", "5G", "3rd", "2FA": a unit or an ordinal, not a quantity we read.
      return null;
    }
  }

  // Ranges: "1-2 million", "between 1 and 2 million" -> lower bound, scaled like the upper bound.
  RANGE_JOIN.lastIndex = end;
  const join = RANGE_JOIN.exec(text);
  if (join !== null && /\d/.test(text[end + join[0].length] ?? '')) {
    const upperStart = end + join[0].length;
    digits.lastIndex = upperStart;
    const upper = digits.exec(text);
    if (upper && upper.index === upperStart) {
      const upperEnd = upperStart + upper[0].length;
      const upperScale = readScale(text, upperEnd, lang);
      const isDash = join[0].trim() === '-' || /to/i.test(join[0]);
      const between = BETWEEN_BEFORE.test(text.slice(Math.max(0, start - 9), start));
      if (!scaled && upperScale !== null && (isDash || between)) {
        value *= upperScale.factor;
        end = upperScale.end;
        scaled = true;
        approximate = true;
      } else if (!scaled && upperScale === null && (isDash || between)) {
        const upperValue = parseToken(upper[0], decimalComma, false).value;
        if (upperValue > value && !(token.plain && raw.length === 4 && value >= 1900 && value < 2100)) {
          end = upperEnd;
          approximate = true;
        }
      }
    }
  }

  PERCENT.lastIndex = end;
  const percent = PERCENT.test(text);
  if (HEDGE_BEFORE.test(text.slice(Math.max(0, start - 22), start))) approximate = true;
  if (/^ ?(?:여|余|餘|여 ?명|plus)/.test(text.slice(end, end + 4))) approximate = true;
  if (scaled && token.precision < 4) approximate = true;
  // 134.8 x 1e9 is 134800000000.00002 in floating point: a scaled quantity is a whole number.
  if (scaled && value >= 1) value = Math.round(value);
  const yearLike = !scaled && token.plain && raw.length === 4 && value >= 1900 && value < 2100;
  return { value, start, end, approximate, scaled, percent, yearLike, precision: token.precision };
}

function scanSpelled(text: string, mentions: NumberMention[]): void {
  if (!/illion|thousand/i.test(text)) return;
  SPELLED_NUMBER.lastIndex = 0;
  for (let m = SPELLED_NUMBER.exec(text); m !== null; m = SPELLED_NUMBER.exec(text)) {
    const word = (m[1] ?? '').toLowerCase();
    const scale = SPELLED_SCALE[(m[2] ?? '').toLowerCase()] ?? 1;
    const base = word.startsWith('half') ? 0.5 : (SPELLED_VALUE[word] ?? 0);
    if (base === 0) continue;
    const start = m.index;
    mentions.push({
      value: base * scale,
      start,
      end: start + m[0].length,
      approximate: true,
      scaled: true,
      percent: false,
      yearLike: false,
      precision: 1,
    });
  }
  mentions.sort((a, b) => a.start - b.start);
}
