import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { feedParserFor } from '../../functions/sources/adapters/feed.ts';
import type { RawEntry, Source } from '../../functions/sources/types.ts';
import { rssFeed } from '../helpers/feeds.ts';
import { random } from './seed.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sources');

const ORGS = ['Coupang', 'SK Telecom', 'Ticketmaster', 'Dell', 'Kakao Pay', 'Lotte Card', 'Qantas', 'Optus'];
const WHAT = [
  'discloses a data breach affecting',
  'says hackers stole the records of',
  'fined by the regulator after exposing',
  'notifies customers of an incident that exposed',
];

/** RSS items that read like breach news: title, link, guid, an HTML-bearing description, a date. */
export function newsItems(count: number, options: { seed?: number; prefix?: string; pubDate?: Date } = {}) {
  const rand = random(options.seed ?? 42);
  const prefix = options.prefix ?? 'item';
  return Array.from({ length: count }, (_, index) => {
    // One organisation per 4 items (clustering both opens and merges events), named after the
    // prefix so two feeds never share a story.
    const org = `${ORGS[Math.floor(index / 4) % ORGS.length]} ${prefix} ${Math.floor(index / 4)}`;
    const people = Math.floor(10 ** (3 + rand() * 5));
    const title = `${org} ${WHAT[index % WHAT.length]} ${people.toLocaleString('en-US')} customers`;
    const date = options.pubDate ?? new Date(Date.UTC(2025, 10, 1) + index * 60_000);
    return {
      title,
      link: `https://news.example.org/2025/11/${prefix}-${index}?utm_source=rss`,
      guid: `${prefix}-${index}`,
      description: `<p>${org} said on ${date.toUTCString().slice(0, 16)} that names, email addresses and phone numbers of ${people.toLocaleString('en-US')} customers were exposed.</p><p>The <a href="https://example.org/regulator">regulator</a> has opened an investigation.</p>`,
      pubDate: date.toUTCString(),
    };
  });
}

/** A valid RSS 2.0 feed of `count` news items. */
export function newsFeed(count: number, options: Parameters<typeof newsItems>[1] = {}): string {
  return rssFeed(newsItems(count, options));
}

/** A minimal registry-shaped source for an ad hoc feed at `url`. */
export function feedSource(id: string, url: string): Source {
  return {
    id,
    name: `Bench feed ${id}`,
    kind: 'news',
    jurisdiction: 'US',
    language: 'en',
    format: 'rss',
    url,
    everyMinutes: 60,
    licence: 'benchmark data',
    parse: feedParserFor(),
    crawlDelaySeconds: 0,
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The Oregon DOJ register page (the one-page, one-table register) grown to `rows` rows, with
 * the fixture's structure: linked and unlinked organisations, date ranges, empty counts.
 */
export function oregonRegister(rows: number): string {
  const fixture = readFileSync(path.join(FIXTURES, 'oregon-doj-breaches.html'), 'utf8');
  const rand = random(2_000);
  const body = Array.from({ length: rows }, (_, index) => {
    const org = `${ORGS[index % ORGS.length]} Holdings ${index} & Co.`;
    const day = (index % 28) + 1;
    const month = (index % 12) + 1;
    const name =
      index % 5 === 4
        ? escapeHtml(org)
        : `<a href="/consumer/DataBreach/Home/Details/${10_000 + index}">${escapeHtml(org)}</a>`;
    const count = index % 7 === 3 ? '' : Math.floor(250 + rand() * 5_000_000).toLocaleString('en-US');
    return `<tr>
<td>${name}</td>
<td>${month}/${day}/2025</td>
<td>${month}/${day}/2024 - ${month}/${Math.min(28, day + 3)}/2024</td>
<td>${month}/${day}/2025</td>
<td>${month}/${Math.min(28, day + 2)}/2025</td>
<td>${count}</td>
</tr>`;
  }).join('\n');
  const start = fixture.indexOf('<tbody>') + '<tbody>'.length;
  const end = fixture.indexOf('</tbody>');
  return `${fixture.slice(0, start)}\n${body}\n${fixture.slice(end)}`;
}

/** Title + summary of every golden entry (real documents of all 39 sources, nine languages). */
export function goldenDocuments(): { title: string; summary: string; lang: string }[] {
  const documents: { title: string; summary: string; lang: string }[] = [];
  for (const file of readdirSync(path.join(FIXTURES, 'expected')).sort()) {
    const golden = JSON.parse(readFileSync(path.join(FIXTURES, 'expected', file), 'utf8')) as {
      entries: RawEntry[];
    };
    for (const entry of golden.entries) {
      documents.push({ title: entry.title, summary: entry.summary ?? '', lang: entry.lang ?? 'en' });
    }
  }
  return documents;
}
