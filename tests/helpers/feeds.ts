import { feedParserFor } from '../../functions/sources/adapters/feed.ts';
import type { Source } from '../../functions/sources/types.ts';

/** Builds an RSS 2.0 feed from items, for tests that need many or hostile items. */
export function rssFeed(
  items: { title: string; link?: string; guid?: string; description?: string; pubDate?: string }[],
): string {
  const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = items
    .map(
      (item) => `    <item>
      <title>${escapeXml(item.title)}</title>${item.link ? `\n      <link>${escapeXml(item.link)}</link>` : ''}${
        item.guid ? `\n      <guid isPermaLink="false">${escapeXml(item.guid)}</guid>` : ''
      }${item.description ? `\n      <description>${escapeXml(item.description)}</description>` : ''}${
        item.pubDate ? `\n      <pubDate>${item.pubDate}</pubDate>` : ''
      }
    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Test feed</title>
    <link>https://news.example.org/</link>
    <description>Test</description>
${body}
  </channel>
</rss>
`;
}

/** Encodes text as EUC-KR (Node has no EUC-KR encoder): a reverse table of the Hangul block, built once. */
let eucKrTable: Map<string, number[]> | null = null;

export function eucKr(text: string): Buffer {
  if (!eucKrTable) {
    eucKrTable = new Map<string, number[]>();
    for (let lead = 0xb0; lead <= 0xc8; lead++) {
      for (let trail = 0xa1; trail <= 0xfe; trail++) {
        const char = new TextDecoder('euc-kr').decode(new Uint8Array([lead, trail]));
        if (!eucKrTable.has(char)) eucKrTable.set(char, [lead, trail]);
      }
    }
  }
  const table = eucKrTable;
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = table.get(char);
      if (!pair) throw new Error(`no EUC-KR bytes for ${char}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

/** A test RSS source pointing at a loopback URL (no crawl delay; overrides adjust the rest). */
export function feedSource(id: string, url: string, overrides: Partial<Source> = {}): Source {
  return {
    id,
    name: id,
    kind: 'news',
    jurisdiction: 'global',
    language: 'en',
    format: 'rss',
    url,
    everyMinutes: 30,
    licence: 'test',
    crawlDelaySeconds: 0,
    parse: feedParserFor(),
    ...overrides,
  };
}
