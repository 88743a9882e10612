import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { sources } from '../../functions/sources/registry.ts';
import type { EmbeddedStore } from '../../functions/store/embedded.ts';
import { type Seeded, seedEvents } from '../api/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startTestStore } from '../helpers/store.ts';

const OUTPUT = path.resolve('test-output');

let embedded: EmbeddedStore;
let seeded: Seeded;
let server: Server;
let base: string;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  embedded = await startTestStore();
  seeded = await seedEvents(embedded.store, 40);
  const app = createApp({ store: embedded.store, sources, now: () => new Date('2026-01-15T00:00:00.000Z') });
  server = await new Promise<Server>((resolve) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(instance as Server),
    ) as Server;
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(OUTPUT, { recursive: true });
  ({ browser, close: closeBrowser } = await launchBrowser('breachwire-chromium'));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  await embedded?.close();
});

/** A page that records every dialog, page error and CSP violation, so the test can assert none ran. */
async function watchedPage(width: number): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, dialogs, errors };
}

describe('the web page in a real browser', () => {
  it('lists events, filters through the URL, opens an event, and runs no script from data', async () => {
    const { page, dialogs, errors } = await watchedPage(390);
    await page.goto(`${base}/`);
    await page.waitForSelector('#rows tr');
    expect(await page.locator('#rows tr').count()).toBeGreaterThan(10);
    // The hostile title is shown as text, not run.
    await expect.poll(() => page.getByText('Hostile Corp leak').count()).toBeGreaterThan(0);
    expect(await page.locator('#rows img').count()).toBe(0);
    expect(await page.locator('#rows script').count()).toBe(0);
    await page.waitForSelector('#chart svg rect');

    // Apply a filter: country KR, with a Korean organisation search in the text field.
    await page.fill('input[name="country"]', 'KR');
    await page.click('button[type="submit"]');
    await page.waitForURL(/country=KR/);
    await page.waitForSelector('#rows tr');
    const countries = await page.locator('#rows td[data-label="Country"]').allTextContents();
    expect(countries.length).toBeGreaterThan(0);
    expect(new Set(countries)).toEqual(new Set(['KR']));
    expect(await page.inputValue('input[name="country"]')).toBe('KR');
    expect(await page.getAttribute('#csv-link', 'href')).toBe('/v1/events.csv?country=KR&download=1');
    expect(await page.getAttribute('#atom-link', 'href')).toBe('/v1/events.atom?country=KR');
    await expect.poll(() => page.getByText(seeded.coupang.penalty.title).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT, 'web-list-phone.png'), fullPage: true });

    // Open the hostile event: its javascript: URL must not become a link.
    await page
      .getByRole('link', { name: /Hostile Corp leak/ })
      .first()
      .click();
    await page.waitForSelector('#documents li');
    expect(page.url()).toBe(`${base}/events/${seeded.hostile.id}`);
    expect(await page.locator('#event-title').textContent()).toContain('<script>window.__pwned=1</script>');
    const hrefs = await page
      .locator('a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(hrefs.filter((href) => href && !/^(https?:|\/)/.test(href))).toEqual([]);

    // The Coupang event: sources, history, the linked penalty.
    await page.goto(`${base}/events/${seeded.coupang.breach.id}`);
    await page.waitForSelector('#related li');
    expect(await page.isVisible('#filters')).toBe(false);
    expect(await page.locator('#documents li').count()).toBe(2);
    expect(await page.locator('table.history tbody tr').count()).toBe(2);
    expect(await page.locator('#related li').textContent()).toContain('과징금');
    await page.screenshot({ path: path.join(OUTPUT, 'web-event-phone.png'), fullPage: true });

    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders on a desktop width with Korean text and a chart', async () => {
    const { page, dialogs } = await watchedPage(1280);
    await page.goto(`${base}/?sort=affected`);
    await page.waitForSelector('#rows tr');
    await page.waitForSelector('#chart svg rect');
    expect(await page.inputValue('select[name="sort"]')).toBe('affected');
    await page.screenshot({ path: path.join(OUTPUT, 'web-list-desktop.png'), fullPage: false });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('shows an API error for a bad filter instead of failing silently', async () => {
    const { page } = await watchedPage(800);
    await page.goto(`${base}/?country=KOREA`);
    await page.waitForSelector('.error');
    expect(await page.locator('.error').first().textContent()).toContain('country');
    await page.close();
  });
});
