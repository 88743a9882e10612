import { BreachwireError } from '../core/errors.ts';
import { createStore, type Store } from '../store/client.ts';
import { DEFAULT_DATA_DIR, startEmbeddedStore } from '../store/embedded.ts';
import type { CliIo } from './io.ts';

export interface OpenedStore {
  store: Store;
  /** Where the data lives, for messages. */
  where: string;
  close(): Promise<void>;
}

/**
 * Opens the store a command works on: real DynamoDB when `BREACHWIRE_TABLE` names a table
 * (AWS credentials and region from the usual SDK chain; `AWS_ENDPOINT_URL_DYNAMODB` works),
 * otherwise the embedded dynalite in `--data DIR` / `BREACHWIRE_DATA` / `./.breachwire`.
 */
export async function openStore(io: CliIo, dataFlag: string | undefined): Promise<OpenedStore> {
  const table = io.env['BREACHWIRE_TABLE'];
  if (table && !dataFlag) {
    const store = createStore({ tableName: table });
    return { store, where: `DynamoDB table ${table}`, close: async () => store.doc.destroy() };
  }
  const dataDir = dataFlag ?? io.env['BREACHWIRE_DATA'] ?? DEFAULT_DATA_DIR;
  const embedded = await startEmbeddedStore({ dataDir });
  return { store: embedded.store, where: `embedded store in ${embedded.dataDir}`, close: embedded.close };
}

/** Reads `--port` / `PORT` as a TCP port. */
export function portFrom(io: CliIo, flag: string | undefined): number {
  const raw = flag ?? io.env['PORT'] ?? '8787';
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port < 0 || port > 65_535) {
    throw new BreachwireError('cli.usage', `--port must be a TCP port number (0-65535), got "${raw}"`);
  }
  return port;
}

/**
 * The sources a command runs. `BREACHWIRE_SOURCE_MIRROR=http://127.0.0.1:PORT` fetches every
 * source from `${mirror}/${source.id}` instead of its real URL: for tests and offline demos
 * that serve recorded fixtures (never the real sites).
 */
export function withMirror<T extends { id: string; url: string; crawlDelaySeconds?: number }>(
  io: CliIo,
  list: readonly T[],
): T[] {
  const mirror = io.env['BREACHWIRE_SOURCE_MIRROR'];
  if (!mirror) return [...list];
  const base = mirror.replace(/\/+$/, '');
  // Crawl delays protect the real hosts; a local mirror needs none.
  return list.map((source) => ({ ...source, url: `${base}/${source.id}`, crawlDelaySeconds: 0 }));
}
