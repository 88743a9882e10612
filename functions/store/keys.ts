/**
 * Every key string of the single table is built here, named after the access pattern it
 * serves. No other module concatenates `pk`/`sk`/`gsi*` values.
 *
 * | entity        | pk / sk                 | gsi1 (time)        | gsi2 (by source/kind) | gsi3 (pending/country) |
 * |---------------|-------------------------|--------------------|-----------------------|------------------------|
 * | Document      | DOC#<id> / DOC          | DOC / <seen>#<id>  | DOC#SRC#<source>      | DOC#PENDING (sparse)   |
 * | SourceState   | SRC#<id> / STATE        |                    |                       |                        |
 */
export const ENTITY = {
  document: 'Document',
  sourceState: 'SourceState',
  event: 'Event',
  outbox: 'Outbox',
  delivery: 'Delivery',
} as const;

export type KeyAttributes = { pk: string; sk: string };

/** A time-ordered sort key: ISO timestamps sort lexically; the id breaks ties. */
export function timeSortKey(iso: string, id: string): string {
  return `${iso}#${id}`;
}

export const documentKeys = {
  item: (id: string): KeyAttributes => ({ pk: `DOC#${id}`, sk: 'DOC' }),
  /** All documents, newest first-seen first. */
  byTime: (firstSeenAt: string, id: string) => ({ gsi1pk: 'DOC', gsi1sk: timeSortKey(firstSeenAt, id) }),
  byTimePartition: () => 'DOC',
  /** Documents of one source. */
  bySource: (sourceId: string, firstSeenAt: string, id: string) => ({
    gsi2pk: `DOC#SRC#${sourceId}`,
    gsi2sk: timeSortKey(firstSeenAt, id),
  }),
  bySourcePartition: (sourceId: string) => `DOC#SRC#${sourceId}`,
  /** Documents of one extracted kind. */
  byKind: (kind: string, firstSeenAt: string, id: string) => ({
    gsi4pk: `DOC#KIND#${kind}`,
    gsi4sk: timeSortKey(firstSeenAt, id),
  }),
  byKindPartition: (kind: string) => `DOC#KIND#${kind}`,
  /** Sparse: present while the document still has to be clustered into an event. */
  pending: (firstSeenAt: string, id: string) => ({
    gsi3pk: 'DOC#PENDING',
    gsi3sk: timeSortKey(firstSeenAt, id),
  }),
  pendingPartition: () => 'DOC#PENDING',
};

export const sourceStateKeys = {
  item: (sourceId: string): KeyAttributes => ({ pk: `SRC#${sourceId}`, sk: 'STATE' }),
};
