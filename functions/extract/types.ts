/**
 * The facts the extractor reads from one document. Shared by ingest, the event layer, the
 * API and the evaluation harness; the extractor itself is pure code with no I/O.
 */
export type Kind = 'breach' | 'penalty' | 'policy' | 'other';
export const KINDS: readonly Kind[] = ['breach', 'penalty', 'policy', 'other'];

export type AffectedUnit = 'people' | 'accounts' | 'records';

/** The controlled vocabulary of data types (see docs/DATASET.md). */
export const DATA_TYPES = [
  'email',
  'phone',
  'name',
  'address',
  'date_of_birth',
  'national_id',
  'password',
  'payment_card',
  'bank_account',
  'health',
  'location',
  'ip_address',
  'order_history',
  'biometric',
  'username',
  'gender',
  'employment',
  'financial',
  'government_id_document',
  'social_media',
  'device',
  'education',
  'vehicle',
  'other',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

export interface Affected {
  /** Never 0: an unknown count is `null` at the Facts level. */
  count: number;
  unit: AffectedUnit;
  approximate: boolean;
}

export interface Penalty {
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  authority: string | null;
  status: 'proposed' | 'final' | null;
}

/**
 * Structured values a register adapter read from native fields (state AG rows, HHS,
 * HIBP, SEC). They win over prose when present.
 */
export interface StructuredHints {
  organization?: string;
  affected?: Affected;
  penalty?: Penalty;
  kind?: Kind;
  country?: string;
  /** Native labels, mapped to the vocabulary by the extractor (e.g. HIBP DataClasses). */
  dataTypeLabels?: string[];
  occurredAt?: string;
  discoveredAt?: string;
  disclosedAt?: string;
}

/** What the extractor receives. */
export interface ExtractInput {
  id?: string;
  title: string;
  summary?: string;
  url?: string;
  /** ISO date or date-time. */
  publishedAt?: string;
  /** BCP 47 primary tag, e.g. `en`, `ko`. */
  lang?: string;
  /** The source's jurisdiction (ISO 3166-1 alpha-2, `EU`), used as a prior for country. */
  sourceCountry?: string;
  structured?: StructuredHints;
}

/** Where a value came from: the field and the sentence (trimmed) that stated it. */
export interface Evidence {
  field: 'title' | 'summary' | 'structured' | 'source';
  text: string;
}

export interface Facts {
  extractorVersion: string;
  kind: Kind;
  organization: string | null;
  affected: Affected | null;
  penalty: Penalty | null;
  /** ISO 3166-1 alpha-2, or `EU` for EU-level acts. */
  country: string | null;
  dataTypes: DataType[];
  dates: { occurred: string | null; discovered: string | null; disclosed: string | null };
  evidence: Partial<
    Record<'kind' | 'organization' | 'affected' | 'penalty' | 'country' | 'dataTypes' | 'dates', Evidence>
  >;
}
