import http from 'node:http';
import https from 'node:https';
import type { SlackMessage } from './message.ts';
import type { SecretValue } from './secret-value.ts';

/**
 * What one POST to an incoming webhook established. The classes differ in what the notifier
 * may do next, which is why they are not just "ok / error":
 * - `delivered`: 2xx. Slack posted it.
 * - `retry`: Slack said it did NOT post (429, 5xx, 408), or the request never fully left the
 *   machine (refused connection, DNS failure, timeout before the body was sent). Safe to repeat.
 * - `rejected`: Slack refused this message (400 invalid_blocks, 413…). Repeating cannot help.
 * - `broken`: Slack refused the webhook itself (404 no_service, 403 invalid_token, 410
 *   channel_is_archived): nothing more should go to it until someone repairs it.
 * - `unknown`: the whole request was sent and no answer came (timeout, reset). Slack may or may
 *   not have posted it; repeating could post twice.
 */
export type PostOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status: number | null; retryAfterMs: number | null; reason: string }
  | { kind: 'rejected'; status: number; reason: string }
  | { kind: 'broken'; status: number; reason: string }
  | { kind: 'unknown'; reason: string };

/** Posts a message to a webhook; injectable so drains can be tested against fakes as well as loopback servers. */
export type WebhookPoster = (
  webhook: SecretValue,
  message: SlackMessage,
  options: { timeoutMs: number },
) => Promise<PostOutcome>;

export const NOTIFIER_USER_AGENT = 'breachwire-notifier/0.1 (data-breach tracker; Slack incoming webhook)';

/** Slack's error bodies that mean the webhook (not the message) is unusable, with what to do. */
const BROKEN_CODES: Record<string, string> = {
  no_service: 'the webhook no longer exists (removed, or the Slack app was uninstalled); create a new one',
  invalid_token: 'the webhook token is invalid or revoked; create a new webhook',
  no_team: 'the Slack workspace no longer exists or is unreachable',
  team_disabled: 'the Slack workspace is disabled',
  channel_is_archived: 'the channel is archived; unarchive it or point the subscription at another channel',
  channel_not_found: 'the channel no longer exists',
  action_prohibited: 'a workspace admin has restricted posting through this webhook',
  posting_to_general_channel_denied: 'only admins may post to this channel',
  user_not_found: 'the direct-message recipient no longer exists',
};

/** Slack's error bodies that mean this message is unacceptable (the webhook is fine). */
const REJECTED_CODES = new Set([
  'invalid_payload',
  'invalid_blocks',
  'no_text',
  'too_many_attachments',
  'invalid_blocks_format',
]);

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d{1,6}$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** The status and Slack's short error code (`no_service`) as one readable reason. */
function classify(status: number, body: string, retryAfter: string | undefined): PostOutcome {
  const code = /^[a-z_]{2,64}$/.test(body.trim()) ? body.trim() : '';
  const said = code ? ` ${code}` : body.trim() ? ` ${body.trim().slice(0, 120).replace(/\s+/g, ' ')}` : '';
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const wait = retryAfterMs === null ? '' : ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)`;
    return { kind: 'retry', status, retryAfterMs, reason: `HTTP 429${said || ' rate limited'}${wait}` };
  }
  if (code && BROKEN_CODES[code])
    return { kind: 'broken', status, reason: `HTTP ${status} ${code}: ${BROKEN_CODES[code]}` };
  if (code && REJECTED_CODES.has(code))
    return { kind: 'rejected', status, reason: `HTTP ${status} ${code}: Slack refused the message` };
  if (status >= 500 || status === 408) {
    return {
      kind: 'retry',
      status,
      retryAfterMs: parseRetryAfter(retryAfter),
      reason: `HTTP ${status}${said}`,
    };
  }
  if ([401, 403, 404, 410].includes(status) || (status >= 300 && status < 400)) {
    return {
      kind: 'broken',
      status,
      reason: `HTTP ${status}${said}: the webhook refused the request; check or re-create it`,
    };
  }
  return { kind: 'rejected', status, reason: `HTTP ${status}${said}: Slack refused the message` };
}

const MAX_BODY = 4096;

/**
 * Posts a message to a Slack incoming webhook with one deadline over the whole exchange.
 * `node:http` rather than `fetch` because the outcome of a failure depends on whether the body
 * had been handed to the network (`finish`) — before it, a retry is safe; after it, it may not be.
 * Redirects are not followed. Error reasons never contain the URL.
 */
export const postWebhook: WebhookPoster = (webhook, message, options) =>
  new Promise<PostOutcome>((resolve) => {
    const url = new URL(webhook.reveal());
    const body = JSON.stringify(message);
    const client = url.protocol === 'https:' ? https : http;
    let sent = false;
    let settled = false;
    let status: number | null = null;
    let retryAfter: string | undefined;
    let received = '';
    const settle = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = client.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'user-agent': NOTIFIER_USER_AGENT,
      },
    });
    const timer = setTimeout(() => {
      const seconds = `${options.timeoutMs / 1000} s`;
      if (status !== null) settle(classify(status, received, retryAfter));
      else if (sent)
        settle({ kind: 'unknown', reason: `no answer within ${seconds} after the message was sent` });
      else
        settle({
          kind: 'retry',
          status: null,
          retryAfterMs: null,
          reason: `could not send within ${seconds}`,
        });
      request.destroy();
    }, options.timeoutMs);
    request.on('finish', () => {
      sent = true;
    });
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (received.length < MAX_BODY) received += chunk.slice(0, MAX_BODY - received.length);
      });
      response.on('end', () => settle(classify(status ?? 0, received, retryAfter)));
      response.on('error', () => settle(classify(status ?? 0, received, retryAfter)));
    });
    request.on('error', (error) => {
      const reason = webhook.redact(`${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`);
      if (status !== null) settle(classify(status, received, retryAfter));
      else if (sent)
        settle({ kind: 'unknown', reason: `connection lost after the message was sent (${reason})` });
      else
        settle({ kind: 'retry', status: null, retryAfterMs: null, reason: `could not connect (${reason})` });
    });
    request.end(body);
  });
