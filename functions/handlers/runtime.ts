import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
// A namespace import lets esbuild drop zod's locales (~260 KB); `import { z }` pulls them all in.
import * as z from 'zod';
import { BreachwireError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import { METRICS_SERVICE, type MetricName } from './metric-names.ts';

/**
 * The variables every function needs. infra/ sets them; a function deployed without them
 * fails at cold start with a message naming each one, not on the first DynamoDB call.
 */
export const baseEnvironment = {
  BREACHWIRE_TABLE: z.string().min(1, 'must name the DynamoDB table'),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1, 'must name the CloudWatch metrics namespace'),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default('breachwire'),
};

type Shape = Record<string, z.ZodType>;

/**
 * Parses what infra/ hands a function (its environment, a schedule's input) or throws
 * `config.invalid` naming every field and what is wrong with it.
 */
export function parseConfigured<S extends Shape>(
  shape: S,
  input: unknown,
  what = 'Lambda environment',
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    param: issue.path.join('.') || '(root)',
    // zod does not report the offending input by default, so look it up: absent reads better.
    message: issue.path.length > 0 && valueAt(input, issue.path) === undefined ? 'is not set' : issue.message,
  }));
  throw new BreachwireError(
    'config.invalid',
    `invalid ${what}: ${details.map((d) => `${d.param} ${d.message}`).join('; ')} (set by infra/; redeploy the stack)`,
    { details },
  );
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Keys added to every log line of one invocation. */
export interface InvocationKeys {
  sourceId?: string;
  eventId?: string;
}

/** What a handler wires once per cold start. */
export interface Runtime<E> {
  env: E;
  logger: Logger;
  metrics: Metrics;
  /** The core modules' logging interface, backed by the Powertools logger. */
  log: Log;
  /** Adds to a count metric of this invocation (flushed as EMF when the invocation ends). */
  count(name: MetricName, value: number): void;
  /** Runs one invocation with its context and keys on every log line, then flushes metrics. */
  invoke<T>(context: Context | undefined, keys: InvocationKeys, work: () => Promise<T>): Promise<T>;
}

/** The `Log` interface over Powertools Logger (structured JSON, Lambda context, keys). */
export function powertoolsLog(logger: Logger): Log {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
      fields ? logger[level](message, fields) : logger[level](message);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * Cold-start wiring shared by every handler: the validated environment, the logger and the
 * metrics. Call it at module scope so a misconfigured function fails before its first event.
 */
export function createRuntime<S extends Shape = Record<never, z.ZodType>>(
  extra: S = {} as S,
  env: Record<string, string | undefined> = process.env,
): Runtime<z.infer<z.ZodObject<typeof baseEnvironment & S>>> {
  const parsed = parseConfigured({ ...baseEnvironment, ...extra }, env);
  const base = parsed as z.infer<z.ZodObject<typeof baseEnvironment>>;
  const logger = new Logger({ serviceName: base.POWERTOOLS_SERVICE_NAME });
  // One `service` dimension for every function: alarms then match whichever function emitted.
  const metrics = new Metrics({ namespace: base.POWERTOOLS_METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  return {
    env: parsed,
    logger,
    metrics,
    log: powertoolsLog(logger),
    count(name, value) {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    async invoke(context, keys, work) {
      if (context) logger.addContext(context);
      const present = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
      logger.appendKeys(present);
      // Metadata is not a dimension (no extra metric cost) but lets Logs Insights find the source.
      for (const [key, value] of Object.entries(present)) metrics.addMetadata(key, String(value));
      try {
        return await work();
      } catch (error) {
        logger.error('invocation failed', error as Error);
        throw error;
      } finally {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        else metrics.clearMetadata();
        logger.resetKeys();
      }
    },
  };
}
