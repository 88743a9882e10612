import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource, USER_AGENT } from '../../functions/fetch/fetch-source.ts';
import { type LoopbackServer, serveBody, startLoopbackServer } from '../helpers/http-server.ts';

let server: LoopbackServer;
let closedPort: number;

beforeAll(async () => {
  server = await startLoopbackServer({
    '/feed.xml': serveBody('<rss><channel></channel></rss>', 'application/rss+xml; charset=utf-8', {
      etag: '"v1"',
      lastModified: 'Wed, 26 Nov 2026 10:00:00 GMT',
    }),
    '/gzip': (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' })
        .end(gzipSync('<t>compressed</t>'));
    },
    '/big': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(Buffer.alloc(2 * 1024 * 1024, 'a'));
    },
    '/big-declared': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(60 * 1024 * 1024) });
      res.end();
    },
    '/hang': () => {
      // Never answers.
    },
    '/drip': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const timer = setInterval(() => res.write('<'), 50);
      res.on('close', () => clearInterval(timer));
    },
    '/500': (_req, res) => void res.writeHead(500).end('boom'),
    '/429': (_req, res) => void res.writeHead(429, { 'retry-after': '120' }).end(),
    '/loop': (_req, res) => void res.writeHead(302, { location: '/loop' }).end(),
    '/hop': (_req, res) => void res.writeHead(301, { location: '/feed.xml' }).end(),
    '/to-metadata': (_req, res) =>
      void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-private': (_req, res) => void res.writeHead(302, { location: 'http://10.1.2.3/admin' }).end(),
    '/to-loopback': (_req, res) =>
      void res.writeHead(302, { location: `http://127.0.0.1:${server.port}/feed.xml` }).end(),
    '/to-name': (_req, res) =>
      void res.writeHead(302, { location: `http://internal.example.test:${server.port}/feed.xml` }).end(),
  });
  const spare = await startLoopbackServer();
  closedPort = spare.port;
  await spare.close();
});

afterAll(() => server.close());

/** Resolves every name to loopback, so a "public-looking" source can be served by the test server. */
const lookupToLoopback = async () => ['127.0.0.1'];

describe('fetchSource', () => {
  it('fetches, decodes and returns validators, sending the honest User-Agent', async () => {
    const result = await fetchSource(`${server.url}/feed.xml`);
    expect(result).toMatchObject({ status: 200, notModified: false, etag: '"v1"', charset: 'utf-8' });
    expect(result.body).toContain('<rss>');
    const request = server.requests.at(-1);
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/breachwire/);
  });

  it('makes a conditional GET and reports 304 as not modified', async () => {
    const result = await fetchSource(`${server.url}/feed.xml`, {
      etag: '"v1"',
      lastModified: 'Wed, 26 Nov 2026 10:00:00 GMT',
    });
    expect(result.notModified).toBe(true);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');
    expect(server.requests.at(-1)?.headers['if-modified-since']).toBe('Wed, 26 Nov 2026 10:00:00 GMT');
  });

  it('decompresses gzip', async () => {
    expect((await fetchSource(`${server.url}/gzip`)).body).toBe('<t>compressed</t>');
  });

  it('follows a redirect on loopback when the configured URL is loopback', async () => {
    const result = await fetchSource(`${server.url}/hop`);
    expect(result.url).toBe(`${server.url}/feed.xml`);
  });

  it.each([
    ['/big', 1024 * 1024, /exceeds the 1048576-byte cap/],
    ['/big-declared', 50 * 1024 * 1024, /62914560 bytes exceeds/],
  ])('refuses a body over the cap (%s)', async (path, maxBytes, message) => {
    await expect(fetchSource(`${server.url}${path}`, { maxBytes })).rejects.toMatchObject({
      code: 'source.tooLarge',
      message: expect.stringMatching(message),
    });
  });

  it('times out on a server that never answers', async () => {
    await expect(fetchSource(`${server.url}/hang`, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'source.timeout',
    });
  });

  it('times out on a slow drip that keeps sending bytes past the deadline', async () => {
    await expect(fetchSource(`${server.url}/drip`, { timeoutMs: 400 })).rejects.toMatchObject({
      code: 'source.timeout',
    });
  });

  it.each([
    ['/500', 'source.httpStatus', /HTTP 500/],
    ['/429', 'source.rateLimited', /Retry-After: 120/],
    ['/loop', 'source.redirectLimit', /more than 5 redirects/],
  ])('%s fails with %s', async (path, code, message) => {
    await expect(fetchSource(`${server.url}${path}`)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
  });

  it('reports connection refused and DNS failure readably', async () => {
    await expect(fetchSource(`http://127.0.0.1:${closedPort}/x`)).rejects.toMatchObject({
      code: 'source.fetchFailed',
      message: expect.stringMatching(/connection refused/),
    });
    await expect(
      fetchSource('http://no-such-host.invalid/feed', {
        lookup: () =>
          Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
      }),
    ).rejects.toMatchObject({
      code: 'source.fetchFailed',
      message: expect.stringMatching(/DNS lookup failed/),
    });
  });

  describe('a public-looking source (name resolved to the test server)', () => {
    const publicUrl = (path: string) => `http://news.example.test:${server.port}${path}`;

    it('is fetched normally', async () => {
      const result = await fetchSource(publicUrl('/feed.xml'), { lookup: lookupToLoopback });
      expect(result.status).toBe(200);
    });

    it.each(['/to-metadata', '/to-private', '/to-loopback'])(
      'may not redirect to a private address literal (%s)',
      async (path) => {
        const before = server.requests.length;
        await expect(fetchSource(publicUrl(path), { lookup: lookupToLoopback })).rejects.toMatchObject({
          code: 'source.blockedAddress',
        });
        // Only the first hop reached the server: the refused target was never contacted.
        expect(server.requests.length).toBe(before + 1);
      },
    );

    it('may not redirect to a name that resolves to a private address', async () => {
      await expect(fetchSource(publicUrl('/to-name'), { lookup: lookupToLoopback })).rejects.toMatchObject({
        code: 'source.blockedAddress',
        message: expect.stringMatching(/resolves to a private address/),
      });
    });
  });

  it('refuses non-http URLs', async () => {
    await expect(fetchSource('file:///etc/passwd')).rejects.toMatchObject({ code: 'source.blockedAddress' });
  });
});
