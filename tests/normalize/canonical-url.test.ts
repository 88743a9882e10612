import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../functions/normalize/canonical-url.ts';
import { documentId } from '../../functions/normalize/document.ts';

describe('canonicalUrl', () => {
  it.each([
    ['https://WWW.Example.COM/a/b?utm_source=rss&id=7#top', undefined, 'https://www.example.com/a/b?id=7'],
    ['https://example.com/x?fbclid=abc&gclid=def', undefined, 'https://example.com/x'],
    ['https://example.com:443/x', undefined, 'https://example.com/x'],
    ['http://example.com:80/x', undefined, 'http://example.com/x'],
    [
      '/en/opc-actions-and-decisions/investigations/2026/pipeda-2026-001/',
      'https://www.priv.gc.ca/en/rss/pipeda/',
      'https://www.priv.gc.ca/en/opc-actions-and-decisions/investigations/2026/pipeda-2026-001/',
    ],
    [
      'selectBoardArticle.do?bbsId=BS074&nttId=1234',
      'https://www.pipc.go.kr/np/cop/bbs/selectBoardList.do',
      'https://www.pipc.go.kr/np/cop/bbs/selectBoardArticle.do?bbsId=BS074&nttId=1234',
    ],
    ['https://example.com/a?b=2&a=1&UTM_Medium=x', undefined, 'https://example.com/a?b=2&a=1'],
    ['https://user:pw@example.com/', undefined, 'https://example.com/'],
  ])('%s → %s', (raw, base, expected) => {
    expect(canonicalUrl(raw, base)).toBe(expected);
  });

  it.each(['javascript:alert(1)', 'mailto:a@b.c', 'not a url', '', 'ftp://example.com/x'])(
    'rejects %j',
    (raw) => {
      expect(canonicalUrl(raw)).toBeNull();
    },
  );
});

describe('documentId', () => {
  it('is stable for the same guid and ignores the URL when a guid exists', () => {
    const a = documentId('src', 'guid-1', 'https://example.com/a');
    const b = documentId('src', 'guid-1', 'https://example.com/b');
    expect(a).toBe(b);
    expect(a).toMatch(/^d[\w-]{22}$/);
  });

  it('falls back to the canonical URL and is namespaced by source', () => {
    const a = documentId('src-a', null, 'https://example.com/a');
    expect(a).toBe(documentId('src-a', null, 'https://example.com/a'));
    expect(a).not.toBe(documentId('src-b', null, 'https://example.com/a'));
  });

  it('is null without a guid or URL', () => {
    expect(documentId('src', null, null)).toBeNull();
  });
});
