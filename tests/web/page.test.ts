import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import type { Store } from '../../functions/store/client.ts';

// The page routes never touch the store; a store that throws proves it.
const app = createApp({
  store: {
    get doc(): never {
      throw new Error('the page must not read the store');
    },
    tableName: 'unused',
  } as unknown as Store,
  sources: [],
});

describe('web page assets', () => {
  it.each([
    ['/', 'text/html'],
    ['/events/eSomeEvent', 'text/html'],
    ['/app.js', 'text/javascript'],
    ['/app.css', 'text/css'],
  ])('%s is served as %s with a strict Content-Security-Policy', async (url, type) => {
    const response = await app.request(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('has no inline script, only the same-origin /app.js', async () => {
    const html = await (await app.request('/')).text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('src="/app.js"');
    expect(scripts[0]![2]).toBe('');
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).toContain('name="viewport"');
  });

  it('builds the page with DOM calls, never innerHTML', async () => {
    const script = await (await app.request('/app.js')).text();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(script).toContain('textContent');
    // The script parses as JavaScript (it is a string in the server code, so check it here).
    expect(() => new Function(script)).not.toThrow();
  });
});
