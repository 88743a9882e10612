import { formatCount } from '../events/cluster.ts';
import type { Event, OutboxEntry } from '../events/types.ts';

/** Slack's documented Block Kit limits this module stays within. */
export const SLACK_LIMITS = {
  /** `header` block: plain_text, 150 characters. */
  headerText: 150,
  /** `section` block `text`: 3,000 characters. */
  sectionText: 3000,
  /** Each `section` field: 2,000 characters; at most 10 fields. */
  fieldText: 2000,
  fields: 10,
  /** `context` element text (kept conservative). */
  contextText: 2000,
  /** Blocks per message. */
  blocks: 50,
  /** The fallback `text` shown in notifications and by clients without Block Kit. */
  fallbackText: 3000,
  /** Source links shown per message. */
  sources: 3,
} as const;

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] };

/** The JSON body posted to an incoming webhook. */
export interface SlackMessage {
  /** Fallback for notifications, screen readers and clients that cannot show blocks. */
  text: string;
  blocks: Block[];
  /** Scraped source links must not make Slack fetch and preview arbitrary pages. */
  unfurl_links: false;
  unfurl_media: false;
}

export interface MessageOptions {
  /** Where the API and web page are published, e.g. `https://breachwire.example.org`. */
  publicBaseUrl: string;
}

const ZERO_WIDTH_SPACE = '\u200B';
const ELLIPSIS = '…';
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Makes scraped text inert in Slack: `&`, `<`, `>` become entities (Slack's control characters,
 * so `<!channel>` or `<https://evil|click>` in a title show as typed instead of pinging a channel
 * or hiding a link), a zero-width space goes after the `@` of `@channel`/`@here`/`@everyone`
 * (Slack turns those bare words into mentions in some contexts), and control characters
 * other than newline become spaces.
 */
export function escapeSlackText(raw: string): string {
  return (
    raw
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
      .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u2028\u2029]/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/@(channel|here|everyone)\b/gi, `@${ZERO_WIDTH_SPACE}$1`)
  );
}

/** One line of scraped text: whitespace runs (newlines included) collapsed, then escaped. */
function escapeLine(raw: string): string {
  return escapeSlackText(raw.replace(/\s+/g, ' ').trim());
}

/**
 * Shortens already-escaped text to at most `max` UTF-16 units, ending with "…" when cut. Cuts
 * only between grapheme clusters (an emoji, a Hangul syllable or a flag is never split) and
 * never inside an entity such as `&amp;`.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const budget = max - ELLIPSIS.length;
  let kept = '';
  for (const { segment } of segmenter.segment(text)) {
    if (kept.length + segment.length > budget) break;
    kept += segment;
  }
  // Escaped text has no bare "&": a trailing "&", "&am", "&lt"… is an entity cut in half.
  kept = kept.replace(/&[a-z]{0,3}$/, '');
  return `${kept}${ELLIPSIS}`;
}

const KIND_LABEL: Record<Event['kind'], string> = {
  breach: 'breach',
  penalty: 'penalty',
  policy: 'policy action',
  other: 'item',
};

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "33.7 million (33,700,000) accounts": words for reading, digits for checking. */
export function describeAffected(affected: NonNullable<Event['affected']>): string {
  const digits = affected.count.toLocaleString('en-US');
  const words = formatCount(affected.count);
  const amount = words === digits ? digits : `${words} (${digits})`;
  return `${amount} ${affected.unit}${affected.approximate ? ' (approximate)' : ''}`;
}

function describePenalty(penalty: NonNullable<Event['penalty']>): string {
  const digits = penalty.amount.toLocaleString('en-US', { maximumFractionDigits: 2 });
  const words = penalty.amount >= 1_000_000 ? ` (${formatCount(penalty.amount)})` : '';
  const parts = [`${penalty.currency} ${digits}${words}`];
  if (penalty.authority) parts.push(penalty.authority);
  if (penalty.status) parts.push(penalty.status);
  return parts.join(' · ');
}

const regionNames = new Intl.DisplayNames('en', { type: 'region' });

function describeCountry(code: string): string {
  let name: string | undefined;
  try {
    name = regionNames.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

/** The API record and the web page of an event. */
export function eventLinks(publicBaseUrl: string, eventId: string): { api: string; web: string } {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(eventId);
  // The same paths the API serves (docs/API.md): the JSON record and the journalists' page.
  return { api: `${base}/v1/events/${id}`, web: `${base}/events/${id}` };
}

/**
 * A URL made safe inside Slack's `<url|label>` syntax, or null when it is not http(s) or too
 * long to show. `|` and `>` would end the link early and `&` must be an entity.
 */
export function slackLinkUrl(raw: string, maxLength = 900): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const href = url.href
    .replace(/\|/g, '%7C')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E')
    .replace(/\s/g, '%20')
    .replace(/&/g, '&amp;');
  return href.length <= maxLength ? href : null;
}

function link(url: string, label: string): string {
  return `<${url}|${escapeLine(label)}>`;
}

function field(label: string, valueEscaped: string): TextObject {
  const prefix = `*${label}*\n`;
  return {
    type: 'mrkdwn',
    text: `${prefix}${truncateText(valueEscaped, SLACK_LIMITS.fieldText - prefix.length)}`,
  };
}

function section(prefix: string, bodyEscaped: string): Block {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${prefix}${truncateText(bodyEscaped, SLACK_LIMITS.sectionText - prefix.length)}`,
    },
  };
}

/**
 * The Block Kit message for one outbox entry: a header with the kind and organisation, what
 * changed (follow-ups), the title, the facts (affected count in words and digits, penalty,
 * country, first seen, data types), up to three source links and links to the event in the API
 * and on the web page. Every scraped string is escaped and every text within Slack's limits.
 */
export function buildMessage(event: Event, entry: OutboxEntry, options: MessageOptions): SlackMessage {
  const kind = KIND_LABEL[event.kind];
  const subject = event.organization?.name ?? event.title;
  const headline =
    entry.change === 'created' ? `New ${kind}: ${subject}` : `${capitalised(kind)} update: ${subject}`;
  const blocks: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateText(escapeLine(headline), SLACK_LIMITS.headerText) },
    },
  ];
  if (entry.change !== 'created') blocks.push(section('*What changed:* ', escapeLine(entry.summary)));
  blocks.push(section('', escapeLine(event.title)));

  const fields: TextObject[] = [
    field('Affected', event.affected ? escapeLine(describeAffected(event.affected)) : 'unknown'),
  ];
  if (event.penalty) fields.push(field('Penalty', escapeLine(describePenalty(event.penalty))));
  if (event.country) fields.push(field('Country', escapeLine(describeCountry(event.country))));
  fields.push(field('First seen', escapeLine(event.firstSeenAt.slice(0, 10))));
  if (event.dates.disclosed && event.dates.disclosed.slice(0, 10) !== event.firstSeenAt.slice(0, 10))
    fields.push(field('Disclosed', escapeLine(event.dates.disclosed.slice(0, 10))));
  if (event.dataTypes.length > 0)
    fields.push(
      field('Data types', escapeLine(event.dataTypes.map((type) => type.replace(/_/g, ' ')).join(', '))),
    );
  blocks.push({ type: 'section', fields: fields.slice(0, SLACK_LIMITS.fields) });

  const sources = event.urls
    .map((raw) => ({ raw, url: slackLinkUrl(raw) }))
    .filter((candidate): candidate is { raw: string; url: string } => candidate.url !== null)
    .slice(0, SLACK_LIMITS.sources)
    .map(({ raw, url }) => link(url, new URL(raw).hostname));
  if (sources.length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Sources:* ${sources.join(' · ')}` } });

  const links = eventLinks(options.publicBaseUrl, event.id);
  const api = slackLinkUrl(links.api);
  const web = slackLinkUrl(links.web);
  const more = [web ? link(web, 'Event page') : null, api ? link(api, 'API record') : null].filter(Boolean);
  const outlets = event.sources.length;
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncateText(
          [...more, `${outlets} outlet${outlets === 1 ? '' : 's'}`, `event ${escapeLine(event.id)}`].join(
            ' · ',
          ),
          SLACK_LIMITS.contextText,
        ),
      },
    ],
  });

  const gist =
    entry.change === 'created'
      ? event.affected
        ? `${describeAffected(event.affected)} affected`
        : event.penalty
          ? describePenalty(event.penalty)
          : event.title
      : entry.summary;
  const fallback = `${headline} — ${gist}${event.country ? ` (${event.country})` : ''}`;
  return {
    text: truncateText(escapeLine(fallback), SLACK_LIMITS.fallbackText),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
    unfurl_links: false,
    unfurl_media: false,
  };
}

function plainText(text: string): string {
  return text
    .replace(/<([^|>]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\*([^*\n]+)\*/g, '$1');
}

/** A short plain-text rendering of a message for the terminal (dry runs, the local runner). */
export function renderText(message: SlackMessage): string {
  const lines: string[] = [];
  for (const block of message.blocks) {
    if (block.type === 'header') lines.push(`▌ ${plainText(block.text.text)}`);
    else if (block.type === 'section') {
      if (block.text) lines.push(`  ${plainText(block.text.text)}`);
      if (block.fields)
        lines.push(`  ${block.fields.map((item) => plainText(item.text).replace('\n', ': ')).join(' | ')}`);
    } else lines.push(`  ${block.elements.map((element) => plainText(element.text)).join(' ')}`);
  }
  return lines.join('\n');
}
