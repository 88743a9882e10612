import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '../../functions/api/app.ts';
import { sources } from '../../functions/sources/registry.ts';
import type { Store } from '../../functions/store/client.ts';
import { eventKeys } from '../../functions/store/keys.ts';
import { check, median, percentile } from './harness.ts';

/** The two pages of line 6: the default page and a filtered one (one country, a minimum count). */
export const PAGES = {
  default: { path: '/v1/events', country: null, minAffected: null },
  filtered: { path: '/v1/events?country=KR&min_affected=100000', country: 'KR', minAffected: 100_000 },
} as const;

export type PageName = keyof typeof PAGES;
const PAGE_SIZE = 50;

/**
 * The same rows by hand: one Query on the index the filter names (time index, or the
 * country's), newest first, with the count as a FilterExpression, paged until a page is full.
 */
export async function bareQuery(store: Store, page: PageName): Promise<string[]> {
  const spec = PAGES[page];
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: spec.country ? 'gsi3' : 'gsi1',
        KeyConditionExpression: '#pk = :pk',
        ...(spec.minAffected !== null
          ? {
              FilterExpression: '#affected.#count >= :min',
              ExpressionAttributeNames: { '#pk': 'gsi3pk', '#affected': 'affected', '#count': 'count' },
              ExpressionAttributeValues: {
                ':pk': eventKeys.byCountryPartition(spec.country!),
                ':min': spec.minAffected,
              },
            }
          : {
              ExpressionAttributeNames: { '#pk': 'gsi1pk' },
              ExpressionAttributeValues: { ':pk': eventKeys.byTimePartition() },
            }),
        ScanIndexForward: false,
        Limit: spec.minAffected !== null ? 100 : PAGE_SIZE,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of result.Items ?? []) if (ids.length < PAGE_SIZE) ids.push(String(item['id']));
    startKey = result.LastEvaluatedKey;
  } while (startKey && ids.length < PAGE_SIZE);
  return ids;
}

export interface LatencyFigures {
  api: { p50: number; p99: number };
  bare: { p50: number; p99: number };
  rows: number;
}

/**
 * Checks the API page has exactly the bare Query's ids, then times both alternately.
 * Latency of the API includes reading the whole response body.
 */
export async function measurePage(
  store: Store,
  page: PageName,
  rounds: { warmup: number; measured: number },
): Promise<LatencyFigures> {
  const app = createApp({ store, sources });
  const apiIds = async () => {
    const response = await app.request(PAGES[page].path);
    if (response.status !== 200)
      check(false, `${PAGES[page].path} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { rows: { id: string }[] };
    return body.rows.map((row) => row.id);
  };
  const ours = await apiIds();
  const bare = await bareQuery(store, page);
  check(ours.length > 0, `${PAGES[page].path} returned no rows`);
  check(
    JSON.stringify(ours) === JSON.stringify(bare),
    `${PAGES[page].path} rows differ from the bare Query: ${ours.length} vs ${bare.length} ids, first difference at ${ours.findIndex((id, i) => id !== bare[i])}`,
  );
  const times = { api: [] as number[], bare: [] as number[] };
  for (let round = 0; round < rounds.warmup + rounds.measured; round++) {
    for (const side of round % 2 ? (['bare', 'api'] as const) : (['api', 'bare'] as const)) {
      const started = performance.now();
      if (side === 'api') await (await app.request(PAGES[page].path)).text();
      else await bareQuery(store, page);
      if (round >= rounds.warmup) times[side].push(performance.now() - started);
    }
  }
  return {
    api: { p50: median(times.api), p99: percentile(times.api, 99) },
    bare: { p50: median(times.bare), p99: percentile(times.bare, 99) },
    rows: ours.length,
  };
}
