/**
 * Live smoke test: fetches every enabled source's real URL and checks it still parses into
 * at least one entry — the early warning for a moved feed or a redesigned page.
 *
 *     BREACHWIRE_LIVE=1 npx vitest run tests/sources/live.smoke.test.ts
 *
 * It uses plain `fetch` (20 s timeout, the project User-Agent plus each source's own headers)
 * rather than the production fetch layer, so it only tells whether the source and its parser
 * still agree.
 */
import { describe, expect, it } from 'vitest';
import { USER_AGENT } from '../../functions/fetch/fetch-source.ts';
import { enabledSources } from '../../functions/sources/registry.ts';

const TIMEOUT_MS = 20_000;

/**
 * Decodes by the Content-Type charset, else the XML declaration or `<meta charset>` in the
 * first bytes (BoanNews declares EUC-KR only in its XML prolog), else UTF-8.
 */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const charset =
    /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /<\?xml[^>]*encoding=["']([\w-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ??
    'utf-8';
  return new TextDecoder(charset.toLowerCase()).decode(bytes);
}

// The one allowed skip: these tests hit the real sites, so they run only when asked to
// (BREACHWIRE_LIVE=1), never in CI, where the network is not ours to depend on.
describe.skipIf(process.env.BREACHWIRE_LIVE !== '1')('live sources', () => {
  it.each(enabledSources().map((source) => [source.id, source] as const))(
    '%s is reachable and still parses',
    async (_id, source) => {
      const response = await fetch(source.url, {
        headers: { 'User-Agent': USER_AGENT, ...source.headers },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      expect(response.status, `${source.url} answered ${response.status}`).toBeLessThan(400);
      const contentType = response.headers.get('content-type');
      const body = decode(new Uint8Array(await response.arrayBuffer()), contentType);
      const result = await source.parse(body, {
        source,
        url: response.url || source.url,
        page: 0,
        contentType,
      });
      expect(result.entries.length).toBeGreaterThanOrEqual(1);
    },
    TIMEOUT_MS + 10_000,
  );
});
