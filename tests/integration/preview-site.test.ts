import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteFiles } from '../../src/output/site.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { DIGEST, FEATURE, rawGet, tempRoot } from '../helpers/preview.js';

// The preview shows the public site of the root as `gazette build` would write it: the archive
// (index.html), feed.xml and the pages they link to, under /archive/, linked from every page.

let root: string;
let cleanup: () => Promise<void>;
let server: PreviewServer;

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot('gazette-preview-site-'));
  server = await startPreview({ root, port: 0, watch: false });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const get = (p: string) => fetch(new URL(p, server.url), { redirect: 'manual' });

/** What `gazette build` would write for the site, from a fresh build of the root. */
async function built(): Promise<Map<string, string>> {
  const result = await buildIssue({ root });
  const files = await siteFiles(result.content!, result.issues);
  return new Map(files.map((f) => [f.path, String(f.contents)]));
}

describe('preview: the archive and the feed of the current root', () => {
  it('links to them from the issue list and from each issue page', async () => {
    for (const page of ['/', `/issues/${DIGEST}/`]) {
      const html = await (await get(page)).text();
      expect(html).toContain('<a href="/archive/">Archive</a>');
      expect(html).toContain('<a href="/archive/feed.xml">Feed</a>');
    }
  });

  it('serves the archive index and feed.xml exactly as the build makes them', async () => {
    const site = await built();
    const index = await get('/archive/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await index.text();
    expect(html).toBe(site.get('index.html'));
    expect(html).toContain(`href="issues/${DIGEST}/"`);
    expect(html).toContain('href="feed.xml"');

    const feed = await get('/archive/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await feed.text();
    expect(xml).toBe(site.get('feed.xml'));
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(xml.match(/<entry>/g)).toHaveLength(2);
  });

  it("follows the archive's relative links to the web versions, with images from the preview", async () => {
    const page = await get(`/archive/issues/${FEATURE}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html');
    expect(html).not.toContain('https://www.thegazelle.org/assets/');
    expect((await get(`/archive/issues/${FEATURE}`)).headers.get('location')).toBe(`/archive/issues/${FEATURE}/`);
    expect((await get('/archive')).headers.get('location')).toBe('/archive/');
    expect((await get('/feed.xml')).headers.get('location')).toBe('/archive/feed.xml');
  });

  it('shows the current root: a changed issue title is in the archive and the feed after the rebuild', async () => {
    const file = path.join(root, `content/issues/${DIGEST}.md`);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^title: .*$/m, 'title: "Renamed for the archive test"'));
    await server.session.rebuild();
    expect(await (await get('/archive/')).text()).toContain('Renamed for the archive test');
    expect(await (await get('/archive/feed.xml')).text()).toContain('Renamed for the archive test');
    await writeFile(file, text);
    await server.session.rebuild();
  });

  it('never serves a path outside the site', async () => {
    for (const p of [
      '/archive/../content/publication.yml',
      '/archive/%2e%2e/content/publication.yml',
      '/archive/issues/%2F/',
      '/archive/.env',
      '/archive/nope.html',
    ])
      expect((await rawGet(server.url, p)).status, p).toBe(404);
  });
});
