import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  url: string;
  port: number;
  /** Replaces the handler of a path (exact match on pathname). */
  route(path: string, handler: Handler): void;
  /** Every request seen, in order. */
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with per-path handlers; tests only ever talk to loopback. */
export async function startLoopbackServer(routes: Record<string, Handler> = {}): Promise<LoopbackServer> {
  const table = new Map(Object.entries(routes));
  const requests: LoopbackServer['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    const handler = table.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      await handler(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    route: (path, handler) => table.set(path, handler),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler serving a fixed body with a content type and optional validators. */
export function serveBody(
  body: string | Buffer,
  contentType: string,
  options: { etag?: string; lastModified?: string } = {},
): Handler {
  return (req, res) => {
    if (options.etag && req.headers['if-none-match'] === options.etag) {
      res.writeHead(304, { etag: options.etag }).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': contentType };
    if (options.etag) headers['etag'] = options.etag;
    if (options.lastModified) headers['last-modified'] = options.lastModified;
    res.writeHead(200, headers).end(body);
  };
}
