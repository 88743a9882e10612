import { createHash } from 'node:crypto';
import { BreachwireError } from '../core/errors.ts';
import { feedParserFor } from './adapters/feed.ts';
import type { Source } from './types.ts';

/**
 * A one-off source for `breachwire ingest --url URL --format rss|atom`: its id derives from
 * the URL, so ingesting the same URL again finds the same documents and stores none.
 */
export function adhocSource(url: string, format: string): Source {
  if (format !== 'rss' && format !== 'atom' && format !== 'rdf') {
    throw new BreachwireError('cli.usage', `--format must be rss, atom or rdf for --url, got "${format}"`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BreachwireError('cli.usage', `--url must be an absolute http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BreachwireError('cli.usage', `--url must be an http(s) URL, got "${url}"`);
  }
  const id = `adhoc-${createHash('sha256').update(parsed.href).digest('hex').slice(0, 10)}`;
  return {
    id,
    name: `Ad hoc feed ${parsed.host}`,
    kind: 'news',
    jurisdiction: 'global',
    language: 'en',
    format,
    url: parsed.href,
    everyMinutes: 60,
    licence: 'unknown (ad hoc feed)',
    parse: feedParserFor(),
  };
}
