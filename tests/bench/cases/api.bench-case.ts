import { existsSync } from 'node:fs';
import { startEmbeddedStore } from '../../../functions/store/embedded.ts';
import { eventKeys } from '../../../functions/store/keys.ts';
import { measurePage, PAGES, type PageName } from '../api-latency.ts';
import { type BenchLine, check, formatNumber, formatRatio, runCase } from '../harness.ts';
import { countPartition } from '../store-tools.ts';

const ROUNDS = { warmup: 20, measured: 200 };

/**
 * Line 6: p50 / p99 of `GET /v1/events` (through `createApp`, body read) against a bare
 * Query returning the same rows, on the 100,000-event store the store-scale benchmark left
 * in BENCH_STORE_DIR, opened in this process as `npm start` opens it.
 */
runCase('api', async () => {
  const dataDir = process.env['BENCH_STORE_DIR'];
  check(
    dataDir && existsSync(dataDir),
    'BENCH_STORE_DIR is not set or missing: run the store-scale benchmark first',
  );
  const embedded = await startEmbeddedStore({ dataDir });
  try {
    const events = await countPartition(embedded.store, 'gsi1', eventKeys.byTimePartition());
    check(events >= 100_000, `the store holds ${events} events, expected at least 100,000`);
    const lines: BenchLine[] = [];
    for (const page of Object.keys(PAGES) as PageName[]) {
      const figures = await measurePage(embedded.store, page, ROUNDS);
      const ratio = figures.api.p99 / figures.bare.p99;
      lines.push({
        id: page === 'default' ? '6a' : '6b',
        title: `API \`GET ${PAGES[page].path}\` with ${formatNumber(events)} events`,
        figure: `p50 ${formatNumber(figures.api.p50, 1)} ms, p99 ${formatNumber(figures.api.p99, 1)} ms`,
        reference: `bare Query of the same ${figures.rows} rows: p50 ${formatNumber(figures.bare.p50, 1)} ms, p99 ${formatNumber(figures.bare.p99, 1)} ms`,
        ratio,
        target: 'p99 ratio ≤ 2',
        met: ratio <= 2,
        notes: [
          `${ROUNDS.measured} requests each, alternating with the bare Query, after ${ROUNDS.warmup} warm-ups; p50 ratio ${formatRatio(figures.api.p50 / figures.bare.p50)}. The page's ids were checked equal to the bare Query's first.`,
        ],
      });
    }
    return { lines };
  } finally {
    await embedded.close();
  }
});
