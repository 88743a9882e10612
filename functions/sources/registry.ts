import { BreachwireError } from '../core/errors.ts';
import { aggregatorSources } from './catalog/aggregators.ts';
import { newsSources } from './catalog/news.ts';
import { regulatorSources } from './catalog/regulators.ts';
import type { Source } from './types.ts';

/**
 * Every source, in one explicit list (no directory scanning, so esbuild sees them all).
 * The CDK stack generates one schedule per enabled source from this list.
 */
export const sources: readonly Source[] = [...regulatorSources, ...aggregatorSources, ...newsSources];

const byId = new Map<string, Source>();
for (const source of sources) {
  if (byId.has(source.id)) throw new Error(`duplicate source id in registry: ${source.id}`);
  byId.set(source.id, source);
}

/** Sources that run on a schedule (some, like Google News, are off by default). */
export function enabledSources(): Source[] {
  return sources.filter((source) => source.enabled !== false);
}

export function findSource(id: string): Source | undefined {
  return byId.get(id);
}

export function getSource(id: string): Source {
  const source = byId.get(id);
  if (!source) {
    throw new BreachwireError(
      'source.unknown',
      `unknown source "${id}"; run "breachwire sources" to list them`,
      {
        details: [{ param: 'source', message: `unknown source "${id}"` }],
      },
    );
  }
  return source;
}
