import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../functions/store/client.ts';
import { TABLE_DEFINITION } from '../../functions/store/table.ts';

type Item = Record<string, unknown>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** DynamoDB's size of a number: about one byte per two significant digits, plus one. */
function numberSize(value: number): number {
  const digits = String(Math.abs(value))
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return 1 + Math.ceil(Math.max(1, digits.length) / 2) + (value < 0 ? 1 : 0);
}

/** String sizes: DynamoDB counts UTF-8 bytes; dynalite counts UTF-16 code units (less for Hangul and kana). */
type StringSize = (text: string) => number;
const utf16: StringSize = (text) => text.length;

function valueSize(value: unknown, size: StringSize): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return size(value);
  if (typeof value === 'number') return numberSize(value);
  if (Array.isArray(value))
    return 3 + value.reduce<number>((sum, inner) => sum + 1 + valueSize(inner, size), 0);
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce<number>((sum, inner) => sum + valueSize(inner, size), 0);
  const entries = Object.entries(value as Item).filter(([, inner]) => inner !== undefined);
  return (
    3 + entries.length + entries.reduce((sum, [name, inner]) => sum + size(name) + valueSize(inner, size), 0)
  );
}

/** An item's size by DynamoDB's rules: attribute names plus values (nested maps and lists with their overhead). */
export function itemSize(item: Item, size: StringSize = utf8): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + size(name) + valueSize(value, size), 0);
}

const units = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(itemSize(item) / 1024)) : 0);
/** Table units as dynalite computes them, only to check this meter against what dynalite reports. */
const dynaliteUnits = (item: Item | undefined) =>
  item ? Math.max(1, Math.ceil(itemSize(item, utf16) / 1024)) : 1;

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Item).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/**
 * Write units of one item write from its before and after images: the table write is the
 * larger image in 1 KB units (a failed conditional write still pays for it); each index that
 * projects ALL costs one write of the new entry when the item enters it or changes in it,
 * one of the old entry when it leaves, and both when its index key changes.
 */
export function writeUnits(
  before: Item | undefined,
  after: Item | undefined,
  attempted: Item | undefined,
  failed: boolean,
) {
  const table = failed
    ? Math.max(1, units(before), units(attempted))
    : Math.max(1, units(before), units(after));
  let indexes = 0;
  if (!failed) {
    const changed = canonical(before) !== canonical(after);
    for (const index of TABLE_DEFINITION.indexes) {
      const keyOf = (item: Item | undefined) =>
        item && item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined
          ? `${item[index.partitionKey]}\u0000${item[index.sortKey]}`
          : null;
      const was = keyOf(before);
      const is = keyOf(after);
      if (was === null && is !== null) indexes += units(after);
      else if (was !== null && is === null) indexes += units(before);
      else if (was !== null && is !== null) {
        if (was !== is) indexes += units(before) + units(after);
        else if (changed) indexes += units(after);
      }
    }
  }
  return { table, indexes };
}

export interface WriteMeter {
  requests: number;
  itemWrites: number;
  tableUnits: number;
  indexUnits: number;
  /** What dynalite reported with ReturnConsumedCapacity TOTAL for successful puts (table writes only). */
  /** Units by request and item kind, e.g. `PutItem DOC` → {writes, units}. */
  byKind: Map<string, { writes: number; units: number }>;
  reportedTableUnits: number;
  /** The same puts' table units under dynalite's size rule, to compare with `reportedTableUnits`. */
  computedReportedUnits: number;
  reset(): void;
}

/**
 * Meters every write the store's client sends: counts requests and computes write units from
 * before/after images read through a second, unmetered client. Slow by design — used for the
 * cost figures only, never while timing.
 */
export function meterWrites(store: Store, images: Store): WriteMeter {
  const meter: WriteMeter = {
    requests: 0,
    itemWrites: 0,
    tableUnits: 0,
    indexUnits: 0,
    reportedTableUnits: 0,
    computedReportedUnits: 0,
    byKind: new Map(),
    reset() {
      meter.byKind.clear();
      meter.requests = 0;
      meter.itemWrites = 0;
      meter.tableUnits = 0;
      meter.indexUnits = 0;
      meter.reportedTableUnits = 0;
      meter.computedReportedUnits = 0;
    },
  };
  const read = async (key: Item) =>
    (await images.doc.send(new GetCommand({ TableName: images.tableName, Key: key, ConsistentRead: true })))
      .Item;
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      if (!/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(name)) return next(args);
      const input = args.input as Item;
      const targets = writeTargets(name, input);
      // dynalite's update figures do not follow its own max(before, after) rule reliably, so
      // the cross-check uses puts only.
      const isPut = /^(Put|BatchWrite)/.test(name);
      meter.requests++;
      const before = await Promise.all(targets.map((target) => read(target.key)));
      input['ReturnConsumedCapacity'] = 'TOTAL';
      let failed = false;
      let output: Awaited<ReturnType<typeof next>> | undefined;
      try {
        output = await next(args);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        failed = true;
        const after = before;
        targets.forEach((target, i) => {
          const cost = writeUnits(before[i], after[i], target.attempted, true);
          meter.itemWrites++;
          meter.tableUnits += cost.table;
        });
        throw error;
      }
      const after = await Promise.all(targets.map((target) => read(target.key)));
      targets.forEach((target, i) => {
        const cost = writeUnits(before[i], after[i], target.attempted, failed);
        meter.itemWrites++;
        meter.tableUnits += cost.table;
        meter.indexUnits += cost.indexes;
        const kind = `${name.replace(/Command$/, '')} ${String(target.key['pk']).split('#')[0]}`;
        const entry = meter.byKind.get(kind) ?? { writes: 0, units: 0 };
        entry.writes++;
        entry.units += cost.table + cost.indexes;
        meter.byKind.set(kind, entry);
        if (isPut) meter.computedReportedUnits += Math.max(dynaliteUnits(before[i]), dynaliteUnits(after[i]));
      });
      const consumed = (output.output as Item)['ConsumedCapacity'] as
        | { CapacityUnits?: number }
        | { CapacityUnits?: number }[]
        | undefined;
      let reported = 0;
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        reported += entry.CapacityUnits ?? 0;
      }
      if (isPut) meter.reportedTableUnits += reported;
      return output;
    },
    { step: 'initialize', name: 'benchMeterWrites' },
  );
  return meter;
}

/** The items a write request touches: their keys and, for puts, the item attempted. */
function writeTargets(name: string, input: Item): { key: Item; attempted?: Item }[] {
  const keyOf = (item: Item) => ({ pk: item['pk'], sk: item['sk'] });
  if (name.startsWith('Put'))
    return [{ key: keyOf(input['Item'] as Item), attempted: input['Item'] as Item }];
  if (name.startsWith('Update') || name.startsWith('Delete')) return [{ key: input['Key'] as Item }];
  if (name.startsWith('BatchWrite')) {
    const requests = Object.values(input['RequestItems'] as Record<string, Item[]>).flat();
    return requests.map((request) => {
      const put = request['PutRequest'] as { Item: Item } | undefined;
      const del = request['DeleteRequest'] as { Key: Item } | undefined;
      return put ? { key: keyOf(put.Item), attempted: put.Item } : { key: del!.Key };
    });
  }
  throw new Error(`write meter: ${name} is not metered; add it before trusting the figures`);
}
