const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Fixed UTC offsets of the zones our sources publish floating dates in (none observe DST changes that matter for a date-only value). */
const ZONE_OFFSET_MINUTES: Record<string, number> = {
  UTC: 0,
  'Asia/Seoul': 9 * 60,
  'Asia/Tokyo': 9 * 60,
  'Asia/Singapore': 8 * 60,
  'Europe/London': 0,
  'Europe/Paris': 60,
  'America/New_York': -5 * 60,
  'America/Los_Angeles': -8 * 60,
  'Australia/Sydney': 10 * 60,
};

export interface DateOptions {
  /** The zone of dates that carry no offset (a Korean board's `2025.12.01`). Default UTC. */
  timeZone?: string;
}

/**
 * Parses a date as sources publish it into ISO 8601 UTC (`2025-12-01T03:00:00.000Z`), or
 * null when it cannot be read. Handles RFC 822 (with two-digit years, as the Canadian OPC
 * feed has), ISO 8601 with or without offset, `YYYY.MM.DD`, `YYYY-MM-DD`, `YYYY/MM/DD`,
 * US `MM/DD/YYYY`, `D Month YYYY`, `Month D, YYYY` and Korean `2025년 12월 1일`.
 */
export function parsePublishedAt(raw: string, options: DateOptions = {}): string | null {
  const text = raw.trim().slice(0, 100);
  if (!text) return null;
  const offset = ZONE_OFFSET_MINUTES[options.timeZone ?? 'UTC'] ?? 0;

  // ISO 8601 with time and an explicit offset or Z: Date.parse reads it exactly.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) {
    return isoOrNull(Date.parse(text));
  }
  // Floating date-time or date (Socrata `2025-01-03T00:00:00.000`, boards `2025.12.01 10:30`).
  const ymd =
    /^(\d{4})[-./년]\s*(\d{1,2})[-./월]\s*(\d{1,2})일?(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/.exec(
      text,
    );
  if (ymd) {
    return fromParts(ymd[1], ymd[2], ymd[3], ymd[4], ymd[5], ymd[6], offset);
  }
  // US registers: `04/21/2026`, `04/21/2026 12:00:00 AM`.
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(text);
  if (us) {
    let hour = us[4];
    if (hour && us[7]) hour = String((Number(hour) % 12) + (us[7].toUpperCase() === 'PM' ? 12 : 0));
    return fromParts(us[3], us[1], us[2], hour, us[5], us[6], offset);
  }
  // RFC 822 with a two-digit year: `Tue, 14 Jul 26 10:00:00 GMT` — Date.parse would read 1926.
  const rfcShort = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3,4})\s+(\d{2})(\s+.*)?$/.exec(text);
  if (rfcShort) {
    const year = Number(rfcShort[3]);
    const fullYear = year < 70 ? 2000 + year : 1900 + year;
    return isoOrNull(Date.parse(`${rfcShort[1]} ${rfcShort[2]} ${fullYear}${rfcShort[4] ?? ''}`));
  }
  // `1 December 2025`, `December 1, 2025`, `Dec 1 2025`.
  const dmy = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/.exec(text);
  if (dmy) return fromMonthName(dmy[3], dmy[2], dmy[1], offset);
  const mdy = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(text);
  if (mdy) return fromMonthName(mdy[3], mdy[1], mdy[2], offset);

  // RFC 822 / RFC 2822 with four-digit year and a zone, which Date.parse handles.
  if (/^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3,4}\s+\d{4}/.test(text)) return isoOrNull(Date.parse(text));
  return null;
}

function fromMonthName(
  year: string | undefined,
  monthName: string | undefined,
  day: string | undefined,
  offset: number,
) {
  const month =
    MONTHS[(monthName ?? '').toLowerCase().slice(0, 4)] ??
    MONTHS[(monthName ?? '').toLowerCase().slice(0, 3)];
  if (!month) return null;
  return fromParts(year, String(month), day, undefined, undefined, undefined, offset);
}

function fromParts(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  offsetMinutes: number,
): string | null {
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return null;
  const utc = Date.UTC(y, mo - 1, d, Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
  // Reject rollover (31 February becomes 3 March in Date.UTC).
  if (new Date(utc).getUTCDate() !== d) return null;
  return isoOrNull(utc - offsetMinutes * 60_000);
}

function isoOrNull(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (year < 1900 || year > 2200) return null;
  return date.toISOString();
}

/**
 * A publish date is only believed inside a sane window: not before 1995 (no breach feed is
 * older) and not more than two days in the future (clock skew, time zones). Outside it the
 * document keeps the raw string in native fields and `publishedAt` is null.
 */
export function saneDate(iso: string | null, now: Date): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  if (ms < Date.UTC(1995, 0, 1) || ms > now.getTime() + 2 * 86_400_000) return null;
  return iso;
}
