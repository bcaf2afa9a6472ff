import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/load/index.js';
import { buildSite, sampleRoot } from '../helpers/site.js';

let root: string;
let cleanup: () => Promise<void>;
const SITE = 'https://www.thegazelle.org';
// Answered by `gazette serve`, not a file (publication.unsubscribeUrl).
const ENDPOINTS = new Set([`${SITE}/newsletter/unsubscribe`]);

// Pages an article's own front-matter `url` names: the publication's, not Gazette's to make.
let declared: Set<string>;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await buildSite(root);
  const { content } = await loadContent(root);
  declared = new Set([...content!.articles.values()].flatMap((a) => (a.url ? [a.url] : [])));
  expect(declared.size).toBeGreaterThan(0);
});
afterAll(() => cleanup());

const dist = (p: string) => path.join(root, 'dist', p);
const read = (p: string) => readFile(dist(p), 'utf8');
const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** Where a link under publication.url lands in dist/, as a static host serves it. */
function fileFor(href: string): string {
  const rel = decodeURIComponent(new URL(href).pathname).replace(/^\//, '');
  return dist(rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel);
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

describe('article pages', () => {
  it('every link and image of the sample emails is a file in dist/, an endpoint, a merge tag or external', async () => {
    const missing: string[] = [];
    let internal = 0;
    for (const slug of ['weekly-digest-2025-11-21', 'kazakhstan-abraham-accords']) {
      for (const href of hrefs(await read(`${slug}/email.html`))) {
        if (href.startsWith('{{') || href.startsWith('mailto:') || ENDPOINTS.has(href) || declared.has(href)) continue;
        if (!href.startsWith(`${SITE}/`) && href !== SITE) continue; // external
        internal++;
        if (!(await isFile(fileFor(href)))) missing.push(`${slug}: ${href}`);
      }
    }
    expect(missing).toEqual([]);
    expect(internal).toBeGreaterThan(5);
  });

  it('are written for articles without their own url, in the theme, listing the issues that carry them', async () => {
    const html = await read('articles/finals-week-slow-down/index.html');
    expect(html).toContain('<link rel="canonical" href="https://www.thegazelle.org/articles/finals-week-slow-down/">');
    expect(html).toMatch(/<title>[^<]+\| The Gazelle<\/title>/);
    expect(html).toContain('#8a1c2b'); // the theme's accent
    expect(html).toContain('href="../../issues/weekly-digest-2025-11-21/index.html"');
    expect(html).toContain('href="../../index.html"');
    expect(html).not.toContain('Unsubscribe');
    expect(html).not.toContain('{{');
    // Articles with a url of their own link there instead; Gazette writes no page for them.
    expect(await isFile(dist('articles/kazakhstan-joins-abraham-accords/index.html'))).toBe(false);
  });

  it('are where the feed links', async () => {
    const feed = await read('feed.xml');
    const links = [...feed.matchAll(/href=(?:"|&quot;)(https:\/\/www\.thegazelle\.org\/articles\/[^"&]+)/g)].map(
      (m) => m[1]!,
    );
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(await isFile(fileFor(l)), l).toBe(true);
  });
});
