/**
 * The snake_case JSON shape of extractor input and output lines, shared by `breachwire extract`
 * and `breachwire eval`. Keys are only ever added.
 */
import type { Affected, DataType, ExtractInput, Facts, Kind } from './types.ts';

/** One input line as read from JSON (snake_case). */
export interface WireInput {
  id?: unknown;
  title?: unknown;
  summary?: unknown;
  url?: unknown;
  published_at?: unknown;
  lang?: unknown;
  source_country?: unknown;
  structured?: unknown;
}

/** One output line: the facts of a document in snake_case. */
export interface ExtractLine {
  id: string | null;
  kind: Kind;
  organization: string | null;
  affected: { count: number; unit: Affected['unit']; approximate: boolean } | null;
  penalty: { amount: number; currency: string; authority: string | null } | null;
  country: string | null;
  data_types: DataType[];
  /** Present when the caller kept them (eval does, for clustering); `extract` omits them. */
  title?: string;
  published_at?: string | null;
  url?: string | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Converts a wire input object to an ExtractInput; unknown or mistyped fields are dropped. */
export function fromWire(raw: WireInput): ExtractInput {
  const input: ExtractInput = { title: str(raw.title) ?? '' };
  const id = typeof raw.id === 'number' ? String(raw.id) : str(raw.id);
  if (id !== undefined) input.id = id;
  const summary = str(raw.summary);
  if (summary !== undefined) input.summary = summary;
  const url = str(raw.url);
  if (url !== undefined) input.url = url;
  const publishedAt = str(raw.published_at);
  if (publishedAt !== undefined) input.publishedAt = publishedAt;
  const lang = str(raw.lang);
  if (lang !== undefined) input.lang = lang;
  const sourceCountry = str(raw.source_country);
  if (sourceCountry !== undefined) input.sourceCountry = sourceCountry;
  if (raw.structured !== null && typeof raw.structured === 'object')
    input.structured = raw.structured as ExtractInput['structured'];
  return input;
}

/** Converts facts to the snake_case output line. */
export function toWire(id: string | null, facts: Facts): ExtractLine {
  return {
    id,
    kind: facts.kind,
    organization: facts.organization,
    affected: facts.affected
      ? { count: facts.affected.count, unit: facts.affected.unit, approximate: facts.affected.approximate }
      : null,
    penalty: facts.penalty
      ? { amount: facts.penalty.amount, currency: facts.penalty.currency, authority: facts.penalty.authority }
      : null,
    country: facts.country,
    data_types: facts.dataTypes,
  };
}
