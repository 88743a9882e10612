import { createHash } from 'node:crypto';

/**
 * The committed manifest of the research dataset: its schema version and every column of every
 * table, in export order. docs/DATASET.md documents exactly these columns (a test parses it),
 * and the fingerprint of these lists is pinned to the version in SCHEMA_HISTORY (another test),
 * so a column cannot change without the version and the data dictionary changing with it.
 *
 * Versioning: adding a column is a minor bump; renaming, removing, reordering or changing the
 * meaning or type of one is a major bump. Past entries of SCHEMA_HISTORY are never edited.
 */
export const SCHEMA_VERSION = '1.0.0';

export const TABLES = ['events', 'documents', 'affected_history', 'links'] as const;
export type TableName = (typeof TABLES)[number];

/**
 * How a value is written. `string` and `list` are text (the only columns whose CSV cells are
 * guarded against formula injection); `list` is a JSON array in NDJSON and `|`-joined in CSV.
 */
export type ColumnType = 'string' | 'list' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'month';

export interface Column {
  name: string;
  type: ColumnType;
}

const c = <const N extends string>(name: N, type: ColumnType) => ({ name, type }) as const;

export const COLUMNS = {
  events: [
    c('schema_version', 'string'),
    c('event_id', 'string'),
    c('kind', 'string'),
    c('title', 'string'),
    c('title_document_id', 'string'),
    c('organization', 'string'),
    c('organization_key', 'string'),
    c('organization_aliases', 'list'),
    c('country', 'string'),
    c('first_seen_at', 'datetime'),
    c('updated_at', 'datetime'),
    c('revision', 'integer'),
    c('occurred_on', 'date'),
    c('discovered_on', 'date'),
    c('disclosed_on', 'date'),
    c('disclosure_lag_days', 'integer'),
    c('detection_lag_days', 'integer'),
    c('affected_count', 'integer'),
    c('affected_unit', 'string'),
    c('affected_approximate', 'boolean'),
    c('affected_document_id', 'string'),
    c('affected_source', 'string'),
    c('affected_stated_at', 'datetime'),
    c('affected_fetched_at', 'datetime'),
    c('affected_extractor_version', 'string'),
    c('affected_observations', 'integer'),
    c('data_types', 'list'),
    c('penalty_amount', 'number'),
    c('penalty_currency', 'string'),
    c('penalty_authority', 'string'),
    c('penalty_status', 'string'),
    c('penalty_document_id', 'string'),
    c('penalty_source', 'string'),
    c('penalty_stated_at', 'datetime'),
    c('penalty_fetched_at', 'datetime'),
    c('penalty_extractor_version', 'string'),
    c('penalty_amount_eur', 'number'),
    c('penalty_amount_usd', 'number'),
    c('penalty_rate_month', 'month'),
    c('policy_actor', 'string'),
    c('policy_type', 'string'),
    c('related_event_ids', 'list'),
    c('document_count', 'integer'),
    c('sources', 'list'),
  ],
  documents: [
    c('schema_version', 'string'),
    c('document_id', 'string'),
    c('source', 'string'),
    c('source_name', 'string'),
    c('source_kind', 'string'),
    c('licence', 'string'),
    c('attribution', 'string'),
    c('url', 'string'),
    c('guid', 'string'),
    c('title', 'string'),
    c('summary', 'string'),
    c('lang', 'string'),
    c('published_at', 'datetime'),
    c('first_seen_at', 'datetime'),
    c('fetched_at', 'datetime'),
    c('event_id', 'string'),
    c('extractor_version', 'string'),
    c('kind', 'string'),
    c('organization', 'string'),
    c('country', 'string'),
    c('affected_count', 'integer'),
    c('affected_unit', 'string'),
    c('affected_approximate', 'boolean'),
    c('affected_evidence', 'string'),
    c('penalty_amount', 'number'),
    c('penalty_currency', 'string'),
    c('penalty_authority', 'string'),
    c('penalty_status', 'string'),
    c('penalty_evidence', 'string'),
    c('data_types', 'list'),
    c('occurred_on', 'date'),
    c('discovered_on', 'date'),
    c('disclosed_on', 'date'),
  ],
  affected_history: [
    c('schema_version', 'string'),
    c('observation_id', 'string'),
    c('event_id', 'string'),
    c('count', 'integer'),
    c('unit', 'string'),
    c('approximate', 'boolean'),
    c('is_best', 'boolean'),
    c('document_id', 'string'),
    c('source', 'string'),
    c('licence', 'string'),
    c('attribution', 'string'),
    c('url', 'string'),
    c('stated_at', 'datetime'),
    c('seen_at', 'datetime'),
    c('fetched_at', 'datetime'),
    c('extractor_version', 'string'),
    c('evidence', 'string'),
  ],
  links: [
    c('schema_version', 'string'),
    c('link_id', 'string'),
    c('event_id', 'string'),
    c('event_kind', 'string'),
    c('related_event_id', 'string'),
    c('related_kind', 'string'),
    c('reason', 'string'),
    c('related_first_seen_at', 'datetime'),
  ],
} as const satisfies Record<TableName, readonly Column[]>;

export type ColumnName<T extends TableName> = (typeof COLUMNS)[T][number]['name'];

/** One cell: null is unknown (an empty CSV cell, JSON null), never 0 or "". */
export type Cell = string | number | boolean | null | readonly string[];

/** One row of a table, keyed by its column names (the compiler checks builders supply them all). */
export type Row<T extends TableName> = Record<ColumnName<T>, Cell>;

/** A row tagged with its table, as the export stream yields it. */
export type TableRow = { [T in TableName]: { table: T; row: Row<T> } }[TableName];

/** The released schema versions with the fingerprint of their column lists, oldest first. */
export const SCHEMA_HISTORY: readonly { version: string; fingerprint: string; change: string }[] = [
  {
    version: '1.0.0',
    fingerprint: '91d241d78d655976',
    change: 'first release: events, documents, affected_history, links',
  },
];

/** A short hash of every table's columns (names and types, in order). */
export function schemaFingerprint(columns: Record<TableName, readonly Column[]> = COLUMNS): string {
  const canonical = TABLES.map(
    (table) => `${table}:${columns[table].map((column) => `${column.name}/${column.type}`).join(',')}`,
  ).join(';');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const ATHENA_TYPES: Record<ColumnType, string> = {
  string: 'string',
  list: 'array<string>',
  integer: 'bigint',
  number: 'double',
  boolean: 'boolean',
  // ISO text: Hive's timestamp does not read `…Z`, and text sorts and compares correctly.
  date: 'string',
  datetime: 'string',
  month: 'string',
};

/** A table's columns in Athena (Hive) types, for a Glue catalog over the NDJSON files. */
export function athenaColumns(table: TableName): { name: string; type: string }[] {
  return COLUMNS[table].map((column) => ({ name: column.name, type: ATHENA_TYPES[column.type] }));
}
