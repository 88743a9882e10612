import type { SourceState } from '../store/source-state.ts';
import type { Source } from './types.ts';

export type HealthStatus = 'ok' | 'failing' | 'drift' | 'never-run' | 'disabled';

/** A source that has failed this many runs in a row is reported (and alarmed on in AWS). */
export const FAILING_AFTER = 3;

/** One source's catalog entry with its health, as `breachwire sources` and `/v1/sources` show it. */
export interface SourceHealth {
  source: Source;
  state: SourceState;
  status: HealthStatus;
}

export function healthOf(source: Source, state: SourceState): SourceHealth {
  let status: HealthStatus;
  if (source.enabled === false) status = 'disabled';
  else if (!state.lastRunAt) status = 'never-run';
  else if (state.consecutiveFailures > 0) status = 'failing';
  else if (state.drift) status = 'drift';
  else status = 'ok';
  return { source, state, status };
}
