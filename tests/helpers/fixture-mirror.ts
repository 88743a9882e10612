import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Source } from '../../functions/sources/types.ts';
import { sourceFixtures } from '../fixtures/sources/index.ts';
import { type LoopbackServer, startLoopbackServer } from './http-server.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sources');

/**
 * A loopback server that serves every source's recorded fixture at `/<source-id>` (with its
 * next pages by query parameter, and ETag validators), plus the sources re-pointed at it.
 */
export async function startFixtureMirror(
  sources: readonly Source[],
): Promise<{ server: LoopbackServer; sources: Source[] }> {
  const server = await startLoopbackServer();
  for (const source of sources) {
    const fixture = sourceFixtures[source.id];
    if (!fixture) throw new Error(`no fixture for source ${source.id}`);
    server.route(`/${source.id}`, (req, res) => {
      const query = new URL(req.url ?? '/', 'http://mirror').search.slice(1);
      const page = Object.entries(fixture.pages ?? {}).find(
        ([key]) => query.split('&').includes(key.replace('$', '%24')) || query.split('&').includes(key),
      );
      const file = page ? page[1] : fixture.file;
      const etag = `"${source.id}:${file}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': fixture.contentType, etag })
        .end(readFileSync(path.join(FIXTURES, file)));
    });
  }
  return {
    server,
    sources: sources.map((source) => ({
      ...source,
      url: `${server.url}/${source.id}${new URL(source.url).search}`,
      crawlDelaySeconds: 0,
    })),
  };
}
