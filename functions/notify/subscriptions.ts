import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { parseParams } from '../api/params.ts';
import { BreachwireError, type ErrorDetail, isBreachwireError } from '../core/errors.ts';
import { type EventFilter, eventFilterShape, filterProblems } from '../events/filter.ts';
import { SecretValue } from './secret-value.ts';

/**
 * A Slack subscription: a channel's incoming webhook and the events it wants, written in the
 * same parameter language as `GET /v1/events`.
 */
export interface Subscription {
  /** Stable id: part of every delivery record's key, so renaming one re-delivers nothing old but starts afresh. */
  name: string;
  webhook: SecretValue;
  filter: EventFilter;
  /** The filter as written (normalised to lists), for the status view and dry runs. */
  filterParams: Record<string, string[]>;
}

/** Reads a secret by id or ARN (Secrets Manager in AWS). The Lambda entry supplies the implementation. */
export interface SecretReader {
  read(secretId: string): Promise<string>;
}

/**
 * Caches secret reads for `ttlMs` (default 5 minutes): a warm notifier does not call Secrets
 * Manager on every drain, and a rotated webhook is picked up within the TTL. Concurrent reads
 * of one id share a request; failures are not cached.
 */
export function cachedSecretReader(
  reader: SecretReader,
  options: { ttlMs?: number; now?: () => number } = {},
): SecretReader {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<string> }>();
  return {
    read(secretId) {
      const cached = cache.get(secretId);
      if (cached && now() - cached.at < ttlMs) return cached.value;
      const value = reader.read(secretId);
      cache.set(secretId, { at: now(), value });
      value.catch(() => {
        if (cache.get(secretId)?.value === value) cache.delete(secretId);
      });
      return value;
    },
  };
}

/** Where the subscription configuration comes from. */
export interface SubscriptionSource {
  /** For messages: "file subs.json", "BREACHWIRE_SUBSCRIPTIONS" — never the content. */
  describe: string;
  read(): Promise<string>;
  /**
   * Whether a webhook URL may be written inline. True for a local file and a Secrets Manager
   * secret (both private); false for an environment value, which shows in Lambda's
   * configuration, in `env` dumps and CI logs.
   */
  inlineWebhooks: boolean;
}

export function fileSubscriptionSource(path: string): SubscriptionSource {
  return {
    describe: `file ${path}`,
    inlineWebhooks: true,
    read: async () => {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        throw new BreachwireError('config.invalid', `cannot read the Slack subscriptions file ${path}`, {
          cause: error,
          details: [
            { param: 'subscriptions', message: (error as NodeJS.ErrnoException).code ?? 'unreadable' },
          ],
        });
      }
    },
  };
}

export function envSubscriptionSource(
  value: string,
  variable = 'BREACHWIRE_SUBSCRIPTIONS',
): SubscriptionSource {
  return { describe: variable, inlineWebhooks: false, read: async () => value };
}

/** The whole subscription document kept as one JSON secret (the AWS notifier's source). */
export function secretSubscriptionSource(reader: SecretReader, secretId: string): SubscriptionSource {
  return {
    describe: `secret ${secretId}`,
    inlineWebhooks: true,
    read: async () => {
      try {
        return await reader.read(secretId);
      } catch (error) {
        throw new BreachwireError(
          'config.invalid',
          `cannot read the Slack subscriptions secret ${secretId}`,
          {
            cause: error,
          },
        );
      }
    },
  };
}

/**
 * The local choice of source: `--subscriptions FILE`, else `BREACHWIRE_SUBSCRIPTIONS_FILE`,
 * else the JSON in `BREACHWIRE_SUBSCRIPTIONS`; null when none is configured.
 */
export function subscriptionSourceFrom(
  env: Record<string, string | undefined>,
  fileFlag?: string,
): SubscriptionSource | null {
  const file = fileFlag ?? env['BREACHWIRE_SUBSCRIPTIONS_FILE'];
  if (file) return fileSubscriptionSource(file);
  const inline = env['BREACHWIRE_SUBSCRIPTIONS'];
  if (inline?.trim()) return envSubscriptionSource(inline);
  return null;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const webhookReference = z.union([
  z.string(),
  z
    .object({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name'),
    })
    .strict(),
  z
    .object({
      secret: z.string().min(1).max(2048),
      /** For a JSON secret holding several webhooks: the field with this subscription's URL. */
      key: z.string().min(1).max(256).optional(),
    })
    .strict(),
]);

type WebhookReference = z.infer<typeof webhookReference>;

const filterValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

const subscriptionEntry = z
  .object({
    name: z
      .string()
      .regex(NAME, 'must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit'),
    webhook: webhookReference,
    filter: z.record(z.string(), filterValue).default({}),
  })
  .strict();

/** A subscription validated but with its webhook still a reference (nothing secret read yet). */
export interface SubscriptionConfig {
  name: string;
  webhook: WebhookReference;
  filter: EventFilter;
  filterParams: Record<string, string[]>;
}

function parseJson(text: string, describe: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes a slice of the input in JSON errors; the input may hold webhook URLs, so only the position is kept.
    const position = /position (\d+)/.exec(String((error as Error).message))?.[1];
    throw new BreachwireError('config.invalid', `Slack subscriptions in ${describe} are not valid JSON`, {
      details: [
        { param: 'subscriptions', message: `not valid JSON${position ? ` (at position ${position})` : ''}` },
      ],
    });
  }
}

function invalid(describe: string, details: ErrorDetail[]): BreachwireError {
  const summary = details.map((detail) => `${detail.param}: ${detail.message}`).join('; ');
  return new BreachwireError('config.invalid', `invalid Slack subscriptions in ${describe}: ${summary}`, {
    details,
  });
}

/** Checks a webhook URL without ever echoing it: https, or http to loopback (tests, local stand-ins). */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return null;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return null;
  return 'must be an https:// URL (Slack incoming webhooks are https://hooks.slack.com/services/…)';
}

/**
 * Validates a subscription document: `[{name, webhook, filter}]` or `{"subscriptions": [...]}`.
 * Every problem is collected into one `config.invalid` naming the subscription and the
 * parameter (`subscription "kr-big".filter.min_affected`); no secret value is ever quoted.
 */
export function parseSubscriptions(
  text: string,
  source: Pick<SubscriptionSource, 'describe' | 'inlineWebhooks'>,
): SubscriptionConfig[] {
  const document = parseJson(text, source.describe);
  const list = Array.isArray(document)
    ? document
    : document &&
        typeof document === 'object' &&
        Array.isArray((document as { subscriptions?: unknown }).subscriptions)
      ? ((document as { subscriptions: unknown[] }).subscriptions ?? [])
      : null;
  if (!list) {
    throw invalid(source.describe, [
      { param: 'subscriptions', message: 'expected a list of subscriptions, or {"subscriptions": [...]}' },
    ]);
  }
  const details: ErrorDetail[] = [];
  const configs: SubscriptionConfig[] = [];
  const seen = new Set<string>();
  list.forEach((raw, index) => {
    const rawName = (raw as { name?: unknown } | null)?.name;
    const label = `subscription ${typeof rawName === 'string' && NAME.test(rawName) ? `"${rawName}"` : `#${index + 1}`}`;
    const parsed = subscriptionEntry.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.') || 'subscription';
        // Messages about the webhook are generic: zod never sees fit to quote it, and neither do we.
        const message = field.startsWith('webhook')
          ? 'must be the URL (in a file or secret), {"env": "VAR"} or {"secret": "name-or-arn", "key"?: "field"}'
          : issue.message;
        details.push({ param: `${label}.${field}`, message });
      }
      return;
    }
    const entry = parsed.data;
    if (seen.has(entry.name)) details.push({ param: `${label}.name`, message: 'is used twice' });
    seen.add(entry.name);
    if (typeof entry.webhook === 'string') {
      if (!source.inlineWebhooks) {
        details.push({
          param: `${label}.webhook`,
          message: `a webhook URL must not be written inline in ${source.describe}; reference it: {"env": "VAR"} or {"secret": "name"}`,
        });
      } else {
        const problem = webhookUrlProblem(entry.webhook);
        if (problem) details.push({ param: `${label}.webhook`, message: problem });
      }
    }
    const filterParams: Record<string, string[]> = {};
    for (const [param, value] of Object.entries(entry.filter)) {
      filterParams[param] = (Array.isArray(value) ? value : [value]).map(String);
    }
    try {
      const filter = parseParams(eventFilterShape, filterParams) as EventFilter;
      const problems = filterProblems(filter);
      for (const [param, message] of problems) details.push({ param: `${label}.filter.${param}`, message });
      if (problems.length === 0)
        configs.push({ name: entry.name, webhook: entry.webhook, filter, filterParams });
    } catch (error) {
      if (!isBreachwireError(error, 'query.invalidParam')) throw error;
      for (const detail of error.details)
        details.push({ param: `${label}.filter.${detail.param ?? ''}`, message: detail.message });
    }
  });
  if (details.length > 0) throw invalid(source.describe, details);
  return configs;
}

async function resolveWebhook(
  config: SubscriptionConfig,
  options: { env: Record<string, string | undefined>; secrets?: SecretReader },
): Promise<SecretValue | ErrorDetail> {
  const param = `subscription "${config.name}".webhook`;
  const reference = config.webhook;
  let value: string | undefined;
  if (typeof reference === 'string') {
    value = reference;
  } else if ('env' in reference) {
    value = options.env[reference.env];
    if (!value) return { param, message: `environment variable ${reference.env} is not set` };
  } else {
    if (!options.secrets) {
      return {
        param,
        message: `references secret ${reference.secret}, but no secret store is available here`,
      };
    }
    let secret: string;
    try {
      secret = await options.secrets.read(reference.secret);
    } catch {
      return { param, message: `cannot read secret ${reference.secret}` };
    }
    if (reference.key) {
      let fields: unknown;
      try {
        fields = JSON.parse(secret);
      } catch {
        return {
          param,
          message: `secret ${reference.secret} is not a JSON object, so it has no key ${reference.key}`,
        };
      }
      const field = (fields as Record<string, unknown> | null)?.[reference.key];
      if (typeof field !== 'string')
        return { param, message: `secret ${reference.secret} has no string field ${reference.key}` };
      value = field;
    } else {
      value = secret;
    }
  }
  const problem = webhookUrlProblem(value);
  if (problem) return { param, message: `the webhook URL ${problem}` };
  return new SecretValue(value.trim());
}

/**
 * Loads, validates and resolves the subscriptions of a source: fails fast with one
 * `config.invalid` listing every problem (at start-up, or a cold start in Lambda).
 */
export async function loadSubscriptions(
  source: SubscriptionSource,
  options: { env: Record<string, string | undefined>; secrets?: SecretReader },
): Promise<Subscription[]> {
  const configs = parseSubscriptions(await source.read(), source);
  const resolved = await Promise.all(configs.map((config) => resolveWebhook(config, options)));
  const details = resolved.filter((value): value is ErrorDetail => !(value instanceof SecretValue));
  if (details.length > 0) throw invalid(source.describe, details);
  return configs.map((config, index) => ({
    name: config.name,
    webhook: resolved[index] as SecretValue,
    filter: config.filter,
    filterParams: config.filterParams,
  }));
}

/** "kind=breach country=KR min_affected=1000000": a filter as one line, for status and dry runs. */
export function describeFilter(params: Record<string, string[]>): string {
  const parts = Object.entries(params).map(([param, values]) => `${param}=${values.join(',')}`);
  return parts.length > 0 ? parts.join(' ') : '(every event)';
}
