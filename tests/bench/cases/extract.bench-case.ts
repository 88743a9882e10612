import { extractFacts } from '../../../functions/extract/extract.ts';
import { goldenDocuments } from '../corpus.ts';
import { check, formatNumber, median, runCase } from '../harness.ts';

const TARGET = 10_000;

/**
 * Line 3: facts from title + summary, one thread. The corpus is every golden entry (real
 * documents of all sources, nine languages), cycled; there is no cache to defeat.
 */
runCase('extract', async () => {
  const documents = goldenDocuments();
  check(documents.length >= 100, `only ${documents.length} golden documents found`);

  // extractFacts never throws (a failing rule yields empty facts), so a broken extractor
  // would look fast: require that it still finds what it found on the first pass, and a lot.
  const first = documents.map((document) => JSON.stringify(extractFacts(document)));
  const informative = documents.filter((document) => {
    const facts = extractFacts(document);
    return facts.kind !== 'other' || facts.organization !== null || facts.affected !== null;
  }).length;
  check(
    informative / documents.length >= 0.6,
    `only ${informative}/${documents.length} documents got a kind, organisation or count: is the extractor broken?`,
  );

  const roundMs = 1_500;
  const rates: number[] = [];
  for (let round = 0; round < 6; round++) {
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < roundMs) {
      for (const document of documents) extractFacts(document);
      done += documents.length;
    }
    // The first round is warm-up (JIT, lexicon compilation).
    if (round > 0) rates.push(done / ((performance.now() - started) / 1000));
  }
  documents.forEach((document, index) => {
    check(
      JSON.stringify(extractFacts(document)) === first[index],
      `document ${index}: facts changed between runs`,
    );
  });
  const rate = median(rates);
  return {
    lines: [
      {
        id: '3',
        title: 'Extraction (title + summary), one thread',
        figure: `${formatNumber(rate)} documents/s/core`,
        reference: '— (absolute target)',
        ratio: rate / TARGET,
        target: `≥ ${formatNumber(TARGET)} documents/s/core (ratio = figure ÷ target)`,
        met: rate >= TARGET,
        notes: [
          `${documents.length} golden documents cycled for ${roundMs / 1000} s per round; median of 5 rounds after 1 warm-up; ${informative}/${documents.length} get a kind, organisation or count.`,
        ],
      },
    ],
  };
});
