import { feedParserFor } from '../adapters/feed.ts';
import { parseHibpBreaches } from '../custom/hibp-breaches.ts';
import type { Source } from '../types.ts';

const rss = feedParserFor();

const GOOGLE_NEWS_TERMS =
  'Google News RSS copyright notice: "made available solely for the purpose of rendering Google News results within a personal feed reader for personal, non-commercial use". Needs legal review before it is enabled.';

/** A Google News RSS search URL; `query` uses Google's operators (quotes, OR, when:7d). */
function googleNewsSearch(query: string, hl: string, gl: string, ceid: string): string {
  return `https://news.google.com/rss/search?q=${encodeURIComponent(query)}&hl=${hl}&gl=${gl}&ceid=${encodeURIComponent(ceid)}`;
}

/** Aggregators and catalogues that compile breaches from many origins. */
export const aggregatorSources: Source[] = [
  {
    id: 'hibp-breaches',
    name: 'Have I Been Pwned — breach catalogue',
    kind: 'aggregator',
    jurisdiction: 'global',
    language: 'en',
    format: 'json',
    url: 'https://haveibeenpwned.com/api/v3/breaches',
    homepage: 'https://haveibeenpwned.com/',
    everyMinutes: 720,
    licence: 'CC BY 4.0 (Have I Been Pwned breach data)',
    attribution: 'Data from Have I Been Pwned (haveibeenpwned.com), licensed CC BY 4.0',
    // HIBP answers 403 without a User-Agent: the fetch layer always sends the project's. No key is needed for /breaches.
    headers: { Accept: 'application/json' },
    requiredNative: ['Name', 'AddedDate', 'PwnCount', 'DataClasses'],
    notes:
      'Whole catalogue (~900 breaches) per request; diff on Name/AddedDate. PwnCount → affected (accounts), DataClasses → dataTypeLabels, BreachDate → occurredAt, AddedDate → publishedAt. Spam lists and fabricated breaches are skipped; malware/stealer-log corpora get no kind. Rate-limited per IP (429 + retry-after).',
    parse: parseHibpBreaches,
  },
  {
    id: 'google-news-ko',
    name: 'Google News search (ko) — 개인정보 유출·과징금',
    kind: 'aggregator',
    jurisdiction: 'KR',
    language: 'ko',
    format: 'rss',
    url: googleNewsSearch(
      '"개인정보 유출" OR 개인정보보호위원회 과징금 OR "해킹 유출" when:7d',
      'ko',
      'KR',
      'KR:ko',
    ),
    homepage: 'https://news.google.com/',
    everyMinutes: 60,
    enabled: false,
    licence: 'Google News terms: personal, non-commercial feed-reader use only',
    notes: `${GOOGLE_NEWS_TERMS} Titles are "Headline - Outlet"; links are opaque news.google.com redirects; <source url> names the outlet (native.publisher).`,
    parse: rss,
  },
  {
    id: 'google-news-en',
    name: 'Google News search (en) — data breach, GDPR fines, Item 1.05',
    kind: 'aggregator',
    jurisdiction: 'global',
    language: 'en',
    format: 'rss',
    url: googleNewsSearch('"data breach" OR "Item 1.05" OR "GDPR fine" when:7d', 'en-US', 'US', 'US:en'),
    homepage: 'https://news.google.com/',
    everyMinutes: 60,
    enabled: false,
    licence: 'Google News terms: personal, non-commercial feed-reader use only',
    notes: `${GOOGLE_NEWS_TERMS} Also the fallback for Korea JoongAng Daily (site:koreajoongangdaily.joins.com) while its feed is 404.`,
    parse: rss,
  },
];
