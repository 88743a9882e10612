import type { Log } from '../core/log.ts';
import type { Document } from '../documents/types.ts';
import type { Source } from '../sources/types.ts';
import type { Store } from '../store/client.ts';

/**
 * The step after documents are stored: where extraction and clustering are wired in. One
 * place, used by the CLI, the local runner and the Lambda handler alike.
 */
export function createPipeline(
  _store: Store,
  _log: Log,
): ((documents: Document[], source: Source) => Promise<Document[]>) | undefined {
  return undefined;
}
