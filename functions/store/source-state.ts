import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch.ts';
import type { Store } from './client.ts';
import { ENTITY, sourceStateKeys } from './keys.ts';

/** The health and conditional-GET validators of one source. */
export interface SourceState {
  sourceId: string;
  etag: string | null;
  lastModified: string | null;
  /** Hash of the last body parsed: an unchanged body is not parsed or written again. */
  bodyHash: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastErrorAt: string | null;
  consecutiveFailures: number;
  /** Entries parsed in the last run that fetched a changed body. */
  itemsLastRun: number | null;
  newLastRun: number | null;
  /** Why the source looks silently broken (zero items, missing required fields), or null. */
  drift: string | null;
}

export function emptySourceState(sourceId: string): SourceState {
  return {
    sourceId,
    etag: null,
    lastModified: null,
    bodyHash: null,
    lastRunAt: null,
    lastSuccessAt: null,
    lastError: null,
    lastErrorCode: null,
    lastErrorAt: null,
    consecutiveFailures: 0,
    itemsLastRun: null,
    newLastRun: null,
    drift: null,
  };
}

function fromItem(sourceId: string, item: Record<string, unknown> | undefined): SourceState {
  const state = emptySourceState(sourceId);
  if (!item) return state;
  for (const key of Object.keys(state) as (keyof SourceState)[]) {
    if (item[key] !== undefined) (state as unknown as Record<string, unknown>)[key] = item[key];
  }
  return state;
}

export async function getSourceState(store: Store, sourceId: string): Promise<SourceState> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: sourceStateKeys.item(sourceId), ConsistentRead: true }),
  );
  return fromItem(sourceId, result.Item);
}

/** States of many sources by BatchGet (never a Scan), in the order asked. */
export async function getSourceStates(store: Store, sourceIds: readonly string[]): Promise<SourceState[]> {
  const items = await batchGetItems(
    store,
    [...new Set(sourceIds)].map((id) => sourceStateKeys.item(id)),
  );
  const found = new Map(items.map((item) => [String(item['sourceId']), item]));
  return sourceIds.map((id) => fromItem(id, found.get(id)));
}

/** Writes the given fields of a source's state (an upsert; other fields are kept). */
export async function updateSourceState(
  store: Store,
  sourceId: string,
  fields: Partial<Omit<SourceState, 'sourceId'>>,
  options: { incrementFailures?: boolean } = {},
): Promise<void> {
  const names: Record<string, string> = { '#entity': 'entity', '#sourceId': 'sourceId' };
  const values: Record<string, unknown> = { ':entity': ENTITY.sourceState, ':sourceId': sourceId };
  const sets = ['#entity = :entity', '#sourceId = :sourceId'];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  let expression = `SET ${sets.join(', ')}`;
  if (options.incrementFailures) {
    names['#failures'] = 'consecutiveFailures';
    values[':one'] = 1;
    expression += ' ADD #failures :one';
  }
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: sourceStateKeys.item(sourceId),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
