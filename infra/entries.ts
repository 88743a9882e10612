import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fromRepo = (relative: string) => fileURLToPath(new URL(`../${relative}`, import.meta.url));

/** The repository root: esbuild's project root and where the lock file lives. */
export const PROJECT_ROOT = fromRepo('');
export const LOCK_FILE = fromRepo('package-lock.json');

/**
 * Every Lambda entry, by function. The stacks bundle these and the bundling test builds the
 * same list, so a new function cannot ship unchecked.
 */
export const FUNCTION_ENTRIES = {
  ingest: fromRepo('functions/handlers/ingest.ts'),
  api: fromRepo('functions/handlers/api.ts'),
  notify: fromRepo('functions/handlers/notify.ts'),
  export: fromRepo('functions/handlers/export.ts'),
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Fails early, naming the file, rather than deep inside esbuild. */
export function assertEntriesExist(entries: Record<string, string> = FUNCTION_ENTRIES): void {
  for (const [name, entry] of Object.entries(entries)) {
    if (!existsSync(entry)) throw new Error(`function entry for ${name} not found: ${entry}`);
  }
}
