import type { SlackMessage } from '../../functions/notify/message.ts';
import { type LoopbackServer, startLoopbackServer } from '../helpers/http-server.ts';

/** One scripted answer: 200 ok, a status with Slack's error body and optional Retry-After, or no answer at all. */
export type SlackReply =
  | 'ok'
  | 'hang'
  | { status: number; body?: string; retryAfter?: string; delayMs?: number };

export interface StandInRequest {
  webhook: string;
  message: SlackMessage;
  reply: SlackReply;
}

/**
 * A Slack incoming-webhook stand-in on 127.0.0.1, built on the loopback test server. Each
 * webhook answers from its script in request order, then `ok` (or `fallback`). It records
 * every request with the answer it got, so tests can count what the channel may show: a
 * message answered 200, or one that was sent and never answered (Slack may have posted it).
 */
export interface SlackStandIn {
  /** The URL of a webhook; its path carries a secret-looking token that must never leak. */
  webhook(name: string): string;
  token(name: string): string;
  /** Queues answers for the next requests to a webhook. */
  script(name: string, ...replies: SlackReply[]): void;
  /** The answer once the script is used up (default `ok`). */
  fallback(name: string, reply: SlackReply): void;
  requests(name?: string): StandInRequest[];
  /** Messages the channel may show: answered 200, or sent and never answered. */
  shown(name?: string): SlackMessage[];
  server: LoopbackServer;
  close(): Promise<void>;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const server = await startLoopbackServer();
  const scripts = new Map<string, SlackReply[]>();
  const fallbacks = new Map<string, SlackReply>();
  const log: StandInRequest[] = [];
  const registered = new Set<string>();
  const token = (name: string) => `XXXXsecret${name.replace(/[^a-z0-9]/gi, '')}TOKEN`;
  const path = (name: string) => `/services/T0000/B0000/${token(name)}`;
  const register = (name: string) => {
    if (registered.has(name)) return;
    registered.add(name);
    server.route(path(name), async (_req, res) => {
      const request = server.requests.at(-1);
      const reply = scripts.get(name)?.shift() ?? fallbacks.get(name) ?? 'ok';
      let message: SlackMessage;
      try {
        message = JSON.parse(request?.body ?? '') as SlackMessage;
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      log.push({ webhook: name, message, reply });
      if (reply === 'hang') return new Promise<void>(() => {});
      if (reply === 'ok') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
      res.writeHead(reply.status, headers).end(reply.body ?? '');
    });
  };
  return {
    webhook: (name) => {
      register(name);
      return `${server.url}${path(name)}`;
    },
    token,
    script: (name, ...replies) => {
      register(name);
      scripts.set(name, [...(scripts.get(name) ?? []), ...replies]);
    },
    fallback: (name, reply) => {
      register(name);
      fallbacks.set(name, reply);
    },
    requests: (name) => log.filter((entry) => name === undefined || entry.webhook === name),
    shown: (name) =>
      log
        .filter((entry) => name === undefined || entry.webhook === name)
        .filter(
          (entry) =>
            entry.reply === 'ok' ||
            entry.reply === 'hang' ||
            (entry.reply.status >= 200 && entry.reply.status < 300),
        )
        .map((entry) => entry.message),
    server,
    close: () => server.close(),
  };
}
