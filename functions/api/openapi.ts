import * as z from 'zod';
import { PARAM_DESCRIPTIONS, ROUTES } from './queries.ts';

function isArray(schema: Record<string, unknown>): boolean {
  return schema['type'] === 'array';
}

/** The JSON Schema of one parameter as a client sends it (the input side of any transform). */
function parameterSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  // Defaults applied after a transform (limit) are not visible on the input side; read them back.
  const parsed = schema.safeParse(undefined);
  if (parsed.success && parsed.data !== undefined && json['default'] === undefined)
    json['default'] = typeof parsed.data === 'number' ? String(parsed.data) : parsed.data;
  return json;
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['ok', 'status', 'error', 'errors'],
  properties: {
    ok: { const: false },
    status: { type: 'integer' },
    error: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { param: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['ok', 'rows', 'next', 'next_url'],
  properties: {
    ok: { const: true },
    rows: { type: 'array', items: { type: 'object' } },
    next: { type: ['string', 'null'], description: 'Opaque cursor of the next page, or null.' },
    next_url: { type: ['string', 'null'], description: 'This URL with `cursor` set to `next`.' },
  },
};

/**
 * The OpenAPI 3.1 document, generated from the very zod shapes that validate each route's
 * query, so a parameter cannot be accepted without being documented (or the reverse).
 */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, unknown> = {};
  for (const route of ROUTES) {
    const parameters = [
      ...(route.pathParams ?? []).map((param) => ({
        name: param.name,
        in: 'path',
        required: true,
        description: param.description,
        schema: { type: 'string' },
      })),
      ...Object.entries(route.shape).map(([name, schema]) => {
        const json = parameterSchema(schema);
        return {
          name,
          in: 'query',
          required: !schema.safeParse(undefined).success,
          description: PARAM_DESCRIPTIONS[name] ?? name,
          schema: json,
          ...(isArray(json) ? { style: 'form', explode: true } : {}),
        };
      }),
    ];
    const content = Object.fromEntries(
      route.produces.map((type) => [type, type === 'application/json' ? { schema: ENVELOPE_SCHEMA } : {}]),
    );
    paths[route.path] = {
      get: {
        summary: route.summary,
        parameters,
        responses: {
          '200': { description: 'OK', content },
          '304': { description: 'Not modified (If-None-Match matched the weak ETag).' },
          '400': {
            description: 'A bad parameter, named in `errors`.',
            content: { 'application/json': { schema: ERROR_SCHEMA } },
          },
          '404': {
            description: 'No such resource.',
            content: { 'application/json': { schema: ERROR_SCHEMA } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'breachwire API',
      version: '1',
      description:
        'Data-breach disclosures, regulator penalties and privacy-policy actions. Lists answer {ok, rows, next, next_url}; errors {ok:false, status, error, errors:[{param, message}]}.',
    },
    servers: [{ url: serverUrl }],
    paths,
  };
}
