import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Block,
  buildMessage,
  escapeSlackText,
  renderText,
  SLACK_LIMITS,
  type SlackMessage,
  truncateText,
} from '../../functions/notify/message.ts';
import { entryFor, eventWith } from './factories.ts';

const BASE = 'https://breachwire.example.org';

/** Every text of a message, with where it sits and its limit. */
function texts(message: SlackMessage): { where: string; text: string; limit: number }[] {
  const all: { where: string; text: string; limit: number }[] = [
    { where: 'text', text: message.text, limit: SLACK_LIMITS.fallbackText },
  ];
  message.blocks.forEach((block: Block, index) => {
    if (block.type === 'header')
      all.push({ where: `${index}.header`, text: block.text.text, limit: SLACK_LIMITS.headerText });
    if (block.type === 'section') {
      if (block.text)
        all.push({ where: `${index}.section`, text: block.text.text, limit: SLACK_LIMITS.sectionText });
      for (const field of block.fields ?? [])
        all.push({ where: `${index}.field`, text: field.text, limit: SLACK_LIMITS.fieldText });
    }
    if (block.type === 'context')
      for (const element of block.elements)
        all.push({ where: `${index}.context`, text: element.text, limit: SLACK_LIMITS.contextText });
  });
  return all;
}

/** The message properties that must hold whatever a scraped title, organisation or summary contains. */
function expectSafe(message: SlackMessage, allowedLinkPrefixes: string[]) {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeGreaterThan(0);
  for (const block of message.blocks)
    if (block.type === 'section' && block.fields)
      expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
  for (const { where, text, limit } of texts(message)) {
    expect(text.length, where).toBeLessThanOrEqual(limit);
    // No broadcast mention, in Slack syntax or as a bare word.
    expect(text, where).not.toMatch(/<!/);
    expect(text, where).not.toMatch(/@(channel|here|everyone)\b/i);
    // No lone surrogate (a cut emoji) and no entity cut in half.
    expect(text, where).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(text, where).not.toMatch(/&(?!amp;|lt;|gt;)/);
    // Every remaining "<…>" is one of our links, to an allowed place.
    for (const token of text.match(/<[^>]*>/g) ?? []) {
      expect(token, where).toMatch(/^<https?:\/\/[^|<>\s]+\|[^<>|]*>$/);
      expect(
        allowedLinkPrefixes.some((prefix) => token.startsWith(`<${prefix}`)),
        `${where}: ${token}`,
      ).toBe(true);
    }
    // Any "<" or ">" outside those links was escaped.
    expect(text.replace(/<https?:\/\/[^|<>\s]+\|[^<>|]*>/g, ''), where).not.toMatch(/[<>]/);
  }
}

describe('buildMessage', () => {
  it('renders a simple new breach as this exact Block Kit message', () => {
    const event = eventWith();
    expect(buildMessage(event, entryFor(event), { publicBaseUrl: BASE })).toEqual({
      text: 'New breach: Acme Corp — 2 million (2,000,000) people affected (US)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'New breach: Acme Corp' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Acme Corp says 2 million customer records exposed' },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Affected*\n2 million (2,000,000) people' },
            { type: 'mrkdwn', text: '*Country*\nUnited States (US)' },
            { type: 'mrkdwn', text: '*First seen*\n2025-11-30' },
            { type: 'mrkdwn', text: '*Data types*\nemail, phone' },
          ],
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Sources:* <https://news.example.org/acme|news.example.org>' },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: '<https://breachwire.example.org/events/eAcme0001|Event page> · <https://breachwire.example.org/v1/events/eAcme0001|API record> · 1 outlet · event eAcme0001',
            },
          ],
        },
      ],
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('says what changed in a follow-up, and shows the count in words and digits, and the penalty with its currency', () => {
    const event = eventWith({
      organization: { name: 'Coupang', key: 'coupang', aliases: ['Coupang', '쿠팡'] },
      country: 'KR',
      affected: { count: 33_700_000, unit: 'accounts', approximate: false },
      penalty: { amount: 134.8e9, currency: 'KRW', authority: 'PIPC', status: 'final', documentId: 'd' },
    });
    const entry = entryFor(event, {
      id: `${event.id}.count-revised.r2`,
      change: 'count-revised',
      summary: 'count revised: 4,500 → 33.7 million accounts',
    });
    const message = buildMessage(event, entry, { publicBaseUrl: BASE });
    const all = JSON.stringify(message);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Breach update: Coupang' },
    });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*What changed:* count revised: 4,500 → 33.7 million accounts' },
    });
    expect(all).toContain('33.7 million (33,700,000) accounts');
    expect(all).toContain('KRW 134,800,000,000 (134.8 billion) · PIPC · final');
    expect(all).toContain('South Korea (KR)');
    expect(message.text).toBe('Breach update: Coupang — count revised: 4,500 → 33.7 million accounts (KR)');
  });

  it('never shows an unknown count as 0, and links at most three http(s) sources', () => {
    const event = eventWith({
      affected: null,
      urls: [
        'javascript:alert(1)',
        'ftp://files.example.org/x',
        'https://a.example.org/1',
        'https://b.example.org/2?x=1&y=<2>|3',
        'http://c.example.org/3',
        'https://d.example.org/4',
      ],
    });
    const message = buildMessage(event, entryFor(event), { publicBaseUrl: BASE });
    expect(JSON.stringify(message)).toContain('*Affected*\\nunknown');
    const sources = message.blocks.find(
      (block) => block.type === 'section' && block.text?.text.startsWith('*Sources:*'),
    ) as Extract<Block, { type: 'section' }>;
    expect(sources.text?.text).toBe(
      '*Sources:* <https://a.example.org/1|a.example.org> · <https://b.example.org/2?x=1&amp;y=%3C2%3E%7C3|b.example.org> · <http://c.example.org/3|c.example.org>',
    );
    expectSafe(message, [BASE, 'https://a.example.org', 'https://b.example.org', 'http://c.example.org']);
  });

  const adversarial: [string, Partial<Parameters<typeof eventWith>[0]>, string][] = [
    [
      'a title pinging the channel',
      { title: 'Breach <!channel> <!here|here> <!everyone> <@U123> <!subteam^S1>' },
      '',
    ],
    ['a title injecting a link', { title: 'Read <https://evil.example|click here> now' }, ''],
    [
      'bare broadcast words',
      {
        title: '@here @channel @Everyone: Acme hacked',
        organization: { name: '@here Corp', key: 'here', aliases: [] },
      },
      '',
    ],
    [
      'markup and entities',
      { title: 'AT&T & T-Mobile: *bold* _it_ ~x~ `code` ```block``` > quote &amp; &lt;' },
      '',
    ],
    [
      'emoji and Korean',
      {
        title: '🚨🔓 쿠팡 개인정보 유출 3370만명 👩‍👩‍👧‍👦🇰🇷',
        organization: { name: '쿠팡', key: 'coupang', aliases: [] },
      },
      '',
    ],
    ['a 10,000-character title', { title: `${'Huge leak '.repeat(1000)}` }, ''],
    ['a 10,000-character summary', {}, `count revised: ${'<!channel> '.repeat(900)}`],
    [
      'a 10,000-character organisation of emoji',
      { organization: { name: '👩‍👩‍👧‍👦'.repeat(900), key: 'x', aliases: [] } },
      '',
    ],
    ['control characters', { title: 'Line\u0000one\nline\u2028two\u0007' }, ''],
  ];

  it.each(adversarial)('keeps %s inert and within Slack limits', (_name, overrides, summary) => {
    const event = eventWith(overrides);
    const entry = summary
      ? entryFor(event, { id: 'x.count-revised.r2', change: 'count-revised', summary })
      : entryFor(event);
    const message = buildMessage(event, entry, { publicBaseUrl: BASE });
    expectSafe(message, [BASE, 'https://news.example.org']);
    expect(renderText(message).length).toBeGreaterThan(0);
  });

  it('marks truncation with "…" and keeps short Korean and emoji intact', () => {
    const long = buildMessage(eventWith({ title: 'x'.repeat(10_000) }), entryFor(eventWith()), {
      publicBaseUrl: BASE,
    });
    const title = long.blocks[1] as Extract<Block, { type: 'section' }>;
    expect(title.text?.text).toHaveLength(SLACK_LIMITS.sectionText);
    expect(title.text?.text.endsWith('…')).toBe(true);
    const longHeader = buildMessage(
      eventWith({ organization: { name: `Acme ${'<'.repeat(400)}`, key: 'a', aliases: [] } }),
      entryFor(eventWith()),
      { publicBaseUrl: BASE },
    );
    const header = longHeader.blocks[0] as Extract<Block, { type: 'header' }>;
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    expect(header.text.text).toMatch(/(&lt;)+…$/);

    const korean = buildMessage(
      eventWith({ title: '🚨 쿠팡 개인정보 유출 3370만명' }),
      entryFor(eventWith()),
      { publicBaseUrl: BASE },
    );
    expect((korean.blocks[1] as Extract<Block, { type: 'section' }>).text?.text).toBe(
      '🚨 쿠팡 개인정보 유출 3370만명',
    );
  });

  it('holds its properties for arbitrary scraped text (property test)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 400 }),
      fc.string({
        unit: fc.constantFrom('<', '>', '&', '!', '@', 'here', 'channel', '|', '*', '🇰🇷', '쿠', ' ', 'a'),
        maxLength: 3000,
      }),
    );
    fc.assert(
      fc.property(text, text, text, (title, organization, summary) => {
        const event = eventWith({
          title,
          organization: organization ? { name: organization, key: 'k', aliases: [] } : null,
        });
        const message = buildMessage(event, entryFor(event, { change: 'count-revised', summary }), {
          publicBaseUrl: BASE,
        });
        expectSafe(message, [BASE, 'https://news.example.org']);
      }),
      { numRuns: 200 },
    );
  });
});

describe('escapeSlackText and truncateText', () => {
  it('escapes the three control characters and neutralises broadcast words', () => {
    expect(escapeSlackText('<!channel> & <https://evil|x> @here')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil|x&gt; @\u200Bhere',
    );
  });

  it('never cuts an entity or a grapheme in half', () => {
    expect(truncateText('ab&amp;cd', 6)).toBe('ab…');
    expect(truncateText('🇰🇷🇰🇷🇰🇷', 5)).toBe('🇰🇷…');
    expect(truncateText('short', 5)).toBe('short');
  });
});
