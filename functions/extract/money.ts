/**
 * Amounts of money: a quantity from numbers.ts with a currency symbol or code before it
 * ("€1.2bn", "US$5 billion", "A$50m", "KRW 15 billion", "Rs 500 crore") or a currency word after
 * it ("134.8 billion won", "1,348억 원", "40.000 PLN", "10 Millionen Euro", "2,300万円").
 */
import type { NumberMention } from './numbers.ts';

/** A money amount stated in a text. */
export interface MoneyMention {
  amount: number;
  /** ISO 4217. */
  currency: string;
  start: number;
  end: number;
  /** A statutory maximum or threat ("up to €20m", "최대"): not a sanction that was imposed. */
  capped: boolean;
  mention: NumberMention;
}

// Longest first so "US$" wins over "$". Matched against the text just before a number.
const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['US$', 'USD'],
  ['U.S.$', 'USD'],
  ['U.S. $', 'USD'],
  ['USD', 'USD'],
  ['US $', 'USD'],
  ['AU$', 'AUD'],
  ['A$', 'AUD'],
  ['AUD', 'AUD'],
  ['CA$', 'CAD'],
  ['C$', 'CAD'],
  ['CAD', 'CAD'],
  ['NZ$', 'NZD'],
  ['NZD', 'NZD'],
  ['HK$', 'HKD'],
  ['HKD', 'HKD'],
  ['S$', 'SGD'],
  ['SGD', 'SGD'],
  ['NT$', 'TWD'],
  ['TWD', 'TWD'],
  ['R$', 'BRL'],
  ['BRL', 'BRL'],
  ['MX$', 'MXN'],
  ['MXN', 'MXN'],
  ['$', 'USD'],
  ['€', 'EUR'],
  ['EUR', 'EUR'],
  ['£', 'GBP'],
  ['GBP', 'GBP'],
  ['¥', 'JPY'],
  ['JPY', 'JPY'],
  ['CN¥', 'CNY'],
  ['CNY', 'CNY'],
  ['RMB', 'CNY'],
  ['₩', 'KRW'],
  ['KRW', 'KRW'],
  ['₹', 'INR'],
  ['INR', 'INR'],
  ['Rs.', 'INR'],
  ['Rs', 'INR'],
  ['CHF', 'CHF'],
  ['Fr.', 'CHF'],
  ['PLN', 'PLN'],
  ['SEK', 'SEK'],
  ['NOK', 'NOK'],
  ['DKK', 'DKK'],
  ['CZK', 'CZK'],
  ['HUF', 'HUF'],
  ['RON', 'RON'],
  ['TRY', 'TRY'],
  ['₺', 'TRY'],
  ['ZAR', 'ZAR'],
  ['RM', 'MYR'],
  ['MYR', 'MYR'],
  ['THB', 'THB'],
  ['฿', 'THB'],
  ['PHP', 'PHP'],
  ['₱', 'PHP'],
  ['IDR', 'IDR'],
  ['Rp', 'IDR'],
  ['VND', 'VND'],
  ['₫', 'VND'],
  ['AED', 'AED'],
  ['SAR', 'SAR'],
  ['ILS', 'ILS'],
  ['₪', 'ILS'],
  ['RUB', 'RUB'],
  ['₽', 'RUB'],
  ['UAH', 'UAH'],
  ['₴', 'UAH'],
  ['BGN', 'BGN'],
  ['ISK', 'ISK'],
  ['NGN', 'NGN'],
  ['₦', 'NGN'],
  ['KES', 'KES'],
];

const SUFFIX_WORDS: Record<string, string> = {
  euro: 'EUR',
  euros: 'EUR',
  eur: 'EUR',
  '€': 'EUR',
  dollar: 'USD',
  dollars: 'USD',
  'us dollars': 'USD',
  'u.s. dollars': 'USD',
  'australian dollars': 'AUD',
  'canadian dollars': 'CAD',
  'singapore dollars': 'SGD',
  'hong kong dollars': 'HKD',
  'new zealand dollars': 'NZD',
  dólares: 'USD',
  usd: 'USD',
  won: 'KRW',
  원: 'KRW',
  krw: 'KRW',
  pound: 'GBP',
  pounds: 'GBP',
  'pounds sterling': 'GBP',
  sterling: 'GBP',
  gbp: 'GBP',
  yen: 'JPY',
  円: 'JPY',
  jpy: 'JPY',
  yuan: 'CNY',
  renminbi: 'CNY',
  元: 'CNY',
  cny: 'CNY',
  rmb: 'CNY',
  zł: 'PLN',
  zloty: 'PLN',
  złoty: 'PLN',
  złotych: 'PLN',
  pln: 'PLN',
  chf: 'CHF',
  'swiss francs': 'CHF',
  francs: 'CHF',
  sek: 'SEK',
  kronor: 'SEK',
  nok: 'NOK',
  kroner: 'NOK',
  dkk: 'DKK',
  rupees: 'INR',
  rupee: 'INR',
  inr: 'INR',
  lira: 'TRY',
  'turkish lira': 'TRY',
  reais: 'BRL',
  brl: 'BRL',
  ringgit: 'MYR',
  baht: 'THB',
  rand: 'ZAR',
  dirhams: 'AED',
  riyals: 'SAR',
  shekels: 'ILS',
  forint: 'HUF',
  huf: 'HUF',
  lei: 'RON',
  ron: 'RON',
  kč: 'CZK',
  czk: 'CZK',
  leva: 'BGN',
  hryvnias: 'UAH',
  rubles: 'RUB',
  roubles: 'RUB',
  pesos: 'MXN',
  달러: 'USD',
  유로: 'EUR',
  ドル: 'USD',
  ユーロ: 'EUR',
  美元: 'USD',
};
const SUFFIX =
  / ?(?:여 ?)?(?:de |d'|of )?(us dollars|u\.s\. dollars|australian dollars|canadian dollars|singapore dollars|hong kong dollars|new zealand dollars|pounds sterling|swiss francs|turkish lira|euros?|eur|€|dollars?|dólares|usd|won|원|krw|pounds?|sterling|gbp|yen|円|jpy|yuan|renminbi|元|cny|rmb|zł|z[lł]oty|złotych|pln|chf|francs|sek|kronor|nok|kroner|dkk|rupees?|inr|lira|reais|brl|ringgit|baht|rand|dirhams|riyals|shekels|forint|huf|lei|ron|kč|czk|leva|hryvnias|r[ou]bles|pesos|달러|유로|ドル|ユーロ|美元)(?![\p{L}])/iuy;

// A maximum rather than a sanction: "fines up to 1 trillion won", "bis zu 20 Millionen Euro", "최대".
const CAP_BEFORE =
  /(?:up to|as much as|as high as|maximum(?: of)?|a max(?:imum)? of|max\.?|ceiling of|capped at|could reach|bis zu|jusqu'à|jusqu'a|hasta|fino a|até|최대|までの|上限) ?(?:a |an |the )?(?:fines? of |penalt(?:y|ies) of )?(?:about |around |approximately )?$/i;
const PENALTY_WORD_KO = /(?:과징금|과태료|벌금|배상금|추징금)[^.。]{0,12}$/;

/**
 * Finds money amounts among the number mentions of a field. Percentages never are money. A
 * Korean big-unit number right after 과징금/과태료/벌금 is won even without "원" ("과징금 75억").
 */
export function findMoney(text: string, mentions: readonly NumberMention[], lang: string): MoneyMention[] {
  const out: MoneyMention[] = [];
  for (const mention of mentions) {
    if (mention.percent) continue;
    const currency = currencyBefore(text, mention.start, lang) ?? currencyAfter(text, mention.end);
    let code = currency?.code ?? null;
    let end = mention.end;
    if (currency?.end !== undefined && currency.end > end) end = currency.end;
    if (
      code === null &&
      mention.scaled &&
      PENALTY_WORD_KO.test(text.slice(Math.max(0, mention.start - 16), mention.start))
    ) {
      code = 'KRW';
    }
    if (code === null) continue;
    // "in 2019 won the award": a year before "won" is a verb, not an amount.
    if (mention.yearLike && (currency === null || currency.start >= mention.end)) continue;
    const headStart = currency !== null && currency.start < mention.start ? currency.start : mention.start;
    const capped = CAP_BEFORE.test(text.slice(Math.max(0, headStart - 40), headStart));
    out.push({ amount: mention.value, currency: code, start: headStart, end, capped, mention });
  }
  return out;
}

function currencyBefore(
  text: string,
  at: number,
  lang: string,
): { code: string; start: number; end?: number } | null {
  const head = text.slice(Math.max(0, at - 8), at);
  const trimmed = head.endsWith(' ') ? head.slice(0, -1) : head;
  for (const [prefix, code] of PREFIXES) {
    if (!trimmed.endsWith(prefix)) continue;
    const before = trimmed[trimmed.length - prefix.length - 1] ?? ' ';
    // Letter codes must stand alone ("KRW 15bn", not "FOOUSD 15").
    if (/^[A-Za-z]/.test(prefix) && /[\p{L}]/u.test(before)) continue;
    // A bare "$" in Canadian/Australian/etc. text stays USD; only explicit prefixes name others.
    const resolved = prefix === '¥' && (lang === 'zh' || /人民币|yuan|RMB/i.test(text)) ? 'CNY' : code;
    return { code: resolved, start: at - (head.length - trimmed.length) - prefix.length };
  }
  return null;
}

function currencyAfter(text: string, at: number): { code: string; start: number; end: number } | null {
  SUFFIX.lastIndex = at;
  const m = SUFFIX.exec(text);
  if (m === null) return null;
  const word = (m[1] ?? '').toLowerCase();
  let code = SUFFIX_WORDS[word] ?? null;
  if (word === 'zloty' || word === 'zlotych') code = 'PLN';
  if (code === null) return null;
  // "won" is also an English verb; after a number it is the currency only without a following object.
  if (
    word === 'won' &&
    /^ (?:the|a|an|by|against|its|their|his|her)\b/i.test(text.slice(at + m[0].length, at + m[0].length + 9))
  )
    return null;
  return { code, start: at, end: at + m[0].length };
}
