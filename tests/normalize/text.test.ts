import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../functions/normalize/language.ts';
import { cleanText, decodeEntities } from '../../functions/normalize/text.ts';

describe('cleanText', () => {
  it.each([
    ['<p>Coupang <b>breach</b></p>', 'Coupang breach'],
    ['AT&amp;T &quot;leak&quot; &#8211; 73M', 'AT&T "leak" – 73M'],
    ['&lt;p&gt;double &amp;amp; escaped&lt;/p&gt;', 'double & escaped'],
    ['<script>alert(1)</script>Title', 'Title'],
    ['&lt;script&gt;alert(1)&lt;/script&gt;Title', 'Title'],
    ['a\u202eevil\u200b\u200dtext', 'aeviltext'],
    ['  many\n\n  spaces\t here ', 'many spaces here'],
    ['<![CDATA[쿠팡 개인정보 유출]]>', '쿠팡 개인정보 유출'],
    [undefined, ''],
  ])('%j → %j', (raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
  });

  it('caps the length and marks the cut', () => {
    const text = cleanText('word '.repeat(10_000), 100);
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.endsWith('…')).toBe(true);
  });

  it('drops invalid code points instead of throwing', () => {
    expect(decodeEntities('a&#xD800;b&#99999999;c')).toBe('abc');
  });
});

describe('detectLanguage', () => {
  it.each([
    ['쿠팡, 3370만 명 개인정보 유출', 'en', 'ko'],
    ['個人情報保護委員会は指導を行った', 'en', 'ja'],
    ['Coupang says 33.7 million accounts exposed', 'en', 'en'],
    ['La CNIL sanctionne une société', 'fr', 'fr'],
    ['', 'de', 'de'],
  ])('%s → %s', (text, fallback, expected) => {
    expect(detectLanguage(text, fallback)).toBe(expected);
  });
});
