import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import zlib from 'node:zlib';
import { BreachwireError } from '../core/errors.ts';
import { isLoopbackHost, isPrivateAddress } from './address-guard.ts';
import { type Decoded, decodeBody } from './charset.ts';

/** The project's honest User-Agent: who we are and where to find us. */
export const USER_AGENT =
  'breachwire/0.1 (+https://github.com/breachwire/breachwire; breach-disclosure tracker)';

export interface FetchOptions {
  /** Whole-request deadline including the body (a slow drip cannot outlast it). */
  timeoutMs?: number;
  /** Cap on the decoded (decompressed) body. */
  maxBytes?: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
  /** Validators from the previous successful run, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
  /** Name resolution; tests inject one to make a name resolve to loopback. */
  lookup?: (hostname: string) => Promise<string[]>;
}

export interface FetchResult {
  status: number;
  /** The URL after redirects. */
  url: string;
  notModified: boolean;
  body: string;
  bytes: number;
  contentType: string | null;
  charset: Decoded['charset'] | null;
  etag: string | null;
  lastModified: string | null;
}

const DEFAULTS = { timeoutMs: 20_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5 };

function systemLookup(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses.map((entry) => entry.address));
    });
  });
}

/**
 * The one HTTP fetch every source uses: timeout over the whole exchange, a body size cap,
 * a redirect limit, refusal of redirects to private / link-local / loopback addresses
 * (checked on the address actually connected to, so DNS rebinding cannot slip through)
 * unless the configured URL is itself loopback, conditional GET, gzip / deflate / br, and
 * charset decoding. Every failure is a BreachwireError with a `source.*` code.
 */
export async function fetchSource(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const resolve = options.lookup ?? systemLookup;
  const first = parseUrl(url);
  const guardRedirects = !isLoopbackHost(first.hostname);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let current = first;
    for (let hop = 0; ; hop++) {
      const guarded = hop > 0 && guardRedirects;
      if (guarded) assertPublicLiteral(current);
      const conditional: Record<string, string> = {};
      if (hop === 0 && options.etag) conditional['If-None-Match'] = options.etag;
      if (hop === 0 && options.lastModified) conditional['If-Modified-Since'] = options.lastModified;
      const response = await request(current, {
        headers: {
          'User-Agent': USER_AGENT,
          Accept:
            'application/rss+xml, application/atom+xml, application/xml, text/xml, application/json, text/csv, text/html;q=0.9, */*;q=0.5',
          'Accept-Encoding': 'gzip, deflate, br',
          ...options.headers,
          ...conditional,
        },
        signal: controller.signal,
        lookup: guardedLookup(resolve, guarded),
      }).catch((error: unknown) => {
        throw toFetchError(error, current, controller.signal, timeoutMs);
      });
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && status !== 304) {
        response.resume();
        const location = response.headers.location;
        if (!location)
          throw new BreachwireError(
            'source.fetchFailed',
            `HTTP ${status} without a Location header from ${current.href}`,
          );
        if (hop >= maxRedirects) {
          throw new BreachwireError(
            'source.redirectLimit',
            `more than ${maxRedirects} redirects (last to ${location})`,
          );
        }
        current = parseUrl(new URL(location, current).href);
        continue;
      }
      const contentType = header(response, 'content-type');
      const etag = header(response, 'etag');
      const lastModified = header(response, 'last-modified');
      if (status === 304) {
        response.resume();
        return {
          status,
          url: current.href,
          notModified: true,
          body: '',
          bytes: 0,
          contentType,
          charset: null,
          etag: etag ?? options.etag ?? null,
          lastModified: lastModified ?? options.lastModified ?? null,
        };
      }
      if (status === 429) {
        response.resume();
        const retryAfter = header(response, 'retry-after');
        throw new BreachwireError(
          'source.rateLimited',
          `HTTP 429 Too Many Requests${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}`,
          { status },
        );
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new BreachwireError(
          'source.httpStatus',
          `HTTP ${status} ${response.statusMessage ?? ''}`.trim(),
          { status },
        );
      }
      const bytes = await readBody(response, maxBytes, controller.signal).catch((error: unknown) => {
        throw toFetchError(error, current, controller.signal, timeoutMs);
      });
      const decoded = decodeBody(bytes, contentType);
      return {
        status,
        url: current.href,
        notModified: false,
        body: decoded.text,
        bytes: bytes.length,
        contentType,
        charset: decoded.charset,
        etag,
        lastModified,
      };
    }
  } finally {
    clearTimeout(timer);
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BreachwireError('source.fetchFailed', `not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BreachwireError('source.blockedAddress', `refusing non-HTTP URL ${url.protocol}//${url.host}`);
  }
  return url;
}

function assertPublicLiteral(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host) || (isIP(host) && isPrivateAddress(host))) {
    throw new BreachwireError(
      'source.blockedAddress',
      `refusing redirect to private or loopback address ${url.host}`,
    );
  }
}

function guardedLookup(resolve: (hostname: string) => Promise<string[]>, guarded: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    resolve(hostname).then(
      (addresses) => {
        const allowed = guarded ? addresses.filter((address) => !isPrivateAddress(address)) : addresses;
        if (addresses.length === 0) {
          cb(Object.assign(new Error(`could not resolve ${hostname}`), { code: 'ENOTFOUND' }), '');
          return;
        }
        if (allowed.length === 0) {
          cb(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EBLOCKED' }), '');
          return;
        }
        if ((options as { all?: boolean }).all) {
          cb(
            null,
            allowed.map((address) => ({ address, family: isIP(address) })),
          );
        } else {
          const address = allowed[0] ?? '';
          cb(null, address, isIP(address));
        }
      },
      (error: NodeJS.ErrnoException) => cb(error, ''),
    );
  };
}

function request(
  url: URL,
  init: { headers: Record<string, string>; signal: AbortSignal; lookup: LookupFunction },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      { method: 'GET', headers: init.headers, signal: init.signal, lookup: init.lookup },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

function header(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new BreachwireError(
      'source.tooLarge',
      `body of ${declared} bytes exceeds the ${maxBytes}-byte cap`,
    );
  }
  const encoding = (header(response, 'content-encoding') ?? '').toLowerCase();
  let stream: NodeJS.ReadableStream = response;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = response.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = response.pipe(zlib.createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    total += chunk.length;
    if (total > maxBytes) {
      response.destroy();
      throw new BreachwireError('source.tooLarge', `body exceeds the ${maxBytes}-byte cap`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function toFetchError(error: unknown, url: URL, signal: AbortSignal, timeoutMs: number): BreachwireError {
  if (error instanceof BreachwireError) return error;
  if (signal.aborted)
    return new BreachwireError(
      'source.timeout',
      `no complete response from ${url.host} within ${timeoutMs} ms`,
      { cause: error },
    );
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EBLOCKED') return new BreachwireError('source.blockedAddress', message, { cause: error });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new BreachwireError('source.fetchFailed', `DNS lookup failed for ${url.hostname}`, {
      cause: error,
    });
  if (code === 'ECONNREFUSED')
    return new BreachwireError('source.fetchFailed', `connection refused by ${url.host}`, { cause: error });
  if (code === 'ECONNRESET')
    return new BreachwireError('source.fetchFailed', `connection reset by ${url.host}`, { cause: error });
  if (code?.startsWith('Z_') || code === 'ERR__ERROR')
    return new BreachwireError('source.fetchFailed', `corrupt compressed body from ${url.host}`, {
      cause: error,
    });
  return new BreachwireError('source.fetchFailed', `${url.host}: ${message}`, { cause: error });
}
