import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/store/client.ts';

/** Items in one index partition (a paged `Select: COUNT` Query; the benchmarks' own bookkeeping). */
export async function countPartition(store: Store, index: string, partition: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${index}pk` },
        ExpressionAttributeValues: { ':pk': partition },
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    count += result.Count ?? 0;
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** Counts requests by command name as they leave the client (a real middleware, as the e2e test does). */
export function countRequests(store: Store): {
  counts: Map<string, number>;
  reset(): void;
  writes(): number;
  reads(): number;
} {
  const counts = new Map<string, number>();
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  const sum = (pattern: RegExp) =>
    [...counts].filter(([name]) => pattern.test(name)).reduce((total, [, n]) => total + n, 0);
  return {
    counts,
    reset: () => counts.clear(),
    writes: () => sum(/^(Put|Update|Delete|BatchWrite|TransactWrite)/),
    reads: () => sum(/^(Get|BatchGet|Query|Scan|TransactGet)/),
  };
}
