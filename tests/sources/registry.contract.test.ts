/**
 * The contract every source in the registry keeps: identity, URLs, cadence, licence, a fixture,
 * and a fixture that parses into entries downstream stages can trust. One test over all
 * sources, so a new catalog entry is checked the moment it is added.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePublishedAt } from '../../functions/normalize/dates.ts';
import { sources } from '../../functions/sources/registry.ts';
import type { Source } from '../../functions/sources/types.ts';
import { sourceFixtures } from '../fixtures/sources/index.ts';
import { FIXTURES_DIR, parseFixture } from './fixture-helpers.ts';

const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.now() + 2 * 24 * 60 * 60 * 1000;

/** Listings that publish no date at all (first-seen time stands in); every other source must date its entries. */
const UNDATED_SOURCES = new Set(['sg-pdpc-decisions']);

/** Formats read from a register or page rather than a feed. */
const NON_FEED_FORMATS = new Set(['json', 'csv', 'html']);

const FIXTURE_EXTENSION: Record<Source['format'], string> = {
  rss: '.xml',
  atom: '.xml',
  rdf: '.xml',
  json: '.json',
  csv: '.csv',
  html: '.html',
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

describe('the registry as a whole', () => {
  it('has at least 35 sources with unique kebab-case ids', () => {
    expect(sources.length).toBeGreaterThanOrEqual(35);
    const ids = sources.map((source) => source.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !KEBAB_CASE.test(id))).toEqual([]);
  });

  it('has at least 8 regulator registers or press channels read from HTML, JSON or CSV', () => {
    const registers = sources.filter(
      (source) => source.kind === 'regulator' && NON_FEED_FORMATS.has(source.format),
    );
    expect(registers.length).toBeGreaterThanOrEqual(8);
  });

  it('has at least 4 Korean-language sources', () => {
    const korean = sources.filter((source) => source.language === 'ko');
    expect(korean.length).toBeGreaterThanOrEqual(4);
    expect(korean.every((source) => source.jurisdiction === 'KR')).toBe(true);
  });

  it('covers every kind of source', () => {
    expect(new Set(sources.map((source) => source.kind))).toEqual(
      new Set(['news', 'regulator', 'aggregator']),
    );
  });
});

describe.each(sources.map((source) => [source.id, source] as const))('%s', (id, source) => {
  it('is well described: absolute URLs, sane cadence, licence, notes when disabled', () => {
    expect(isHttpUrl(source.url), source.url).toBe(true);
    if (source.homepage) expect(isHttpUrl(source.homepage), source.homepage).toBe(true);
    expect(source.name.trim()).not.toBe('');
    expect(source.licence.trim().length).toBeGreaterThan(5);
    expect(Number.isInteger(source.everyMinutes)).toBe(true);
    expect(source.everyMinutes).toBeGreaterThanOrEqual(5);
    expect(source.everyMinutes).toBeLessThanOrEqual(7 * 24 * 60);
    expect(source.jurisdiction).toMatch(/^(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|EU|global)$/);
    expect(source.language).toMatch(/^[a-z]{2,3}$/);
    if (source.maxPages !== undefined) expect(source.maxPages).toBeGreaterThanOrEqual(1);
    if (source.maxPages !== undefined) expect(source.maxPages).toBeLessThanOrEqual(10);
    if (source.crawlDelaySeconds !== undefined) expect(source.crawlDelaySeconds).toBeGreaterThan(0);
    // Headers are committed configuration: never credentials.
    const headerNames = Object.keys(source.headers ?? {}).map((name) => name.toLowerCase());
    expect(
      headerNames.filter((name) => ['authorization', 'cookie', 'hibp-api-key', 'x-api-key'].includes(name)),
    ).toEqual([]);
    if (source.enabled === false) expect(source.notes, 'a disabled source says why').toBeTruthy();
  });

  it('declares requiredNative when it is a register (read from JSON, CSV or HTML)', () => {
    if (NON_FEED_FORMATS.has(source.format)) expect(source.requiredNative?.length ?? 0).toBeGreaterThan(0);
  });

  it('has a fixture in its own format', () => {
    const fixture = sourceFixtures[id];
    expect(fixture, `add ${id} to tests/fixtures/sources/index.ts`).toBeDefined();
    if (!fixture) return;
    expect(fixture.file.endsWith(FIXTURE_EXTENSION[source.format])).toBe(true);
    expect(fixture.contentType).toMatch(/charset=/);
    for (const file of [fixture.file, ...Object.values(fixture.pages ?? {})]) {
      expect(existsSync(new URL(file, FIXTURES_DIR)), file).toBe(true);
    }
  });

  it('parses its fixture into entries downstream stages can trust', async () => {
    const { entries, next } = await parseFixture(id);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    if (next !== undefined) expect(isHttpUrl(next), next).toBe(true);

    const keys = new Set<string>();
    for (const entry of entries) {
      expect(entry.title.trim(), 'every entry has a title').not.toBe('');
      if (entry.lang !== undefined) expect(entry.lang).toBe(source.language);
      if (entry.url !== undefined)
        expect(isHttpUrl(new URL(entry.url, source.url).href), entry.url).toBe(true);

      const key = entry.guid ?? entry.url;
      expect(key, 'an entry needs a guid or a url to be a document').toBeDefined();
      if (key !== undefined) {
        expect(keys.has(key), `duplicate document id ${key}`).toBe(false);
        keys.add(key);
      }

      for (const field of source.requiredNative ?? []) {
        const value = entry.native?.[field];
        expect(
          value === undefined || value === null || value === '',
          `native.${field} of "${entry.title}"`,
        ).toBe(false);
      }

      if (UNDATED_SOURCES.has(id)) continue;
      expect(entry.publishedAt, `publishedAt of "${entry.title}"`).toBeDefined();
      const iso = parsePublishedAt(entry.publishedAt ?? '');
      expect(iso, `"${entry.publishedAt}" parses`).not.toBeNull();
      const time = Date.parse(iso ?? '');
      expect(time).toBeGreaterThanOrEqual(EARLIEST);
      expect(time).toBeLessThanOrEqual(LATEST);
    }
  });
});
