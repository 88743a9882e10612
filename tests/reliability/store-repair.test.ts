import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../functions/store/client.ts';
import { getDocument, markDocumentClustered, storeNewDocuments } from '../../functions/store/documents.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';
import { documentWith } from '../events/factories.ts';

/**
 * A torn write, made deterministically: dynalite writes an item's index entries before the
 * item, so a process killed in between leaves index entries the items do not back. Here the
 * LevelDB files are edited the way such a kill leaves them (an item missing behind its index
 * entries, an item older than its index copies); the next start after a stale lock must
 * derive the indexes from the items again. The seeded SIGKILL test (store-kill.test.ts)
 * meets the same states by chance; this one meets them every time.
 */

type Level = {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(range: { gte: string; lt: string }): AsyncIterable<string>;
};

function openLevel(dataDir: string): Level {
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
    Level: new (location: string, options: { valueEncoding: 'json' }) => Level;
  };
  return new Level(path.join(dataDir, 'dynamodb'), { valueEncoding: 'json' });
}

async function itemKeys(level: Level): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of level.keys({ gte: 'item-breachwire~', lt: 'item-breachwire\u007f' }))
    keys.push(key);
  return keys;
}

async function partition(store: Store, index: string, value: string): Promise<Record<string, unknown>[]> {
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': `${index}pk` },
      ExpressionAttributeValues: { ':pk': value },
    }),
  );
  return result.Items ?? [];
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded store repair after an unclean shutdown', () => {
  it('a torn write left by a killed process is repaired from the items when the stale lock is taken over', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-repair-'));
    dirs.push(dataDir);
    const documents = ['torn-a', 'torn-b', 'torn-c'].map((id) => documentWith({}, { id }));
    const first = await startEmbeddedStore({ dataDir });
    await storeNewDocuments(first.store, documents, { pending: true });
    await first.close();

    // Keep the old item of torn-b, then mark it clustered (new index copies, no longer pending).
    const level = openLevel(dataDir);
    await level.open();
    const keyOf = async (id: string) => {
      for (const key of await itemKeys(level)) {
        const item = (await level.get(key)) as { id?: { S: string } };
        if (item.id?.S === id) return key;
      }
      throw new Error(`no item ${id}`);
    };
    const tornBKey = await keyOf('torn-b');
    const olderB = await level.get(tornBKey);
    await level.close();
    const second = await startEmbeddedStore({ dataDir });
    await markDocumentClustered(second.store, 'torn-b', 'event-1');
    await second.close();

    // The kill: torn-a's item never landed behind its index entries; torn-b's update reached
    // the indexes but not the item.
    await level.open();
    await level.del(await keyOf('torn-a'));
    await level.put(tornBKey, olderB);
    await level.close();
    writeFileSync(path.join(dataDir, 'breachwire.lock'), JSON.stringify({ pid: 2 ** 22 + 4321 }));

    const reopened = await startEmbeddedStore({ dataDir });
    try {
      const listed = (await partition(reopened.store, 'gsi1', 'DOC')).map((item) => item['id']).sort();
      expect(listed).toEqual(['torn-b', 'torn-c']);
      const pending = (await partition(reopened.store, 'gsi3', 'DOC#PENDING'))
        .map((item) => item['id'])
        .sort();
      // torn-b's item says pending (its update was lost): the index now says so too, so the next run resumes it.
      expect(pending).toEqual(['torn-b', 'torn-c']);
      const indexCopy = (await partition(reopened.store, 'gsi2', 'DOC#SRC#source-a')).find(
        (item) => item['id'] === 'torn-b',
      );
      expect(indexCopy?.['eventId'] ?? null).toBe(
        (await getDocument(reopened.store, 'torn-b'))?.eventId ?? null,
      );
      expect(await getDocument(reopened.store, 'torn-a')).toBeNull();
    } finally {
      await reopened.close();
    }
  });

  it('a clean shutdown leaves the indexes alone (no rebuild without a stale lock)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-clean-'));
    dirs.push(dataDir);
    const first = await startEmbeddedStore({ dataDir });
    await storeNewDocuments(first.store, [documentWith({}, { id: 'kept' })], { pending: true });
    await first.close();
    // An orphan index entry planted after a clean close stays: only an unclean shutdown triggers a rebuild.
    const level = openLevel(dataDir);
    await level.open();
    const [itemKey] = await itemKeys(level);
    await level.del(itemKey!);
    await level.close();
    const reopened = await startEmbeddedStore({ dataDir });
    try {
      expect((await partition(reopened.store, 'gsi1', 'DOC')).map((item) => item['id'])).toEqual(['kept']);
    } finally {
      await reopened.close();
    }
  });
});
