import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../functions/documents/types.ts';
import { getDocument, putDocumentIfNew, storeNewDocuments } from '../../functions/store/documents.ts';
import { startEmbeddedStore } from '../../functions/store/embedded.ts';

function document(id: string): Document {
  return {
    id,
    sourceId: 'test-source',
    url: `https://example.org/${id}`,
    guid: null,
    title: `Title ${id}`,
    summary: '',
    lang: 'en',
    publishedAt: null,
    firstSeenAt: '2026-11-26T00:00:00.000Z',
    fetchedAt: '2026-11-26T00:00:00.000Z',
    native: {},
    structured: null,
    facts: null,
    eventId: null,
  };
}

describe('embedded store', () => {
  it('creates the table, persists across restarts of the same folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-store-'));
    const first = await startEmbeddedStore({ dataDir });
    const tables = await first.store.doc.send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('breachwire');
    expect(await putDocumentIfNew(first.store, document('d1'))).toBe(true);
    await first.close();

    const second = await startEmbeddedStore({ dataDir });
    expect((await getDocument(second.store, 'd1'))?.title).toBe('Title d1');
    await second.close();
  });

  it('refuses clearly when another live process holds the folder', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-lock-'));
    const holder = await startEmbeddedStore({ dataDir });
    // A second opener in another process must be refused by name.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${path.resolve('functions/store/embedded.ts')}').then(m => m.startEmbeddedStore({ dataDir: ${JSON.stringify(dataDir)} })).then(() => process.exit(0), e => { console.error(e.code + ' ' + e.message); process.exit(3); })`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(stderr).toMatch(/store\.locked .*in use by another breachwire process \(pid \d+\)/);
    await holder.close();
  });

  it('refuses a second open of the same folder in one process', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-lock2-'));
    const holder = await startEmbeddedStore({ dataDir });
    await expect(startEmbeddedStore({ dataDir })).rejects.toMatchObject({ code: 'store.locked' });
    await holder.close();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bw-stale-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dataDir, 'breachwire.lock'), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const store = await startEmbeddedStore({ dataDir });
    await store.close();
  });

  it('stores each document once under concurrent writers', async () => {
    const embedded = await startEmbeddedStore({ dataDir: null });
    const docs = Array.from({ length: 20 }, (_, index) => document(`c${index}`));
    const [a, b] = await Promise.all([
      storeNewDocuments(embedded.store, docs),
      storeNewDocuments(embedded.store, docs),
    ]);
    expect(a.length + b.length).toBe(20);
    expect(new Set([...a, ...b].map((d) => d.id)).size).toBe(20);
    await embedded.close();
  });
});
