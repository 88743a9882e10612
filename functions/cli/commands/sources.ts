import { parseArgs } from 'node:util';
import { publicSource } from '../../api/serialize.ts';
import { healthOf } from '../../sources/health.ts';
import { sources } from '../../sources/registry.ts';
import { getSourceStates } from '../../store/source-state.ts';
import { openStore } from '../context.ts';
import type { CliIo } from '../io.ts';

export const SOURCES_USAGE = `breachwire sources [--data DIR] [--json]

  Lists every source in the catalog with its health (last success, failures in a row,
  items in the last run, drift). --json prints the same rows as GET /v1/sources.`;

function ago(iso: string | null, now: number): string {
  if (!iso) return '-';
  const minutes = Math.round((now - Date.parse(iso)) / 60_000);
  if (minutes < 60) return `${minutes}m ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h ago`;
  return `${Math.round(minutes / 1440)}d ago`;
}

export async function runSources(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { data: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
    allowPositionals: false,
  });
  const opened = await openStore(io, values.data);
  try {
    const states = await getSourceStates(
      opened.store,
      sources.map((source) => source.id),
    );
    const health = sources.map((source, index) => healthOf(source, states[index]!));
    if (values.json) {
      io.stdout.write(`${JSON.stringify(health.map(publicSource), null, 2)}\n`);
      return 0;
    }
    const now = Date.now();
    const rows = health.map(({ source, state, status }) => [
      source.id,
      source.kind,
      source.jurisdiction,
      source.format,
      status,
      ago(state.lastSuccessAt, now),
      String(state.consecutiveFailures),
      state.itemsLastRun === null ? '-' : String(state.itemsLastRun),
      state.lastError ?? state.drift ?? '',
    ]);
    const header = ['SOURCE', 'KIND', 'JURIS', 'FORMAT', 'HEALTH', 'LAST OK', 'FAILS', 'ITEMS', 'NOTE'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, column) =>
          column === cells.length - 1 ? cell.slice(0, 80) : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ');
    io.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
    const failing = health.filter((entry) => entry.status === 'failing' || entry.status === 'drift').length;
    io.stdout.write(`\n${sources.length} sources, ${failing} failing or drifting (${opened.where})\n`);
    return 0;
  } finally {
    await opened.close();
  }
}
