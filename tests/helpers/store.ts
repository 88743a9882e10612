import { type EmbeddedStore, startEmbeddedStore } from '../../functions/store/embedded.ts';

/** A real dynalite on loopback, in memory unless a folder is given; one per test file. */
export async function startTestStore(dataDir: string | null = null): Promise<EmbeddedStore> {
  return startEmbeddedStore({ dataDir, tableName: 'breachwire-test' });
}
