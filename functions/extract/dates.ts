/**
 * Dates stated in the text: when the incident occurred, when it was discovered and when it was
 * disclosed. Only full dates are returned (yyyy-mm-dd); a day without a year takes the year of
 * publication. The role of a date comes from the verb next to it.
 */
import type { DocContext } from './context.ts';
import type { Evidence } from './types.ts';

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH_RE =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
// "April 19, 2025", "Nov. 18th", "19 April 2025", "2025-04-19", "2025년 4월 19일", "2025年4月19日".
const DATE = new RegExp(
  `\\b(?:(${MONTH_RE})\\.? (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?|(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(${MONTH_RE})\\.?(?:,? (\\d{4}))?|(\\d{4})-(\\d{2})-(\\d{2}))\\b|(\\d{4})년 ?(\\d{1,2})월 ?(\\d{1,2})일|(\\d{4})年(\\d{1,2})月(\\d{1,2})日`,
  'gi',
);
const OCCURRED =
  /\b(?:occurred|took place|began|started|starting|happened|since|hacked|attacked|breached|compromised)\b|발생|시작|発生/i;
const DISCOVERED =
  /\b(?:discovered|detected|identified|noticed|found|became aware|learned|first detected)\b|발견|인지|탐지|発覚|検知/i;
const DISCLOSED =
  /\b(?:announced|disclosed|confirmed|notified|reported|revealed|said|published|informed|posted|made public)\b|발표|공지|공개|신고|発表|公表/i;

const ROLES: ReadonlyArray<readonly [keyof StatedDates, RegExp]> = [
  ['discovered', new RegExp(DISCOVERED.source, 'gi')],
  ['occurred', new RegExp(OCCURRED.source, 'gi')],
  ['disclosed', new RegExp(DISCLOSED.source, 'gi')],
];

/** The role of a date: the verb closest before it, else the first verb right after it. */
function roleOf(before: string, after: string): keyof StatedDates | null {
  let best: keyof StatedDates | null = null;
  let bestAt = -1;
  for (const [role, re] of ROLES) {
    re.lastIndex = 0;
    for (let m = re.exec(before); m !== null; m = re.exec(before)) {
      if (m.index > bestAt) {
        best = role;
        bestAt = m.index;
      }
    }
  }
  if (best !== null) return best;
  for (const [role, re] of ROLES) {
    re.lastIndex = 0;
    if (re.test(after)) return role;
  }
  return null;
}

/** The three dates; null where the text states none. */
export interface StatedDates {
  occurred: string | null;
  discovered: string | null;
  disclosed: string | null;
}

function iso(y: number, m: number, d: number): string | null {
  if (!(y >= 1970 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return date.toISOString().slice(0, 10);
}

/** Extracts the stated dates. `publishedAt` supplies the year for "April 19". */
export function extractDates(
  ctx: DocContext,
  publishedAt: string | undefined,
): { dates: StatedDates; evidence: Evidence | null } {
  const dates: StatedDates = { occurred: null, discovered: null, disclosed: null };
  let evidence: Evidence | null = null;
  const pubYear =
    typeof publishedAt === 'string' ? Number(/^(\d{4})/.exec(publishedAt)?.[1] ?? Number.NaN) : Number.NaN;
  for (const field of [ctx.title, ctx.summary]) {
    // Dates that matter are stated in the headline and the first sentences of the lede.
    for (const sentence of field.sentences.slice(0, 4)) {
      if (!/\d/.test(sentence.text)) continue;
      DATE.lastIndex = 0;
      let previousEnd = 0;
      for (let m = DATE.exec(sentence.text); m !== null; m = DATE.exec(sentence.text)) {
        // The verb that gives a date its role sits between the previous date and this one.
        const windowStart = Math.max(previousEnd, m.index - 80);
        previousEnd = m.index + m[0].length;
        let value: string | null = null;
        if (m[1] !== undefined || m[5] !== undefined) {
          const word = (m[1] ?? m[5] ?? '').toLowerCase();
          const month = MONTHS[word] ?? MONTHS[word.slice(0, 3)];
          const day = Number(m[2] ?? m[4]);
          const year = Number(m[3] ?? m[6] ?? pubYear);
          if (month !== undefined) value = iso(year, month, day);
        } else if (m[7] !== undefined) {
          value = iso(Number(m[7]), Number(m[8]), Number(m[9]));
        } else if (m[10] !== undefined) {
          value = iso(Number(m[10]), Number(m[11]), Number(m[12]));
        } else if (m[13] !== undefined) {
          value = iso(Number(m[13]), Number(m[14]), Number(m[15]));
        }
        if (value === null) continue;
        const slot = roleOf(
          sentence.text.slice(windowStart, m.index),
          sentence.text.slice(previousEnd, previousEnd + 30),
        );
        if (slot !== null && dates[slot] === null) {
          dates[slot] = value;
          evidence ??= { field: field.name, text: sentence.text.slice(0, 300) };
        }
      }
    }
  }
  return { dates, evidence };
}
