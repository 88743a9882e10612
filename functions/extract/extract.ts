/**
 * The fact extractor: pure code, no I/O. Reads a document's title and summary (and structured
 * register values when an adapter supplies them) and returns kind, organisation, affected count,
 * penalty, country, data types and dates, each with the sentence it came from.
 */

import { firstKnownOrganization, organizationCountry, organizationKey } from '../events/organization.ts';
import { extractAffected } from './affected.ts';
import { buildContext } from './context.ts';
import { extractCountry, findRegulators } from './country.ts';
import { extractDataTypes, mapDataTypeLabels } from './data-types.ts';
import { extractDates } from './dates.ts';
import { classifyKind } from './kind.ts';
import { extractOrganization } from './organization.ts';
import { extractPenalty } from './penalty.ts';
import {
  DATA_TYPES,
  type DataType,
  type ExtractInput,
  type Facts,
  KINDS,
  type Kind,
  type StructuredHints,
} from './types.ts';

/** Bumped whenever a rule change can change an output for the same input. */
export const EXTRACTOR_VERSION = '1.1.0';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Extracts facts from one document. Never throws: odd, empty, huge or binary input gives a
 * result of mostly nulls with kind `other`.
 */
export function extractFacts(input: ExtractInput): Facts {
  try {
    return extractUnsafe(input ?? { title: '' });
  } catch {
    // A bug in one rule must not take down ingest; the empty result is honest about knowing nothing.
    return emptyFacts();
  }
}

function emptyFacts(): Facts {
  return {
    extractorVersion: EXTRACTOR_VERSION,
    kind: 'other',
    organization: null,
    affected: null,
    penalty: null,
    country: null,
    dataTypes: [],
    dates: { occurred: null, discovered: null, disclosed: null },
    evidence: {},
  };
}

function extractUnsafe(input: ExtractInput): Facts {
  const ctx = buildContext(input);
  const hints: StructuredHints =
    input.structured && typeof input.structured === 'object' ? input.structured : {};
  const facts = emptyFacts();

  const kindResult = classifyKind(ctx);
  const hintKind =
    hints.kind !== undefined && (KINDS as readonly string[]).includes(hints.kind)
      ? (hints.kind as Kind)
      : null;
  facts.kind = hintKind ?? kindResult.kind;
  if (hintKind) facts.evidence.kind = { field: 'structured', text: `kind ${hintKind}` };
  else if (kindResult.evidence) facts.evidence.kind = kindResult.evidence;

  if (typeof hints.organization === 'string' && hints.organization.trim().length > 0) {
    facts.organization = hints.organization.trim().slice(0, 200);
    facts.evidence.organization = { field: 'structured', text: facts.organization };
  } else {
    const org = extractOrganization(ctx, facts.kind);
    facts.organization = org.organization;
    if (org.evidence) facts.evidence.organization = org.evidence;
    if (!facts.organization && (facts.kind === 'breach' || facts.kind === 'penalty')) {
      // A known organisation (the maintained alias table, any script) named in the text.
      for (const field of ['title', 'summary'] as const) {
        const text = field === 'title' ? ctx.title.text : ctx.summary.text;
        const known = firstKnownOrganization(text);
        if (known) {
          facts.organization = known.name;
          facts.evidence.organization = {
            field,
            text: text.slice(Math.max(0, known.at - 80), known.at + 120),
          };
          break;
        }
      }
    }
  }

  if (validAffected(hints.affected)) {
    facts.affected = { ...hints.affected };
    facts.evidence.affected = { field: 'structured', text: `affected ${hints.affected.count}` };
  } else if (facts.kind === 'breach' || facts.kind === 'penalty') {
    const affected = extractAffected(ctx);
    if (affected) {
      facts.affected = affected.affected;
      facts.evidence.affected = affected.evidence;
    }
  }

  const regulators = findRegulators(ctx);
  const country = extractCountry(ctx, regulators, facts.kind === 'breach' || facts.kind === 'penalty');
  if (typeof hints.country === 'string' && /^(?:[A-Za-z]{2})$/.test(hints.country)) {
    facts.country = hints.country.toUpperCase();
    facts.evidence.country = { field: 'structured', text: `country ${facts.country}` };
  } else {
    facts.country = country.country;
    if (country.evidence) facts.evidence.country = country.evidence;
    // Where the text says nothing of place, a known organisation's home beats a default guess.
    const home = facts.organization
      ? organizationCountry(organizationKey(facts.organization) ?? '')
      : undefined;
    const guessed = !facts.country || facts.evidence.country?.text.startsWith('default');
    if (home && guessed) {
      facts.country = home;
      facts.evidence.country = {
        field: 'source',
        text: `home country of ${facts.organization} (alias table)`,
      };
    }
  }

  if (validPenalty(hints.penalty)) {
    facts.penalty = { ...hints.penalty };
    facts.evidence.penalty = {
      field: 'structured',
      text: `penalty ${hints.penalty.amount} ${hints.penalty.currency}`,
    };
  } else if (facts.kind === 'penalty') {
    const authority = penaltyAuthority(regulators);
    const penalty = extractPenalty(ctx, authority);
    if (penalty) {
      facts.penalty = penalty.penalty;
      facts.evidence.penalty = penalty.evidence;
    }
  }

  if (Array.isArray(hints.dataTypeLabels) && hints.dataTypeLabels.length > 0) {
    facts.dataTypes = sortTypes(mapDataTypeLabels(hints.dataTypeLabels));
    facts.evidence.dataTypes = {
      field: 'structured',
      text: hints.dataTypeLabels.slice(0, 20).join(', ').slice(0, 300),
    };
  } else if (facts.kind === 'breach' || facts.kind === 'penalty') {
    const types = extractDataTypes(ctx);
    facts.dataTypes = sortTypes(types.dataTypes);
    if (types.evidence) facts.evidence.dataTypes = types.evidence;
  }

  const dates = extractDates(ctx, input.publishedAt);
  facts.dates = {
    occurred: isoOr(hints.occurredAt, dates.dates.occurred),
    discovered: isoOr(hints.discoveredAt, dates.dates.discovered),
    disclosed: isoOr(hints.disclosedAt, dates.dates.disclosed),
  };
  if (dates.evidence) facts.evidence.dates = dates.evidence;
  return facts;
}

function penaltyAuthority(regulators: ReturnType<typeof findRegulators>): string | null {
  return regulators[0]?.regulator.name ?? null;
}

function isoOr(hint: unknown, prose: string | null): string | null {
  return typeof hint === 'string' && ISO_DATE.test(hint) ? hint.slice(0, 10) : prose;
}

function sortTypes(types: readonly DataType[]): DataType[] {
  return DATA_TYPES.filter((t) => types.includes(t));
}

function validAffected(a: StructuredHints['affected']): a is NonNullable<StructuredHints['affected']> {
  return (
    a !== undefined && a !== null && typeof a.count === 'number' && Number.isFinite(a.count) && a.count > 0
  );
}

function validPenalty(p: StructuredHints['penalty']): p is NonNullable<StructuredHints['penalty']> {
  return (
    p !== undefined &&
    p !== null &&
    typeof p.amount === 'number' &&
    Number.isFinite(p.amount) &&
    p.amount > 0 &&
    typeof p.currency === 'string' &&
    /^[A-Z]{3}$/.test(p.currency)
  );
}
