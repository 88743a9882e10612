import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';
import { BreachwireError, isBreachwireError } from '../core/errors.ts';
import { createStore, ensureTable, type Store } from './client.ts';

export const DEFAULT_DATA_DIR = '.breachwire';
export const LOCAL_TABLE_NAME = 'breachwire';

export interface EmbeddedStore {
  store: Store;
  endpoint: string;
  dataDir: string;
  close(): Promise<void>;
}

const LOCK_FILE = 'breachwire.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data folder's lock file. LevelDB's own lock would also refuse a second process,
 * but only with an obscure error after the server is up; this refuses first, by name.
 * A lock left by a process that no longer exists (a crash, kill -9) is taken over, and
 * reported as `stale`: that process may have died in the middle of a write.
 */
function acquireLock(dataDir: string): { release: () => void; stale: boolean } {
  const lockPath = path.join(dataDir, LOCK_FILE);
  let stale = false;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(lockPath, { force: true }), stale };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: number };
      } catch {
        // An unreadable lock is a crash mid-write: stale.
      }
      if (holder.pid && holder.pid !== process.pid && processAlive(holder.pid)) {
        throw new BreachwireError(
          'store.locked',
          `the data folder ${dataDir} is in use by another breachwire process (pid ${holder.pid}); stop it first or pass --data DIR for another folder`,
        );
      }
      if (holder.pid === process.pid) {
        throw new BreachwireError(
          'store.locked',
          `the data folder ${dataDir} is already open in this process`,
        );
      }
      rmSync(lockPath, { force: true });
      stale = true;
    }
  }
  throw new BreachwireError('store.locked', `could not lock the data folder ${dataDir}`);
}

/** The parts of dynalite's LevelDB layer the index rebuild uses (dynalite ships no types). */
interface DynaliteDb {
  getIndexActions(
    indexes: unknown[],
    existingItem: null,
    item: unknown,
    table: unknown,
  ): { puts: { index: string; key: string; item: unknown }[] };
}
interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  keys(range: { gte: string; lt: string }): AsyncIterable<string>;
  values(range: { gte: string; lt: string }): AsyncIterable<unknown>;
  batch(
    operations: ({ type: 'del'; key: string } | { type: 'put'; key: string; value: unknown })[],
  ): Promise<void>;
}

/** Every key that starts with `prefix` (ending in `~`) sorts below this bound, whatever follows. */
const upperBound = (prefix: string) => `${prefix.slice(0, -1)}\u007f`;

/**
 * dynalite writes an item's index entries and then the item itself as separate LevelDB
 * writes, so a process killed between them leaves index entries that disagree with the
 * items: a document listed twice or pending forever, the index copy of an event newer than
 * the event. Items themselves are single writes and always whole. After an unclean shutdown
 * every index entry of the table is therefore derived again from the items, in one atomic
 * LevelDB batch (a crash during the rebuild leaves the old entries, and the next start
 * rebuilds again). This reads dynalite's on-disk layout (`table~`, `item-`, `index-…~`
 * prefixes, pinned by the lock file); tests/reliability/store-repair.test.ts checks it.
 */
async function rebuildIndexes(levelPath: string, tableName: string): Promise<void> {
  const fromHere = createRequire(import.meta.url);
  const dynaliteDb = fromHere('dynalite/db/index.js') as DynaliteDb;
  const { Level } = createRequire(fromHere.resolve('dynalite'))('level') as {
    Level: new (location: string, options: { valueEncoding: 'json' }) => LevelDb;
  };
  const db = new Level(levelPath, { valueEncoding: 'json' });
  await db.open();
  try {
    const table = (await db.get(`table~${tableName}`)) as Record<string, unknown[] | undefined> | undefined;
    if (!table) return;
    const operations: Parameters<LevelDb['batch']>[0] = [];
    for (const type of ['Local', 'Global'] as const) {
      const prefix = `index-${type.toLowerCase()}~${tableName}~`;
      for await (const key of db.keys({ gte: prefix, lt: upperBound(prefix) }))
        operations.push({ type: 'del', key });
    }
    const itemPrefix = `item-${tableName}~`;
    for await (const item of db.values({ gte: itemPrefix, lt: upperBound(itemPrefix) })) {
      for (const type of ['Local', 'Global'] as const) {
        const indexes = table[`${type}SecondaryIndexes`] ?? [];
        for (const put of dynaliteDb.getIndexActions(indexes, null, item, table).puts) {
          // A put after the del of the same key in one batch wins: the batch applies in order.
          operations.push({
            type: 'put',
            key: `index-${type.toLowerCase()}~${tableName}~${put.index}~${put.key}`,
            value: put.item,
          });
        }
      }
    }
    await db.batch(operations);
  } finally {
    await db.close();
  }
}

/**
 * Starts dynalite in-process on 127.0.0.1 (a free port), persisted in `dataDir`, and
 * creates the table if it is missing. Pass `dataDir: null` for an in-memory store (tests).
 */
export async function startEmbeddedStore(options: {
  dataDir: string | null;
  tableName?: string;
}): Promise<EmbeddedStore> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : null;
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  let release = () => {};
  let server: Server;
  try {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      const lock = acquireLock(dataDir);
      release = lock.release;
      const levelPath = path.join(dataDir, 'dynamodb');
      if (lock.stale && existsSync(levelPath)) await rebuildIndexes(levelPath, tableName);
    }
    server = dynalite({
      ...(dataDir ? { path: path.join(dataDir, 'dynamodb') } : {}),
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    release();
    if (isBreachwireError(error, 'store.locked')) throw error;
    throw new BreachwireError(
      'store.unavailable',
      `could not start the embedded store in ${dataDir ?? 'memory'}`,
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const store = createStore({ tableName, endpoint });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    store.doc.destroy();
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    release();
  };
  try {
    await ensureTable(store);
  } catch (error) {
    await close();
    throw new BreachwireError('store.unavailable', `could not create the table in ${dataDir ?? 'memory'}`, {
      cause: error,
    });
  }
  return { store, endpoint, dataDir: dataDir ?? ':memory:', close };
}
