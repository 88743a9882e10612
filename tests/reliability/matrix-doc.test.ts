import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/RELIABILITY.md names a test for every row of its matrix as `file` › `test name`. This
 * keeps the page honest: every file it names exists, every name is written in that file, and
 * every reliability test file appears on the page.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DOC = readFileSync(path.join(ROOT, 'docs', 'RELIABILITY.md'), 'utf8');
const REFERENCE = /`(tests\/[^`]+\.test\.ts)` › `([^`]+)`/g;

const rows = DOC.split('\n').filter((line) => line.startsWith('|') && !/^\|[-| ]+\|$/.test(line));
const references = [...DOC.matchAll(REFERENCE)].map(([, file, name]) => ({ file: file!, name: name! }));

describe('docs/RELIABILITY.md', () => {
  it('gives every matrix row at least one test reference', () => {
    const matrixRows = rows.filter((line) => !line.startsWith('| scenario'));
    expect(matrixRows.length).toBeGreaterThan(50);
    for (const row of matrixRows) expect(row, row).toMatch(REFERENCE);
  });

  it('names only tests that exist, exactly as written in their files', () => {
    expect(references.length).toBeGreaterThan(50);
    const missing = references.filter(({ file, name }) => {
      const full = path.join(ROOT, file);
      return !existsSync(full) || !readFileSync(full, 'utf8').includes(name);
    });
    expect(missing).toEqual([]);
  });

  it('covers every test file of tests/reliability', () => {
    const files = readdirSync(path.join(ROOT, 'tests', 'reliability'))
      .filter((name) => name.endsWith('.test.ts') && name !== 'matrix-doc.test.ts')
      .map((name) => `tests/reliability/${name}`);
    const named = new Set(references.map((reference) => reference.file));
    expect(files.filter((file) => !named.has(file))).toEqual([]);
  });
});
