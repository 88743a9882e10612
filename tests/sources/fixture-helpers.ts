import { readFileSync } from 'node:fs';
import { findSource } from '../../functions/sources/registry.ts';
import type { ParseResult, Source } from '../../functions/sources/types.ts';
import { fixtureCharset, sourceFixtures } from '../fixtures/sources/index.ts';

/** The fixtures folder, beside `index.ts`. */
export const FIXTURES_DIR = new URL('../fixtures/sources/', import.meta.url);

/**
 * A fixture's bytes decoded the way the fetch layer would: by the charset its Content-Type
 * names (BoanNews is EUC-KR on disk). `fatal` makes a mis-encoded fixture fail loudly.
 */
export function readFixture(sourceId: string, file?: string): string {
  const fixture = sourceFixtures[sourceId];
  if (!fixture) throw new Error(`no fixture registered for ${sourceId} in tests/fixtures/sources/index.ts`);
  const bytes = readFileSync(new URL(file ?? fixture.file, FIXTURES_DIR));
  // ignoreBOM: keep a BOM in the text, as a fetch layer that decodes by charset would; parsers strip it.
  return new TextDecoder(fixtureCharset(fixture.contentType), { fatal: true, ignoreBOM: true }).decode(bytes);
}

/** The registered source, or a test failure naming the id. */
export function sourceById(id: string): Source {
  const source = findSource(id);
  if (!source) throw new Error(`source ${id} is not in the registry`);
  return source;
}

/** Parses a source's fixture (or one of its page files) as the ingest loop would parse page `page` fetched from `url`. */
export async function parseFixture(
  id: string,
  options: { file?: string; url?: string; page?: number } = {},
): Promise<ParseResult> {
  const source = sourceById(id);
  const fixture = sourceFixtures[id];
  return source.parse(readFixture(id, options.file), {
    source,
    url: options.url ?? source.url,
    page: options.page ?? 0,
    contentType: fixture?.contentType ?? null,
  });
}
