import * as z from 'zod';
import { BreachwireError, type ErrorDetail } from '../core/errors.ts';

/**
 * Query parameters: each route declares a zod object whose fields are either single values
 * (`z.string()`-based) or repeatable (`z.array(...)`). The same schemas validate requests,
 * Slack subscription filters and generate the OpenAPI document.
 */
export type ParamShape = Record<string, z.ZodType>;

/** An ISO date (`2025-12-01`) or date-time with offset, normalised to ISO UTC. */
export const isoDateParam = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be an ISO date (YYYY-MM-DD) or date-time with offset',
  )
  .transform((value, ctx) => {
    const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
    // Date.parse rolls 2025-02-31 over to March: a calendar day must round-trip to count as real.
    const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    const realDay = calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
    if (!Number.isFinite(ms) || !realDay) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

export const limitParam = z
  .string()
  .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 500')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500'))
  .default(50);

export const cursorParam = z.string().max(2048, 'is too long');

function isArraySchema(schema: z.ZodType): boolean {
  let current: z.ZodType = schema;
  // Unwrap optional/default wrappers to see whether the parameter repeats.
  for (let depth = 0; depth < 5; depth++) {
    const def = (current as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if (def.type === 'array') return true;
    if (def.innerType) current = def.innerType;
    else break;
  }
  return false;
}

/**
 * Validates a query against a schema. Unknown parameters, repeated single parameters and
 * invalid values all become one `query.invalidParam` error that names every bad parameter.
 */
export function parseParams<S extends ParamShape>(
  shape: S,
  query: Record<string, string[]>,
): z.infer<z.ZodObject<S>> {
  const details: ErrorDetail[] = [];
  const input: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(query)) {
    // Own keys only: `?toString=` or `?constructor=` must not find Object.prototype's members.
    const schema = Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (!schema) {
      details.push({
        param: name,
        message: `unknown parameter; expected one of: ${Object.keys(shape).join(', ')}`,
      });
      continue;
    }
    if (isArraySchema(schema)) {
      input[name] = values
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter(Boolean);
    } else if (values.length > 1) {
      details.push({ param: name, message: 'given more than once' });
    } else {
      input[name] = values[0];
    }
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const param = String(issue.path[0] ?? '');
      details.push({ param, message: issue.message });
    }
  }
  if (details.length > 0 || !result.success) {
    const names = [...new Set(details.map((detail) => detail.param))].join(', ');
    throw new BreachwireError('query.invalidParam', `invalid query parameter: ${names}`, { details });
  }
  return result.data;
}
