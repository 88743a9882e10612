import { htmlListParserFor } from '../adapters/html.ts';
import type { Parser } from '../types.ts';

// Gregorian year of year 1 of each era the PPC (founded 2016) may print.
const ERA_OFFSETS: Record<string, number> = { 令和: 2018, 平成: 1988 };

/**
 * `2025年12月10日`, `令和7年12月10日` or `令和元年5月1日` → `2025-12-10`. Era years need this
 * source-side knowledge; normalise only ever sees an ISO date. Returns undefined otherwise.
 */
export function japaneseDateToIso(text: string): string | undefined {
  const match = /(令和|平成)?\s*(元|\d{1,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(
    text.normalize('NFKC'),
  );
  if (!match) return undefined;
  const [, era, yearText = '', month = '', day = ''] = match;
  const year = yearText === '元' ? 1 : Number(yearText);
  const gregorian = era ? (ERA_OFFSETS[era] ?? 0) + year : year;
  return `${gregorian}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * Japan PPC 新着情報 (no RSS: `/rss/news.xml` is 404). One `<li>` per notice: a date span and a
 * link; enforcement titles contain 行政上の対応 / 勧告 / 指導 / 命令.
 */
export const parseJapanPpcPress: Parser = htmlListParserFor({
  item: 'ul.news-list > li',
  title: 'a',
  date: '.date',
  dateFrom: japaneseDateToIso,
  native: { category: '.category' },
});
