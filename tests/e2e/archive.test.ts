// The archive and the web versions as a reader sees them through `gazette serve`'s handler:
// relative links between them work, and both fit a phone screen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { servedSample, type Served } from '../helpers/http.js';

let served: Served;
let browser: Browser;

beforeAll(async () => {
  served = await servedSample();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe('archive and web versions, on a phone', () => {
  it('go from the archive to an issue and back, with no horizontal scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    // The pages load images from the publication's site; keep the test offline.
    await context.route(/^https:/, (route) => route.abort());
    const page = await context.newPage();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    try {
      await page.goto(`${served.url}/`);
      expect(await page.title()).toBe('The Gazelle: newsletter archive');
      expect(await overflow()).toBeLessThanOrEqual(0);
      const titles = await page.locator('li h2').allTextContents();
      expect(titles).toEqual([
        'This week: Kazakhstan, a winter arts festival and finals',
        'Kazakhstan joins the Abraham Accords: what it means',
      ]);

      await page.locator('li h2 a').first().click();
      await page.waitForURL(`${served.url}/issues/weekly-digest-2025-11-21/`);
      expect(await page.title()).toBe('This week: Kazakhstan, a winter arts festival and finals | The Gazelle');
      expect(await overflow()).toBeLessThanOrEqual(0);
      const feedHref = await page.locator('nav a', { hasText: 'Feed' }).evaluate((a) => (a as HTMLAnchorElement).href);
      expect(feedHref).toBe(`${served.url}/feed.xml`);
      expect((await page.request.get(feedHref)).headers()['content-type']).toContain('application/atom+xml');

      await page.locator('nav a', { hasText: 'All issues' }).click();
      await page.waitForURL(`${served.url}/`);
      expect(await page.locator('h1').textContent()).toBe('The Gazelle');
    } finally {
      await context.close();
    }
  });
});
