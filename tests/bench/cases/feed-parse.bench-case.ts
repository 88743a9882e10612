import Parser from 'rss-parser';
import { decodeBody } from '../../../functions/fetch/charset.ts';
import { normalizeEntry } from '../../../functions/normalize/document.ts';
import type { ParseResult } from '../../../functions/sources/types.ts';
import { feedSource, newsFeed, newsItems } from '../corpus.ts';
import { check, formatNumber, formatRatio, interleaved, median, runCase } from '../harness.ts';

const ITEMS = 5_000;
const CONTENT_TYPE = 'application/rss+xml; charset=utf-8';

/**
 * Line 1: our RSS path (decode → adapter → normalise) against bare rss-parser on the same
 * feed. The reference gets the already-decoded string: that is all `parseString` can take.
 */
runCase('feed-parse', async () => {
  const xml = newsFeed(ITEMS);
  const bytes = new TextEncoder().encode(xml);
  const source = feedSource('bench-feed', 'https://news.example.org/feed.xml');
  const fetchedAt = new Date('2025-12-01T00:00:00Z');
  const bare = new Parser();

  const ours = async () => {
    const { text } = decodeBody(bytes, CONTENT_TYPE);
    const parsed = (await source.parse(text, {
      source,
      url: source.url,
      page: 0,
      contentType: CONTENT_TYPE,
    })) as ParseResult;
    return parsed.entries.map((entry) => normalizeEntry(entry, { source, pageUrl: source.url, fetchedAt }));
  };
  const reference = () => bare.parseString(xml);

  // Correct first: every item becomes one identified document with the item's title.
  const expected = newsItems(ITEMS);
  const documents = await ours();
  check(documents.length === ITEMS, `adapter produced ${documents.length} documents, expected ${ITEMS}`);
  check(new Set(documents.map((d) => d?.id)).size === ITEMS, 'document ids are not unique');
  documents.forEach((document, index) => {
    check(document, `item ${index} was not normalised`);
    check(document.title === expected[index]!.title, `item ${index} title "${document.title}" differs`);
    check(document.publishedAt?.startsWith('2025-11-'), `item ${index} date ${document.publishedAt}`);
    check(!document.summary.includes('<p>'), `item ${index} summary still carries markup`);
  });
  const bareFeed = await reference();
  check(bareFeed.items.length === ITEMS, `rss-parser returned ${bareFeed.items.length} items`);
  check(bareFeed.items[ITEMS - 1]?.title === expected[ITEMS - 1]!.title, 'rss-parser last title differs');

  const times = await interleaved({ warmup: 2, measured: 7 }, ours, reference);
  const oursRate = ITEMS / (median(times.ours) / 1000);
  const referenceRate = ITEMS / (median(times.reference) / 1000);
  const ratio = oursRate / referenceRate;

  // Where our time goes, phase by phase (separate rounds, so the headline is not perturbed).
  const phases = { decode: [] as number[], parse: [] as number[], normalise: [] as number[] };
  for (let round = 0; round < 5; round++) {
    let started = performance.now();
    const { text } = decodeBody(bytes, CONTENT_TYPE);
    phases.decode.push(performance.now() - started);
    started = performance.now();
    const parsed = (await source.parse(text, {
      source,
      url: source.url,
      page: 0,
      contentType: null,
    })) as ParseResult;
    phases.parse.push(performance.now() - started);
    started = performance.now();
    for (const entry of parsed.entries) normalizeEntry(entry, { source, pageUrl: source.url, fetchedAt });
    phases.normalise.push(performance.now() - started);
  }
  const phaseText = Object.entries(phases)
    .map(([phase, values]) => `${phase} ${formatNumber(median(values))} ms`)
    .join(', ');
  return {
    lines: [
      {
        id: '1',
        title: 'Feed parsing (decode + parse + normalise), 5,000-item RSS',
        figure: `${formatNumber(oursRate)} items/s`,
        reference: `bare rss-parser parseString: ${formatNumber(referenceRate)} items/s`,
        ratio,
        target: 'ratio ≥ 0.7',
        met: ratio >= 0.7,
        notes: [
          `${(bytes.length / 1024 / 1024).toFixed(1)} MiB feed; median of 7 interleaved runs after 2 warm-ups (ours ${formatNumber(median(times.ours))} ms, bare ${formatNumber(median(times.reference))} ms per feed); ratio ${formatRatio(ratio)}.`,
          `Our phases per feed (median of 5): ${phaseText}.`,
        ],
      },
    ],
    findings: [
      `Feed: normalising costs ${formatNumber((median(phases.normalise) / ITEMS) * 1000, 1)} µs per entry against ${formatNumber((median(phases.parse) / ITEMS) * 1000, 1)} µs to parse it (${phaseText}).`,
    ],
  };
});
