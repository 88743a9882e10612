import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  athenaColumns,
  COLUMNS,
  type Column,
  SCHEMA_HISTORY,
  SCHEMA_VERSION,
  schemaFingerprint,
  TABLES,
} from '../../functions/export/schema.ts';

/**
 * The data dictionary, the manifest and the version move together: a column added, renamed,
 * retyped or reordered without docs/DATASET.md and SCHEMA_VERSION changing fails here.
 */

const dictionary = readFileSync(new URL('../../docs/DATASET.md', import.meta.url), 'utf8');

/** The cells of a markdown table row, honouring `\|` inside a cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The documented columns of one table: the rows of the first markdown table under `### <table>`. */
function documentedColumns(table: string): { name: string; type: string; meaning: string }[] {
  const start = dictionary.indexOf(`\n### ${table}\n`);
  if (start < 0) throw new Error(`docs/DATASET.md has no "### ${table}" section`);
  const rest = dictionary.slice(start + 1);
  const end = rest.indexOf('\n### ', 1);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((line) => /^\|\s*`[a-z0-9_]+`\s*\|/.test(line))
    .map((line) => {
      const [name = '', type = '', meaning = ''] = cells(line);
      return { name: name.replaceAll('`', ''), type, meaning };
    });
}

function semver(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`not a version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

describe('data dictionary', () => {
  it.each(TABLES)('documents exactly the exported columns of %s, in order, with their types', (table) => {
    const documented = documentedColumns(table);
    expect(documented.map((column) => `${column.name}:${column.type}`)).toEqual(
      COLUMNS[table].map((column: Column) => `${column.name}:${column.type}`),
    );
    for (const column of documented) expect(column.meaning, column.name).not.toBe('');
  });

  it('states the schema version and fingerprint of the manifest', () => {
    expect(dictionary).toContain(
      `Schema version: **${SCHEMA_VERSION}** (column fingerprint \`${schemaFingerprint()}\`)`,
    );
  });

  it('lists every released version with its fingerprint', () => {
    const changelog = dictionary
      .slice(dictionary.indexOf('## Schema versions'))
      .split('\n')
      .filter((line) => /^\|\s*\d+\.\d+\.\d+\s*\|/.test(line))
      .map((line) => {
        const [version = '', fingerprint = ''] = cells(line);
        return { version, fingerprint: fingerprint.replaceAll('`', '') };
      });
    expect(changelog).toEqual(SCHEMA_HISTORY.map(({ version, fingerprint }) => ({ version, fingerprint })));
  });
});

describe('schema version', () => {
  it('is pinned to the fingerprint of the columns: change a column, bump the version', () => {
    const current = SCHEMA_HISTORY.at(-1)!;
    expect(current.version).toBe(SCHEMA_VERSION);
    expect(schemaFingerprint()).toBe(current.fingerprint);
  });

  it('history only moves forward, each version with its own columns', () => {
    const versions = SCHEMA_HISTORY.map((entry) => semver(entry.version));
    for (let i = 1; i < versions.length; i++) {
      const [a, b] = [versions[i - 1]!, versions[i]!];
      expect(a[0] * 1e6 + a[1] * 1e3 + a[2]).toBeLessThan(b[0] * 1e6 + b[1] * 1e3 + b[2]);
    }
    expect(new Set(SCHEMA_HISTORY.map((entry) => entry.fingerprint)).size).toBe(SCHEMA_HISTORY.length);
  });

  it('the fingerprint sees a renamed, retyped or reordered column', () => {
    const base = schemaFingerprint();
    const renamed = {
      ...COLUMNS,
      links: COLUMNS.links.map((c, i) => (i === 2 ? { ...c, name: 'from_event_id' } : c)),
    };
    const retyped = {
      ...COLUMNS,
      links: COLUMNS.links.map((c, i) => (i === 2 ? { ...c, type: 'integer' as const } : c)),
    };
    const reordered = { ...COLUMNS, links: [...COLUMNS.links].reverse() };
    for (const variant of [renamed, retyped, reordered]) expect(schemaFingerprint(variant)).not.toBe(base);
  });

  it('ids and names are unique within each table, snake_case, and every table starts with schema_version', () => {
    for (const table of TABLES) {
      const names = COLUMNS[table].map((column) => column.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(names[0]).toBe('schema_version');
      expect(athenaColumns(table).map((column) => column.name)).toEqual(names);
    }
  });
});
