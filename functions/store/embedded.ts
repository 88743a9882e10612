import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import dynalite from 'dynalite';
import { BreachwireError } from '../core/errors.ts';
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
 * A lock left by a process that no longer exists (a crash, kill -9) is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
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
    }
  }
  throw new BreachwireError('store.locked', `could not lock the data folder ${dataDir}`);
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
  let release = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = acquireLock(dataDir);
  }
  let server: Server;
  try {
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
    throw new BreachwireError(
      'store.unavailable',
      `could not start the embedded store in ${dataDir ?? 'memory'}`,
      { cause: error },
    );
  }
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const store = createStore({ tableName: options.tableName ?? LOCAL_TABLE_NAME, endpoint });
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
