import { rateTableInfo } from '../money/rates.ts';
import { findSource } from '../sources/registry.ts';
import type { ExportFormat } from './encode.ts';
import type { ExportFilter } from './reader.ts';
import { type Cell, COLUMNS, type Row, SCHEMA_VERSION, schemaFingerprint, type TableName } from './schema.ts';

/**
 * The sidecar `*.meta.json` of an export: what a citation needs (schema version, as-of,
 * extractor versions), the licence and attribution of every source whose data is in the files,
 * and the exchange-rate table's provenance. Built from the rows as they stream past, holding
 * only the (small) sets of sources and extractor versions seen.
 */

const SOURCE_COLUMNS = ['source', 'affected_source', 'penalty_source'] as const;
const SOURCE_LIST_COLUMNS = ['sources'] as const;
const VERSION_COLUMNS = [
  'extractor_version',
  'affected_extractor_version',
  'penalty_extractor_version',
] as const;

/** Gathers the sources and extractor versions of the rows written. */
export class ProvenanceCollector {
  readonly sources = new Map<string, number>();
  readonly extractorVersions = new Set<string>();

  observe<T extends TableName>(row: Row<T>): void {
    const cells = row as Record<string, Cell>;
    const seen = new Set<string>();
    for (const column of SOURCE_COLUMNS) {
      const value = cells[column];
      if (typeof value === 'string') seen.add(value);
    }
    for (const column of SOURCE_LIST_COLUMNS) {
      const value = cells[column];
      if (Array.isArray(value)) for (const id of value) seen.add(id);
    }
    for (const id of seen) this.sources.set(id, (this.sources.get(id) ?? 0) + 1);
    for (const column of VERSION_COLUMNS) {
      const value = cells[column];
      if (typeof value === 'string') this.extractorVersions.add(value);
    }
  }
}

export interface ExportedTable {
  table: TableName;
  /** File name relative to the sidecar; null when written to stdout. */
  file: string | null;
  rows: number;
}

export interface MetaInput {
  format: ExportFormat;
  filter: ExportFilter;
  /** The snapshot cut; every export has one (the CLI defaults it to the export's start). */
  asOf: string;
  exportedAt: string;
  tables: ExportedTable[];
  provenance: ProvenanceCollector;
}

/** A human citation line: dataset, schema version, snapshot and extractor versions. */
export function citation(asOf: string, extractorVersions: readonly string[]): string {
  const extractor = extractorVersions.length ? extractorVersions.join(', ') : 'none';
  return `breachwire research dataset, schema ${SCHEMA_VERSION}, snapshot as of ${asOf} (extractor ${extractor}). See docs/DATASET.md.`;
}

export function buildMeta(input: MetaInput) {
  const extractorVersions = [...input.provenance.extractorVersions].sort();
  const sources = [...input.provenance.sources.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, rows]) => {
      const source = findSource(id);
      return {
        id,
        name: source?.name ?? null,
        licence: source?.licence ?? null,
        attribution: source?.attribution ?? null,
        homepage: source?.homepage ?? null,
        rows,
      };
    });
  const rates = rateTableInfo();
  return {
    dataset: 'breachwire',
    schema_version: SCHEMA_VERSION,
    schema_fingerprint: schemaFingerprint(),
    as_of: input.asOf,
    exported_at: input.exportedAt,
    format: input.format,
    filter: input.filter,
    tables: input.tables.map((entry) => ({
      ...entry,
      columns: COLUMNS[entry.table].map((column) => column.name),
    })),
    extractor_versions: extractorVersions,
    citation: citation(input.asOf, extractorVersions),
    // Attribution lines to reproduce wherever the data is shown (e.g. HIBP's CC BY 4.0).
    attribution: sources.filter((source) => source.attribution).map((source) => source.attribution as string),
    sources,
    exchange_rates: {
      package: rates.package,
      file: rates.file,
      sha256: rates.sha256,
      compiled_at: rates.compiledAt,
      method: rates.method,
      first_month: rates.firstMonth,
      last_month: rates.lastMonth,
      max_carry_forward_months: rates.maxCarryForwardMonths,
      significant_figures: rates.significantFigures,
      note: 'approximate monthly averages, for comparison only; not the rate any authority applied',
    },
    documentation: 'docs/DATASET.md',
  };
}

export type ExportMeta = ReturnType<typeof buildMeta>;
