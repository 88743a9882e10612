/**
 * Every key string of the single table is built here, named after the access pattern it
 * serves. No other module concatenates `pk`/`sk`/`gsi*` values.
 *
 * | entity        | pk / sk                 | gsi1 (time)        | gsi2 (by source/kind) | gsi3 (pending/country) |
 * |---------------|-------------------------|--------------------|-----------------------|------------------------|
 * | Document      | DOC#<id> / DOC          | DOC / <seen>#<id>  | DOC#SRC#<source>      | DOC#PENDING (sparse)   |
 * | SourceState   | SRC#<id> / STATE        |                    |                       |                        |
 * | Event         | EVT#<id> / EVT          | EVT / <seen>#<id>  | EVT#KIND#<kind>       | EVT#CC#<country>       |
 * | Outbox        | OUT#<id> / OUT          | OUT#<status> / <created>#<id> |            |                        |
 * | Delivery      | DLV#<outbox>#<sub> / DLV|                    |                       |                        |
 * | Subscription  | SUBS#<name> / STATE     |                    |                       |                        |
 *
 * Events also use gsi4 (EVT#ORG#<key>, by organisation), gsi5 (EVT#AFF, by affected count,
 * sparse) and gsi6 (EVT#PEN, by penalty in EUR, sparse); documents use gsi4 by kind.
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
  /**
   * A small companion item recording which event a document is being clustered into. It has
   * no index keys, so writing it costs 1 WCU instead of rewriting the document in every index.
   */
  clusterClaim: (id: string): KeyAttributes => ({ pk: `DOC#${id}`, sk: 'CLAIM' }),
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

/** Fixed-width decimal so numbers sort as strings (counts up to 10^15). */
export function paddedNumber(value: number): string {
  return Math.max(0, Math.min(Math.round(value), 999_999_999_999_999))
    .toString()
    .padStart(15, '0');
}

export const eventKeys = {
  item: (id: string): KeyAttributes => ({ pk: `EVT#${id}`, sk: 'EVT' }),
  byTime: (firstSeenAt: string, id: string) => ({ gsi1pk: 'EVT', gsi1sk: timeSortKey(firstSeenAt, id) }),
  byTimePartition: () => 'EVT',
  byKind: (kind: string, firstSeenAt: string, id: string) => ({
    gsi2pk: `EVT#KIND#${kind}`,
    gsi2sk: timeSortKey(firstSeenAt, id),
  }),
  byKindPartition: (kind: string) => `EVT#KIND#${kind}`,
  byCountry: (country: string, firstSeenAt: string, id: string) => ({
    gsi3pk: `EVT#CC#${country}`,
    gsi3sk: timeSortKey(firstSeenAt, id),
  }),
  byCountryPartition: (country: string) => `EVT#CC#${country}`,
  byOrganization: (orgKey: string, firstSeenAt: string, id: string) => ({
    gsi4pk: `EVT#ORG#${orgKey}`,
    gsi4sk: timeSortKey(firstSeenAt, id),
  }),
  byOrganizationPartition: (orgKey: string) => `EVT#ORG#${orgKey}`,
  byAffected: (count: number, id: string) => ({ gsi5pk: 'EVT#AFF', gsi5sk: `${paddedNumber(count)}#${id}` }),
  byAffectedPartition: () => 'EVT#AFF',
  byPenalty: (amountEur: number, id: string) => ({
    gsi6pk: 'EVT#PEN',
    gsi6sk: `${paddedNumber(amountEur)}#${id}`,
  }),
  byPenaltyPartition: () => 'EVT#PEN',
};

export const outboxKeys = {
  item: (id: string): KeyAttributes => ({ pk: `OUT#${id}`, sk: 'OUT' }),
  /** Outbox entries by status, oldest first: the notifier drains `OUT#pending`. */
  byStatus: (status: string, createdAt: string, id: string) => ({
    gsi1pk: `OUT#${status}`,
    gsi1sk: timeSortKey(createdAt, id),
  }),
  byStatusPartition: (status: string) => `OUT#${status}`,
};

export const deliveryKeys = {
  item: (outboxId: string, subscription: string): KeyAttributes => ({
    pk: `DLV#${outboxId}#${subscription}`,
    sk: 'DLV',
  }),
};

/** The stored state of a Slack subscription (broken or not, last error); its config lives outside the table. */
export const subscriptionKeys = {
  state: (name: string): KeyAttributes => ({ pk: `SUBS#${name}`, sk: 'STATE' }),
};
