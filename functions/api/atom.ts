/**
 * Atom 1.0 (RFC 4287) feeds of a filter. Entry ids are stable URNs, so a feed reader never
 * shows an event twice when its title or count changes; every text is escaped and stripped of
 * characters XML 1.0 forbids, so a hostile title cannot break the document.
 */

// Control characters, lone surrogates and U+FFFE/U+FFFF are not allowed anywhere in XML 1.0.
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the characters XML forbids is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Only http(s) URLs become links: a scraped `javascript:` URL stays text, never an href. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  summary: string;
  /** An http(s) page for the entry (checked again here). */
  link: string | null;
  /** A machine-readable form of the entry. */
  related?: string;
  categories: string[];
}

export interface AtomFeed {
  id: string;
  title: string;
  selfUrl: string;
  alternateUrl: string;
  entries: AtomEntry[];
}

/** The feed document. `updated` is the newest entry's, so an unchanged feed is byte-identical (ETag). */
export function renderAtom(feed: AtomFeed): string {
  const updated =
    feed.entries
      .map((entry) => entry.updated)
      .sort()
      .at(-1) ?? '';
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(feed.id)}</id>`,
    `  <title type="text">${escapeXml(feed.title)}</title>`,
    `  <updated>${escapeXml(updated || '1970-01-01T00:00:00.000Z')}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(feed.alternateUrl)}"/>`,
    '  <author><name>breachwire</name></author>',
    '  <generator>breachwire</generator>',
  ];
  for (const entry of feed.entries) {
    const link = safeHttpUrl(entry.link);
    lines.push(
      '  <entry>',
      `    <id>${escapeXml(entry.id)}</id>`,
      `    <title type="text">${escapeXml(entry.title)}</title>`,
      `    <updated>${escapeXml(entry.updated)}</updated>`,
      `    <published>${escapeXml(entry.published)}</published>`,
      ...(link ? [`    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`] : []),
      ...(entry.related
        ? [`    <link rel="related" type="application/json" href="${escapeXml(entry.related)}"/>`]
        : []),
      ...entry.categories.map((term) => `    <category term="${escapeXml(term)}"/>`),
      `    <summary type="text">${escapeXml(entry.summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
