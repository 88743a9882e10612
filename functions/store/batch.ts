import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sleep } from '../core/concurrency.ts';
import type { Store } from './client.ts';
import type { KeyAttributes } from './keys.ts';

const MAX_KEYS_PER_REQUEST = 100;
const MAX_ATTEMPTS = 10;

/**
 * Reads items by key with BatchGetItem: chunks of 100, unprocessed keys retried with backoff
 * (DynamoDB returns them under throttling), an error if they never clear. Missing items are
 * simply absent from the result; order is not preserved.
 */
export async function batchGetItems(
  store: Store,
  keys: readonly KeyAttributes[],
  options: { projection?: string; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_REQUEST) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + MAX_KEYS_PER_REQUEST);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `BatchGetItem left ${pending.length} keys unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      if (attempt > 0) await sleep(Math.min(1_000, 25 * 2 ** attempt));
      const result = await store.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [store.tableName]: {
              Keys: pending,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[store.tableName] ?? []));
      pending =
        (result.UnprocessedKeys?.[store.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return items;
}

/**
 * Puts an item unless one with its key exists. False means it was already there (a re-run or a
 * concurrent writer stored it first): the one idempotent write every "store once" step uses.
 */
export async function putIfAbsent(store: Store, item: Record<string, unknown>): Promise<boolean> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
