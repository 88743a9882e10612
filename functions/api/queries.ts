import * as z from 'zod';
import { BreachwireError } from '../core/errors.ts';
import { type EventFilter, eventFilterShape, eventListShape, filterProblems } from '../events/filter.ts';
import { KINDS } from '../extract/types.ts';
import { cursorParam, isoDateParam, limitParam, type ParamShape } from './params.ts';

/**
 * The query parameters of every route, declared once: they validate requests and generate
 * `/openapi.json`, so the documentation cannot drift from what is accepted.
 */
const asOfParam = isoDateParam.optional();
const downloadParam = z.enum(['0', '1'], { message: 'must be 0 or 1' }).optional();

export const documentsQuery = {
  source: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a source id')
    .optional(),
  kind: z.enum(KINDS as [string, ...string[]]).optional(),
  since: isoDateParam.optional(),
  limit: limitParam,
  cursor: cursorParam.optional(),
};

const { limit: _documentsLimit, cursor: _documentsCursor, ...documentsFilter } = documentsQuery;

export const documentsExportQuery = { ...documentsFilter, download: downloadParam };
export const documentsFeedQuery = { ...documentsFilter };

export const eventsQuery = { ...eventListShape, as_of: asOfParam };
export const eventsExportQuery = {
  ...eventFilterShape,
  sort: eventListShape.sort,
  as_of: asOfParam,
  download: downloadParam,
};
export const eventsFeedQuery = { ...eventFilterShape };
export const eventQuery = { as_of: asOfParam };

const { date_field: _dateField, ...statsFilter } = eventFilterShape;
export const statsQuery = { ...statsFilter };

/** What each parameter means, for the OpenAPI document. */
export const PARAM_DESCRIPTIONS: Record<string, string> = {
  kind: 'Event kind; repeat or comma-separate for several (any of them).',
  country: 'ISO 3166-1 alpha-2 code (or EU); repeat or comma-separate for several (any of them).',
  since: 'ISO date or date-time: first seen (or disclosed, see date_field) at or after it.',
  until: 'ISO date or date-time: first seen (or disclosed) before it (exclusive).',
  date_field: 'Which date since/until apply to: first_seen (default) or disclosed.',
  min_affected: 'Events whose best affected count is at least this (unknown counts never match).',
  max_affected: 'Events whose best affected count is at most this (unknown counts never match).',
  org: 'Organisation name, key or alias in any script (Coupang, 쿠팡, coupang).',
  q: 'Text contained in the title or the organisation name / aliases.',
  data_type: 'Data types that must ALL be among the exposed ones; repeat or comma-separate.',
  min_penalty:
    'Penalty at least this amount, in `currency` (other currencies compared approximately via EUR).',
  currency: 'ISO 4217 code of min_penalty (required with it).',
  source: 'Source id: only events one of whose documents came from it.',
  sort: 'first_seen (newest first-seen first, default), affected or penalty (largest first; only events with one).',
  limit: 'Rows per page, 1–500 (default 50).',
  cursor: 'Opaque cursor from `next` of the previous page (bound to the route and filter).',
  as_of: 'ISO time: the data as it stood then (events first seen later left out, counts as known then).',
  download: '1 adds Content-Disposition: attachment (and a UTF-8 BOM on CSV for spreadsheets).',
};

/** The filter part of parsed event parameters, with cross-parameter checks (a 400 naming each). */
export function eventFilterOf(params: Record<string, unknown>): EventFilter {
  const filter: EventFilter = {};
  for (const name of Object.keys(eventFilterShape) as (keyof EventFilter)[]) {
    if (params[name] !== undefined) (filter as Record<string, unknown>)[name] = params[name];
  }
  const problems = filterProblems(filter);
  if (problems.length > 0) {
    throw new BreachwireError(
      'query.invalidParam',
      `invalid query parameter: ${[...new Set(problems.map(([param]) => param))].join(', ')}`,
      { details: problems.map(([param, message]) => ({ param, message })) },
    );
  }
  return filter;
}

/** A route and its parameters, as the OpenAPI document lists them. */
export interface RouteSpec {
  path: string;
  summary: string;
  shape: ParamShape;
  /** Media types of a 200 answer. */
  produces: string[];
  pathParams?: { name: string; description: string }[];
}

const JSON_TYPE = ['application/json'];

export const ROUTES: RouteSpec[] = [
  {
    path: '/v1/events',
    summary: 'Events (incidents, penalties, policy actions) matching a filter, one page at a time.',
    shape: eventsQuery,
    produces: JSON_TYPE,
  },
  {
    path: '/v1/events.csv',
    summary: 'Every matching event as CSV (streamed, all pages; columns in docs/API.md).',
    shape: eventsExportQuery,
    produces: ['text/csv'],
  },
  {
    path: '/v1/events.ndjson',
    summary: 'Every matching event as newline-delimited JSON (streamed, all pages).',
    shape: eventsExportQuery,
    produces: ['application/x-ndjson'],
  },
  {
    path: '/v1/events.atom',
    summary: 'An Atom 1.0 feed of the filter: the 100 newest first-seen events.',
    shape: eventsFeedQuery,
    produces: ['application/atom+xml'],
  },
  {
    path: '/v1/events/{id}',
    summary: 'One event with its documents, affected-count history and related events.',
    shape: eventQuery,
    produces: JSON_TYPE,
    pathParams: [{ name: 'id', description: 'Event id.' }],
  },
  {
    path: '/v1/documents',
    summary: 'Stored documents (one item of one source), newest first-seen first.',
    shape: documentsQuery,
    produces: JSON_TYPE,
  },
  {
    path: '/v1/documents.csv',
    summary: 'Every matching document as CSV (streamed, all pages).',
    shape: documentsExportQuery,
    produces: ['text/csv'],
  },
  {
    path: '/v1/documents.ndjson',
    summary: 'Every matching document as newline-delimited JSON (streamed, all pages).',
    shape: documentsExportQuery,
    produces: ['application/x-ndjson'],
  },
  {
    path: '/v1/documents.atom',
    summary: 'An Atom 1.0 feed of the 100 newest matching documents.',
    shape: documentsFeedQuery,
    produces: ['application/atom+xml'],
  },
  {
    path: '/v1/stats',
    summary:
      'Event counts, summed affected counts and penalties per currency, by month, country and kind (at most 36 months; default the last 12).',
    shape: statsQuery,
    produces: JSON_TYPE,
  },
  {
    path: '/v1/sources',
    summary: 'The source catalog with each source’s health.',
    shape: {},
    produces: JSON_TYPE,
  },
  {
    path: '/v1/sources/{id}',
    summary: 'One source with its health.',
    shape: {},
    produces: JSON_TYPE,
    pathParams: [{ name: 'id', description: 'Source id.' }],
  },
];
